"""Documented limits on input; each breach is a ``ValidationError`` (HTTP 422) saying what is wrong."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from ..exceptions import ValidationError
from ..settings import Settings

MAX_PAGE_LIMIT = 1000
MAX_OFFSET = 10_000_000


def user_id(value: str, settings: Settings, *, field: str = "user_id") -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{field} must be a non-empty string")
    if len(value) > settings.max_user_id_length:
        raise ValidationError(f"{field} must be at most {settings.max_user_id_length} characters")
    if any(ord(ch) < 32 for ch in value):
        raise ValidationError(f"{field} must not contain control characters")
    return value


def metadata(value: Any, settings: Settings, *, field: str = "metadata") -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValidationError(f"{field} must be a JSON object")
    size = len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())
    if size > settings.max_metadata_bytes:
        raise ValidationError(f"{field} is {size} bytes as JSON; the limit is {settings.max_metadata_bytes}")
    return value


def metadata_filter(raw: str | None, *, field: str = "metadata_filter") -> dict[str, Any] | None:
    """Parse a metadata filter sent as a JSON string in the query."""
    if raw is None or raw == "":
        return None
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ValidationError(f"{field} must be a JSON object encoded as a string: {error.msg}") from error
    if not isinstance(value, dict):
        raise ValidationError(f"{field} must be a JSON object")
    return value


def content(value: str, settings: Settings) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("message content must be a non-empty string")
    if len(value) > settings.max_message_chars:
        raise ValidationError(f"message content is {len(value)} characters; the limit is {settings.max_message_chars}")
    return value


def utc_datetime(value: datetime | None, *, field: str) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(f"{field} must be timezone-aware (UTC), e.g. 2025-01-01T12:00:00+00:00")
    if value.utcoffset() != timedelta(0):
        raise ValidationError(f"{field} must be in UTC (offset +00:00), got offset {value.utcoffset()}")
    return value


def page(offset: int, limit: int, *, max_limit: int = MAX_PAGE_LIMIT) -> tuple[int, int]:
    if offset < 0 or offset > MAX_OFFSET:
        raise ValidationError(f"offset must be between 0 and {MAX_OFFSET}")
    if limit < 1 or limit > max_limit:
        raise ValidationError(f"limit must be between 1 and {max_limit}")
    return offset, limit


def auto_process_seconds(value: int | None, settings: Settings) -> int | None:
    if value is None:
        return None
    if value < settings.min_auto_process_seconds:
        raise ValidationError(f"auto_process_after_seconds must be at least {settings.min_auto_process_seconds}")
    if value > 365 * 86_400:
        raise ValidationError("auto_process_after_seconds must be at most one year (31536000)")
    return value
