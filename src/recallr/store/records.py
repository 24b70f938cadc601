"""Typed rows: what the store hands the engine (timestamps as UTC datetimes)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MIN_US = -62_135_596_800_000_000  # 0001-01-01T00:00:00Z
_MAX_US = 253_402_300_799_999_999  # 9999-12-31T23:59:59.999999Z
#: Metadata nested deeper than this is cut when read (pydantic serialises at most ~255 levels; rows written before
#: RECALLR_MAX_METADATA_DEPTH existed may hold more).
READ_DEPTH = 200


def to_dt(micros: int | None) -> datetime | None:
    """Epoch microseconds -> aware UTC datetime (None stays None); clamped to years 1-9999, so a row from before
    the session-clock limits cannot break a read."""
    if micros is None:
        return None
    return _EPOCH + timedelta(microseconds=min(max(int(micros), _MIN_US), _MAX_US))


def to_us(value: datetime) -> int:
    """Aware datetime -> epoch microseconds."""
    delta = value - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def load_json(text: str | None) -> Any:
    return {} if text is None else json.loads(text)


def load_metadata(text: str | None) -> dict[str, Any]:
    """A stored metadata object, readable whatever an older version let in: NaN and Infinity read as null,
    nesting past ``READ_DEPTH`` as null, and text that does not parse at all as ``{}``."""
    try:
        value = load_json(text)
    except (ValueError, RecursionError):
        return {}
    if not isinstance(value, dict):
        return {}
    return value if _is_clean(value) else _cleaned(value, 1)


def _is_clean(value: Any) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            return False
        if isinstance(item, dict | list):
            if depth > READ_DEPTH:
                return False
            stack.extend((v, depth + 1) for v in (item.values() if isinstance(item, dict) else item))
    return True


def _cleaned(value: Any, depth: int) -> Any:
    """``value`` with non-finite numbers and containers deeper than READ_DEPTH replaced by None (recursion is bounded
    by READ_DEPTH)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict | list) and depth > READ_DEPTH:
        return None
    if isinstance(value, dict):
        return {k: _cleaned(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_cleaned(v, depth + 1) for v in value]
    return value


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
            row["id"], row["project_id"], row["custom_user_id"], load_metadata(row["metadata"]), row["email"],
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
            row["id"], row["user_id"], row["status"], load_metadata(row["metadata"]), row["auto_process_after_seconds"],
            to_dt(row["created_at"]), row["clock_offset"], to_dt(row["last_activity_at"]),  # type: ignore[arg-type]
            to_dt(row["processed_at"]), row["attempts"], row["error"], row["message_count"],
        )

    def clock_us(self, real_us: int) -> int:
        """The session's clock at the real instant ``real_us`` (epoch microseconds): its custom start plus the real
        time elapsed since, so imported history keeps its dates. The one place a session's "now" is computed."""
        return session_clock_us(self.clock_offset_us, real_us)

    def clock(self, real_us: int) -> datetime:
        """``clock_us`` as an aware UTC datetime."""
        return to_dt(self.clock_us(real_us))  # type: ignore[return-value]


def session_clock_us(clock_offset_us: int, real_us: int) -> int:
    """A session's clock at the real instant ``real_us``, from the offset its custom start set (0 if none).

    >>> session_clock_us(-1_000_000, 5_000_000)
    4000000
    """
    return real_us + clock_offset_us


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
