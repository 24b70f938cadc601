"""The regex layer behind :mod:`recallr.language.dates` (private).

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

import calendar
import heapq
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal, NamedTuple

from ..lexicon import MONTH_NAMES, NUMBER_WORDS, ORDINAL_WORDS, WEEKDAYS

Granularity = Literal["instant", "day", "week", "weekend", "month", "year", "range"]

_MONTH_INDEX = {name.lower(): i for i, name in enumerate(MONTH_NAMES, 1)}
_MONTH_INDEX.update({name[:3].lower(): i for i, name in enumerate(MONTH_NAMES, 1)})
_MONTH_INDEX["sept"] = 9
_NUMBER_WORDS = {w: i for i, w in enumerate(NUMBER_WORDS[1:13], 1)}
_NUMBER_WORDS.update(a=1, an=1)
ORDINALS = {w: i for i, w in enumerate(ORDINAL_WORDS, 1)}
ORDINALS.update(twentieth=20, thirtieth=30, **{"thirty-first": 31})
ORDINALS.update({f"twenty-{w}": 20 + i for w, i in list(ORDINALS.items()) if i < 10})
_SEASON_START = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
_PART_DAYS = {"early": (1, 10), "beginning": (1, 10), "start": (1, 10), "mid": (11, 20),
              "middle": (11, 20), "late": (21, 31), "end": (21, 31)}
_PART_MONTHS = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}

_FLAGS = re.IGNORECASE
_MONTH_FULL = "|".join(n.lower() for n in MONTH_NAMES)
_MONTH_ANY = rf"(?P<m>{_MONTH_FULL}|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\b\.?"
_ORDINAL_WORDS = "|".join(sorted(ORDINALS, key=len, reverse=True))
_DAY = rf"(?:(?P<d>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?|(?P<dw>{_ORDINAL_WORDS}))\b"
_YEAR = r"(?P<y>[12]\d{3})\b"
_NUM = (r"(?P<n>\d{1,3}|a\s+couple(?:\s+of)?|couple\s+of|a\s+few|few|several|"
        r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|an?)")
_UNITS = (r"(?!\s*(?:%|percent|miles?|km|kg|lbs?|pounds|dollars|euros|people|kids|times|"
          r"steps|meters|metres|feet|calories|words|points|followers|hours?|minutes?|"
          r"days?|weeks?|months?|years?)\b)")

_DIGIT = re.compile(r"\d")
_FUTURE = re.compile(
    r"\b(?:will|won't|shall|going\s+to|gonna|plan(?:s|ned|ning)?\s+to|intends?\s+to|"
    r"next(?!\s+(?:to|door)\b)|upcoming)\b|\w['’]ll\b", _FLAGS)
# Possessives that make "last year" a noun phrase ("my last year of school").  "her" and
# "that" are left out: "I saw her last Friday", "I did that last week" are dated mentions.
_DETERMINER_BEFORE = re.compile(
    r"(?<![\w'])(?:my|your|his|our|their|its|the|a|whose|every|each)\s+$", _FLAGS)
_OF_AFTER = re.compile(r"\s+of\b", _FLAGS)
_SINCE_BEFORE = re.compile(r"(?<![\w'])since\s+$", _FLAGS)
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"“(]\s*)$")


class Hit(NamedTuple):
    """A resolved expression: UTC bounds, granularity, reference dependence."""

    start: datetime
    end: datetime
    granularity: Granularity
    relative: bool


@dataclass(frozen=True, slots=True)
class Ctx:
    """What a resolver may look at: the text, the local reference, the tense."""

    text: str
    now: datetime
    today: date
    future: bool

    def span(self, first: date, last: date, granularity: Granularity,
             relative: bool = True) -> Hit:
        """Whole local days ``first``..``last`` as a UTC :class:`Hit`."""
        tz = self.now.tzinfo
        return Hit(datetime.combine(first, time.min, tz).astimezone(UTC),
                   datetime.combine(last, time.max, tz).astimezone(UTC),
                   granularity, relative)

    def day(self, d: date, relative: bool = True) -> Hit:
        return self.span(d, d, "day", relative)

    def week(self, d: date) -> Hit:
        monday = week_start(d)
        return self.span(monday, monday + timedelta(days=6), "week")

    def month(self, year: int, month: int, relative: bool = True) -> Hit:
        return self.span(date(year, month, 1), month_end(year, month), "month", relative)


Resolver = Callable[[re.Match[str], Ctx], Hit | None]


def week_start(d: date) -> date:
    """The Monday of ``d``'s week."""
    return d - timedelta(days=d.weekday())


def month_end(year: int, month: int) -> date:
    """The last day of a month."""
    return date(year, month, calendar.monthrange(year, month)[1])


def shift_month(year: int, month: int, k: int) -> tuple[int, int]:
    """(year, month) ``k`` months after (negative: before) the given month."""
    index = year * 12 + month - 1 + k
    return index // 12, index % 12 + 1


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _norm(words: str | None) -> str:
    return " ".join(words.lower().split()) if words else ""


def _count(words: str) -> tuple[int, int]:
    """The (low, high) count a number phrase stands for: "a few" -> (2, 5)."""
    w = _norm(words)
    if w.isdigit():
        return int(w), int(w)
    if "couple" in w:
        return 2, 2
    if "few" in w:
        return 2, 5
    if w == "several":
        return 3, 7
    return _NUMBER_WORDS[w], _NUMBER_WORDS[w]


def _blocked(m: re.Match[str], text: str) -> bool:
    """True for "my last week ..." or "last week of June": not a dated mention."""
    return bool(_DETERMINER_BEFORE.search(text, max(0, m.start() - 12), m.start())) or bool(
        _OF_AFTER.match(text, m.end()))


def _capitalised_mid_sentence(text: str, pos: int) -> bool:
    return text[pos].isupper() and not _SENTENCE_START.search(text, max(0, pos - 12), pos)


# --- relative days, weekdays, weekends, calendar units ------------------------

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
