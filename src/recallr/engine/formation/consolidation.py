"""Offline consolidation: is a draft new, a repeat, the next version of a fact, or a contradiction?

Rules (each draft against the user's current memories, including those this session just added):

* the same statement again (same text, the same words but for wrapping such as "again" or "as I said", or
  cosine >= ``DUPLICATE_COSINE`` with the same polarity) is a **repeat**: no new memory, its sources join
  the existing one;
* the same single-valued fact (same subject and slot, e.g. ``user:home``) with a different value is an
  **update** when the conversation settles it ("moved", "now", "no longer", a new favourite, a count that
  grew, a new value after an ended one); otherwise a **conflict** when merge conflicts are enabled for the
  user, and an update ("newer wins") when they are not;
* the same statement with the other polarity ("User is not allergic to penicillin" after "User is allergic to
  penicillin", "User eats meat again" after "User doesn't eat meat anymore": ``polarity_key``, of the whole
  statement or of its main clause before a comma, or reported: "The test showed User is not ...") is an
  **update**: the user said the old one no longer holds;
* a statement that ends a state ("stopped playing in the band", "quit my job", "sold the boat", "no longer
  eats meat"; :mod:`recallr.language.extraction.endings`) is an **update** of the current fact it ends: same
  subject, an object or activity in common, a relation it can end, and an embedding not far off (cosine >=
  ``ENDED_COSINE``: a reason said with the end, "after my knee injury", keeps it low). The new version is
  negated, keeps the old one's slot and is worded with its detail ("User stopped playing bass in a band
  called The Owls."). An explicit end settles the change, so it never raises a merge conflict, whatever the
  user's setting: the user said the old fact no longer holds;
* anything else is **added**; and when it adds to a count the user gave before ("User added a new coin to their
  collection" after "User has 37 coins in it": :mod:`recallr.language.extraction.increments`), the count gets its
  next version too ("User has 38 coins ..."), dated to the addition (``recount``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from ...language.extraction.ended_text import ended_statement
from ...language.extraction.endings import Ending, ended_by, find_ending, restarts, same_end
from ...language.extraction.increments import increment, raised
from ...language.extraction.repeats import polarity_key, restatement_key
from ...store.memories import MemoryRecord
from .plan import Decision, Draft

DUPLICATE_COSINE = 0.93
RESTATED_COSINE = 0.75  # the same statement with other wrapping ("Again, just so you remember: ...") embeds closer
REPORTED_COSINE = 0.6  # "The test showed User is not allergic to X" and "User is allergic to X"
ENDED_COSINE = 0.3  # an ended state and the fact it ends (sharing an object or activity) embed at least this close
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
    if old.negated and not draft.negated:
        return True  # a new value after an ended one ("User left Acme." -> "User works at Beta.")
    new, previous = _number(draft.value), _number(old.value)
    return "count" in (draft.slot or "") and new is not None and previous is not None and new > previous


class WorkingSet:
    """The user's current memories during one session's consolidation, indexed for the checks above.

    The vectors are kept as one matrix that grows a row at a time (its capacity doubles), so each draft's search is
    one matrix-vector product, not a re-stack of every memory; restatement keys are computed once per memory.
    """

    def __init__(self, memories: Sequence[MemoryRecord]) -> None:
        self.memories: list[MemoryRecord] = []
        self._text: dict[str, MemoryRecord] = {}
        self._polar: dict[tuple[str, tuple[str, ...]], list[MemoryRecord]] = {}
        self._keys: dict[str, tuple[str, tuple[str, ...]]] = {}  # memory id -> restatement key
        self._matrix: np.ndarray | None = None  # rows [:len(self.memories)] are the memories' vectors
        for memory in memories:
            self.add(memory)

    def add(self, memory: MemoryRecord) -> None:
        self.memories.append(memory)
        self._text.setdefault(normalise(memory.content), memory)
        self._polar.setdefault(_polar(memory.subject, memory.content), []).append(memory)
        vector = memory.embedding
        if self._matrix is None and vector is not None and vector.ndim == 1:
            self._matrix = np.zeros((max(16, len(self.memories)), vector.shape[0]), np.float32)
        if self._matrix is None:
            return
        if len(self.memories) > self._matrix.shape[0]:
            self._matrix = np.concatenate([self._matrix, np.zeros_like(self._matrix)])
        row = self._matrix[len(self.memories) - 1]
        row[:] = vector if vector is not None and vector.shape == row.shape else 0.0

    def remove(self, memory: MemoryRecord) -> None:
        index = self.memories.index(memory)
        del self.memories[index]
        if self._matrix is not None:
            self._matrix[index:len(self.memories)] = self._matrix[index + 1:len(self.memories) + 1]
        key = normalise(memory.content)
        if self._text.get(key) is memory:
            del self._text[key]
        same = self._polar.get(_polar(memory.subject, memory.content), [])
        if memory in same:
            same.remove(memory)

    def opposite(self, subject: str | None, text: str, negated: bool) -> MemoryRecord | None:
        """The latest memory that says ``text`` with the other polarity ("User is allergic to penicillin" for "User
        is not allergic to penicillin")."""
        found = [m for m in self._polar.get(_polar(subject, text), []) if m.negated != negated]
        return found[-1] if found else None

    def same_text(self, text: str) -> MemoryRecord | None:
        return self._text.get(normalise(text))

    def restated(self, subject: str | None, text: str, vector: np.ndarray | None) -> MemoryRecord | None:
        """A memory that says ``text`` with other wrapping ("Again, ...", "as I said", "really"): among the memories
        at cosine >= ``RESTATED_COSINE`` (all of them when there is no vector), so large users cost no more."""
        key = _key(subject, text)
        near = self.similar(vector, RESTATED_COSINE) if vector is not None else [(m, 0.0) for m in self.memories]
        return next((m for m, _ in near if self._key_of(m) == key), None)

    def _key_of(self, memory: MemoryRecord) -> tuple[str, tuple[str, ...]]:
        key = self._keys.get(memory.id)
        if key is None:
            key = self._keys[memory.id] = _key(memory.subject, memory.content)
        return key

    def same_slot(self, subject: str | None, slot: str) -> list[MemoryRecord]:
        return [m for m in self.memories if m.slot == slot and (m.subject or "") == (subject or "")]

    def similar(self, vector: np.ndarray, threshold: float) -> list[tuple[MemoryRecord, float]]:
        """Memories with cosine >= threshold, best first."""
        if not self.memories or self._matrix is None or self._matrix.shape[1] != vector.shape[0]:
            return []
        scores = self._matrix[:len(self.memories)] @ vector
        hits = np.flatnonzero(scores >= threshold)
        return sorted(((self.memories[i], float(scores[i])) for i in hits), key=lambda h: -h[1])


def recount(draft: Draft, current: WorkingSet) -> tuple[MemoryRecord, str] | None:
    """The current memory holding a count that ``draft`` adds to, and its wording with the count raised.

    Example::

        recount(Draft("User added a new coin to their collection.", ...), working)
        # -> (<"User has 37 coins in their collection.">, "User has 38 coins in their collection.")
    """
    added = increment(draft.content)
    if added is None or (draft.subject or "User").lower() != added.subject.lower():
        return None
    for memory in reversed(current.memories):
        if memory.negated or (memory.subject or "User").lower() != added.subject.lower():
            continue
        text = raised(memory.content, added)
        if text is not None:
            return memory, text
    return None


def _polar(subject: str | None, text: str) -> tuple[str, tuple[str, ...]]:
    return (subject or "").lower(), polarity_key(text)


def _key(subject: str | None, text: str) -> tuple[str, tuple[str, ...]]:
    return (subject or "").lower(), restatement_key(text)


class OfflineConsolidator:
    """Rule-based consolidation (no LLM). ``decide`` is pure; see the module docstring for the rules."""

    def decide(self, draft: Draft, current: WorkingSet, *, conflicts_enabled: bool) -> Decision:
        ending = find_ending(draft.content, draft.subject or "User")
        duplicate = self._duplicate(draft, current, ending)
        if duplicate is not None:
            return Decision("repeat", duplicate, "same statement")
        if draft.slot:
            same_slot = current.same_slot(draft.subject, draft.slot)
            if same_slot:
                old = same_slot[-1]
                if normalise(old.value or "") == normalise(draft.value or "") and old.negated == draft.negated:
                    return Decision("repeat", old, "same value")
                if _settled(draft, old) or ending is not None:
                    return Decision("update", old, "UPDATED")
                if conflicts_enabled:
                    return Decision("conflict", old, self._reason(draft, old))
                return Decision("update", old, "CONTRADICTED")
        head = draft.content.split(",", 1)[0]  # "User is not allergic to X after all, the test came back clean"
        opposite = current.opposite(draft.subject, draft.content, draft.negated) or (
            current.opposite(draft.subject, head, draft.negated) if head != draft.content else None
        ) or self._reported_opposite(draft, current)
        if opposite is not None:  # "User is not allergic to penicillin" after "User is allergic to penicillin"
            return Decision("update", opposite, "UPDATED")
        if ending is not None:
            return self._ended(draft, current, ending) or Decision("add")
        if restarts(draft.content):
            return self._restarted(draft, current) or Decision("add")
        return Decision("add")

    @staticmethod
    def _duplicate(draft: Draft, current: WorkingSet, ending: Ending | None) -> MemoryRecord | None:
        exact = current.same_text(draft.content) or current.restated(draft.subject, draft.content, draft.embedding)
        if exact is not None or draft.embedding is None:
            return exact
        subject = draft.subject or "User"
        for memory, _ in current.similar(draft.embedding, DUPLICATE_COSINE):
            # a single-valued fact (a slot) is left to the slot rules below: "two cats" and "three cats" embed
            # alike but are different values; an ended state said again is a repeat of its stored (negated) version
            same = memory.negated == draft.negated or (
                ending is not None and find_ending(memory.content, subject) is not None)
            if same and memory.slot is None:
                return memory
        return None

    @staticmethod
    def _reported_opposite(draft: Draft, current: WorkingSet) -> MemoryRecord | None:
        """A close memory whose opposite ``draft`` reports ("The test showed User is not allergic to penicillin")."""
        if draft.embedding is None:
            return None
        key = polarity_key(draft.content)
        for memory, _ in current.similar(draft.embedding, REPORTED_COSINE):
            theirs = polarity_key(memory.content)
            if memory.negated != draft.negated and (memory.subject or "").lower() == (draft.subject or "").lower() \
                    and len(theirs) >= 3 and key[-len(theirs):] == theirs:
                return memory
        return None

    @staticmethod
    def _ended(draft: Draft, current: WorkingSet, ending: Ending) -> Decision | None:
        """The update that ``draft`` (an ended state) makes to the current fact it ends, if one does."""
        subject = draft.subject or "User"
        floor = ENDED_COSINE
        best: tuple[tuple[int, float], MemoryRecord] | None = None
        near = current.similar(draft.embedding, floor) if draft.embedding is not None else [
            (m, None) for m in current.memories]
        for memory, cosine in near:
            if (memory.subject or "").lower() != subject.lower():
                continue
            earlier = find_ending(memory.content, subject)
            if earlier is not None:  # an end said again is a repeat of it
                if same_end(ending, earlier):
                    return Decision("repeat", memory, "same end")
                continue
            if memory.negated:
                continue
            strength = ended_by(ending, memory.content, subject, memory.slot)
            if strength > 0 and (best is None or (strength, cosine or 0.0) > best[0]):
                best = (strength, cosine or 0.0), memory
        if best is None:
            return None
        target = best[1]
        content = ended_statement(draft.content, ending, target.content, subject)
        return Decision("update", target, "UPDATED", content=None if content == draft.content else content,
                        ended=True)

    @staticmethod
    def _restarted(draft: Draft, current: WorkingSet) -> Decision | None:
        """"User started playing in the band again" after "User stopped playing bass in The Owls": the next version."""
        subject = draft.subject or "User"
        near = current.similar(draft.embedding, ENDED_COSINE) if draft.embedding is not None else [
            (m, 0.0) for m in current.memories]
        for memory, _ in near:
            earlier = find_ending(memory.content, subject) if (memory.subject or "").lower() == subject.lower() \
                else None
            if earlier is not None and ended_by(earlier, draft.content, subject) > 0:
                return Decision("update", memory, "UPDATED")
        return None

    @staticmethod
    def _reason(draft: Draft, old: MemoryRecord) -> str:
        what = (draft.slot or "fact").split(":", 1)[-1].replace("_", " ")
        return (f"The new statement gives {what!s} as '{draft.value}' but the existing memory says '{old.value}', "
                "and the conversation does not say which is current.")
