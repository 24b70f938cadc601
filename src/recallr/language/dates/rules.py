"""The regex layer behind :mod:`recallr.language.dates`: the rule table and the scanner.

The rules themselves live in ``relative.py`` and ``absolute.py`` (what they share in ``base.py``).

Every rule is a compiled pattern plus a resolver turning a match into a
:class:`Hit`.  :func:`scan` runs all rules, orders the matches leftmost first
(longest first at the same position) and returns the first one a resolver
accepts.  Calendar arithmetic happens in the reference's own timezone (UTC for
naive or UTC references); the returned datetimes are UTC.

Rules that need a choice (documented here because the tests pin them):

* weeks run Monday-Sunday; "last week" is the previous calendar week.
* "last/on Friday" is the most recent Friday strictly before today ("on Friday"
  is the coming one when the text is future tense); "next Friday" the coming
  one; "this Friday" the Friday of the current week.
* "last weekend" is the Saturday-Sunday of the previous week, "this weekend"
  the one of the current week, "next weekend" the one of next week.
* "in May" is the latest May starting at or before today (future tense: the
  earliest May ending on or after today); "last May" the latest May before the
  current month, "next May" the first one after it.
* Seasons are meteorological, northern hemisphere (spring Mar-May, summer
  Jun-Aug, autumn Sep-Nov, winter Dec-Feb, "winter 2019" = Dec 2019-Feb 2020).
  "last summer" is the latest summer that ended before today, "next summer"
  the first that starts after today, "this summer" the one of the current year.
* "a few" is 2-5 units, "several" 3-7, "a couple of" 2; "recently"/"lately"
  are the last 30 days, "the other day" 1-7 days ago.
* "N units ago" takes the unit's calendar granularity: "3 days ago" is that day,
  "two weeks ago" the Monday-Sunday week holding the day 14 days back, "a year
  ago" last calendar year; "2 hours ago" is the day it falls on.
* A day and month without a year ("on March 3rd") is the latest such date on or
  before today (future tense: the first on or after); it counts as relative.
* Morning/evening/tonight/last night resolve to whole days (day granularity):
  the user's own timezone is usually unknown, so narrower ranges would mislead.
"""


from __future__ import annotations

import heapq
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, NamedTuple

from .absolute import (
    _DAY_MONTH_RE,
    _ISO_RE,
    _MONTH_CONTEXT_RE,
    _MONTH_DAY_RE,
    _SEASON_RE,
    _YEAR_RE,
    _day_month,
    _iso,
    _month_context,
    _season,
    _year,
)
from .base import _DIGIT, _FLAGS, _FUTURE, _MONTH_ANY, _SINCE_BEFORE, Ctx, Granularity, Hit, Resolver
from .relative import (
    _AGO_RE,
    _PAST_RANGE_RE,
    _RECENT_RE,
    _RELATIVE_DAY_RE,
    _UNIT_RE,
    _WEEKDAY_RE,
    _WEEKEND_RE,
    _ago,
    _past_range,
    _recent,
    _relative_day,
    _unit,
    _weekday,
    _weekend,
)

__all__ = ["Granularity", "Hit", "local_reference", "scan"]


_FALLBACK_RE = re.compile(
    r"\b(?:on\s+)?\d{1,2}(?P<sep>[/.])\d{1,2}(?P=sep)(?:\d{4}|\d{2})\b(?![/.]\d)|"
    rf"\b(?:on\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?{_MONTH_ANY}"
    r"(?:\s+\d{1,2}(?:st|nd|rd|th)?)?,?\s+['’]\d{2}\b", _FLAGS)
_dateparser: Any = None


def _parse_with_dateparser(phrase: str, now: datetime) -> datetime | None:
    """dateparser, imported on first use, for the rare explicit formats above."""
    global _dateparser
    if _dateparser is None:
        import dateparser

        _dateparser = dateparser
    settings = {"PREFER_DATES_FROM": "past",
                "RELATIVE_BASE": now.astimezone(UTC).replace(tzinfo=None),
                "RETURN_AS_TIMEZONE_AWARE": False, "SKIP_TOKENS": ["t", "we"]}
    found: datetime | None = _dateparser.parse(phrase, languages=["en"], settings=settings)
    return found


_NUMERIC_DATE = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.]\d{2,4}")
MAX_PARSER_CALLS = 3  # dateparser calls per scan: a message of 10,000 "99/99/99" tokens made 10,000 calls (11 s)


def _plausible(phrase: str) -> bool:
    """False for numeric tokens no reading can make a date of ("99/99/99", "45/13/2020"): no dateparser call."""
    m = _NUMERIC_DATE.fullmatch(phrase)
    if m is None:
        return True
    a, b = int(m[1]), int(m[2])
    return min(a, b) >= 1 and ((a <= 31 and 1 <= b <= 12) or (1 <= a <= 12 and b <= 31))


def _fallback(m: re.Match[str], ctx: Ctx) -> Hit | None:
    phrase = re.sub(r"^on\s+", "", m.group(0), flags=_FLAGS).replace("’", "'")
    if not _plausible(phrase):
        return None
    found = _parse_with_dateparser(phrase, ctx.now)
    return ctx.day(found.date(), relative=False) if found else None


class Rule(NamedTuple):
    """A pattern, its resolver, and what the text must contain for it to be tried.

    ``keys`` are lowercase substrings one of which must occur (empty: no such
    need), ``digit`` asks for a digit: cheap gates that skip most regex scans.
    """

    pattern: re.Pattern[str]
    resolve: Resolver
    keys: tuple[str, ...]
    digit: bool = False


_MONTH_KEYS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
RULES: tuple[Rule, ...] = (
    Rule(_RELATIVE_DAY_RE, _relative_day, ("yesterday", "today", "tomorrow", "tonight", "night",
                                           "morning", "afternoon", "evening")),
    Rule(_WEEKDAY_RE, _weekday, ("day",)),
    Rule(_WEEKEND_RE, _weekend, ("weekend",)),
    Rule(_UNIT_RE, _unit, ("week", "month", "year")),
    Rule(_AGO_RE, _ago, ("ago",)),
    Rule(_PAST_RANGE_RE, _past_range, ("past", "last")),
    Rule(_RECENT_RE, _recent, ("recent", "late", "other")),
    Rule(_DAY_MONTH_RE, _day_month, _MONTH_KEYS),
    Rule(_MONTH_DAY_RE, _day_month, _MONTH_KEYS),
    Rule(_MONTH_CONTEXT_RE, _month_context, _MONTH_KEYS),
    Rule(_ISO_RE, _iso, (), digit=True),
    Rule(_YEAR_RE, _year, (), digit=True),
    Rule(_SEASON_RE, _season, ("spring", "summer", "autumn", "fall", "winter")),
    Rule(_FALLBACK_RE, _fallback, ("/", ".", "'", "’"), digit=True),
)


def local_reference(reference: datetime) -> datetime:
    """The reference as an aware datetime: naive means UTC, aware keeps its zone."""
    return reference.replace(tzinfo=UTC) if reference.tzinfo is None else reference


def _apply_since(text: str, start: int, end: int, hit: Hit,
                 ctx: Ctx) -> tuple[int, int, Hit]:
    """"since last week" / "since May": from the expression's start up to today."""
    before = _SINCE_BEFORE.search(text, max(0, start - 12), start)
    if before is None and not text[start:end].lower().startswith("since"):
        return start, end, hit
    today_end = ctx.day(ctx.today).end
    if hit.start > today_end:
        return start, end, hit
    return (before.start() if before else start), end, Hit(
        hit.start, today_end, "range", hit.relative)


def _ordered(i: int, rule: Rule, text: str) -> Iterator[tuple[int, int, int, re.Match[str]]]:
    return ((m.start(), -m.end(), i, m) for m in rule.pattern.finditer(text))


def scan(text: str, reference: datetime) -> tuple[int, int, Hit] | None:
    """The leftmost (then longest) resolvable expression as (start, end, hit)."""
    lowered, has_digit = text.lower(), _DIGIT.search(text) is not None
    rules = [rule for rule in RULES if (has_digit or not rule.digit)
             and (not rule.keys or any(key in lowered for key in rule.keys))]
    if not rules:
        return None
    now = local_reference(reference)
    ctx = Ctx(text, now, now.date(), bool(_FUTURE.search(text)))
    # Lazily merged (each rule's matches come in order): a long text is scanned only up to its first date.
    matches = heapq.merge(*(_ordered(i, rule, text) for i, rule in enumerate(rules)), key=lambda item: item[:3])
    parser_calls = 0
    for start, neg_end, i, m in matches:
        if rules[i].resolve is _fallback:
            parser_calls += 1
            if parser_calls > MAX_PARSER_CALLS:
                continue
        hit = rules[i].resolve(m, ctx)
        if hit is not None:
            return _apply_since(text, start, -neg_end, hit, ctx)
    return None
