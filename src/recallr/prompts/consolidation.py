"""Consolidation: new memories against their nearest current memories -> add, update, conflict or ignore.

Existing memories are shown once each under short references (``E1``, ``E2``...): cheaper than ids, and a
reference the model invents is easy to reject.

Example::

    ctx = ConsolidationContext(
        new=[NewMemory(1, "User moved to Berlin.", datetime(2024, 3, 1, tzinfo=UTC), ("E1",))],
        existing=[Existing("E1", "User lives in Paris.", datetime(2023, 5, 8, tzinfo=UTC))])
    prompt(ctx).response_model   # ConsolidationResponse: {"decisions": [{"new": 1, "action": "update", ...}]}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic import ValidationError as PydanticValidationError
from pydantic.json_schema import SkipJsonSchema

from ._chat import ChatMessage, Prompt, day_text, is_placeholder, lenient_text, task_line

TASK = "consolidation"
VERSION = "1"
MAX_DECISIONS = 30  # new memories per request (llm.consolidation.BATCH): the schema's maxItems

Action = Literal["add", "update", "conflict", "ignore"]
_SYNONYMS = {"new": "add", "insert": "add", "create": "add", "keep": "add", "replace": "update",
             "supersede": "update", "change": "update", "contradiction": "conflict", "contradict": "conflict",
             "contradicts": "conflict", "duplicate": "ignore", "repeat": "ignore", "skip": "ignore", "none": "ignore",
             "noop": "ignore", "same": "ignore"}


@dataclass(frozen=True)
class Existing:
    ref: str  # "E1"
    content: str
    since: datetime  # when the memory's event happened (its event date)


@dataclass(frozen=True)
class NewMemory:
    number: int
    content: str
    said_on: datetime
    related: tuple[str, ...]  # references of the existing memories it may concern


@dataclass(frozen=True)
class ConsolidationContext:
    new: Sequence[NewMemory]
    existing: Sequence[Existing]


class Verdict(BaseModel):
    new: int = Field(description="The number of the new memory.")
    action: Action
    target: str | None = Field(None, description="The existing memory (E-reference) it updates, contradicts "
                                                 "or repeats.", json_schema_extra={"maxLength": 8})
    reason: str = Field("", description="Why, in one sentence (shown to the user for a conflict).",
                        json_schema_extra={"maxLength": 300})

    @field_validator("new", mode="before")
    @classmethod
    def _number(cls, value: Any) -> Any:
        if isinstance(value, str):
            digits = "".join(ch for ch in value if ch.isdigit())
            return int(digits) if digits else value
        return value

    @field_validator("action", mode="before")
    @classmethod
    def _action(cls, value: Any) -> Any:
        if isinstance(value, str):
            word = value.strip().lower()
            return _SYNONYMS.get(word, word)
        return value

    @field_validator("target", mode="before")
    @classmethod
    def _target(cls, value: Any) -> Any:
        if isinstance(value, list):
            value = value[0] if value else None
        text = lenient_text(value)
        return None if text is None or text.lower() in ("null", "none") else text.upper()

    @field_validator("reason", mode="before")
    @classmethod
    def _reason(cls, value: Any) -> str:
        text = lenient_text(value) or ""
        return "" if is_placeholder(text) else text[:500]


class ConsolidationResponse(BaseModel):
    decisions: list[Verdict] = Field(json_schema_extra={"maxItems": MAX_DECISIONS})
    dropped: SkipJsonSchema[int] = Field(0, exclude=True)  # decisions that did not validate (see ``_usable``)

    @model_validator(mode="before")
    @classmethod
    def _usable(cls, value: Any) -> Any:
        """Keep the decisions that validate: one bad item (a missing action) drops that item, not the batch."""
        if not isinstance(value, dict) or not isinstance(value.get("decisions"), list):
            return value
        kept: list[Verdict] = []
        for item in value["decisions"]:
            try:
                kept.append(Verdict.model_validate(item))
            except PydanticValidationError:
                continue
        return {**value, "decisions": kept, "dropped": len(value["decisions"]) - len(kept)}


_RULES = """You keep a person's long-term memory consistent. Each new memory below comes with the existing
memories it may concern. For every new memory decide one action:
- "add": it is new information (nothing listed says the same thing or the opposite).
- "update": it replaces an existing memory because the fact changed (a move, a new job, a new favourite,
  a count that grew, "no longer"). target: that memory.
- "conflict": it contradicts an existing memory and the conversation does not say which one is true now.
  target: that memory; reason: what disagrees, in one sentence addressed to the user.
- "ignore": it says nothing new. target: the existing memory it repeats, if any.
Two memories about different things never conflict; an event that happened again is "add"."""


def messages(ctx: ConsolidationContext) -> list[ChatMessage]:
    system = "\n\n".join([
        task_line(TASK, VERSION), _RULES,
        'Answer with one JSON object and nothing else, with one decision per new memory, shaped like:\n'
        '{"decisions": [{"new": 1, "action": "update", "target": "E2", "reason": "..."}]}',
    ])
    existing = "\n".join(f"{e.ref}: {e.content} (event date {day_text(e.since)})" for e in ctx.existing)
    new = "\n".join(f"N{n.number}: {n.content} (said on {day_text(n.said_on)}; may concern "
                    f"{', '.join(n.related) or 'nothing listed'})" for n in ctx.new)
    user = f"Existing memories:\n{existing or '(none)'}\n\nNew memories:\n{new}"
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def prompt(ctx: ConsolidationContext) -> Prompt[ConsolidationResponse]:
    return Prompt(TASK, VERSION, messages(ctx), ConsolidationResponse)
