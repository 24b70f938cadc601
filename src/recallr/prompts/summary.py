"""Session summaries: what a conversation was about, from what was extracted from it.

Extraction usually returns the summary with the memories (one call fewer); this prompt runs when it did not,
on the session's statements (short) rather than its whole transcript.

Example::

    ctx = SummaryContext(datetime(2023, 5, 8, tzinfo=UTC), ["Caroline went to a support group."], [])
    prompt(ctx).response_model   # SummaryResponse: {"summary": "..."}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, Field

from ._chat import ChatMessage, Prompt, day_text, numbered, task_line

TASK = "summary"
VERSION = "1"


@dataclass(frozen=True)
class SummaryContext:
    session_date: datetime
    statements: Sequence[str]  # what was extracted from the session
    opening: Sequence[str] = ()  # the first messages, when there is nothing extracted to go on


class SummaryResponse(BaseModel):
    summary: str = Field(min_length=3, max_length=2000, json_schema_extra={"maxLength": 1000})


_RULES = """Summarise a conversation for a long-term memory in two to four sentences: what it was about,
who took part, what happened and when (absolute dates). Write in the third person; do not invent anything."""


def messages(ctx: SummaryContext) -> list[ChatMessage]:
    system = "\n\n".join([task_line(TASK, VERSION), _RULES,
                          'Answer with one JSON object and nothing else, shaped like:\n{"summary": "..."}'])
    parts = [f"Session date: {day_text(ctx.session_date)}."]
    if ctx.statements:
        parts.append("What was remembered from it:\n" + numbered(list(ctx.statements)))
    if ctx.opening:
        parts.append("Its first messages:\n" + "\n".join(ctx.opening))
    return [{"role": "system", "content": system}, {"role": "user", "content": "\n\n".join(parts)}]


def prompt(ctx: SummaryContext) -> Prompt[SummaryResponse]:
    return Prompt(TASK, VERSION, messages(ctx), SummaryResponse)
