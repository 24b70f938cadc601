"""The API's answers about memories and merge conflicts: ``recallr.wire``'s models, built from engine views.

The models are the wire format's, shared with the SDK; only the server knows the engine's views, so the
builders live here.
"""

from __future__ import annotations

from ..engine.resources.conflicts import ConflictView
from ..engine.resources.memories import MemoryView
from ..store.memories import MemoryRecord
from ..types import MergeConflictStatus
from ..wire import (
    MemoryRelationship,
    MemorySource,
    MemoryVersionInfo,
    MergeConflictConflictingMemory,
    MergeConflictModel,
    MergeConflictNewMemory,
    MergeConflictQuestion,
    UserMemoryItem,
)


def memory_answer(view: MemoryView) -> UserMemoryItem:
    """A memory as the API answers it, with its versions, connections and sources when the view has them."""
    m = view.memory
    previous = None if view.previous_versions is None else [
        MemoryVersionInfo(memory_id=v.id, version_number=v.version_number, content=v.content,
                          event_date_start=v.event_date_start, event_date_end=v.event_date_end,
                          created_at=v.created_at, expired_at=v.expired_at or v.created_at,
                          expiration_reason=v.expiration_reason or "UPDATED", merge_conflict_id=v.merge_conflict_id)
        for v in view.previous_versions]
    connected = None if view.connected is None else [
        MemoryRelationship(memory_id=c.id, content=c.content) for c in view.connected]
    return UserMemoryItem(
        memory_id=m.id, categories=m.categories, content=m.content, event_date_start=m.event_date_start,
        event_date_end=m.event_date_end, created_at=m.created_at, version_number=m.version_number,
        total_versions=view.total_versions, has_previous_versions=view.total_versions > 1,
        previous_versions=previous, connected_memories=connected,
        merge_conflict_in_progress=m.merge_conflict_in_progress, merge_conflict_id=m.merge_conflict_id,
        expired_at=m.expired_at, expiration_reason=m.expiration_reason, session_id=m.session_id,
        sources=[MemorySource(session_id=s, message_index=i) for s, i in view.sources])


def _new_memory(m: MemoryRecord) -> MergeConflictNewMemory:
    return MergeConflictNewMemory(memory_id=m.id, content=m.content, event_date_start=m.event_date_start,
                                  event_date_end=m.event_date_end, created_at=m.created_at)


def conflict_answer(view: ConflictView) -> MergeConflictModel:
    """A merge conflict as the API answers it (``new_memories`` once it is resolved)."""
    c = view.conflict
    conflicting = [MergeConflictConflictingMemory(
        memory_id=m.id, content=m.content, reason=reason, event_date_start=m.event_date_start,
        event_date_end=m.event_date_end, created_at=m.created_at) for m, reason in view.conflicting]
    return MergeConflictModel(
        id=c.id, project_user_session_id=c.session_id, proposed_memory_content=c.proposed.content,
        new_memories=[_new_memory(m) for m in view.new_memories] if c.status == "RESOLVED" else None,
        conflicting_memories=conflicting, clarifying_questions=[MergeConflictQuestion(**q) for q in c.questions],
        status=MergeConflictStatus(c.status), resolution_data=c.resolution_data, created_at=c.created_at,
        resolved_at=c.resolved_at)
