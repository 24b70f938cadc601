"""What every date rule shares: the word tables, the pattern parts, ``Hit`` and ``Ctx``, calendar helpers.

Every rule is a :class:`recallr.language.pattern.Rule` built by :func:`date_rule`: its pattern,
a resolver turning a match into a :class:`Hit` (or declining), cheap gates (``keys``, ``digit``)
that skip the regex when the text cannot hold a match, and examples that must resolve
(against ``EXAMPLE_REFERENCE``) and counter-examples that must not.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from typing import Literal, NamedTuple

from ..lexicon import MONTH_NAMES, NUMBER_WORDS, ORDINAL_WORDS
from ..pattern import Rule
from .recurring import is_yearly
from .tense import Tense, clause_tense, looks_ahead

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
_MONTH_ANY = rf"(?P<m>(?:{_MONTH_FULL})\b|(?:jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\b\.?)"
# A year qualifier after a day without its year: "on Valentine's Day last year", "on 3 March next year".
_REL_YEAR = r",?\s+(?P<rel>last|this|next)\s+year\b"
_ORDINAL_WORDS = "|".join(sorted(ORDINALS, key=len, reverse=True))
_DAY = rf"(?:(?P<d>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?|(?P<dw>{_ORDINAL_WORDS}))\b"
_YEAR = r"(?P<y>[12]\d{3})\b"
_NUM = (r"(?P<n>\d{1,3}|a\s+couple(?:\s+of)?|couple\s+of|a\s+few|few|several|"
        r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|an?)")
_UNITS = (r"(?!\s*(?:%|percent|miles?|km|kg|lbs?|pounds|dollars|euros|people|kids|times|"
          r"steps|meters|metres|feet|calories|words|points|followers|hours?|minutes?|"
          r"days?|weeks?|months?|years?)\b)")

_DIGIT = re.compile(r"\d")
# Possessives that make "last year" a noun phrase ("my last year of school").  "her" and
# "that" are left out: "I saw her last Friday", "I did that last week" are dated mentions.
_DETERMINER_BEFORE = re.compile(
    r"(?<![\w'])(?:my|your|his|our|their|its|the|a|whose|every|each)\s+$", _FLAGS)
_OF_AFTER = re.compile(r"\s+of\b", _FLAGS)
_SINCE_BEFORE = re.compile(r"(?<![\w'])since\s+$", _FLAGS)
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"“(]\s*)$")


class Hit(NamedTuple):
    """A resolved expression: UTC bounds, granularity, reference dependence, and whether it recurs yearly."""

    start: datetime
    end: datetime
    granularity: Granularity
    relative: bool
    recurring: bool = False


@dataclass(frozen=True, slots=True)
class Ctx:
    """What a resolver may look at: the text, the local reference, and (by position) the clause's tense."""

    text: str
    now: datetime
    today: date

    def tense(self, pos: int) -> Tense:
        """The tense of the clause around ``text[pos]`` (:func:`.tense.clause_tense`)."""
        return clause_tense(self.text, pos)

    def ahead(self, pos: int) -> bool:
        """Whether an expression at ``pos`` means the next such day rather than the last one."""
        return looks_ahead(self.text, pos)

    def yearly(self, start: int, end: int) -> bool:
        """Whether the month-day at ``text[start:end]`` is yearly by nature (a birthday, "every year")."""
        return is_yearly(self.text, start, end)

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

#: The moment rule examples are resolved against: Monday 8 May 2023, 13:56 UTC.
EXAMPLE_REFERENCE = datetime(2023, 5, 8, 13, 56, tzinfo=UTC)


@dataclass(frozen=True)
class DateAction:
    """What a date rule does with a match, and the cheap gates before its regex is run.

    ``keys``: lowercase substrings one of which the text must contain (empty: none needed);
    ``digit``: the text must contain a digit.
    """

    resolve: Resolver
    keys: tuple[str, ...] = ()
    digit: bool = False


def _resolves(pattern: re.Pattern[str], resolve: Resolver, text: str) -> bool:
    ref = EXAMPLE_REFERENCE
    ctx = Ctx(text, ref, ref.date())
    return any(resolve(m, ctx) is not None for m in pattern.finditer(text))


def date_rule(name: str, pattern: re.Pattern[str], resolve: Resolver, *, keys: tuple[str, ...] = (),
              digit: bool = False, examples: Iterable[str] = (), counter: Iterable[str] = ()) -> Rule:
    """A date rule: it fires on a text when one of its matches resolves (against ``EXAMPLE_REFERENCE``)."""
    return Rule(name, pattern, DateAction(resolve, keys, digit), tuple(examples), tuple(counter),
                accepts=partial(_resolves, pattern, resolve))


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


def relative_year(rel: str, today: date) -> int:
    """The year "last/this/next year" names."""
    return today.year + {"last": -1, "this": 0, "next": 1}[rel.lower()]


_MONTH_WORDS = rf"(?:{_MONTH_FULL}|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\b"
_DATE_AFTER = re.compile(
    rf",?\s+(?:the\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?\s+{_MONTH_WORDS}|{_MONTH_WORDS}\.?\s+\d{{1,2}}\b)",
    _FLAGS)


def date_follows(text: str, end: int) -> bool:
    """Whether a calendar date follows right after ``end`` ("Saturday, June 6"): that date is the expression."""
    return _DATE_AFTER.match(text, end) is not None


def _capitalised_mid_sentence(text: str, pos: int) -> bool:
    return text[pos].isupper() and not _SENTENCE_START.search(text, max(0, pos - 12), pos)

