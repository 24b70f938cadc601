"""The server's side of the wire format of memories, merge conflicts, categories and project settings.

The answers are ``recallr.wire``'s models, which the SDK parses too; here are the builders from engine views, the
request bodies and the list envelopes.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from .engine.resources.conflicts import ConflictView
from .engine.resources.memories import MemoryView
from .store.memories import MemoryRecord
from .types import MergeConflictStatus
from .wire import (
    Category,
    MemoryRelationship,
    MemorySource,
    MemoryVersionInfo,
    MergeConflictAnswer,
    MergeConflictConflictingMemory,
    MergeConflictModel,
    MergeConflictNewMemory,
    MergeConflictQuestion,
    ProjectSettings,
    UserMemoryItem,
)


class MemoryOut(UserMemoryItem):
    """A memory as the API answers it (``wire.UserMemoryItem``, built from an engine view)."""

    @classmethod
    def of(cls, view: MemoryView) -> MemoryOut:
        m = view.memory
        previous = None if view.previous_versions is None else [
            MemoryVersionInfo(memory_id=v.id, version_number=v.version_number, content=v.content,
                              event_date_start=v.event_date_start, event_date_end=v.event_date_end,
                              created_at=v.created_at, expired_at=v.expired_at or v.created_at,
                              expiration_reason=v.expiration_reason or "UPDATED",
                              merge_conflict_id=v.merge_conflict_id)
            for v in view.previous_versions]
        connected = None if view.connected is None else [
            MemoryRelationship(memory_id=c.id, content=c.content) for c in view.connected]
        return cls(memory_id=m.id, categories=m.categories, content=m.content, event_date_start=m.event_date_start,
                   event_date_end=m.event_date_end, created_at=m.created_at, version_number=m.version_number,
                   total_versions=view.total_versions, has_previous_versions=view.total_versions > 1,
                   previous_versions=previous, connected_memories=connected,
                   merge_conflict_in_progress=m.merge_conflict_in_progress, merge_conflict_id=m.merge_conflict_id,
                   expired_at=m.expired_at, expiration_reason=m.expiration_reason, session_id=m.session_id,
                   sources=[MemorySource(session_id=s, message_index=i) for s, i in view.sources])


class MemoryListOut(BaseModel):
    items: list[MemoryOut]
    total: int
    has_more: bool


def _new_memory(m: MemoryRecord) -> MergeConflictNewMemory:
    return MergeConflictNewMemory(memory_id=m.id, content=m.content, event_date_start=m.event_date_start,
                                  event_date_end=m.event_date_end, created_at=m.created_at)


class MergeConflictOut(MergeConflictModel):
    """A merge conflict as the API answers it (``wire.MergeConflictModel``, built from an engine view)."""

    @classmethod
    def of(cls, view: ConflictView) -> MergeConflictOut:
        c = view.conflict
        conflicting = [MergeConflictConflictingMemory(
            memory_id=m.id, content=m.content, reason=reason, event_date_start=m.event_date_start,
            event_date_end=m.event_date_end, created_at=m.created_at) for m, reason in view.conflicting]
        return cls(id=c.id, project_user_session_id=c.session_id, proposed_memory_content=c.proposed.content,
                   new_memories=[_new_memory(m) for m in view.new_memories] if c.status == "RESOLVED" else None,
                   conflicting_memories=conflicting,
                   clarifying_questions=[MergeConflictQuestion(**q) for q in c.questions],
                   status=MergeConflictStatus(c.status), resolution_data=c.resolution_data, created_at=c.created_at,
                   resolved_at=c.resolved_at)


class MergeConflictListOut(BaseModel):
    conflicts: list[MergeConflictOut]
    total: int
    has_more: bool


class AnswersIn(BaseModel):
    question_answers: list[MergeConflictAnswer]


class ResolveIn(BaseModel):
    answers: AnswersIn


class CategoryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(..., description="lowercase_snake, 1-64 characters")
    description: str = Field(..., description="What belongs in the category (1-500 characters).")


class CategoryUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str


CategoryOut = Category


class CategoryListOut(BaseModel):
    categories: list[Category]


ProjectOut = ProjectSettings


class ProjectUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    merge_conflicts_enabled: StrictBool | None = None
