"""Enumerations shared by the engine, the wire format and the SDK (values match RecallrAI's)."""

from __future__ import annotations

import enum


class MessageRole(str, enum.Enum):
    """Who wrote a message."""

    USER = "user"
    ASSISTANT = "assistant"


class SessionStatus(str, enum.Enum):
    """Where a session is in its lifecycle: pending -> processing -> processed | failed."""

    PENDING = "pending"
    PROCESSING = "processing"
    PROCESSED = "processed"
    FAILED = "failed"
    INSUFFICIENT_BALANCE = "insufficient_balance"  # never set by Recallr; kept for SDK compatibility


class RecallStrategy(str, enum.Enum):
    """How hard ``get_context`` searches. ``deep`` is Recallr's name for ``agentic``'s deeper sibling."""

    LOW_LATENCY = "low_latency"
    BALANCED = "balanced"
    AGENTIC = "agentic"
    DEEP = "deep"
    AUTO = "auto"


class MergeConflictStatus(str, enum.Enum):
    """Lifecycle of a merge conflict."""

    PENDING = "PENDING"
    IN_QUEUE = "IN_QUEUE"
    RESOLVING = "RESOLVING"
    RESOLVED = "RESOLVED"
    FAILED = "FAILED"


class DateRangeFilterType(str, enum.Enum):
    """Which date a recall date-range filter applies to."""

    EVENT_DATE = "event_date"
    CREATED_AT = "created_at"
