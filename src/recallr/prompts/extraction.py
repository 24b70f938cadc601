"""Extraction: a batch of a session's messages -> memories (categories, sources, event dates) and a summary.

Example::

    ctx = ExtractionContext(session_date=datetime(2023, 5, 8, 13, 56, tzinfo=UTC),
                            messages=[Line(0, "user", "Caroline: I went to a support group yesterday.")],
                            categories=[("events", "Things that happened.")])
    prompt(ctx).messages[1]["content"]   # "Session date: Monday, 8 May 2023 ... [0] user: Caroline: ..."
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator

from ._chat import ChatMessage, Prompt, day_text, lenient_date, lenient_ints, lenient_strings, lenient_text, task_line

TASK = "extraction"
VERSION = "1"


@dataclass(frozen=True)
class Line:
    """One message as the model sees it: ``[index] role: content``."""

    index: int
    role: str
    content: str
    when: datetime | None = None  # shown only when it falls on another day than the session


@dataclass(frozen=True)
class Example:
    """A project's example: a message and the memories it should give (none: nothing worth remembering)."""

    message: str
    memories: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExtractionContext:
    session_date: datetime
    messages: Sequence[Line]
    categories: Sequence[tuple[str, str]]  # (name, description)
    earlier: Sequence[Line] = ()  # the messages just before this batch: context, not to be extracted
    instructions: str = ""
    never_remember: Sequence[str] = ()
    always_remember: Sequence[str] = ()
    examples: Sequence[Example] = field(default_factory=tuple)
    with_summary: bool = True


class ExtractedMemory(BaseModel):
    content: str = Field(min_length=3, description="A short self-contained third-person statement.")
    categories: list[str] = Field(default_factory=list, description="1-3 names from the category list.")
    sources: list[int] = Field(default_factory=list, description="[n] indexes of the messages it comes from.")
    subject: str | None = Field(None, description="Who the memory is about: 'User', a name, or 'Assistant'.")
    event_start: date | None = Field(None, description="First day of the event (YYYY-MM-DD), if it has a time.")
    event_end: date | None = Field(None, description="Last day of the event (YYYY-MM-DD).")
    attribute: str | None = Field(None, description="Key of a single-valued fact: home, job, favorite_food, ...")
    value: str | None = Field(None, description="The attribute's current value.")
    changed: bool = Field(False, description="The message says this fact changed.")
    negated: bool = Field(False, description="The statement is a negation ('does not like ...').")

    parse_sources = field_validator("sources", mode="before")(lenient_ints)
    parse_categories = field_validator("categories", mode="before")(lenient_strings)
    parse_dates = field_validator("event_start", "event_end", mode="before")(lenient_date)
    parse_texts = field_validator("subject", "attribute", "value", mode="before")(lenient_text)

    @field_validator("changed", "negated", mode="before")
    @classmethod
    def _flag(cls, value: Any) -> bool:
        return value is True or (isinstance(value, str) and value.strip().lower() in ("true", "yes", "1"))


class ExtractionResponse(BaseModel):
    memories: list[ExtractedMemory]
    summary: str | None = Field(None, description="2-4 sentences on what this part of the conversation covered.")

    @field_validator("memories", mode="before")
    @classmethod
    def _items(cls, value: Any) -> Any:
        """Keep the usable items: a bare string is a statement; items without content are dropped."""
        if not isinstance(value, list):
            return value
        items: list[Any] = []
        for item in value:
            if isinstance(item, str) and len(item.strip()) >= 3:
                items.append({"content": item.strip()})
            elif isinstance(item, dict) and isinstance(item.get("content"), str) and len(item["content"].strip()) >= 3:
                items.append(item)
        return items

    parse_summary = field_validator("summary", mode="before")(lenient_text)


_RULES = """You turn a conversation into long-term memories about the people in it.

Rules:
- Each memory is one short, self-contained statement in the third person that names its subject:
  "User is allergic to peanuts.", "Caroline went to an LGBTQ support group."
- A message written "Name: text" is said by Name and memories from it are about Name. Other user messages
  are said by the user: call them "User". Never write "I", "you" or "we" in a memory.
- Keep facts about the people: identity, home, work, family, pets, health, allergies, likes and dislikes,
  habits, possessions, plans, events, opinions; keep what the assistant recommended or told the user
  ("Assistant recommended the book 'Dune' to the user.").
- Skip greetings, filler, small talk and questions that state no fact. Never keep secrets (passwords,
  card numbers, keys, codes).
- Relative times ("yesterday", "last week", "next month") are relative to the session date below: write the
  absolute date in the memory ("On 7 May 2023, Caroline went to ...") and give event_start and event_end as
  YYYY-MM-DD. Leave the event dates out when the memory says nothing about time.
- categories: one to three names from the category list, best first.
- sources: the [n] numbers of the messages the memory comes from.
- attribute and value: only for a single-valued fact (home, hometown, job, employer, relationship_status,
  diet, age, name, favorite_<thing>, <thing>_count) - a short snake_case key and its value now.
- changed: true when the conversation says the fact changed ("moved", "now", "no longer", "new favourite").
- negated: true for a negative statement ("User does not eat meat.")."""

_SHAPE = ('{"memories": [{"content": "...", "categories": ["..."], "sources": [0], "subject": "User", '
          '"event_start": "2023-05-07", "event_end": "2023-05-07", "attribute": null, "value": null, '
          '"changed": false, "negated": false}]%s}')


def _project_rules(ctx: ExtractionContext) -> list[str]:
    parts: list[str] = []
    if ctx.instructions.strip():
        parts.append(f"Instructions from the project (follow them):\n{ctx.instructions.strip()}")
    if ctx.always_remember:
        parts.append("Always remember anything about: " + "; ".join(ctx.always_remember))
    if ctx.never_remember:
        parts.append("Never remember anything about: " + "; ".join(ctx.never_remember))
    if ctx.examples:
        shown = []
        for example in ctx.examples:
            result = "; ".join(example.memories) if example.memories else "(nothing to remember)"
            shown.append(f"Message: {example.message}\nMemories: {result}")
        parts.append("Examples:\n" + "\n\n".join(shown))
    return parts


def _line(line: Line, session_day: date) -> str:
    when = f" ({day_text(line.when)})" if line.when is not None and line.when.date() != session_day else ""
    return f"[{line.index}]{when} {line.role}: {line.content}"


def messages(ctx: ExtractionContext) -> list[ChatMessage]:
    """The extraction request for one batch of messages."""
    categories = "\n".join(f"- {name}: {description}" for name, description in ctx.categories)
    summary = ', "summary": "..."' if ctx.with_summary else ""
    summary_rule = ("\n- summary: two to four sentences on what these messages covered, naming the people and "
                    "dates." if ctx.with_summary else "")
    system = "\n\n".join([
        task_line(TASK, VERSION), _RULES + summary_rule, f"Categories:\n{categories}", *_project_rules(ctx),
        "Answer with one JSON object and nothing else, shaped like:\n" + _SHAPE % summary,
        'No memories: {"memories": []}.',
    ])
    day = ctx.session_date.date()
    parts = [f"Session date: {day_text(ctx.session_date)} ({ctx.session_date:%Y-%m-%d}), "
             f"{ctx.session_date:%H:%M} UTC."]
    if ctx.earlier:
        parts.append("Earlier messages, for context only (do not extract from them):\n"
                     + "\n".join(_line(line, day) for line in ctx.earlier))
    parts.append("Messages:\n" + "\n".join(_line(line, day) for line in ctx.messages))
    return [{"role": "system", "content": system}, {"role": "user", "content": "\n\n".join(parts)}]


def prompt(ctx: ExtractionContext) -> Prompt[ExtractionResponse]:
    return Prompt(TASK, VERSION, messages(ctx), ExtractionResponse)
