"""Offline consolidation: is a draft new, a repeat, the next version of a fact, or a contradiction?

Rules (each draft against the user's current memories, including those this session just added):

* the same statement again (same text, or cosine >= ``DUPLICATE_COSINE`` with the same polarity) is a
  **repeat**: no new memory, its sources join the existing one;
* the same single-valued fact (same subject and slot, e.g. ``user:home``) with a different value is an
  **update** when the conversation settles it ("moved", "now", "no longer", a new favourite, a count that
  grew); otherwise a **conflict** when merge conflicts are enabled for the user, and an update
  ("newer wins") when they are not;
* anything else is **added**.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from ..store.memories import MemoryRecord
from .drafts import Decision, Draft

DUPLICATE_COSINE = 0.93
_WORDS = re.compile(r"[a-z0-9]+")


def normalise(text: str) -> str:
    return " ".join(_WORDS.findall(text.lower()))


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _settled(draft: Draft, old: MemoryRecord) -> bool:
    """Whether the conversation itself says the old value no longer holds: a change marker, or a count that grew."""
    if draft.change_marker:
        return True
    new, previous = _number(draft.value), _number(old.value)
    return "count" in (draft.slot or "") and new is not None and previous is not None and new > previous


class OfflineConsolidator:
    """Rule-based consolidation (no LLM). ``decide`` is pure; see the module docstring for the rules."""

    def decide(self, draft: Draft, current: Sequence[MemoryRecord], *, conflicts_enabled: bool) -> Decision:
        duplicate = self._duplicate(draft, current)
        if duplicate is not None:
            return Decision("repeat", duplicate, "same statement")
        if draft.slot:
            same_slot = [m for m in current if m.slot == draft.slot and (m.subject or "") == (draft.subject or "")]
            if same_slot:
                old = same_slot[-1]
                if normalise(old.value or "") == normalise(draft.value or "") and old.negated == draft.negated:
                    return Decision("repeat", old, "same value")
                if _settled(draft, old):
                    return Decision("update", old, "UPDATED")
                if conflicts_enabled:
                    return Decision("conflict", old, self._reason(draft, old))
                return Decision("update", old, "CONTRADICTED")
        return Decision("add")

    @staticmethod
    def _duplicate(draft: Draft, current: Sequence[MemoryRecord]) -> MemoryRecord | None:
        text = normalise(draft.content)
        for memory in current:
            if normalise(memory.content) == text:
                return memory
        if draft.embedding is None:
            return None
        best, best_score = None, DUPLICATE_COSINE
        for memory in current:
            if memory.embedding is None or memory.negated != draft.negated:
                continue
            score = float(np.dot(memory.embedding, draft.embedding))
            if score >= best_score and (memory.slot is None or memory.slot == draft.slot):
                best, best_score = memory, score
        return best

    @staticmethod
    def _reason(draft: Draft, old: MemoryRecord) -> str:
        what = (draft.slot or "fact").split(":", 1)[-1].replace("_", " ")
        return (f"The new statement gives {what!s} as '{draft.value}' but the existing memory says '{old.value}', "
                "and the conversation does not say which is current.")
