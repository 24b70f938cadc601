"""Wire format of memories, merge conflicts, categories and project settings (official SDK shapes + extensions)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from .engine.conflicts import ConflictView
from .engine.memories import MemoryView
from .store.memories import MemoryRecord
from .types import MergeConflictStatus


class SourceOut(BaseModel):
    session_id: str
    message_index: int = Field(..., description="0-based position of the message in its session.")


class MemoryVersionOut(BaseModel):
    memory_id: str
    version_number: int
    content: str
    event_date_start: datetime
    event_date_end: datetime
    created_at: datetime
    expired_at: datetime
    expiration_reason: str
    merge_conflict_id: str | None = None


class MemoryRelationshipOut(BaseModel):
    memory_id: str
    content: str


class MemoryOut(BaseModel):
    memory_id: str
    categories: list[str]
    content: str
    event_date_start: datetime
    event_date_end: datetime
    created_at: datetime
    version_number: int
    total_versions: int
    has_previous_versions: bool
    previous_versions: list[MemoryVersionOut] | None = None
    connected_memories: list[MemoryRelationshipOut] | None = None
    merge_conflict_in_progress: bool
    merge_conflict_id: str | None = None
    expired_at: datetime | None = None
    expiration_reason: str | None = None
    session_id: str
    sources: list[SourceOut] = Field(default_factory=list, description="Recallr extension: provenance.")

    @classmethod
    def of(cls, view: MemoryView) -> MemoryOut:
        m = view.memory
        previous = None if view.previous_versions is None else [
            MemoryVersionOut(memory_id=v.id, version_number=v.version_number, content=v.content,
                             event_date_start=v.event_date_start, event_date_end=v.event_date_end,
                             created_at=v.created_at, expired_at=v.expired_at or v.created_at,
                             expiration_reason=v.expiration_reason or "UPDATED", merge_conflict_id=v.merge_conflict_id)
            for v in view.previous_versions]
        connected = None if view.connected is None else [
            MemoryRelationshipOut(memory_id=c.id, content=c.content) for c in view.connected]
        return cls(memory_id=m.id, categories=m.categories, content=m.content, event_date_start=m.event_date_start,
                   event_date_end=m.event_date_end, created_at=m.created_at, version_number=m.version_number,
                   total_versions=view.total_versions, has_previous_versions=view.total_versions > 1,
                   previous_versions=previous, connected_memories=connected,
                   merge_conflict_in_progress=m.merge_conflict_in_progress, merge_conflict_id=m.merge_conflict_id,
                   expired_at=m.expired_at, expiration_reason=m.expiration_reason, session_id=m.session_id,
                   sources=[SourceOut(session_id=s, message_index=i) for s, i in view.sources])


class MemoryListOut(BaseModel):
    items: list[MemoryOut]
    total: int
    has_more: bool


class ConflictingMemoryOut(BaseModel):
    memory_id: str
    content: str
    reason: str
    event_date_start: datetime
    event_date_end: datetime
    created_at: datetime


class NewMemoryOut(BaseModel):
    memory_id: str
    content: str
    event_date_start: datetime
    event_date_end: datetime
    created_at: datetime

    @classmethod
    def of(cls, m: MemoryRecord) -> NewMemoryOut:
        return cls(memory_id=m.id, content=m.content, event_date_start=m.event_date_start,
                   event_date_end=m.event_date_end, created_at=m.created_at)


class QuestionOut(BaseModel):
    question: str
    options: list[str]


class MergeConflictOut(BaseModel):
    id: str
    project_user_session_id: str
    proposed_memory_content: str | None
    new_memories: list[NewMemoryOut] | None
    conflicting_memories: list[ConflictingMemoryOut]
    clarifying_questions: list[QuestionOut]
    status: MergeConflictStatus
    resolution_data: dict[str, Any] | None
    created_at: datetime
    resolved_at: datetime | None

    @classmethod
    def of(cls, view: ConflictView) -> MergeConflictOut:
        c = view.conflict
        conflicting = [ConflictingMemoryOut(memory_id=m.id, content=m.content, reason=reason,
                                            event_date_start=m.event_date_start, event_date_end=m.event_date_end,
                                            created_at=m.created_at) for m, reason in view.conflicting]
        return cls(id=c.id, project_user_session_id=c.session_id, proposed_memory_content=c.proposed["content"],
                   new_memories=[NewMemoryOut.of(m) for m in view.new_memories] if c.status == "RESOLVED" else None,
                   conflicting_memories=conflicting,
                   clarifying_questions=[QuestionOut(**q) for q in c.questions],
                   status=MergeConflictStatus(c.status), resolution_data=c.resolution_data, created_at=c.created_at,
                   resolved_at=c.resolved_at)


class MergeConflictListOut(BaseModel):
    conflicts: list[MergeConflictOut]
    total: int
    has_more: bool


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    question: str
    answer: str
    message: str | None = None


class AnswersIn(BaseModel):
    question_answers: list[AnswerIn]


class ResolveIn(BaseModel):
    answers: AnswersIn


class CategoryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(..., description="lowercase_snake, 1-64 characters")
    description: str = Field(..., description="What belongs in the category (1-500 characters).")


class CategoryUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str


class CategoryOut(BaseModel):
    name: str
    description: str


class CategoryListOut(BaseModel):
    categories: list[CategoryOut]


class ProjectOut(BaseModel):
    project_id: str
    name: str
    merge_conflicts_enabled: bool


class ProjectUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    merge_conflicts_enabled: StrictBool | None = None
