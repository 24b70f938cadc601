"""Extraction: a batch of a session's messages -> memories (categories, sources, event dates) and a summary.

Example::

    ctx = ExtractionContext(session_date=datetime(2023, 5, 8, 13, 56, tzinfo=UTC),
                            messages=[Line(0, "user", "Caroline: I went to a support group yesterday.")],
                            categories=[("events", "Things that happened.")])
    prompt(ctx).messages[1]["content"]   # "Session date: Monday, 8 May 2023 ... [0] user: Caroline: ..."
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic.json_schema import SkipJsonSchema

from ._chat import (
    ChatMessage,
    Prompt,
    day_text,
    is_placeholder,
    lenient_date,
    lenient_ints,
    lenient_strings,
    lenient_text,
    task_line,
)

TASK = "extraction"
VERSION = "2"
COMPACT_VERSION = "1"  # its own form (``compact_messages``); the task line says "compact"
# Output limits sent in the JSON schema (grammar-constrained servers enforce them) and used to size max_tokens
MAX_MEMORIES, MAX_CONTENT, MAX_SUMMARY = 40, 300, 600
MAX_COMPACT_MEMORIES, MAX_COMPACT_CONTENT, MAX_COMPACT_SUMMARY = 24, 200, 240


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
    compact: bool = False  # the short form for small or slow models (``compact_messages``)


class ExtractedMemory(BaseModel):
    content: str = Field(min_length=3, description="A short self-contained third-person statement.",
                         json_schema_extra={"maxLength": MAX_CONTENT})
    categories: list[str] = Field(default_factory=list, description="1-3 names from the category list.",
                                  json_schema_extra={"maxItems": 3, "items": {"type": "string", "maxLength": 40}})
    sources: list[int] = Field(default_factory=list, description="[n] indexes of the messages it comes from.",
                               json_schema_extra={"maxItems": 8})
    subject: str | None = Field(None, description="Who the memory is about: 'User', a name, or 'Assistant'.",
                                json_schema_extra={"maxLength": 80})
    event_start: date | None = Field(None, description="First day of the event (YYYY-MM-DD), if it has a time.")
    event_end: date | None = Field(None, description="Last day of the event (YYYY-MM-DD).")
    attribute: str | None = Field(None, description="Key of a single-valued fact: home, job, favorite_food, ...",
                                  json_schema_extra={"maxLength": 60})
    value: str | None = Field(None, description="The attribute's current value.", json_schema_extra={"maxLength": 120})
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
    memories: list[ExtractedMemory] = Field(json_schema_extra={"maxItems": MAX_MEMORIES})
    summary: str | None = Field(None, description="2-4 sentences on what this part of the conversation covered.",
                                json_schema_extra={"maxLength": MAX_SUMMARY})
    dropped: SkipJsonSchema[int] = Field(0, exclude=True)  # items that were not memories (see ``_items``)

    @model_validator(mode="before")
    @classmethod
    def _items(cls, value: Any) -> Any:
        """Keep the usable items: a bare string is a statement; items that are not statements (numbers, copies of
        messages, placeholders, first person that cannot be repaired) are dropped and counted in ``dropped``."""
        if not isinstance(value, dict) or not isinstance(value.get("memories"), list):
            return value
        items: list[Any] = []
        for item in value["memories"]:
            if isinstance(item, str):
                item = {"content": item}
            content = item.get("content") if isinstance(item, dict) else None
            fixed = as_statement(content, item.get("subject")) if isinstance(content, str) else None
            if fixed is not None:
                items.append({**item, "content": fixed})
        return {**value, "memories": items, "dropped": len(value["memories"]) - len(items)}

    parse_summary = field_validator("summary", mode="before")(lenient_text)


class CompactMemory(ExtractedMemory):
    """A memory in the compact answer: the statement, its categories and sources; dates are read from the
    statement by the offline date rules, single-valued slots by consolidation."""

    content: str = Field(min_length=3, description="A short self-contained third-person statement.",
                         json_schema_extra={"maxLength": MAX_COMPACT_CONTENT})
    subject: SkipJsonSchema[str | None] = None
    event_start: SkipJsonSchema[date | None] = None
    event_end: SkipJsonSchema[date | None] = None
    attribute: SkipJsonSchema[str | None] = None
    value: SkipJsonSchema[str | None] = None
    changed: SkipJsonSchema[bool] = False
    negated: SkipJsonSchema[bool] = False


class CompactResponse(ExtractionResponse):
    memories: list[CompactMemory] = Field(json_schema_extra={"maxItems": MAX_COMPACT_MEMORIES})  # type: ignore[assignment]
    summary: str | None = Field(None, description="One sentence on what the messages covered.",
                                json_schema_extra={"maxLength": MAX_COMPACT_SUMMARY})


_COPIED_LINE = re.compile(r"\s*(\[\d+\]|(user|assistant|system)\s*:)", re.I)  # anchored, no nesting: linear
_WORD = re.compile(r"[A-Za-z']+")
_QUOTED = re.compile(r'"[^"]*"|“[^”]*”')  # negated classes: linear
_FIRST_PERSON = frozenset({"i", "i'm", "i've", "i'd", "i'll", "me", "my", "mine", "myself", "we", "we're",
                           "we've", "our", "ours", "ourselves"})
_FIRST_FIXES = (("I'm ", "{} is "), ("I am ", "{} is "), ("I've ", "{} has "), ("I have ", "{} has "),
                ("I was ", "{} was "), ("My ", "{}'s "))
_KEPT_VERBS = frozenset({"went", "had", "was", "got", "did", "made", "saw", "met", "took", "bought", "lost", "left",
                         "can", "will", "would", "could", "should", "must", "might", "may", "never", "also", "just",
                         "really", "still", "always", "often", "usually", "recently", "once"})


def as_statement(content: str, subject: Any = None) -> str | None:
    """``content`` as a usable memory statement: None when it is a placeholder, a copy of a message line
    ("[1] user: ...") or a question; first person repaired where that is simple ("I'm allergic to X" ->
    "User is allergic to X"), else None. O(len(content))."""
    text = " ".join(content[:2000].split())
    if len(text) < 3 or is_placeholder(text) or sum(ch.isalpha() for ch in text) < 3:
        return None
    if _COPIED_LINE.match(text) or text.endswith("?"):
        return None
    if not _first_person(text):
        return text
    who = subject.strip() if isinstance(subject, str) and subject.strip() and \
        subject.strip().lower() not in _FIRST_PERSON | {"assistant"} else "User"
    for prefix, replacement in _FIRST_FIXES:
        if text.startswith(prefix):
            text = replacement.format(who) + text[len(prefix):]
            break
    else:
        words = text.split(" ", 2)
        if words[0] != "I" or len(words) < 2:
            return None
        verb = words[1]
        if verb.lower() not in _KEPT_VERBS and not verb.endswith("ed"):
            verb = _third_person(verb)
        text = " ".join([who, verb, *words[2:]])
    return None if _first_person(text) else text


def _first_person(text: str) -> bool:
    """First-person words outside quoted speech ("Caroline said \"I did it\"" is a statement about Caroline)."""
    return any(w.lower() in _FIRST_PERSON for w in _WORD.findall(_QUOTED.sub(" ", text)))


def _third_person(verb: str) -> str:
    if verb.endswith(("s", "sh", "ch", "x", "o")):
        return verb + "es"
    if len(verb) > 2 and verb.endswith("y") and verb[-2] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"


_RULES = """You turn a conversation into long-term memories about the people in it.

Rules:
- Each memory is one self-contained statement in the third person that names its subject:
  "User is allergic to peanuts.", "Caroline went to an LGBTQ support group."
- Keep every detail of what was said: names, numbers, places, times, objects, reasons and qualifiers
  ("on weekdays only", "except in winter"). Leave out filler ("quick thing first", "again", "wow", "actually").
- Never start a memory with a pronoun or "this"/"that"/"here's": resolve "he", "she", "it", "her", "they"
  from the conversation, earlier messages of either speaker included ("User wants to get User's sister a
  gift."), and write whole clauses, never a cut-off one.
- A message written "Name: text" is said by Name when Name is one of the conversation's speakers, and memories
  from it are about Name; "Note:" or "Update:" are not speakers. Other user messages are said by the user: call
  them "User". Never write "I", "you" or "we" in a memory.
- Keep facts about the people: identity, home, work, family, pets, health, allergies, likes and dislikes,
  habits, possessions, plans, events, opinions, also when said inside a question or request ("Given that I'm
  pregnant, is sushi OK?" -> "User is pregnant."). A wish or a hypothetical is not a fact: keep it only as
  what it is ("User would love to visit Japan someday."). Say each fact once, even when it is repeated.
- Corrections: when someone corrects what they said ("sorry, I meant Braga", "actually the 14th"), keep only
  the corrected fact, with the rest of the original statement, and nothing about the mistake or the apology.
- Ended or negated states ("stopped playing in the band", "sold the boat", "no longer eats meat", "quit my
  job") are memories of their own, with changed: true and the attribute of the fact they end.
- What the assistant confirmed or did for the user (a booking, appointment, order, delivery or reminder, a
  recommendation the user accepted) is a memory about the user's plan with its date ("User has a table for two
  booked at Nopa on 4 December 2026 at 8 pm."); the assistant's greetings, chatter and offers are not.
- Skip greetings, small talk and questions that state no fact. Never keep secrets (passwords, card numbers,
  keys, codes).
- Relative times ("yesterday", "last week", "next month", "on the 21st") are relative to the session date
  below, in the past for what happened and in the future for plans: write the absolute date in the memory ("On
  7 May 2023, Caroline went to ...") and give event_start and event_end as YYYY-MM-DD. A yearly date
  (birthday, anniversary) is written without a year and "every year" ("User's sister's birthday is on 3 March,
  every year."), with its next occurrence as the event dates. Leave the event dates out when the memory says
  nothing about time.
- categories: one to three names from the category list, best first, chosen by their descriptions' meaning.
- sources: the [n] numbers of the messages the memory comes from.
- attribute and value: only for a single-valued fact (home, hometown, job, employer, relationship_status,
  diet, age, name, favorite_<thing>, <thing>_count) - a short snake_case key and its value now.
- changed: true when the conversation says the fact changed ("moved", "now", "no longer", "new favourite").
- negated: true for a negative statement ("User does not eat meat.")."""

EXAMPLE_DATES = (date(2023, 5, 7),)  # the dates _SHAPE shows: an answer repeating them is checked
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


_COMPACT_RULES = """List facts about the people in the messages as short third-person statements.
- User messages are said by "User"; a message "Name: text" is said by Name. Never write "I", "you" or "we".
- Keep every detail: names, numbers, places, times. Write dates as words ("in June 2024").
- Resolve "he", "she", "it" to who or what they are. Keep only corrected facts. Skip wishes.
- Skip greetings, small talk, questions and secrets.
- categories: one or two names from: {categories}.
- sources: the [n] numbers of the messages a fact comes from."""

_COMPACT_SHAPE = '{"memories": [{"content": "...", "categories": ["..."], "sources": [0]}]%s}'


def compact_messages(ctx: ExtractionContext) -> list[ChatMessage]:
    """The extraction request in its short form (about a quarter of the full one's instructions): for a small
    or slow model, where reading the full instructions alone would take most of the time allowed."""
    summary = ', "summary": "..."' if ctx.with_summary else ""
    system = "\n\n".join([
        task_line(TASK, COMPACT_VERSION) + ", compact",
        _COMPACT_RULES.format(categories=", ".join(name for name, _ in ctx.categories)),
        *_project_rules(ctx),
        "Answer with only JSON shaped like:\n" + _COMPACT_SHAPE % summary,
    ])
    day = ctx.session_date.date()
    text = [f"Session date: {day_text(ctx.session_date)}."]
    text.append("Messages:\n" + "\n".join(_line(line, day) for line in ctx.messages))
    return [{"role": "system", "content": system}, {"role": "user", "content": "\n\n".join(text)}]


def prompt(ctx: ExtractionContext) -> Prompt[ExtractionResponse]:
    if ctx.compact:
        return Prompt(TASK, COMPACT_VERSION, compact_messages(ctx), CompactResponse)
    return Prompt(TASK, VERSION, messages(ctx), ExtractionResponse)
