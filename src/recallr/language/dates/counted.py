"""Counted and vague spans: 3 weeks ago, in three weeks, two days from now, in the past month, recently.

Choices (the tests pin them):

* "N units ago" takes the unit's calendar granularity: "3 days ago" is that day, "two weeks ago"
  the Monday-Sunday week holding the day 14 days back, "a year ago" last calendar year; "2 hours
  ago" is the day it falls on.
* "in N days/weeks/months/years" and "N days from now" are that day (today plus N units); a vague
  count ("in a few days") is the range of days it allows. In a past clause "in two days" is a
  duration ("I read it in two days"), not a date.
* "a few" is 2-5 units, "several" 3-7, "a couple of" 2; "recently"/"lately" are the last 30 days,
  "the other day" 1-7 days ago; "in the past two weeks" runs from 14 days back to today, "in the
  next two weeks" from today to 14 days on.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from ..pattern import Rule, verbose
from .base import _FLAGS, _NUM, Ctx, Hit, _count, _norm, date_rule, month_end, shift_month, week_start


def _add(d: date, unit: str, n: int) -> date:
    """``d`` plus ``n`` units (a month or year on a day it lacks: that month's last day)."""
    if unit in ("day", "week", "fortnight"):
        return d + timedelta(days=n * {"day": 1, "week": 7, "fortnight": 14}[unit])
    year, month = shift_month(d.year, d.month, n * (12 if unit == "year" else 1))
    return date(year, month, min(d.day, month_end(year, month).day))


_AGO_RE = verbose(rf"""
    \b (?: (?:about|around|roughly|almost|nearly|over|just|only|maybe) \s+ )?
    {_NUM} \s+ (?P<unit> minute | hour | day | week | month | year ) s? \s+ ago \b
""", _FLAGS)


def _ago(m: re.Match[str], ctx: Ctx) -> Hit | None:
    low, high = _count(m["n"])
    unit, today = m["unit"].lower(), ctx.today
    exact = low == high
    try:
        if unit in ("minute", "hour"):
            return ctx.day((ctx.now - timedelta(**{unit + "s": high})).date())
        if unit == "day":
            return ctx.span(today - timedelta(days=high), today - timedelta(days=low),
                            "day" if exact else "range")
        if unit == "week":
            first = week_start(today - timedelta(weeks=high))
            last = week_start(today - timedelta(weeks=low)) + timedelta(days=6)
            return ctx.span(first, last, "week" if exact else "range")
        if unit == "month":
            y1, m1 = shift_month(today.year, today.month, -high)
            y2, m2 = shift_month(today.year, today.month, -low)
            return ctx.span(date(y1, m1, 1), month_end(y2, m2), "month" if exact else "range")
        return ctx.span(date(today.year - high, 1, 1), date(today.year - low, 12, 31),
                        "year" if exact else "range")
    except (ValueError, OverflowError):
        return None


_AHEAD_RE = verbose(rf"""
    \b in \s+ (?: (?:about|around|roughly|another|just|only|maybe|less\s+than) \s+ )?
    {_NUM} \s+ (?P<unit> day | week | fortnight | month | year ) s?
    (?: ['’] s? \s+ time \b | \s+ time \b )?                     # "in two weeks' time"
""", _FLAGS)
_FROM_NOW_RE = verbose(rf"""
    \b {_NUM} \s+ (?P<unit> day | week | month | year ) s? \s+ from \s+ (?: now | today ) \b
""", _FLAGS)
_FREQUENCY_BEFORE = re.compile(r"(?:once|twice|times|\d+x|per)\s+$", _FLAGS)


def _ahead(m: re.Match[str], ctx: Ctx) -> Hit | None:
    if m.group(0)[:2].lower() == "in" and (_FREQUENCY_BEFORE.search(ctx.text, max(0, m.start() - 8), m.start())
                                           or ctx.tense(m.start()) == "past"):
        return None  # "twice in a week", "I read it in two days": a rate or a duration
    unit = m["unit"].lower()
    low, high = _count(m["n"])
    try:
        first, last = _add(ctx.today, unit, low), _add(ctx.today, unit, high)
    except (ValueError, OverflowError):
        return None
    return ctx.span(first, last, "day" if low == high else "range")


_RANGE_RE = verbose(rf"""
    \b (?: (?: in | over | during | for | within ) \s+ the \s+ (?P<dir> last | past | next | coming )
         | (?: the | this ) \s+ past ) \s+
    (?: {_NUM} \s+ )? (?P<unit> day | week | month | year ) s? \b
""", _FLAGS)


def _range(m: re.Match[str], ctx: Ctx) -> Hit | None:
    ahead = (m["dir"] or "").lower() in ("next", "coming")
    plural = m.group(0).lower().endswith("s")
    n = _count(m["n"])[1] if m["n"] else (5 if ahead and plural else 1)  # "in the coming weeks": a few
    unit, today = m["unit"].lower(), ctx.today
    try:
        if ahead:
            return ctx.span(today, _add(today, unit, n), "range")
        if unit in ("day", "week"):
            return ctx.span(today - timedelta(days=n * (7 if unit == "week" else 1)), today, "range")
        y, mo = shift_month(today.year, today.month, -n * (12 if unit == "year" else 1))
        return ctx.span(date(y, mo, min(today.day, month_end(y, mo).day)), today, "range")
    except (ValueError, OverflowError):
        return None


_RECENT_RE = verbose(r"""
    \b (?: recently | lately | of \s+ late | in \s+ recent \s+ (?:days|weeks|months) | the \s+ other \s+ day ) \b
""", _FLAGS)


def _recent(m: re.Match[str], ctx: Ctx) -> Hit | None:
    words, today = _norm(m.group(0)), ctx.today
    if "other day" in words:
        return ctx.span(today - timedelta(days=7), today - timedelta(days=1), "range")
    days = 90 if "months" in words else 30
    return ctx.span(today - timedelta(days=days), today, "range")


RULES: tuple[Rule, ...] = (
    date_rule("ago", _AGO_RE, _ago, keys=("ago",),
              examples=("I adopted a cat 3 days ago.", "Caroline ran a race two weeks ago.",
                        "We spoke a few days ago."),
              counter=("Ages ago, I lived in Rome.", "Long ago.")),
    date_rule("in-n-units", _AHEAD_RE, _ahead, keys=("in",),
              examples=("I'm moving to Glasgow in three weeks.", "My cousin arrives in a few days.",
                        "In two weeks' time I'll be in Lisbon.", "The baby is due in 2 months."),
              counter=("I read the whole book in two days.", "I go to the gym three times in a week.",
                       "I lost 5 kg in 2 months.")),
    date_rule("n-units-from-now", _FROM_NOW_RE, _ahead, keys=("from",),
              examples=("Two days from now I'll be in Tokyo.", "I'm getting my cast off a week from today."),
              counter=("Two days from the station.",)),
    date_rule("past-or-next-range", _RANGE_RE, _range, keys=("past", "last", "next", "coming"),
              examples=("It rained in the past two weeks.", "I'll hear back within the next two weeks.",
                        "We'll make progress in the coming weeks."),
              counter=("The past is the past.", "My last two jobs were remote.")),
    date_rule("recent", _RECENT_RE, _recent, keys=("recent", "late", "other"),
              examples=("I have been stressed recently.", "I bumped into her the other day."),
              counter=("I was late for work.", "The other one is blue.")),
)
