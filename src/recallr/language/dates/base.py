"""What every date rule shares: the word tables, the pattern parts, ``Hit`` and ``Ctx``, calendar helpers."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, NamedTuple

from ..lexicon import MONTH_NAMES, NUMBER_WORDS, ORDINAL_WORDS

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
