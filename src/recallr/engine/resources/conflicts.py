"""Merge conflicts: listing, answering (validated with the texts the official SDK matches), resolving.

Resolution runs in the worker: answering moves a conflict PENDING -> IN_QUEUE; a worker takes it to
RESOLVING and then RESOLVED (or FAILED after the attempts run out). The chosen option decides what is
current: the proposed statement becomes the next version of the conflicting memory, the existing memory
stays, or ("Both are true") the proposed statement is added beside it. Questions written by the LLM are read
into a ``Resolution`` first (``recallr.llm.resolution``), which names the outcome and may reword the statement.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from ...exceptions import (
    MergeConflictAlreadyResolvedError,
    MergeConflictInvalidAnswerError,
    MergeConflictInvalidQuestionsError,
    MergeConflictMissingAnswersError,
    MergeConflictNotFoundError,
    ValidationError,
)
from ...store import Database, Tx
from ...store import conflicts as store
from ...store import memories as memory_store
from ...store.conflicts import ConflictRecord
from ...store.memories import MemoryRecord
from ..formation.plan import BOTH
from . import validation
from .users import require_user

_IDS = uuid.UUID("0c9d6a8e-3f51-4a57-8c1e-2b7f6d9a4e10")


@dataclass(frozen=True)
class Resolution:
    """How a conflict's answers were read: which statement is true now, and its final wording if refined."""

    outcome: Literal["new", "existing", "both"]
    content: str | None = None
    reasoning: str = ""


@dataclass
class ConflictView:
    conflict: ConflictRecord
    conflicting: list[tuple[MemoryRecord, str]]
    new_memories: list[MemoryRecord]


def view(tx: Tx, conflict: ConflictRecord) -> ConflictView:
    reasons = {c["memory_id"]: c["reason"] for c in conflict.conflicting}
    found = {m.id: m for m in memory_store.get_many(tx, list(reasons))}
    return ConflictView(conflict, [(found[i], r) for i, r in reasons.items() if i in found],
                        memory_store.get_many(tx, conflict.new_memory_ids))


def check_answers(conflict: ConflictRecord, answers: list[dict[str, Any]]) -> None:
    """Raise the documented error for answers that do not fit the conflict's questions."""
    if conflict.status != "PENDING":
        raise MergeConflictAlreadyResolvedError(
            f"Merge conflict {conflict.id} is already resolved or being resolved (status {conflict.status})")
    options = {q["question"]: q["options"] for q in conflict.questions}
    given = [a["question"] for a in answers]
    invalid = [q for q in given if q not in options]
    if invalid:
        raise MergeConflictInvalidQuestionsError(f"Invalid questions provided: {invalid}", invalid_questions=invalid)
    missing = [q for q in options if q not in given]
    if missing:
        raise MergeConflictMissingAnswersError(f"Missing answers for the following questions: {missing}",
                                               missing_questions=missing)
    for answer in answers:
        valid = options[answer["question"]]
        if answer["answer"] not in valid:
            raise MergeConflictInvalidAnswerError(
                f"Invalid answer '{answer['answer']}' for question '{answer['question']}'. Valid options: {valid}",
                question=answer["question"], valid_options=valid)


class MergeConflicts:
    """List, get and answer a user's merge conflicts."""

    def __init__(self, db: Database, *, on_queued: Any = None) -> None:
        self.db = db
        self.on_queued = on_queued

    def page(self, project_id: str, custom_user_id: str, *, offset: int = 0, limit: int = 10,
             status: str | None = None, sort_by: str = "created_at",
             sort_order: str = "desc") -> tuple[list[ConflictView], int]:
        validation.page(offset, limit)
        if sort_by not in ("created_at", "resolved_at"):
            raise ValidationError("sort_by must be created_at or resolved_at")
        if sort_order not in ("asc", "desc"):
            raise ValidationError("sort_order must be asc or desc")
        with self.db.read() as tx:
            user = require_user(tx, project_id, custom_user_id)
            conflicts, total = store.page(tx, user.id, offset=offset, limit=limit, status=status, sort_by=sort_by,
                                          descending=sort_order == "desc")
            return [view(tx, c) for c in conflicts], total

    def get(self, project_id: str, custom_user_id: str, conflict_id: str) -> ConflictView:
        with self.db.read() as tx:
            user = require_user(tx, project_id, custom_user_id)
            return view(tx, self._require(tx, user.id, conflict_id))

    def answer(self, project_id: str, custom_user_id: str, conflict_id: str,
               answers: list[dict[str, Any]]) -> ConflictView:
        with self.db.write() as tx:
            user = require_user(tx, project_id, custom_user_id)
            conflict = self._require(tx, user.id, conflict_id)
            check_answers(conflict, answers)
            store.queue(tx, conflict.id, answers)
            result = view(tx, self._require(tx, user.id, conflict_id))
        if self.on_queued is not None:
            self.on_queued()
        return result

    @staticmethod
    def _require(tx: Tx, user_id: str, conflict_id: str) -> ConflictRecord:
        conflict = store.get(tx, user_id, conflict_id)
        if conflict is None:
            raise MergeConflictNotFoundError(f"Merge conflict {conflict_id} not found")
        return conflict


def apply_resolution(tx: Tx, conflict: ConflictRecord, now: datetime, embedding: Any,
                     resolution: Resolution | None = None) -> None:
    """Carry out the answers of a claimed conflict (inside the worker's transaction)."""
    tx.dialect.lock_user(tx, conflict.user_id)
    answer = (conflict.answers or [{}])[0]
    choice = answer.get("answer")
    asked = conflict.proposed
    proposed = asked
    if resolution is not None:
        choice = {"new": proposed.content, "both": BOTH}.get(resolution.outcome)
        proposed = proposed.reworded(resolution.content or proposed.content)
    targets = memory_store.get_many(tx, [c["memory_id"] for c in conflict.conflicting])
    current = [t for t in targets if t.expired_at is None]
    new_ids: list[str] = []
    outcome = "kept_existing"
    if choice == asked.content or choice == BOTH:
        base = current[0] if current and choice != BOTH else None
        memory = MemoryRecord(
            id=str(uuid.uuid5(_IDS, conflict.id)), user_id=conflict.user_id, session_id=conflict.session_id,
            chain_id=base.chain_id if base else str(uuid.uuid5(_IDS, conflict.id)),
            version_number=base.version_number + 1 if base else 1, content=proposed.content,
            categories=list(proposed.categories), event_date_start=proposed.event_start,
            event_date_end=proposed.event_end, created_at=now, subject=proposed.subject,
            slot=proposed.slot if base else None, value=proposed.value, entities=list(proposed.entities),
            negated=proposed.negated, embedding=embedding,
        )
        if base is not None:
            memory_store.expire(tx, base.id, reason="MERGE_CONFLICT", when=now, conflict_id=conflict.id)
            outcome = "replaced_existing"
        else:
            outcome = "kept_both"
        memory_store.insert(tx, memory, proposed.sources)
        new_ids.append(memory.id)
    memory_store.set_conflict_flag(tx, [t.id for t in current], False)
    memory_store.bump_revision(tx, conflict.user_id)
    data: dict[str, Any] = {"outcome": outcome, "answers": conflict.answers or []}
    if resolution is not None and resolution.reasoning:
        data["reasoning"] = resolution.reasoning
    store.resolve(tx, conflict.id, resolution=data, new_memory_ids=new_ids)
