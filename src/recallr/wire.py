"""The wire format of memories, merge conflicts, categories, project settings, messages and contexts.

One set of models for both ends: the server answers with them (``server.answers`` builds them from engine
views), reads its request bodies with them and documents them in its OpenAPI schema, and the SDK parses answers
into them, so the two cannot drift apart. Shapes follow the official RecallrAI SDK; fields it does not know
(``sources``, ``message_index``) are Recallr extensions it ignores. This module imports nothing of the engine,
the store or the server.

>>> UserMemoryItem.model_validate({"memory_id": "m1", "categories": [], "content": "Lives in Lisbon",
...     "event_date_start": "2024-01-01T00:00:00Z", "event_date_end": "2024-01-01T00:00:00Z",
...     "created_at": "2024-01-02T00:00:00Z", "version_number": 1, "total_versions": 1,
...     "has_previous_versions": False, "merge_conflict_in_progress": False, "session_id": "s1"}).content
'Lives in Lisbon'
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from .types import MergeConflictStatus, MessageRole

__all__ = [
    "Category", "ContextMetadata", "ContextResponse", "MemoryRelationship", "MemorySource", "MemoryVersionInfo",
    "MergeConflictAnswer", "MergeConflictConflictingMemory", "MergeConflictModel", "MergeConflictNewMemory",
    "MergeConflictQuestion", "Message", "ProjectSettings", "QueryDateRangeFilter", "UserMemoryItem",
]
# ``__all__`` lists the SDK's result types (``recallr.models`` re-exports them); the request bodies and list
# envelopes at the end are the server's (the SDK sends plain JSON of those shapes).


class _Frozen(BaseModel):
    # Unknown fields are ignored (a newer server may send more); every field is always sent, so the schema of an
    # answer lists them all as required.
    model_config = ConfigDict(frozen=True, extra="ignore", json_schema_serialization_defaults_required=True)


class _Sparse(BaseModel):
    # A context's events and metadata carry only the keys that apply (a progress event: ``is_final`` and
    # ``status_update_message``): the schema requires only the fields without a default.
    model_config = ConfigDict(frozen=True, extra="ignore")


class Message(_Frozen):
    """A message: ``role``, ``content``, ``timestamp`` (UTC), its ``session_id`` and ``message_index``."""

    role: MessageRole
    content: str
    timestamp: datetime
    session_id: str | None = None
    message_index: int | None = Field(None, description="0-based position of the message in its session.")


class MemorySource(_Frozen):
    """A message a memory came from (Recallr extension)."""

    session_id: str
    message_index: int = Field(..., description="0-based position of the message in its session.")


class MemoryVersionInfo(_Frozen):
    memory_id: str
    version_number: int
    content: str
    event_date_start: datetime
    event_date_end: datetime
    created_at: datetime
    expired_at: datetime
    expiration_reason: str
    merge_conflict_id: str | None = None


class MemoryRelationship(_Frozen):
    memory_id: str
    content: str


class UserMemoryItem(_Frozen):
    """A memory: its current (or requested) version, versions, connections and provenance."""

    memory_id: str
    categories: list[str]
    content: str
    event_date_start: datetime
    event_date_end: datetime
    created_at: datetime
    version_number: int
    total_versions: int
    has_previous_versions: bool
    previous_versions: list[MemoryVersionInfo] | None = None
    connected_memories: list[MemoryRelationship] | None = None
    merge_conflict_in_progress: bool
    merge_conflict_id: str | None = None
    expired_at: datetime | None = None
    expiration_reason: str | None = None
    session_id: str
    sources: list[MemorySource] = Field(default_factory=list, description="Recallr extension: provenance.")


class MergeConflictConflictingMemory(_Frozen):
    memory_id: str
    content: str
    reason: str
    event_date_start: datetime
    event_date_end: datetime
    created_at: datetime


class MergeConflictNewMemory(_Frozen):
    memory_id: str
    content: str
    event_date_start: datetime
    event_date_end: datetime
    created_at: datetime


class MergeConflictQuestion(_Frozen):
    question: str
    options: list[str]


class MergeConflictAnswer(_Frozen):
    """An answer to one clarifying question: ``answer`` must be one of its ``options``."""

    question: str
    answer: str
    message: str | None = None


class MergeConflictModel(_Frozen):
    """A merge conflict: the memories a new one contradicts, the questions that settle it, and how it ended."""

    id: str
    project_user_session_id: str
    proposed_memory_content: str | None = None
    new_memories: list[MergeConflictNewMemory] | None = None
    conflicting_memories: list[MergeConflictConflictingMemory]
    clarifying_questions: list[MergeConflictQuestion]
    status: MergeConflictStatus
    resolution_data: dict[str, Any] | None = None
    created_at: datetime
    resolved_at: datetime | None = None


class Category(_Frozen):
    """A memory category of the project."""

    name: str
    description: str


class ProjectSettings(_Frozen):
    project_id: str
    name: str
    merge_conflicts_enabled: bool


class QueryDateRangeFilter(_Frozen):
    filter_type: str
    start_date: datetime
    end_date: datetime


class ContextMetadata(_Sparse):
    """What a context was built from (ids and queries only with ``include_metadata_ids=True``)."""

    memory_ids: list[str] | None = None
    session_ids: list[str] | None = None
    agent_reasoning: str | None = None
    vector_search_queries: list[str] | None = None
    keywords: list[str] | None = None
    session_summaries_search_queries: list[str] | None = None
    date_range_filters: list[QueryDateRangeFilter] | None = None
    recall_strategy_used: str | None = None
    sources: list[MemorySource] | None = Field(None, description="Recallr extension: every message drawn on.")


class ContextResponse(_Sparse):
    """The answer of ``stream=false``, and the last event of ``stream=true`` (earlier events: progress only)."""

    is_final: bool
    status_update_message: str | None = None
    error_message: str | None = None
    context: str | None = None
    metadata: ContextMetadata | None = Field(None, description="How recall ran: strategy used, counts, timings.")


# --- request bodies and list envelopes ---------------------------------------------------------------------------

class MemoryListOut(BaseModel):
    items: list[UserMemoryItem]
    total: int
    has_more: bool


class MergeConflictListOut(BaseModel):
    conflicts: list[MergeConflictModel]
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


class CategoryListOut(BaseModel):
    categories: list[Category]


class ProjectUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    merge_conflicts_enabled: StrictBool | None = None
