"""Result types of the SDK: messages, pages of users/sessions/messages (with ``next_offset()``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from ..wire import Message

T = TypeVar("T")


class HasMore:
    """``has_more`` that reads both as a bool attribute and as a method (``page.has_more()``)."""

    __slots__ = ("value",)

    def __init__(self, value: bool) -> None:
        self.value = bool(value)

    def __bool__(self) -> bool:
        return self.value

    def __call__(self) -> bool:
        return self.value

    def __eq__(self, other: object) -> bool:
        if isinstance(other, HasMore):
            return self.value == other.value
        if isinstance(other, bool | int):
            return self.value == bool(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.value)

    def __repr__(self) -> str:
        return repr(self.value)


UserMessage = Message


@dataclass
class Page(Generic[T]):
    """A page of a listing: ``items``, ``total``, ``has_more``, and where the next page starts."""

    offset: int
    _items: list[T]
    total: int
    has_more: HasMore

    def items_list(self) -> list[T]:
        return self._items

    def next_offset(self) -> int | None:
        """Offset of the next page, or None on the last page."""
        return self.offset + len(self._items) if self.has_more and self._items else None

    def __len__(self) -> int:
        return len(self._items)


class UserList(Page[T]):
    """A page of users: ``users``, ``total``, ``has_more``."""

    @property
    def users(self) -> list[T]:
        return self._items


class SessionList(Page[T]):
    """A page of sessions: ``sessions``, ``total``, ``has_more``."""

    @property
    def sessions(self) -> list[T]:
        return self._items


class SessionMessagesList(Page[Message]):
    """A page of a session's messages: ``messages``, ``total``, ``has_more``."""

    @property
    def messages(self) -> list[Message]:
        return self._items


@dataclass
class UserMessagesList:
    """The user's latest messages across sessions, oldest first."""

    messages: list[Message]


def page_of(cls: type[Page[Any]], data: dict[str, Any], key: str, items: list[Any], offset: int) -> Any:
    return cls(offset, items, int(data["total"]), HasMore(data["has_more"]))
