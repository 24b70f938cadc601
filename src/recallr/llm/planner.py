"""Query planning for agentic, deep and auto recall: the model rewrites the search, recall runs it.

The plan's search phrases become the sub-queries, its keywords join the full-text search, its dates become
the date-range filter and its reasoning leads ``agent_reasoning``. For ``auto`` the plan also picks the
strategy (small talk, which the built-in rules spot, is never sent to the model). A failed plan is never a
failed recall: the built-in planner's query is used and the reasoning says so.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, time

from ..engine.recall.query import RecallQuery, keywords
from ..language.dates import TimeSpan
from ..prompts import query_plan
from ..prompts._chat import example_date_copied
from ..store.records import MessageRecord
from ..types import RecallStrategy
from .errors import EndpointBusy, LLMError, OverBudget
from .structured import StructuredCaller
from .usage import UsageMeter

log = logging.getLogger("recallr.llm")

MAX_QUERIES = 5
PLAN_TOKENS = 400  # a plan is short: a few phrases, keywords, dates and a sentence
MIN_PLAN_TOKENS = 160  # the least worth asking for when the endpoint is slow (a plan of two or three phrases)
RECENT_TURNS = 4


class QueryPlanner:
    """Plans one recall with the model; ``record`` receives the meter of every plan (usage accounting)."""

    def __init__(self, caller: StructuredCaller, record: Callable[[str, UsageMeter], None]) -> None:
        self.caller = caller
        self.record = record

    def plan(self, query: RecallQuery, turns: Sequence[MessageRecord], now: datetime, *,
             requested: RecallStrategy, chosen: RecallStrategy,
             session_id: str) -> tuple[RecallQuery, RecallStrategy, list[str]]:
        """The query to search, the strategy to search it with, and notes for ``agent_reasoning``."""
        users = [t.position for t in turns if t.role == "user"]
        last = users[-1] if users else (turns[-1].position if turns else 0)
        before = [t for t in turns if t.position < last]  # the turns before the message being answered
        recent = [f"{t.role}: {t.content[:300]}" for t in before[-RECENT_TURNS:]]
        ctx = query_plan.QueryPlanContext(now=now, question=query.text, recent=recent,
                                          choose_strategy=requested == RecallStrategy.AUTO)
        meter = UsageMeter()
        try:
            plan = self.caller.ask(query_plan.prompt(ctx), meter, max_tokens=PLAN_TOKENS, min_tokens=MIN_PLAN_TOKENS,
                                   check=lambda found: _plan_problem(found, ctx))
        except LLMError as error:
            meter.fallback(query_plan.TASK)
            if isinstance(error, OverBudget | EndpointBusy):
                meter.count(query_plan.TASK, "over_budget" if isinstance(error, OverBudget) else "backlog")
            log.warning("query planning failed, using the built-in planner: %s", error.message)
            return query, chosen, [f"The query planner was unavailable ({error.code}); searched with the built-in "
                                   "planner."]
        finally:
            self.record(session_id, meter)
        strategy = chosen
        if requested == RecallStrategy.AUTO and plan.strategy is not None:
            strategy = RecallStrategy(plan.strategy)
        return planned_query(query, plan), strategy, [plan.reasoning] if plan.reasoning else []


def _plan_problem(plan: query_plan.QueryPlan, ctx: query_plan.QueryPlanContext) -> str | None:
    """Drops the prompt's example dates repeated for no reason; a plan left with nothing to search is a problem."""
    context = " ".join([ctx.question, *ctx.recent])
    plan.date_ranges = [r for r in plan.date_ranges if not any(
        example_date_copied(day, query_plan.EXAMPLE_DATES, now=ctx.now.date(), context=context)
        for day in (r.start, r.end))]
    if plan.vector_queries or plan.keywords or plan.date_ranges or (ctx.choose_strategy and plan.strategy):
        return None
    return "the plan has no search phrases, keywords or dates (placeholders such as \"...\" are not phrases)"


def planned_query(query: RecallQuery, plan: query_plan.QueryPlan) -> RecallQuery:
    """``query`` with the plan's searches, keywords and dates (the built-in ones where the plan has none)."""
    own = query.text.strip().lower()
    searches = [q for q in dict.fromkeys(q.strip() for q in plan.vector_queries) if q and q.lower() != own]
    terms = [word for phrase in plan.keywords for word in keywords(phrase)]
    span = query.date_range
    if plan.date_ranges:
        first = min(r.start for r in plan.date_ranges)
        last = max(max(r.start, r.end) for r in plan.date_ranges)
        span = TimeSpan(datetime.combine(first, time.min, UTC), datetime.combine(last, time.max, UTC), "range",
                        "", True)
    return replace(query, sub_questions=searches[:MAX_QUERIES] or query.sub_questions,
                   keywords=list(dict.fromkeys([*terms, *query.keywords]))[:24], date_range=span)
