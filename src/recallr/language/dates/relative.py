"""Date rules relative to the reference: yesterday, last Friday, last weekend, next month, 3 weeks ago, recently."""

from __future__ import annotations

import re
from datetime import UTC, date, timedelta

from ..lexicon import WEEKDAYS
from .base import _FLAGS, _NUM, Ctx, Hit, _blocked, _count, _norm, month_end, shift_month, week_start

_RELATIVE_DAY_RE = re.compile(
    r"\b(?:the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|earlier\s+today|"
    r"later\s+today|yesterday|today|tomorrow|tonight|last\s+night|"
    r"this\s+(?:morning|afternoon|evening))\b"
    r"(?:\s+(?:morning|afternoon|evening|night)\b)?", _FLAGS)


def _relative_day(m: re.Match[str], ctx: Ctx) -> Hit | None:
    words = _norm(m.group(0))
    if words.startswith("earlier"):
        return ctx.day(ctx.today)._replace(end=ctx.now.astimezone(UTC))
    offset = 0
    if "before yesterday" in words:
        offset = -2
    elif "after tomorrow" in words:
        offset = 2
    elif words.startswith(("yesterday", "last")):
        offset = -1
    elif words.startswith("tomorrow"):
        offset = 1
    return ctx.day(ctx.today + timedelta(days=offset))


_WEEKDAY_RE = re.compile(
    r"\b(?P<mod>last|next|this\s+past|this\s+coming|this|past|coming|on)\s+"
    rf"(?P<wd>{'|'.join(WEEKDAYS)})\b(?:\s+(?:morning|afternoon|evening|night)\b)?",
    _FLAGS)


def _weekday(m: re.Match[str], ctx: Ctx) -> Hit | None:
    mod = _norm(m["mod"])
    if mod != "on" and _blocked(m, ctx.text):
        return None
    wd, today = WEEKDAYS.index(m["wd"].lower()), ctx.today
    if mod == "this":
        return ctx.day(week_start(today) + timedelta(days=wd))
    if mod in ("next", "coming", "this coming") or (mod == "on" and ctx.future):
        return ctx.day(today + timedelta(days=(wd - today.weekday()) % 7 or 7))
    return ctx.day(today - timedelta(days=(today.weekday() - wd) % 7 or 7))


_WEEKEND_RE = re.compile(
    r"\b(?P<mod>last|this\s+past|past|this\s+coming|coming|this|next|"
    r"over\s+the|on\s+the|at\s+the|during\s+the)\s+weekend\b", _FLAGS)


def _weekend(m: re.Match[str], ctx: Ctx) -> Hit | None:
    mod = _norm(m["mod"])
    if not mod.endswith("the") and _blocked(m, ctx.text):
        return None
    saturday = week_start(ctx.today) + timedelta(days=5)
    in_weekend = ctx.today.weekday() >= 5
    if mod in ("last", "past", "this past"):
        saturday -= timedelta(days=7)
    elif mod == "next" or (mod.endswith("coming") and in_weekend):
        saturday += timedelta(days=7)
    elif mod.endswith("the") and not ctx.future and not in_weekend:
        saturday -= timedelta(days=7)  # "over the weekend": the one just past
    return ctx.span(saturday, saturday + timedelta(days=1), "weekend")


_UNIT_RE = re.compile(
    r"\b(?:(?P<mod>last|this|next|earlier\s+this|later\s+this)\s+(?P<unit>week|month|year)|"
    r"the\s+(?P<unit2>week|month|year)\s+before\s+last)\b", _FLAGS)
_UNIT_OFFSET = {"last": -1, "this": 0, "earlier this": 0, "later this": 0, "next": 1}


def _unit(m: re.Match[str], ctx: Ctx) -> Hit | None:
    if m["mod"] and _blocked(m, ctx.text):
        return None
    offset = _UNIT_OFFSET[_norm(m["mod"])] if m["mod"] else -2
    unit, today = (m["unit"] or m["unit2"]).lower(), ctx.today
    if unit == "week":
        return ctx.week(today + timedelta(weeks=offset))
    if unit == "month":
        return ctx.month(*shift_month(today.year, today.month, offset))
    return ctx.span(date(today.year + offset, 1, 1), date(today.year + offset, 12, 31), "year")


# --- counted and vague expressions ------------------------------------------

_AGO_RE = re.compile(
    r"\b(?:(?:about|around|roughly|almost|nearly|over|just|only|maybe)\s+)?"
    rf"{_NUM}\s+(?P<unit>minute|hour|day|week|month|year)s?\s+ago\b", _FLAGS)


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


_PAST_RANGE_RE = re.compile(
    r"\b(?:(?:in|over|during|for|within)\s+the\s+(?:last|past)|(?:the|this)\s+past)\s+"
    rf"(?:{_NUM}\s+)?(?P<unit>day|week|month|year)s?\b", _FLAGS)


def _past_range(m: re.Match[str], ctx: Ctx) -> Hit | None:
    n = _count(m["n"])[1] if m["n"] else 1
    unit, today = m["unit"].lower(), ctx.today
    if unit in ("day", "week"):
        first = today - timedelta(days=n * (7 if unit == "week" else 1))
    else:
        y, mo = shift_month(today.year, today.month, -n * (12 if unit == "year" else 1))
        first = date(y, mo, min(today.day, month_end(y, mo).day))
    return ctx.span(first, today, "range")


_RECENT_RE = re.compile(
    r"\b(?:recently|lately|of\s+late|in\s+recent\s+(?:days|weeks|months)|"
    r"the\s+other\s+day)\b", _FLAGS)


def _recent(m: re.Match[str], ctx: Ctx) -> Hit | None:
    words, today = _norm(m.group(0)), ctx.today
    if "other day" in words:
        return ctx.span(today - timedelta(days=7), today - timedelta(days=1), "range")
    days = 90 if "months" in words else 30
    return ctx.span(today - timedelta(days=days), today, "range")


# --- month names, explicit dates, years, seasons ----------------------------
