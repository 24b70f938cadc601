"""Typed rows: what the store hands the engine (timestamps as UTC datetimes)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


def to_dt(micros: int | None) -> datetime | None:
    """Epoch microseconds -> aware UTC datetime (None stays None)."""
    if micros is None:
        return None
    return datetime.fromtimestamp(micros / 1_000_000, tz=UTC).replace(microsecond=int(micros % 1_000_000))


def to_us(value: datetime) -> int:
    """Aware datetime -> epoch microseconds."""
    delta = value - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def load_json(text: str | None) -> Any:
    return {} if text is None else json.loads(text)


def dump_json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class ProjectRecord:
    id: str
    name: str
    merge_conflicts_enabled: bool
    created_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> ProjectRecord:
        return cls(row["id"], row["name"], bool(row["merge_conflicts_enabled"]), to_dt(row["created_at"]))  # type: ignore[arg-type]


@dataclass(frozen=True)
class ApiKeyRecord:
    id: str
    project_id: str
    prefix: str
    name: str | None
    created_at: datetime
    revoked_at: datetime | None

    @classmethod
    def from_row(cls, row: Any) -> ApiKeyRecord:
        return cls(row["id"], row["project_id"], row["prefix"], row["name"], to_dt(row["created_at"]),  # type: ignore[arg-type]
                   to_dt(row["revoked_at"]))


@dataclass(frozen=True)
class UserRecord:
    id: str
    project_id: str
    custom_user_id: str
    metadata: dict[str, Any]
    email: str | None
    first_name: str | None
    last_name: str | None
    merge_conflict_enabled: bool | None
    created_at: datetime
    last_active_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> UserRecord:
        mce = row["merge_conflict_enabled"]
        return cls(
            row["id"], row["project_id"], row["custom_user_id"], load_json(row["metadata"]), row["email"],
            row["first_name"], row["last_name"], None if mce is None else bool(mce),
            to_dt(row["created_at"]), to_dt(row["last_active_at"]),  # type: ignore[arg-type]
        )


@dataclass(frozen=True)
class SessionRecord:
    id: str
    user_id: str
    status: str
    metadata: dict[str, Any]
    auto_process_after_seconds: int | None
    created_at: datetime
    clock_offset_us: int
    last_activity_at: datetime
    processed_at: datetime | None
    attempts: int
    error: str | None
    message_count: int

    @classmethod
    def from_row(cls, row: Any) -> SessionRecord:
        return cls(
            row["id"], row["user_id"], row["status"], load_json(row["metadata"]), row["auto_process_after_seconds"],
            to_dt(row["created_at"]), row["clock_offset"], to_dt(row["last_activity_at"]),  # type: ignore[arg-type]
            to_dt(row["processed_at"]), row["attempts"], row["error"], row["message_count"],
        )


@dataclass(frozen=True)
class MessageRecord:
    id: int
    session_id: str
    position: int
    role: str
    content: str
    timestamp: datetime

    @classmethod
    def from_row(cls, row: Any) -> MessageRecord:
        return cls(row["id"], row["session_id"], row["position"], row["role"], row["content"],
                   to_dt(row["timestamp"]))  # type: ignore[arg-type]
