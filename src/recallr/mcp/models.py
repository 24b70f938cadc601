"""What the MCP tools return: small, typed views of the SDK's results (their output schemas)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from ..client.memory_models import UserMemoryItem


class Memory(BaseModel):
    """A memory as a tool shows it."""

    memory_id: str = Field(description="Pass it to delete_memory.")
    content: str
    categories: list[str]
    event_date_start: datetime = Field(description="When what it says happened (start).")
    event_date_end: datetime
    created_at: datetime
    version_number: int
    total_versions: int
    session_id: str

    @classmethod
    def of(cls, item: UserMemoryItem) -> Memory:
        return cls(memory_id=item.memory_id, content=item.content, categories=list(item.categories),
                   event_date_start=item.event_date_start, event_date_end=item.event_date_end,
                   created_at=item.created_at, version_number=item.version_number,
                   total_versions=item.total_versions, session_id=item.session_id)


class AddedMemories(BaseModel):
    """The outcome of add_memory."""

    user_id: str
    session_id: str
    status: str = Field(description="processed, processing (still running when the wait ended) or failed.")
    memories: list[Memory] = Field(description="The memories formed or updated from the text.")
    merge_conflict_ids: list[str] = Field(
        default_factory=list, description="Conflicts with earlier memories waiting for the user's answers.")
    note: str | None = None


class SearchResult(BaseModel):
    """The outcome of search_memory."""

    user_id: str
    context: str = Field(description="What is known about the user that bears on the query, with dates.")
    memory_ids: list[str]
    recall_strategy_used: str | None = None


class MemoryPage(BaseModel):
    """A page of a user's current memories, newest first."""

    user_id: str
    memories: list[Memory]
    total: int
    has_more: bool


class DeletedMemory(BaseModel):
    """The outcome of delete_memory."""

    user_id: str
    memory_id: str
    deleted: bool
    previous_versions_deleted: bool


class ConflictingMemory(BaseModel):
    memory_id: str
    content: str
    reason: str


class ClarifyingQuestion(BaseModel):
    question: str
    options: list[str] = Field(description="The answer must be one of these, word for word.")


class MergeConflict(BaseModel):
    """A new statement that contradicts earlier memories, with the questions that settle it."""

    conflict_id: str
    status: str = Field(description="PENDING (needs answers), IN_QUEUE, RESOLVING, RESOLVED or FAILED.")
    session_id: str
    proposed_memory: str | None
    conflicting_memories: list[ConflictingMemory]
    clarifying_questions: list[ClarifyingQuestion]
    new_memories: list[str] = Field(default_factory=list, description="Memories written when it was resolved.")
    created_at: datetime
    resolved_at: datetime | None = None

    @classmethod
    def of(cls, conflict: Any) -> MergeConflict:
        """From the SDK's ``MergeConflict``/``AsyncMergeConflict``."""
        return cls(
            conflict_id=conflict.conflict_id, status=conflict.status.value, session_id=conflict.session_id,
            proposed_memory=conflict.proposed_memory_content,
            conflicting_memories=[ConflictingMemory(memory_id=m.memory_id, content=m.content, reason=m.reason)
                                  for m in conflict.conflicting_memories],
            clarifying_questions=[ClarifyingQuestion(question=q.question, options=list(q.options))
                                  for q in conflict.clarifying_questions],
            new_memories=[m.content for m in conflict.new_memories or []],
            created_at=conflict.created_at, resolved_at=conflict.resolved_at,
        )


class MergeConflictPage(BaseModel):
    user_id: str
    conflicts: list[MergeConflict]
    total: int
    has_more: bool


class Answer(BaseModel):
    """The answer to one clarifying question of a merge conflict."""

    question: str = Field(description="The question, word for word as list_merge_conflicts gave it.")
    answer: str = Field(description="One of the question's options, word for word.")
    message: str | None = Field(None, description="Anything the user added in their own words.")
