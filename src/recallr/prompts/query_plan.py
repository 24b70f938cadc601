"""Query planning for agentic, deep and auto recall: searches, keywords, date ranges and the reasoning.

Example::

    ctx = QueryPlanContext(now=datetime(2023, 5, 8, tzinfo=UTC), question="What did Caroline do last week?",
                           recent=["user: Caroline: hi!"], choose_strategy=False)
    prompt(ctx).response_model   # QueryPlan
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from ._chat import ChatMessage, Prompt, day_text, is_placeholder, lenient_date, lenient_strings, lenient_text, task_line

TASK = "query_plan"
VERSION = "1"
EXAMPLE_DATES = (date(2023, 5, 1), date(2023, 5, 7))  # the dates the answer shape shows

Strategy = Literal["low_latency", "balanced", "agentic", "deep"]


@dataclass(frozen=True)
class QueryPlanContext:
    now: datetime
    question: str  # the user's latest message
    recent: Sequence[str]  # the turns before it, oldest first
    choose_strategy: bool  # auto recall: the plan also says how hard to search


class DateRange(BaseModel):
    start: date
    end: date

    parse_dates = field_validator("start", "end", mode="before")(lenient_date)


class QueryPlan(BaseModel):
    vector_queries: list[str] = Field(default_factory=list, description="1-5 short standalone search phrases.",
                                      json_schema_extra={"maxItems": 5, "items": {"type": "string", "maxLength": 200}})
    keywords: list[str] = Field(default_factory=list, description="Names, places and rare words.",
                                json_schema_extra={"maxItems": 12, "items": {"type": "string", "maxLength": 60}})
    date_ranges: list[DateRange] = Field(default_factory=list, description="When the question is about a time: "
                                         "its dates.", json_schema_extra={"maxItems": 3})
    strategy: Strategy | None = Field(None, description="How hard to search (only when asked).")
    reasoning: str = Field("", description="One or two sentences: what to search and why.",
                           json_schema_extra={"maxLength": 400})

    @field_validator("vector_queries", "keywords", mode="before")
    @classmethod
    def _phrases(cls, value: Any) -> list[str]:
        """Strings, without the answer shape's placeholders ("..."), at most 20 of them."""
        return [item for item in lenient_strings(value) if not is_placeholder(item)][:20]

    @field_validator("date_ranges", mode="before")
    @classmethod
    def _ranges(cls, value: Any) -> Any:
        if isinstance(value, dict):
            value = [value]
        if not isinstance(value, list):
            return []
        usable = [r for r in value if isinstance(r, dict) and lenient_date(r.get("start")) is not None]
        return [{"start": r["start"], "end": r.get("end") or r["start"]} for r in usable][:3]

    @field_validator("strategy", mode="before")
    @classmethod
    def _strategy(cls, value: Any) -> Any:
        text = lenient_text(value)
        if text is None:
            return None
        text = text.lower().replace("-", "_").replace(" ", "_")
        return text if text in ("low_latency", "balanced", "agentic", "deep") else None

    @field_validator("reasoning", mode="before")
    @classmethod
    def _reasoning(cls, value: Any) -> str:
        text = lenient_text(value) or ""
        return "" if is_placeholder(text) else text[:1000]


_RULES = """You plan a search of a person's long-term memory (facts, events with dates, summaries of past
conversations) for the assistant's next reply. From the person's latest message and the turns before it:
- vector_queries: one to five short standalone search phrases; resolve pronouns and split multi-part
  questions ("When did Caroline move and why?" -> "Caroline moved", "reason Caroline moved");
- keywords: names, places, titles and rare words worth an exact-match search;
- date_ranges: when the message is about a time ("last week", "in May"), the dates it covers (YYYY-MM-DD),
  relative to the current date below; otherwise an empty list;
- reasoning: one or two sentences on what you will search and why."""

_STRATEGY = """- strategy: "low_latency" for small talk that needs no memory, "balanced" for a simple
  question about one thing, "agentic" for questions that combine several facts, people or times, "deep"
  when the answer needs many scattered details."""


def messages(ctx: QueryPlanContext) -> list[ChatMessage]:
    rules = _RULES + ("\n" + _STRATEGY if ctx.choose_strategy else "")
    strategy = ', "strategy": "agentic"' if ctx.choose_strategy else ""
    system = "\n\n".join([
        task_line(TASK, VERSION), rules,
        'Answer with one JSON object and nothing else, shaped like:\n{"vector_queries": ["..."], "keywords": '
        f'["..."], "date_ranges": [{{"start": "2023-05-01", "end": "2023-05-07"}}]{strategy}, "reasoning": "..."}}',
    ])
    parts = [f"Current date: {day_text(ctx.now)} ({ctx.now:%Y-%m-%d})."]
    if ctx.recent:
        parts.append("Earlier turns:\n" + "\n".join(ctx.recent))
    parts.append(f"Latest message: {ctx.question}")
    return [{"role": "system", "content": system}, {"role": "user", "content": "\n\n".join(parts)}]


def prompt(ctx: QueryPlanContext) -> Prompt[QueryPlan]:
    return Prompt(TASK, VERSION, messages(ctx), QueryPlan)
