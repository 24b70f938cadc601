"""Date rules naming the calendar: 3 March, in May, 2023-05-08, in 2019, last summer."""

from __future__ import annotations

import re
from datetime import date

from .base import (
    _DAY,
    _FLAGS,
    _MONTH_ANY,
    _MONTH_FULL,
    _MONTH_INDEX,
    _PART_DAYS,
    _PART_MONTHS,
    _SEASON_START,
    _UNITS,
    _YEAR,
    ORDINALS,
    Ctx,
    Hit,
    _blocked,
    _capitalised_mid_sentence,
    _norm,
    _safe_date,
    month_end,
    shift_month,
)

_DAY_MONTH_RE = re.compile(
    rf"\b(?:on\s+)?(?:the\s+)?{_DAY}(?:\s+of)?\s+{_MONTH_ANY}(?:,?\s+{_YEAR})?", _FLAGS)
_MONTH_DAY_RE = re.compile(
    rf"\b(?:on\s+)?{_MONTH_ANY}\s+(?:the\s+)?{_DAY}(?:,?\s+{_YEAR})?{_UNITS}", _FLAGS)


def _nearest_date(ctx: Ctx, month: int, day: int) -> date | None:
    """The latest such date on/before today (future tense: first on/after)."""
    step = 1 if ctx.future else -1
    for year in range(ctx.today.year, ctx.today.year + 9 * step, step):
        d = _safe_date(year, month, day)
        if d is not None and (d >= ctx.today if ctx.future else d <= ctx.today):
            return d
    return None


def _modal_may(m: re.Match[str], ctx: Ctx) -> bool:
    """"you may 2 ..." / "May the first ...": the verb, not the month."""
    if m["m"].lower() != "may" or m["y"] or m.start("m") > m.start("d" if m["d"] else "dw"):
        return False
    if m["dw"]:
        return not _capitalised_mid_sentence(ctx.text, m.start("m"))
    plain = m.end("d") == m.end() or not ctx.text[m.end("d")].isalpha()
    return m["m"] == "may" and plain and not m.group(0).lower().startswith("on")


def _day_month(m: re.Match[str], ctx: Ctx) -> Hit | None:
    word = m["m"]
    if _modal_may(m, ctx):
        return None
    month = _MONTH_INDEX[word.lower()]
    day = int(m["d"]) if m["d"] else ORDINALS[m["dw"].lower()]
    if m["y"]:
        found = _safe_date(int(m["y"]), month, day)
        return ctx.day(found, relative=False) if found else None
    found = _nearest_date(ctx, month, day)
    return ctx.day(found) if found else None


_MONTH_CONTEXT_RE = re.compile(
    r"\b(?:(?P<prep>in|during|since|until|till|by|of|from|around|throughout|at|"
    r"last|next|this)\s+)?(?:(?P<part>early|mid|late|the\s+(?:beginning|start|middle|end)"
    rf"\s+of)[\s-]+)?(?P<m>{_MONTH_FULL})\b(?:,?\s+(?:of\s+)?{_YEAR})?", _FLAGS)
_LOWERCASE_MAY_OK = {"in", "during", "since", "until", "till", "of", "throughout"}


def _month_year(ctx: Ctx, month: int, prep: str) -> int:
    t = ctx.today
    if prep == "last":
        return t.year if month < t.month else t.year - 1
    if prep == "next":
        return t.year if month > t.month else t.year + 1
    if prep == "this":
        return t.year
    if ctx.future:
        return t.year if month >= t.month else t.year + 1
    return t.year if month <= t.month else t.year - 1


def _month_context(m: re.Match[str], ctx: Ctx) -> Hit | None:
    prep, part, word = _norm(m["prep"]), _norm(m["part"]), m["m"]
    if not (prep or part or m["y"]) or (prep == "at" and not part):
        return None
    if prep in ("last", "next", "this") and _blocked(m, ctx.text):
        return None
    if word.lower() == "may" and not m["y"] and prep not in _LOWERCASE_MAY_OK \
            and word != "May":
        return None
    month = _MONTH_INDEX[word.lower()]
    year = int(m["y"]) if m["y"] else _month_year(ctx, month, prep)
    if not part:
        return ctx.month(year, month, relative=not m["y"])
    low, high = _PART_DAYS[part.split()[-2] if part.startswith("the") else part]
    last = month_end(year, month)
    return ctx.span(date(year, month, low), last.replace(day=min(high, last.day)), "range",
                    relative=not m["y"])


_ISO_RE = re.compile(
    r"\b(?:on\s+)?(?P<y>[12]\d{3})(?P<sep>[-/])(?P<mo>[01]?\d)(?P=sep)(?P<d>[0-3]?\d)"
    r"(?![\d/-])", _FLAGS)


def _iso(m: re.Match[str], ctx: Ctx) -> Hit | None:
    found = _safe_date(int(m["y"]), int(m["mo"]), int(m["d"]))
    return ctx.day(found, relative=False) if found else None


_YEAR_RE = re.compile(
    r"\b(?:(?P<prep>in|during|since|until|till|by|back\s+in|around|throughout|from)\s+)?"
    r"(?:(?P<part>early|mid|late)[\s-]+)?(?P<the>the\s+year\s+)?"
    rf"{_YEAR}(?![-/.:]\d){_UNITS}", _FLAGS)


def _year(m: re.Match[str], ctx: Ctx) -> Hit | None:
    year = int(m["y"])
    if not (m["prep"] or m["part"] or m["the"]) or not 1900 <= year <= 2099:
        return None
    first, last = _PART_MONTHS.get(_norm(m["part"]), (1, 12))
    return ctx.span(date(year, first, 1), month_end(year, last),
                    "range" if m["part"] else "year", relative=False)


_SEASON_RE = re.compile(
    r"\b(?:(?P<mod>last|next|this\s+past|this|past|in\s+the|during\s+the|over\s+the|the|"
    r"in|during|over)\s+)?(?P<s>spring|summer|autumn|fall|winter)\b"
    rf"(?:\s+(?:of\s+)?{_YEAR})?", _FLAGS)


def _season_bounds(season: str, year: int) -> tuple[date, date]:
    first = _SEASON_START[season]
    y2, m2 = shift_month(year, first, 2)
    return date(year, first, 1), month_end(y2, m2)


def _season(m: re.Match[str], ctx: Ctx) -> Hit | None:
    mod, season, today = _norm(m["mod"]), m["s"].lower(), ctx.today
    if m["y"]:
        return ctx.span(*_season_bounds(season, int(m["y"])), "range", relative=False)
    if mod in ("", "the") or (mod in ("last", "next", "this") and _blocked(m, ctx.text)):
        return None
    seasons = [_season_bounds(season, y) for y in range(today.year - 2, today.year + 2)]
    if mod in ("last", "past", "this past"):
        bounds = [s for s in seasons if s[1] < today][-1]
    elif mod == "next":
        bounds = next(s for s in seasons if s[0] > today)
    elif mod == "this":
        year = today.year - 1 if season == "winter" and today.month <= 2 else today.year
        bounds = _season_bounds(season, year)
    elif ctx.future:
        bounds = next(s for s in seasons if s[1] >= today)
    else:
        bounds = [s for s in seasons if s[0] <= today][-1]
    return ctx.span(*bounds, "range")


# --- candidates only dateparser can read ------------------------------------
