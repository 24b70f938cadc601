"""Models and enums of the SDK, importable as in the official SDK (``from recallr.models import MessageRole``)."""

from .client.memory_models import (
    Category,
    MemoryRelationship,
    MemorySource,
    MemoryVersionInfo,
    MergeConflictAnswer,
    MergeConflictConflictingMemory,
    MergeConflictList,
    MergeConflictModel,
    MergeConflictNewMemory,
    MergeConflictQuestion,
    ProjectSettings,
    UserMemoriesList,
    UserMemoryItem,
)
from .client.models import HasMore, Message, SessionList, SessionMessagesList, UserList, UserMessage, UserMessagesList
from .types import DateRangeFilterType, MergeConflictStatus, MessageRole, RecallStrategy, SessionStatus

__all__ = [
    "Category",
    "DateRangeFilterType",
    "HasMore",
    "MemoryRelationship",
    "MemorySource",
    "MemoryVersionInfo",
    "MergeConflictAnswer",
    "MergeConflictConflictingMemory",
    "MergeConflictList",
    "MergeConflictModel",
    "MergeConflictNewMemory",
    "MergeConflictQuestion",
    "MergeConflictStatus",
    "Message",
    "MessageRole",
    "ProjectSettings",
    "RecallStrategy",
    "SessionList",
    "SessionMessagesList",
    "SessionStatus",
    "UserList",
    "UserMemoriesList",
    "UserMemoryItem",
    "UserMessage",
    "UserMessagesList",
]
