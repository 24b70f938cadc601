"""Result types for memories, merge conflicts and categories (official SDK shapes, plus ``sources``).

The models themselves are the wire format's (``recallr.wire``), shared with the server; here are the SDK's pages.
"""

from __future__ import annotations

from typing import TypeVar

from ..wire import *  # noqa: F403 - the SDK's result types are the wire models
from ..wire import UserMemoryItem
from ..wire import __all__ as _wire_names
from .models import Page

__all__ = [*_wire_names, "MergeConflictList", "UserMemoriesList"]

T = TypeVar("T")


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
