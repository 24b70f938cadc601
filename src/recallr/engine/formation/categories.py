"""Categories by meaning: the lexicon's choice refined by how close a memory is to each category's description.

The offline extractor files a statement with the keyword lexicon of :mod:`recallr.language.categories`, which knows
the default categories well and a custom one only by its name's concept and its description's words. Here, once the
session's memories are embedded, each memory is also compared with every category of the project: the category's
name and description (``"home projects: Repairs, renovations and DIY jobs around the user's home."``), embedded once
per text, so a renamed or re-described category is embedded again and nothing else is. A custom category then works
without code: "User is retiling the bathroom floor." lands in ``home_projects`` though no word of it is in the
description.

``rank`` combines both signals (pure; unit-tested with fake similarities). Each category scores

* its place in the lexicon's choice (1.0, 0.8, 0.6 for the first three; "other" counts nothing), plus
* ``WEIGHT * max(0, centred - threshold)``: ``centred`` is the memory's cosine with the category minus its mean
  cosine with all the project's categories (what every description shares, "the user", stops counting); the
  threshold is ``THRESHOLD`` for a default category, ``CUSTOM_THRESHOLD`` for a custom one, whose meaning counts
  ``CUSTOM_BOOST`` times (the project's own choice, and the lexicon hardly knows it);

and the memory keeps up to three categories, best first, that score at least ``CUTOFF`` times the best; "other" when
none scores. A custom category that is the nearest in meaning of all the project's categories (centred cosine at
least ``CLOSEST_FLOOR``) is always kept: the project made it for exactly such memories.

The constants were chosen on the labelled set of ``tests/engine/category_labels.py`` (159 memory statements over the
default categories and ten custom ones), under the category expectations of the existing tests; fitted on five custom
categories, they did as well on the other five (figures in the README, "Categories").
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import numpy as np

from ...embedding import Embedder
from ...language.categories import DEFAULT_CATEGORIES, Category
from ..processing.pipeline import SessionEmbeddings
from .plan import Draft

__all__ = ["CategoryMeaning", "category_text", "rank"]

WEIGHT = 3.0
THRESHOLD = 0.10
CUSTOM_THRESHOLD = 0.10
CUSTOM_BOOST = 2.0
CUTOFF = 0.3
CLOSEST_FLOOR = 0.08
_PLACES = (1.0, 0.8, 0.6)  # the lexicon's first, second and third choice
_DEFAULT_NAMES = frozenset(c.name for c in DEFAULT_CATEGORIES)  # a default re-described is still a default
# Who said it, not what it is about: "User is diabetic" may sit near "information the assistant gave" in meaning,
# but a user's statement is filed there only by the lexicon ("User plans to try X, as Assistant recommended").
_LEXICAL_ONLY = frozenset({"assistant_recommendations"})


def category_text(category: Category) -> str:
    """What is embedded for a category: its name in words, then its description.

    Example::

        >>> category_text(Category("home_projects", "Repairs and DIY jobs around the user's home."))
        "home projects: Repairs and DIY jobs around the user's home."
    """
    return f"{category.name.replace('_', ' ')}: {category.description}"


def rank(lexical: Sequence[str], similarities: np.ndarray, categories: Sequence[Category], *,
         assistant: bool = True) -> tuple[str, ...]:
    """One to three category names, best first, from the lexicon's choice and a memory's cosine with each category.

    ``lexical`` is the lexicon's choice (best first, names of ``categories``); ``similarities[i]`` the memory's
    cosine with ``category_text(categories[i])``; ``assistant``: the statement is the assistant's (else
    ``assistant_recommendations`` is only the lexicon's to give). O(len(categories)).

    Example::

        >>> cats = [Category("work", "Job."), Category("garden", "Plants the user grows."), Category("other", "Else.")]
        >>> rank(["work"], np.array([0.1, 0.1, 0.1]), cats), rank(["other"], np.array([0.0, 0.5, 0.1]), cats)
        (('work',), ('garden',))
    """
    names = [c.name for c in categories]
    scores = np.zeros(len(categories))
    places = [n for n in lexical if n != "other" and n in names]
    for place, name in zip(_PLACES, places, strict=False):
        scores[names.index(name)] += place
    closest = None
    if len(categories) > 1:
        custom = np.array([c.name not in _DEFAULT_NAMES for c in categories])
        centred = similarities - float(np.mean(similarities))
        threshold = np.where(custom, CUSTOM_THRESHOLD, THRESHOLD)
        scores += WEIGHT * np.maximum(0.0, centred - threshold) * np.where(custom, CUSTOM_BOOST, 1.0)
        nearest = int(np.argmax(centred))
        if custom[nearest] and centred[nearest] >= CLOSEST_FLOOR:
            closest = nearest
    barred = {"other"} | (set() if assistant else set(_LEXICAL_ONLY) - set(places))
    for name in barred & set(names):
        scores[names.index(name)] = 0.0
    if closest is not None and names[closest] in barred:
        closest = None
    best = float(scores.max(initial=0.0))
    if closest is not None:  # the project's own category nearest of all in meaning: kept beside the lexicon's choice
        scores[closest] = max(scores[closest], CUTOFF * best, 1e-9)
        best = float(scores.max())
    if best <= 0.0:
        return ("other",) if "other" in names else (names[0],)
    order = sorted(range(len(names)), key=lambda i: (-scores[i], i))[:3]
    return tuple(names[i] for i in order if scores[i] > 0.0 and scores[i] >= CUTOFF * best)


class CategoryMeaning:
    """Refines the categories of drafts filed by the lexicon, by meaning; keeps each category text's vector.

    The vectors are cached per embedder and text for the life of the engine's pipeline (one project's categories
    are embedded once, not once per session); they are made with the session's other texts when first needed.
    """

    def __init__(self) -> None:
        self._vectors: dict[tuple[str, str], np.ndarray] = {}
        self._lock = threading.Lock()

    def want(self, categories: Sequence[Category], embeddings: SessionEmbeddings) -> None:
        """Ask for the category texts not embedded yet, to be embedded with the session's next batch."""
        name = embeddings.embedder().name
        with self._lock:
            missing = [t for t in map(category_text, categories) if (name, t) not in self._vectors]
        embeddings.want(missing)

    def matrix(self, categories: Sequence[Category], embeddings: SessionEmbeddings) -> np.ndarray:
        """One row per category: its text's vector."""
        embedder: Callable[[], Embedder] = embeddings.embedder
        name = embedder().name
        texts = [category_text(c) for c in categories]
        with self._lock:
            missing = [t for t in texts if (name, t) not in self._vectors]
        if missing:
            fresh = embeddings.vectors(missing)
            with self._lock:
                self._vectors.update({(name, t): v for t, v in zip(missing, fresh, strict=True)})
        with self._lock:
            return np.stack([self._vectors[(name, t)] for t in texts])

    def assign(self, drafts: Sequence[Draft], categories: Sequence[Category], embeddings: SessionEmbeddings) -> None:
        """Re-rank the categories of each embedded draft the lexicon filed (``Draft.lexical_categories``)."""
        todo = [d for d in drafts if d.lexical_categories and d.embedding is not None]
        if not todo or not categories:
            return
        matrix = self.matrix(categories, embeddings)
        similarities = np.stack([d.embedding for d in todo if d.embedding is not None]) @ matrix.T
        for draft, row in zip(todo, similarities, strict=True):
            draft.categories = list(rank(draft.categories, row, categories, assistant=_said_by_assistant(draft)))


def _said_by_assistant(draft: Draft) -> bool:
    return (draft.subject or "").lower() == "assistant" or draft.content.startswith("Assistant ")
