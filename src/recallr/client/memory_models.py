"""Result types for memories, merge conflicts and categories (official SDK shapes, plus ``sources``).

The models themselves are the wire format's (``recallr.wire``), shared with the server; here are the SDK's pages.
"""

from __future__ import annotations

from typing import TypeVar

from ..wire import (
    Category,
    ContextMetadata,
    ContextResponse,
    MemoryRelationship,
    MemorySource,
    MemoryVersionInfo,
    MergeConflictAnswer,
    MergeConflictConflictingMemory,
    MergeConflictModel,
    MergeConflictNewMemory,
    MergeConflictQuestion,
    ProjectSettings,
    QueryDateRangeFilter,
    UserMemoryItem,
)
from .models import Page

T = TypeVar("T")

__all__ = [
    "Category", "ContextMetadata", "ContextResponse", "MemoryRelationship", "MemorySource", "MemoryVersionInfo",
    "MergeConflictAnswer", "MergeConflictConflictingMemory", "MergeConflictList", "MergeConflictModel",
    "MergeConflictNewMemory", "MergeConflictQuestion", "ProjectSettings", "QueryDateRangeFilter", "UserMemoriesList",
    "UserMemoryItem",
]


class UserMemoriesList(Page[UserMemoryItem]):
    """A page of memories: ``items``, ``total``, ``has_more``, ``next_offset()``."""

    @property
    def items(self) -> list[UserMemoryItem]:
        return self._items


class MergeConflictList(Page[T]):
    """A page of merge conflicts: ``conflicts``, ``total``, ``has_more``."""

    @property
    def conflicts(self) -> list[T]:
        return self._items
