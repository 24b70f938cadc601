"""Models and enums of the SDK, importable as in the official SDK (``from recallr.models import MessageRole``)."""

from .client.models import HasMore, Message, SessionList, SessionMessagesList, UserList, UserMessage, UserMessagesList
from .types import DateRangeFilterType, MergeConflictStatus, MessageRole, RecallStrategy, SessionStatus

__all__ = [
    "DateRangeFilterType",
    "HasMore",
    "MergeConflictStatus",
    "Message",
    "MessageRole",
    "RecallStrategy",
    "SessionList",
    "SessionMessagesList",
    "SessionStatus",
    "UserList",
    "UserMessage",
    "UserMessagesList",
]
