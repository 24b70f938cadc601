"""The date rule table and the scanner behind :mod:`recallr.language.dates`.

The rules live with their resolvers, one module per family: :mod:`.relative` (yesterday, last Friday, next weekend,
earlier this month), :mod:`.counted` (3 weeks ago, in three weeks, recently), :mod:`.absolute` (3 March, on the 21st,
in May), :mod:`.ranges` (from 4 to 7 March), :mod:`.explicit` (2023-05-08, 25/12/2021, in 2019, last summer) and
:mod:`.holidays` (Christmas, Easter, Thanksgiving); each module's docstring states its choices for ambiguous phrases.
Every rule is a :class:`recallr.language.pattern.Rule` (a verbose pattern, a resolver, examples and counter-examples);
the table is registered as ``"dates"``, so ``tests/language/test_rule_examples.py`` checks every example.

:func:`scan` runs the rules whose cheap gates pass, orders the matches leftmost first (longest first
at the same position) and returns the first one a resolver accepts. Calendar arithmetic happens in
the reference's own timezone (UTC for naive or UTC references); the returned datetimes are UTC.
Weeks run Monday-Sunday. Morning/evening/tonight/last night resolve to whole days: the user's own
timezone is usually unknown, so narrower ranges would mislead.

Cost: every pattern is linear in the text (no nested or adjacent overlapping quantifiers), the
matches are merged lazily (a long text is scanned only up to its first date), and each resolver
reads a bounded window around its match (the clause's tense: :mod:`.tense`).
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterator
from datetime import UTC, datetime

from ..pattern import Rule, register
from . import absolute, counted, explicit, holidays, ranges, relative
from .base import _DIGIT, _SINCE_BEFORE, Ctx, DateAction, Granularity, Hit

__all__ = ["RULES", "Granularity", "Hit", "local_reference", "scan"]

RULES: tuple[Rule, ...] = (
    *relative.RULES, *counted.RULES, *ranges.RULES, *absolute.RULES, *explicit.RULES, *holidays.RULES,
)
register("dates", lambda: iter(RULES))


def _action(rule: Rule) -> DateAction:
    action: DateAction = rule.action
    return action


def local_reference(reference: datetime) -> datetime:
    """The reference as an aware datetime: naive means UTC, aware keeps its zone."""
    return reference.replace(tzinfo=UTC) if reference.tzinfo is None else reference


def _apply_since(text: str, start: int, end: int, hit: Hit, ctx: Ctx) -> tuple[int, int, Hit]:
    """"since last week" / "since May": from the expression's start up to today."""
    before = _SINCE_BEFORE.search(text, max(0, start - 12), start)
    if before is None and not text[start:end].lower().startswith("since"):
        return start, end, hit
    today_end = ctx.day(ctx.today).end
    if hit.start > today_end:
        return start, end, hit
    return (before.start() if before else start), end, Hit(hit.start, today_end, "range", hit.relative)


def _ordered(i: int, rule: Rule, text: str) -> Iterator[tuple[int, int, int, re.Match[str]]]:
    return ((m.start(), -m.end(), i, m) for m in rule.pattern.finditer(text))


def _gated(text: str) -> list[Rule]:
    """The rules whose cheap gates pass on ``text`` (a key substring, a digit)."""
    lowered, has_digit = text.lower(), _DIGIT.search(text) is not None
    out = []
    for rule in RULES:
        action = _action(rule)
        if (has_digit or not action.digit) and (not action.keys or any(k in lowered for k in action.keys)):
            out.append(rule)
    return out


def scan(text: str, reference: datetime) -> tuple[int, int, Hit] | None:
    """The leftmost (then longest) resolvable expression as (start, end, hit)."""
    rules = _gated(text)
    if not rules:
        return None
    now = local_reference(reference)
    ctx = Ctx(text, now, now.date())
    # Lazily merged (each rule's matches come in order): a long text is scanned only up to its first date.
    matches = heapq.merge(*(_ordered(i, rule, text) for i, rule in enumerate(rules)), key=lambda item: item[:3])
    for start, neg_end, i, m in matches:
        hit = _action(rules[i]).resolve(m, ctx)
        if hit is not None:
            return _apply_since(text, start, -neg_end, hit, ctx)
    return None
