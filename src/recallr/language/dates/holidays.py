"""Named days: Christmas, Easter, Thanksgiving, Halloween, Valentine's Day, Mother's Day and the like.

The days are the US (and common Western) ones: Thanksgiving the 4th Thursday of November,
Mother's Day the 2nd Sunday of May, Father's Day the 3rd Sunday of June, Memorial Day the last
Monday of May, Labor Day the 1st Monday of September, Easter Sunday by the Gregorian computus
(Good Friday two days before, Easter Monday the day after).

Which year: "Christmas 2021" is that one; "last Christmas" the latest before today, "next
Christmas" the first after today, "this Christmas" the current year's (the coming one in a plan, once the
current year's has passed); "every Christmas" recurs
(its window is the next one); otherwise a past clause means the latest on or before today and a
plan the first on or after today (see :mod:`.tense`). A name used as a modifier ("Christmas
market", "Easter eggs"), in a greeting ("Merry Christmas") or as a liking ("I love Halloween")
is not a date.

    >>> easter(2024), holiday_date("thanksgiving", 2026), holiday_date("mother's day", 2023)
    (datetime.date(2024, 3, 31), datetime.date(2026, 11, 26), datetime.date(2023, 5, 14))
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from ..pattern import Rule, verbose
from .base import _FLAGS, _REL_YEAR, Ctx, Hit, date_rule, relative_year

__all__ = ["RULES", "easter", "fixed_holiday", "holiday_date", "holiday_name"]


def easter(year: int) -> date:
    """Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * leap) // 433
    month = (h + leap - 7 * m + 90) // 25
    return date(year, month, (h + leap - 7 * m + 33 * month + 19) % 32)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The ``n``-th ``weekday`` (Monday 0) of a month; ``n = -1`` is the last."""
    if n < 0:
        last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


_DAYS: dict[str, Callable[[int], date]] = {
    "christmas": lambda y: date(y, 12, 25),
    "christmas eve": lambda y: date(y, 12, 24),
    "boxing day": lambda y: date(y, 12, 26),
    "new year's eve": lambda y: date(y, 12, 31),
    "new year's day": lambda y: date(y, 1, 1),
    "valentine's day": lambda y: date(y, 2, 14),
    "st patrick's day": lambda y: date(y, 3, 17),
    "independence day": lambda y: date(y, 7, 4),
    "halloween": lambda y: date(y, 10, 31),
    "easter": easter,
    "good friday": lambda y: easter(y) - timedelta(days=2),
    "easter monday": lambda y: easter(y) + timedelta(days=1),
    "thanksgiving": lambda y: _nth_weekday(y, 11, 3, 4),
    "mother's day": lambda y: _nth_weekday(y, 5, 6, 2),
    "father's day": lambda y: _nth_weekday(y, 6, 6, 3),
    "memorial day": lambda y: _nth_weekday(y, 5, 0, -1),
    "labor day": lambda y: _nth_weekday(y, 9, 0, 1),
}


_NAMES = {
    "christmas": "christmas", "christmas day": "christmas", "christmas eve": "christmas eve",
    "new years eve": "new year's eve", "nye": "new year's eve", "new years day": "new year's day",
    "new years": "new year's day", "new year": "new year's day", "new year day": "new year's day",
    "easter": "easter", "easter sunday": "easter", "easter monday": "easter monday", "good friday": "good friday",
    "thanksgiving": "thanksgiving", "thanksgiving day": "thanksgiving", "halloween": "halloween",
    "valentines": "valentine's day", "valentines day": "valentine's day", "independence day": "independence day",
    "mothers day": "mother's day", "fathers day": "father's day", "memorial day": "memorial day",
    "labor day": "labor day", "labour day": "labor day", "boxing day": "boxing day",
    "patricks day": "st patrick's day",
}


def holiday_name(words: str) -> str | None:
    """The canonical name of a holiday as written ("Xmas Eve" -> "christmas eve"), or None."""
    w = " ".join(words.lower().replace("’", "").replace("'", "").replace(".", "").split())
    w = w.replace("x-mas", "christmas").replace("xmas", "christmas")
    for title in ("saint ", "st "):
        w = w.removeprefix(title)
    return _NAMES.get(w)


_MOVEABLE = frozenset(("easter", "good friday", "easter monday", "thanksgiving", "mother's day", "father's day",
                       "memorial day", "labor day"))


def fixed_holiday(name: str) -> bool:
    """Whether a holiday (canonical name) falls on the same month and day every year (Christmas, not Easter)."""
    return name not in _MOVEABLE


def holiday_date(name: str, year: int) -> date:
    """The day a holiday (canonical name) falls on in ``year``."""
    return _DAYS[name](year)


_HOLIDAY_RE = verbose(rf"""
    \b (?: (?P<mod> last | next | this | every | each | on | at | for | over | during | around
              | until | till | by | since | before | after | from ) \s+ )?
    (?P<h>
        (?: christmas | x-?mas ) (?: \s+ (?:eve|day) )?
      | new \s+ year (?: ['’]?s )? (?: \s+ (?:eve|day) )? | nye
      | easter (?: \s+ (?:sunday|monday) )? | good \s+ friday
      | thanksgiving (?: \s+ day )? | hallowe['’]?en
      | (?: (?:st\.?|saint) \s+ )? valentine ['’]?s (?: \s+ day )?
      | independence \s+ day | mother ['’]?s \s+ day | father ['’]?s \s+ day
      | memorial \s+ day | labou?r \s+ day | boxing \s+ day
      | (?: st\.? | saint ) \s+ patrick ['’]?s \s+ day
    ) \b
    (?: ,? \s+ (?: in \s+ )? (?P<y> [12]\d{{3}} ) \b       # "Christmas 2021", "Easter, 2022", "Christmas in 2019"
      | {_REL_YEAR} )?                                    # "on Valentine's Day last year"
""", _FLAGS)
# After the name, words that make it a modifier or a season of its own: not the day itself.
_NOUN_AFTER = verbose(r"""
    \s+ (?: trees? | markets? | part(?:y|ies) | cards? | lights? | decorations? | presents? | gifts? | shopping
          | music | songs? | carols? | movies? | films? | jumpers? | sweaters? | cookies? | cand(?:y|ies)
          | costumes? | eggs? | bunn(?:y|ies) | baskets? | pudding | cakes? | specials? | episodes? | sales?
          | bonus | spirit | season | holidays? | break | vacation | weekend | week | period | time | vibes?
          | island | rising | plans? | list ) \b
""", _FLAGS)
_GREETING_BEFORE = re.compile(
    r"(?:merry|happy|a|an|the|my|your|our|their|his|her|love|like|hate|enjoy|adore|prefer|about)\s+$", _FLAGS)


def _holiday(m: re.Match[str], ctx: Ctx) -> Hit | None:
    name = holiday_name(m["h"])
    mod = (m["mod"] or "").lower()
    if name is None or _NOUN_AFTER.match(ctx.text, m.end()):
        return None
    if m["h"].lower().startswith("new year") and "'" not in m["h"] and "’" not in m["h"] \
            and not m["h"][0].isupper() and not m["y"]:
        return None  # "a new year", "the new year": not New Year's Day
    if not m["y"] and not mod and _GREETING_BEFORE.search(ctx.text, max(0, m.start() - 10), m.start()):
        return None
    if m["y"]:
        return ctx.day(holiday_date(name, int(m["y"])), relative=False)
    today = ctx.today
    if m["rel"]:
        return ctx.day(holiday_date(name, relative_year(m["rel"], today)))
    days = [holiday_date(name, y) for y in range(today.year - 1, today.year + 2)]
    if mod in ("every", "each") or ctx.yearly(m.start(), m.end()):
        return ctx.day(next(d for d in days if d >= today))._replace(recurring=True)
    if mod == "last":
        found = [d for d in days if d < today][-1]
    elif mod == "next":
        found = next(d for d in days if d > today)
    elif mod == "this":
        found = holiday_date(name, today.year)
        if found < today and ctx.ahead(m.start()):  # a plan "this Easter" said after Easter: the coming one
            found = holiday_date(name, today.year + 1)
    elif ctx.ahead(m.start()):
        found = next(d for d in days if d >= today)
    else:
        found = [d for d in days if d <= today][-1]
    return ctx.day(found)


_KEYS = ("christmas", "xmas", "x-mas", "year", "nye", "easter", "good friday", "thanksgiving", "hallowe",
         "valentine", "independence", "mother", "father", "memorial", "labor", "labour", "boxing", "patrick")

RULES: tuple[Rule, ...] = (
    date_rule("holiday", _HOLIDAY_RE, _holiday, keys=_KEYS,
              examples=("We spent Christmas in Vienna.", "Last Thanksgiving I burned the turkey.",
                        "I'm flying home on Christmas Eve.", "We celebrated Easter 2022 in Rome.",
                        "We're taking Mom to brunch for Mother's Day.", "Every Christmas we go to my grandma's."),
              counter=("We're going to the Christmas market.", "Merry Christmas!", "I love Halloween.",
                       "The kids painted Easter eggs.", "Happy new year!", "I want a fresh start in the new year.")),
)
