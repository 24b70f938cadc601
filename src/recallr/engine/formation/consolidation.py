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

from ...store.memories import MemoryRecord
from .plan import Decision, Draft

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


class WorkingSet:
    """The user's current memories during one session's consolidation, indexed for the checks above."""

    def __init__(self, memories: Sequence[MemoryRecord]) -> None:
        self.memories: list[MemoryRecord] = []
        self._text: dict[str, MemoryRecord] = {}
        self._vectors: list[np.ndarray] = []
        self._matrix: np.ndarray | None = None
        for memory in memories:
            self.add(memory)

    def add(self, memory: MemoryRecord) -> None:
        self.memories.append(memory)
        self._text.setdefault(normalise(memory.content), memory)
        self._vectors.append(memory.embedding if memory.embedding is not None else np.zeros(0, np.float32))
        self._matrix = None

    def remove(self, memory: MemoryRecord) -> None:
        index = self.memories.index(memory)
        del self.memories[index]
        del self._vectors[index]
        self._matrix = None
        key = normalise(memory.content)
        if self._text.get(key) is memory:
            del self._text[key]

    def same_text(self, text: str) -> MemoryRecord | None:
        return self._text.get(normalise(text))

    def same_slot(self, subject: str | None, slot: str) -> list[MemoryRecord]:
        return [m for m in self.memories if m.slot == slot and (m.subject or "") == (subject or "")]

    def similar(self, vector: np.ndarray, threshold: float) -> list[tuple[MemoryRecord, float]]:
        """Memories with cosine >= threshold, best first."""
        if not self.memories:
            return []
        if self._matrix is None:
            dim = vector.shape[0]
            self._matrix = np.stack([v if v.shape == (dim,) else np.zeros(dim, np.float32) for v in self._vectors])
        scores = self._matrix @ vector
        hits = np.flatnonzero(scores >= threshold)
        return sorted(((self.memories[i], float(scores[i])) for i in hits), key=lambda h: -h[1])


class OfflineConsolidator:
    """Rule-based consolidation (no LLM). ``decide`` is pure; see the module docstring for the rules."""

    def decide(self, draft: Draft, current: WorkingSet, *, conflicts_enabled: bool) -> Decision:
        duplicate = self._duplicate(draft, current)
        if duplicate is not None:
            return Decision("repeat", duplicate, "same statement")
        if draft.slot:
            same_slot = current.same_slot(draft.subject, draft.slot)
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
    def _duplicate(draft: Draft, current: WorkingSet) -> MemoryRecord | None:
        exact = current.same_text(draft.content)
        if exact is not None or draft.embedding is None:
            return exact
        for memory, _ in current.similar(draft.embedding, DUPLICATE_COSINE):
            # a single-valued fact (a slot) is left to the slot rules below: "two cats" and "three cats" embed
            # alike but are different values
            if memory.negated == draft.negated and memory.slot is None:
                return memory
        return None

    @staticmethod
    def _reason(draft: Draft, old: MemoryRecord) -> str:
        what = (draft.slot or "fact").split(":", 1)[-1].replace("_", " ")
        return (f"The new statement gives {what!s} as '{draft.value}' but the existing memory says '{old.value}', "
                "and the conversation does not say which is current.")
