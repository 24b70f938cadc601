"""What every prompt module shares: chat messages, the ``Prompt`` bundle, lenient field parsers.

Response models are lenient on purpose: local models drift (a date as "May 7", an index as "3", a category
in capitals), and one odd field must not throw away an otherwise useful answer. Structural problems (no
JSON, a missing list) still fail validation, and the caller asks once more with the error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, Literal, TypedDict, TypeVar

from pydantic import BaseModel

ResponseT = TypeVar("ResponseT", bound=BaseModel)


class ChatMessage(TypedDict):
    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True)
class Prompt(Generic[ResponseT]):
    """One request to the model: its task and version, the messages, and the model its answer must fit."""

    task: str
    version: str
    messages: list[ChatMessage]
    response_model: type[ResponseT]


def task_line(task: str, version: str) -> str:
    """The first line of every system message: names the task (logs, tests and fakes key on it)."""
    return f"Recallr task: {task} (v{version})"


def day_text(moment: date | datetime) -> str:
    """'Monday, 8 May 2023'."""
    return f"{moment:%A}, {moment.day} {moment:%B %Y}"


_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def lenient_date(value: Any) -> date | None:
    """A YYYY-MM-DD date anywhere in ``value`` (ISO datetimes included), else None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    match = _DATE.search(value)
    if match is None:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def lenient_ints(value: Any) -> list[int]:
    """``[3, "4", "[5]", "m6"]`` -> ``[3, 4, 5, 6]``; a single value becomes a list."""
    items = value if isinstance(value, list) else [value]
    out: list[int] = []
    for item in items:
        if isinstance(item, bool):
            continue
        if isinstance(item, int):
            out.append(item)
        elif isinstance(item, float) and item.is_integer():
            out.append(int(item))
        elif isinstance(item, str):
            out.extend(int(n) for n in re.findall(r"\d+", item))
    return out


def lenient_strings(value: Any) -> list[str]:
    """A list of non-empty strings from a list, a comma-separated string or None."""
    if value is None:
        return []
    items = value if isinstance(value, list) else str(value).split(",")
    return [str(item).strip() for item in items if item is not None and str(item).strip()]


def lenient_text(value: Any) -> str | None:
    """A stripped string, or None for empty and non-text values."""
    if value is None or isinstance(value, dict | list):
        return None
    text = str(value).strip()
    return text or None


_PLACEHOLDERS = frozenset({"", "string", "content", "memory", "statement", "text", "none", "null", "n/a", "keyword",
                           "search phrase", "phrase", "query", "reason", "reasoning", "example"})


def is_placeholder(text: str) -> bool:
    """Whether ``text`` is a placeholder from a prompt's example shape ("...", "string") rather than a value."""
    return text.strip().strip(".… ").strip("<>[]\"'").lower() in _PLACEHOLDERS


def example_date_copied(day: date, examples: tuple[date, ...], *, now: date, context: str) -> bool:
    """Whether ``day`` is one of a prompt's example dates with no reason in the conversation: not within a month of
    ``now`` and its year not written in ``context``."""
    return day in examples and abs((day - now).days) > 31 and str(day.year) not in context


def numbered(lines: list[str]) -> str:
    return "\n".join(f"- {line}" for line in lines)
