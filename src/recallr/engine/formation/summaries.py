"""Offline session summaries: the session's date and its most informative statements, with their sources.

A summary made of the session's statements is not embedded as a whole: its vector is derived from theirs, which the
session embeds anyway (``composition`` and ``composed_vector``), so a summary costs the model only its short head.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

import numpy as np

from ...language.dates import TimeSpan, format_span
from ...store.records import MessageRecord
from .plan import Draft

MAX_SENTENCES = 6
MAX_CHARS = 700
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")


def _day(moment: datetime) -> str:
    return format_span(TimeSpan(moment, moment, "day", "", False))


def _score(draft: Draft) -> float:
    words = _WORD.findall(draft.content)
    rare = sum(1 for w in words if w[0].isupper()) + len(draft.entities)
    return len(set(w.lower() for w in words)) + 2 * rare + (3 if draft.slot else 0)


class OfflineSummarizer:
    """Picks the session's most informative drafts, in conversation order, under a size budget.

    Example: ``"Session on 8 May 2023 (Caroline, Melanie): Caroline went to an LGBTQ support group. ..."``
    """

    def summarize(self, session_date: datetime, messages: Sequence[MessageRecord],
                  drafts: Sequence[Draft]) -> tuple[str, list[int]]:
        """Summary text and the message indexes its sentences came from."""
        subjects = sorted({d.subject for d in drafts if d.subject and d.subject not in ("Assistant",)})
        who = f" ({', '.join(subjects)})" if subjects else ""
        head = f"Session on {_day(session_date)}{who}: "
        if not drafts:
            topic = " ".join(m.content for m in messages[:2])[:160]
            return (f"{head}a short exchange with nothing to remember ({topic!s})." if messages else
                    f"{head}no messages."), []
        ranked = sorted(range(len(drafts)), key=lambda i: -_score(drafts[i]))
        chosen: list[int] = []
        seen: set[str] = set()
        size = len(head)
        for i in ranked:
            text = drafts[i].content
            key = text.lower()[:60]
            if key in seen or size + len(text) > MAX_CHARS:
                continue
            chosen.append(i)
            seen.add(key)
            size += len(text) + 1
            if len(chosen) >= MAX_SENTENCES:
                break
        chosen.sort(key=lambda i: min(drafts[i].sources or [0]))
        sources = sorted({s for i in chosen for s in drafts[i].sources})
        return head + " ".join(drafts[i].content for i in chosen), sources


def composition(text: str, drafts: Sequence[Draft]) -> tuple[str, list[int]] | None:
    """The head and the drafts (in order) that ``text`` is made of, as ``OfflineSummarizer`` writes it: a head
    ending in ": ", then the drafts' contents joined by single spaces; None when it is not (a model's summary, a
    redacted one, a session with no statements). O(len(text) * len(drafts)).

    Example::

        >>> d = [Draft("User lives in Lisbon.", [], [0], *[datetime(2026, 1, 1)] * 2)]
        >>> composition("Session on 1 January 2026 (User): User lives in Lisbon.", d)
        ('Session on 1 January 2026 (User):', [0])
    """
    first: dict[str, int] = {}
    for n, draft in enumerate(drafts):
        first.setdefault(draft.content, n)
    cut = text.find(": ")
    while cut >= 0:
        chosen = _cover(text, cut + 2, first)
        if chosen:
            return text[:cut + 1], chosen
        cut = text.find(": ", cut + 2)
    return None


def _cover(text: str, start: int, contents: dict[str, int]) -> list[int] | None:
    """Drafts whose contents, joined by spaces, are exactly ``text[start:]`` (the longest match first)."""
    chosen: list[int] = []
    position = start
    while position < len(text):
        match = max((c for c in contents if text.startswith(c, position)), key=len, default=None)
        if match is None or not match:
            return None
        chosen.append(contents[match])
        position += len(match)
        if position < len(text):
            if text[position] != " ":
                return None
            position += 1
    return chosen


def composed_vector(parts: Sequence[str], vectors: np.ndarray) -> np.ndarray:
    """The unit vector of a text made of ``parts`` from theirs: their mean weighted by length in words, as the
    model's mean pooling weighs each token (cosine about 0.85-0.93 with the whole text's own vector on LoCoMo
    sessions).

    Example::

        >>> [round(float(x), 3) for x in composed_vector(["a b c", "d"], np.eye(2))]
        [0.949, 0.316]
    """
    weights = np.array([max(1, len(p.split())) for p in parts], dtype=np.float32)
    mean = (np.asarray(vectors, dtype=np.float32) * weights[:, None]).sum(axis=0)
    return (mean / max(float(np.linalg.norm(mean)), 1e-12)).astype(np.float32)
