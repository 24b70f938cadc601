"""Date rules for a run of days: "from 4 to 7 March", "March 4-7", "between 4 and 7 March", "3 May to 2 June".

Choices (the tests pin them):

* The first day decides the year, as a lone day-and-month would (:mod:`.absolute`): an explicit year, else the
  latest such day on or before today in a past clause and the first on or after today in a plan; the last day is
  the first such day on or after the first one ("28 December to 3 January" crosses the year).
* The last day must come after the first (a run of one day is a day, "4-4 March" is not a range), and a run spans at
  most a year: "7-4 March" or "March 4-2" are not ranges (a score, a version), and nothing is returned for them.
"""

from __future__ import annotations

import re
from datetime import date

from ..pattern import Rule, verbose
from .absolute import _nearest_date
from .base import _FLAGS, _MONTH_FULL, _MONTH_INDEX, _YEAR, Ctx, Hit, _safe_date, date_rule

__all__ = ["RULES"]

_D1 = r"(?P<d1>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_D2 = r"(?P<d2>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?\b"
_M = rf"(?:(?:{_MONTH_FULL})\b|(?:jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\b\.?)"
_TO = r"(?:\s*[-–—]\s*|\s+(?:to|and|until|till|through|thru)\s+)"
_FROM = r"(?:(?P<from>from|between|on)\s+)?(?:the\s+)?"

_DAYS_MONTH_RE = verbose(rf"""
    \b {_FROM} {_D1} (?: \s+ (?: of \s+ )? (?P<m1> {_M} ) (?: ,? \s+ (?P<y1> [12]\d{{3}} ) \b )? )?
    {_TO} (?: the \s+ )? {_D2} (?: \s+ of )? \s+ (?P<m2> {_M} )
    (?: ,? \s+ {_YEAR} )?
""", _FLAGS)
_MONTH_DAYS_RE = verbose(rf"""
    \b {_FROM} (?P<m1> {_M} ) \s+ {_D1} {_TO} (?: (?P<m2> {_M} ) \s+ )? {_D2}
    (?: ,? \s+ {_YEAR} )? (?! \s* (?: %|am|pm|a\.m|p\.m|:\d ) )
""", _FLAGS)


def _month(word: str | None) -> int | None:
    """A month's number from its name or abbreviation; None for another word ("marshmallows")."""
    return _MONTH_INDEX.get(word.lower().rstrip(".")) if word else None


def _first_day(ctx: Ctx, month: int, day: int, year: str | None, ahead: bool) -> date | None:
    """The run's first day: in ``year`` when given, else as a lone day-and-month would be (:mod:`.absolute`)."""
    return _safe_date(int(year), month, day) if year else _nearest_date(ctx, month, day, ahead)


def _run(m: re.Match[str], ctx: Ctx) -> Hit | None:
    last_month = _month(m["m2"])
    first_month = _month(m["m1"]) or last_month
    last_month = last_month or first_month
    if first_month is None or last_month is None:
        return None
    if (m["m1"] and _month(m["m1"]) is None) or (m["m2"] and _month(m["m2"]) is None):
        return None
    year = m["y1"] if "y1" in m.groupdict() and m["y1"] else m["y"]
    first = _first_day(ctx, first_month, int(m["d1"]), year, ctx.ahead(m.start()))
    if first is None:
        return None
    for year in (first.year, first.year + 1):
        last = _safe_date(year, last_month, int(m["d2"]))
        if last is not None and last > first:
            break
    else:
        return None
    if "y1" in m.groupdict() and m["y1"] and m["y"]:
        last = _safe_date(int(m["y"]), last_month, int(m["d2"]))
        if last is None or last <= first:
            return None
    if (last - first).days > 366 or (first_month == last_month and last.year != first.year):
        return None
    return ctx.span(first, last, "range", relative=not year)


RULES: tuple[Rule, ...] = (
    date_rule("day-run", _DAYS_MONTH_RE, _run, digit=True,
              examples=("Your room is booked from 4 to 7 March.", "We'll be in Lisbon 12-15 June.",
                        "The course runs between 3 and 5 May 2024.",
                        "We stayed from 30 December 2023 to 2 January 2024.",
                        "I was away from 28 December to 3 January."),
              counter=("We won 7-4 in the final.", "I have 2 to 3 kids.", "Between 2 and 3 marshmallows each.")),
    date_rule("month-run", _MONTH_DAYS_RE, _run, digit=True,
              examples=("We are in Rome March 4-7.", "I was in Oslo from June 2 to June 9, 2023.",
                        "The fair is on Sept. 10 - 12."),
              counter=("Meet me on March 4 at 7-8pm.", "March 4-2 was the final score.")),
)
