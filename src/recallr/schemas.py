"""The wire format of the REST API v1: request bodies and responses, shared by server and SDK.

Field names follow the official RecallrAI API (``custom_user_id``, ``new_metadata``, ``has_more``...);
fields the official SDK does not know (``email``, ``message_index``...) are Recallr extensions it ignores.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from .store.records import MessageRecord, SessionRecord, UserRecord
from .types import MessageRole, SessionStatus
from .wire import Message


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class UserCreate(_Body):
    custom_user_id: str = Field(..., description="Your id for the user (1-255 characters, unique in the project).")
    metadata: dict[str, Any] = Field(default_factory=dict, description="Any JSON object (at most 16 KiB).")
    merge_conflict_enabled: StrictBool | None = Field(
        None, description="true/false overrides the project; null inherits.")
    email: str | None = Field(None, max_length=320)
    first_name: str | None = Field(None, max_length=255)
    last_name: str | None = Field(None, max_length=255)


class UserUpdate(_Body):
    new_metadata: dict[str, Any] | None = Field(None, description="Replaces the metadata entirely.")
    new_custom_user_id: str | None = Field(None, description="Renames the user; all data stays with it.")
    merge_conflict_enabled: StrictBool | None = Field(
        None, description="Send null explicitly to inherit the project's.")
    email: str | None = Field(None, max_length=320)
    first_name: str | None = Field(None, max_length=255)
    last_name: str | None = Field(None, max_length=255)


class UserOut(BaseModel):
    custom_user_id: str
    metadata: dict[str, Any]
    merge_conflict_enabled: bool | None
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    created_at: datetime
    last_active_at: datetime
    session_count: int | None = Field(None, description="Recallr extension: sessions (`include_counts=true`).")
    memory_count: int | None = Field(None, description="Recallr extension: current memories (`include_counts=true`).")

    @classmethod
    def of(cls, user: UserRecord, counts: tuple[int, int] | None = None) -> UserOut:
        return cls(custom_user_id=user.custom_user_id, metadata=user.metadata,
                   merge_conflict_enabled=user.merge_conflict_enabled, email=user.email, first_name=user.first_name,
                   last_name=user.last_name, created_at=user.created_at, last_active_at=user.last_active_at,
                   session_count=counts[0] if counts else None, memory_count=counts[1] if counts else None)


class UserListOut(BaseModel):
    users: list[UserOut]
    total: int
    has_more: bool


class SessionCreate(_Body):
    auto_process_after_seconds: int | None = Field(
        600, description="Process automatically after this many idle seconds (minimum 600); null disables.")
    metadata: dict[str, Any] = Field(default_factory=dict)
    custom_created_at_utc: datetime | None = Field(
        None, description="Start of the session's clock, timezone-aware UTC (for imported history).")


class SessionUpdate(_Body):
    new_metadata: dict[str, Any] | None = Field(None, description="Replaces the metadata entirely.")


class SessionOut(BaseModel):
    session_id: str
    user_id: str | None = None
    status: SessionStatus
    created_at: datetime
    metadata: dict[str, Any]
    processed_at: datetime | None = None
    auto_process_after_seconds: int | None = None
    message_count: int = 0
    error: str | None = None

    @classmethod
    def of(cls, session: SessionRecord, custom_user_id: str | None = None) -> SessionOut:
        return cls(session_id=session.id, user_id=custom_user_id, status=SessionStatus(session.status),
                   created_at=session.created_at, metadata=session.metadata, processed_at=session.processed_at,
                   auto_process_after_seconds=session.auto_process_after_seconds,
                   message_count=session.message_count, error=session.error)


class SessionSummaryOut(BaseModel):
    """Recallr extension: what processing wrote about the session."""

    session_id: str
    summary: str | None = Field(None, description="None before processing, or when the session had nothing to keep.")
    session_date: datetime | None = None
    sources: list[int] = Field(default_factory=list, description="0-based indexes of the messages it draws on.")


class SessionListOut(BaseModel):
    sessions: list[SessionOut]
    total: int
    has_more: bool


class MessageCreate(_Body):
    message: str = Field(..., description="The message text (1-100,000 characters).")
    role: MessageRole


class MessageOut(Message):
    """A message as the API answers it (``wire.Message``; ``session_id`` and ``message_index`` always set)."""

    @classmethod
    def of(cls, message: MessageRecord) -> MessageOut:
        return cls(role=MessageRole(message.role), content=message.content, timestamp=message.timestamp,
                   session_id=message.session_id, message_index=message.position)


class SessionMessagesOut(BaseModel):
    messages: list[MessageOut]
    total: int
    has_more: bool


class UserMessagesOut(BaseModel):
    messages: list[MessageOut]


class Acknowledged(BaseModel):
    """Answer of add-message and process (the official SDK only needs a JSON body)."""

    status: str
    session_id: str
    message_index: int | None = None
    session_status: SessionStatus | None = None


class SystemPromptOut(BaseModel):
    recall_strategy: str
    system_prompt: str
