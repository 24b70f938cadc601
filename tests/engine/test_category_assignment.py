"""Categories by meaning: ``rank`` with fake similarities, and the labelled set's precision and recall with MiniLM."""

from __future__ import annotations

import numpy as np
import pytest

from recallr.engine.formation.categories import CUTOFF, category_text, rank
from recallr.language.categories import DEFAULT_CATEGORIES, Category

from ..conftest import shared_embedder
from .category_labels import (
    DEFAULT_SET,
    HELD_OUT,
    PROJECTS,
    TUNING,
    custom_only,
    in_project_order,
    lexicon,
    score,
    with_meaning,
)

CATS = (Category("work", "Job."), Category("garden", "Plants the user grows."), Category("other", "Anything else."))


def sims(**by_name: float) -> np.ndarray:
    return np.array([by_name.get(c.name, 0.0) for c in CATS])


def test_without_meaning_the_lexicon_order_stands() -> None:
    assert rank(["work", "garden"], sims(), CATS) == ("work", "garden")


def test_a_custom_category_close_in_meaning_joins_the_lexicons_choice() -> None:
    assert rank(["work"], sims(garden=0.5), CATS) == ("garden", "work")


def test_meaning_alone_files_what_the_lexicon_could_not() -> None:
    assert rank(["other"], sims(garden=0.5), CATS) == ("garden",)


def test_what_every_category_shares_does_not_count() -> None:
    """Centred: a memory equally close to every description has no category by meaning."""
    assert rank(["other"], np.full(len(CATS), 0.6), CATS) == ("other",)


def test_nothing_at_all_is_other_or_the_first_category() -> None:
    assert rank([], sims(), CATS) == ("other",)
    assert rank([], np.zeros(2), CATS[:2]) == ("work",)


def test_at_most_three_and_none_far_behind_the_best() -> None:
    cats = tuple(Category(f"c{i}", "x") for i in range(6))
    found = rank(["c0", "c1", "c2"], np.array([0.0, 0.0, 0.0, 0.9, 0.9, 0.9]), cats)
    assert len(found) == 3 and set(found) == {"c3", "c4", "c5"}
    weak = rank(["c0", "c1", "c2"], np.zeros(6), cats)
    assert weak == ("c0", "c1", "c2")  # the third place (0.6) is within CUTOFF of the first (1.0)
    assert CUTOFF <= 0.6


def test_a_reworded_default_category_is_still_a_default() -> None:
    """Only custom categories get the custom boost; a default keeps the default threshold whatever its wording."""
    edited = (Category("work", "Anything about the user's job, edited."), *CATS[1:])
    assert rank(["other"], np.array([0.3, 0.0, 0.0]), edited) == ("work",)
    assert rank(["other"], np.array([0.3, 0.0, 0.0]), (Category("jobs", "x"), *CATS[1:])) == ("jobs",)


def test_category_text_names_the_category_in_words() -> None:
    assert category_text(Category("kids_school", "School things.")) == "kids school: School things."


# --- the labelled set (tests/engine/category_labels.py) ----------------------------------------------------

@pytest.fixture(scope="module")
def meaning() -> object:
    return with_meaning(shared_embedder().embed)


def test_the_labelled_set_is_big_enough() -> None:
    assert len(DEFAULT_SET) >= 80 and len(TUNING) + len(HELD_OUT) >= 10
    names = {c.name for c in DEFAULT_CATEGORIES}
    assert all(item.must <= names for item in DEFAULT_SET)
    assert {c.name for c in DEFAULT_CATEGORIES} - {"other"} <= {n for item in DEFAULT_SET for n in item.must}


@pytest.mark.parametrize("project", list(PROJECTS))
def test_meaning_beats_the_lexicon_alone(meaning: object, project: str) -> None:
    categories, items = PROJECTS[project]
    cats = in_project_order(categories)
    before, after = score(lexicon, items, cats), score(meaning, items, cats)  # type: ignore[arg-type]
    assert after.recall >= before.recall + 0.08, (before, after)  # measured: +0.09 to +0.18
    assert after.precision >= before.precision - 0.05, (before, after)  # measured: -0.04 to +0.04
    assert after.precision >= 0.70 and after.recall >= 0.72, after


@pytest.mark.parametrize("customs", [pytest.param(TUNING, id="tuning"), pytest.param(HELD_OUT, id="held-out")])
def test_custom_categories_are_found_by_their_description(meaning: object, customs: tuple[Category, ...]) -> None:
    cats = in_project_order(DEFAULT_CATEGORIES + customs)
    items = custom_only(PROJECTS["defaults"][1], cats)
    found = score(meaning, items, cats)  # type: ignore[arg-type]
    assert found.recall >= 0.8 and found.precision >= 0.75, found
