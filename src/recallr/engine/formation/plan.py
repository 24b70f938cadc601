"""The data passed between memory-formation steps: drafts, decisions, and the plan a session writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

import numpy as np

from ...store.memories import MemoryRecord, Source
from ...store.proposals import ProposedMemory
from ...store.summaries import SummaryRecord

__all__ = ["BOTH", "Action", "ConflictDraft", "Decision", "Draft", "FormationPlan", "ProposedMemory"]

#: The merge-conflict option that keeps both statements.
BOTH = "Both are true"


@dataclass
class Draft:
    """A statement to remember, dated and embedded, before consolidation."""

    content: str
    categories: list[str]
    sources: list[int]  # message indexes in the session being processed
    event_start: datetime
    event_end: datetime
    subject: str | None = None
    slot: str | None = None
    value: str | None = None
    entities: list[str] = field(default_factory=list)
    change_marker: bool = False
    negated: bool = False
    embedding: np.ndarray | None = None
    lexical_categories: bool = False  # filed by the keyword lexicon: refined by meaning once embedded (categories.py)


Action = Literal["add", "repeat", "update", "conflict", "ignore"]


@dataclass(frozen=True)
class Decision:
    """What consolidation does with a draft: ``target`` is the current memory it repeats, updates or contradicts.

    ``ended``: the draft ends the target's state ("User sold the boat"); the new version is a negated fact that
    keeps the target's slot, worded as ``content`` when that keeps the target's detail.
    """

    action: Action
    target: MemoryRecord | None = None
    reason: str = ""
    content: str | None = None
    ended: bool = False


@dataclass
class ConflictDraft:
    id: str
    proposed: ProposedMemory
    conflicting: list[dict[str, Any]]
    questions: list[dict[str, Any]]


@dataclass
class FormationPlan:
    """Everything one session's processing writes, applied in a single transaction."""

    new_memories: list[tuple[MemoryRecord, list[Source]]] = field(default_factory=list)
    expirations: list[tuple[str, str]] = field(default_factory=list)  # (memory_id, reason)
    added_sources: dict[str, list[Source]] = field(default_factory=dict)  # repeats of existing memories
    conflicts: list[ConflictDraft] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)  # memories now in a merge conflict
    connections: list[tuple[str, str, str]] = field(default_factory=list)
    summary: SummaryRecord | None = None
