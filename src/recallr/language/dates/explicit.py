"""Date rules for the calendar's own numbers and seasons: 2023-05-08, 25/12/2021, 12.06.2021, in 2019, last summer.

Choices (the tests pin them):

* A numeric date with slashes is month first when both readings are possible ("5/7/2023" is 7 May,
  the US reading; "25/12/2021" can only be 25 December); with dots it is day first
  ("12.06.2021" is 12 June). A two-digit year is in this century unless that is more than 10
  years ahead.
* A bare year needs a preposition or a part ("in 2019", "back in 2015", "mid-2022"): "I paid 2000
  dollars" is not a date. "early/mid/late 2021" are its first, middle and last four months.
* Seasons are meteorological, northern hemisphere (spring Mar-May, summer Jun-Aug, autumn Sep-Nov,
  winter Dec-Feb, "winter 2019" = Dec 2019-Feb 2020). "last summer" is the latest summer that ended
  before today, "next summer" the first that starts after today, "this summer" the current year's;
  "in/over the summer" the one under way or just past in a past clause, else the next one not over.
"""

from __future__ import annotations

import re
from datetime import date

from ..pattern import Rule, verbose
from .absolute import _nearest_date
from .base import (
    _FLAGS,
    _PART_MONTHS,
    _SEASON_START,
    _UNITS,
    _YEAR,
    Ctx,
    Hit,
    _blocked,
    _norm,
    _safe_date,
    date_rule,
    month_end,
    shift_month,
)

_ISO_RE = verbose(r"""
    \b (?: on \s+ )? (?P<y> [12]\d{3} ) (?P<sep> [-/] ) (?P<mo> [01]?\d ) (?P=sep) (?P<d> [0-3]?\d ) (?! [\d/-] )
""", _FLAGS)


def _iso(m: re.Match[str], ctx: Ctx) -> Hit | None:
    found = _safe_date(int(m["y"]), int(m["mo"]), int(m["d"]))
    return ctx.day(found, relative=False) if found else None


_NUMERIC_RE = verbose(r"""
    \b (?: on \s+ )? (?P<a> \d{1,2} ) (?P<sep> [/.] ) (?P<b> \d{1,2} ) (?P=sep) (?P<y> \d{4} | \d{2} ) \b
    (?! [/.] \d )                                            # not part of a longer number or version
""", _FLAGS)


def _numeric(m: re.Match[str], ctx: Ctx) -> Hit | None:
    a, b, y = int(m["a"]), int(m["b"]), m["y"]
    year = int(y) if len(y) == 4 else 2000 + int(y)
    if len(y) == 2 and year > ctx.today.year + 10:
        year -= 100
    readings = [(a, b), (b, a)] if m["sep"] == "/" else [(b, a), (a, b)]  # (month, day)
    for month, day in readings:
        found = _safe_date(year, month, day) if 1 <= month <= 12 else None
        if found is not None:
            return ctx.day(found, relative=False)
    return None


_MONTH_DAY_RE = verbose(r"""
    \b (?P<prep> on | since | until | till | by | before | after ) \s+
    (?P<a> 1[0-2] | 0?[1-9] ) / (?P<b> [12]\d | 3[01] | 0?[1-9] )
    (?! [/.,]? \d | \w )                                     # "on 7/10", not "on 7/10/2023" or "on 1/2 cup"
""", _FLAGS)


def _month_day(m: re.Match[str], ctx: Ctx) -> Hit | None:
    """ "on 7/22" (month first, the US reading, as in the full numeric date): this year's or last's by tense."""
    if ctx.text[m.end():m.end() + 6].lstrip().lower().startswith(("cup", "tsp", "tbsp", "inch", "mile", "of ")):
        return None
    month, day = int(m["a"]), int(m["b"])
    if ctx.yearly(m.start(), m.end()):
        found = _nearest_date(ctx, month, day, ahead=True)
        return ctx.day(found)._replace(recurring=True) if found else None
    ahead = m["prep"].lower() != "since" and ctx.ahead(m.start())  # "since 3/14" is always behind
    found = _nearest_date(ctx, month, day, ahead=ahead)
    return ctx.day(found) if found else None


_YEAR_RE = verbose(rf"""
    \b (?: (?P<prep> in | during | since | until | till | by | back \s+ in | around | throughout | from ) \s+ )?
    (?: (?P<part> early | mid | late ) [\s-]+ )? (?P<the> the \s+ year \s+ )?
    {_YEAR} (?! [-/.:] \d ) {_UNITS}
""", _FLAGS)


def _year(m: re.Match[str], ctx: Ctx) -> Hit | None:
    year = int(m["y"])
    if not (m["prep"] or m["part"] or m["the"]) or not 1900 <= year <= 2099:
        return None
    first, last = _PART_MONTHS.get(_norm(m["part"]), (1, 12))
    return ctx.span(date(year, first, 1), month_end(year, last),
                    "range" if m["part"] else "year", relative=False)


_SEASON_RE = verbose(rf"""
    \b (?: (?P<mod> last | next | this \s+ past | this | past | in \s+ the | during \s+ the | over \s+ the | the
                  | in | during | over ) \s+ )?
    (?P<s> spring | summer | autumn | fall | winter ) \b
    (?: \s+ (?: of \s+ )? {_YEAR} )?                          # "summer 2012", "the summer of 2019"
""", _FLAGS)


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
        if bounds[1] < today and ctx.ahead(m.start()):  # a plan "this summer" said in December: the coming one
            bounds = _season_bounds(season, year + 1)
    elif ctx.ahead(m.start()):
        bounds = next(s for s in seasons if s[1] >= today)
    else:
        bounds = [s for s in seasons if s[0] <= today][-1]
    return ctx.span(*bounds, "range")


RULES: tuple[Rule, ...] = (
    date_rule("iso-date", _ISO_RE, _iso, digit=True,
              examples=("Logged on 2023-05-07.", "We bought the car on 2023/11/05.", "Moved in on 2022-8-1."),
              counter=("Call 2023-99-99.", "Version 2023-05-07-1 shipped.")),
    date_rule("numeric-date", _NUMERIC_RE, _numeric, keys=("/", "."), digit=True,
              examples=("The form is dated 5/7/2023.", "The invoice is dated 25/12/2021.",
                        "The accident happened on 12.06.2021.", "I quit on 1/2/23."),
              counter=("Odds were 99/99/99.", "Version 1.2.3.4 is out.", "Score: 45/13/2020.")),
    date_rule("numeric-month-day", _MONTH_DAY_RE, _month_day, keys=("/",), digit=True,
              examples=("I caught 7 bass on 7/10.", "We went back on 7/22 with Alex.", "I've been sober since 3/14."),
              counter=("Add it on 1/2 cup of flour.", "It's open 24/7.", "Call on 5/13/2020.")),
    date_rule("year", _YEAR_RE, _year, digit=True,
              examples=("I moved to Berlin in 2019.", "I started working there in mid-2022.",
                        "Back in 2015 I worked at a bakery."),
              counter=("I paid 2000 dollars for it.", "Call me at 2019.", "Room 2019 is on the left.")),
    date_rule("season", _SEASON_RE, _season, keys=("spring", "summer", "autumn", "fall", "winter"),
              examples=("We went to Spain last summer.", "This spring we're getting a puppy.",
                        "I learned to drive in summer 2012."),
              counter=("She loves the summer.", "I fall asleep easily.", "My last summer in Rome was hot.")),
)
