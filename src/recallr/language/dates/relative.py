"""Date rules relative to the reference: yesterday, last Friday, next weekend, earlier this month, end of the month.

Choices (the tests pin them):

* "last/past Friday" is the latest Friday strictly before today; "this coming Friday" the first
  after today; "next Friday" the first after today unless that is tomorrow or the day after,
  then the one a week later ("next Saturday" said on a Friday is 8 days on); "this Friday" the
  Friday of the current Monday-Sunday week (the next one when that has passed and the clause
  looks ahead); "on/by/for Friday" the next one in a plan, the last one in a past clause.
* "last weekend" is the Saturday-Sunday of the previous week, "this weekend" the current week's,
  "next weekend" next week's; "over/on the weekend" the one just past in a past clause, else the
  coming one.
* "earlier this month" runs from the 1st to today, "later this month" from today to its end (so
  for week and year); "the end of the month" is its 21st to its end, "the beginning" its 1st-10th,
  "the middle" its 11th-20th; a year's are its last, first and middle four months.
"""

from __future__ import annotations

import re
from datetime import UTC, date, timedelta

from ..lexicon import WEEKDAYS
from ..pattern import Rule, verbose
from .base import (
    _FLAGS,
    _PART_DAYS,
    _PART_MONTHS,
    Ctx,
    Hit,
    _blocked,
    _norm,
    date_follows,
    date_rule,
    month_end,
    shift_month,
    week_start,
)

_RELATIVE_DAY_RE = verbose(r"""
    \b(?: the \s+ day \s+ before \s+ yesterday | the \s+ day \s+ after \s+ tomorrow
        | earlier \s+ today | later \s+ today | yesterday | today | tomorrow | tonight | last \s+ night
        | this \s+ (?:morning|afternoon|evening) )\b
    (?: \s+ (?:morning|afternoon|evening|night) \b )?        # "yesterday evening", "tomorrow morning"
""", _FLAGS)


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


_WEEKDAY_RE = verbose(rf"""
    \b (?P<mod> last | next | this \s+ past | this \s+ coming | this | past | coming | on | by | until | till )
    \s+ (?P<wd> {'|'.join(WEEKDAYS)} ) \b
    (?: \s+ (?:morning|afternoon|evening|night) \b )?        # "on Friday evening"
""", _FLAGS)


def _weekday(m: re.Match[str], ctx: Ctx) -> Hit | None:
    mod = _norm(m["mod"])
    if (mod in ("last", "next", "this", "past", "coming") and _blocked(m, ctx.text)) or date_follows(ctx.text, m.end()):
        return None  # "my last Friday at work"; "on Saturday, June 6": the date that follows is the expression
    wd, today = WEEKDAYS.index(m["wd"].lower()), ctx.today
    after = today + timedelta(days=(wd - today.weekday()) % 7 or 7)  # the first one after today
    before = today - timedelta(days=(today.weekday() - wd) % 7 or 7)  # the last one before today
    if mod == "this":
        found = week_start(today) + timedelta(days=wd)
        return ctx.day(after if found < today and ctx.ahead(m.start()) else found)
    if mod == "next":
        return ctx.day(after + timedelta(days=7) if (after - today).days <= 2 else after)
    if mod in ("coming", "this coming"):
        return ctx.day(after)
    if mod in ("last", "past", "this past"):
        return ctx.day(before)
    return ctx.day(after if ctx.ahead(m.start()) else before)


_BARE_WEEKDAY_RE = verbose(rf"""
    \b (?P<wd> {'|'.join(WEEKDAYS)} ) \b (?! ['’] )
    (?: \s+ (?:morning|afternoon|evening|night) \b )?
""", _FLAGS)
# A weekday without a preposition is a date at a clause's edge: "Monday I have ...", "drop the keys off Saturday."
_BARE_AFTER = verbose(r"""
    \s* (?: $ | [.,;:!?)] | (?: i | i['’]m | i['’]ll | we | we['’]re | we['’]ll | you | he | she | they | my | our
                             | at | then ) \b )
""", _FLAGS)
_BARE_BEFORE = verbose(r"""
    (?: \b (?: it['’]?s | it \s+ is | today \s+ is | today['’]s | every | each | a | an | the | my | your | his
            | her | our | their | on | last | next | this | past | coming | by | until | till | of | or | and
            | to | from | than ) ) \s+ $
""", _FLAGS)


def _bare_weekday(m: re.Match[str], ctx: Ctx) -> Hit | None:
    if not _BARE_AFTER.match(ctx.text, m.end()) or date_follows(ctx.text, m.end()):
        return None
    if _BARE_BEFORE.search(ctx.text, max(0, m.start() - 12), m.start()):
        return None  # "it's Friday", "every Monday", "Monday or Tuesday": not one dated day
    wd, today = WEEKDAYS.index(m["wd"].lower()), ctx.today
    if ctx.ahead(m.start()):
        return ctx.day(today + timedelta(days=(wd - today.weekday()) % 7 or 7))
    return ctx.day(today - timedelta(days=(today.weekday() - wd) % 7 or 7))


_WEEKEND_RE = verbose(r"""
    \b (?P<mod> last | this \s+ past | past | this \s+ coming | coming | this | next
              | over \s+ the | on \s+ the | at \s+ the | during \s+ the | the ) \s+ weekend \b
""", _FLAGS)
_SPEND_BEFORE = re.compile(
    r"\b(?:spent|spend|spends|spending|enjoyed|enjoy|enjoying|had|have|having|took|take|taking)\s+$", _FLAGS)


def _weekend(m: re.Match[str], ctx: Ctx) -> Hit | None:
    mod = _norm(m["mod"])
    if (not mod.endswith("the") and _blocked(m, ctx.text)) or (
            mod == "the" and not _SPEND_BEFORE.search(ctx.text, max(0, m.start() - 12), m.start())):
        return None  # "the weekend" is a date as what was spent: "we spent the weekend in Bruges"
    saturday = week_start(ctx.today) + timedelta(days=5)
    in_weekend = ctx.today.weekday() >= 5
    if mod in ("last", "past", "this past"):
        saturday -= timedelta(days=7)
    elif mod == "next" or (mod.endswith("coming") and in_weekend):
        saturday += timedelta(days=7)
    elif mod.endswith("the") and not in_weekend and not ctx.ahead(m.start()):
        saturday -= timedelta(days=7)  # "over the weekend" in a past clause: the one just past
    return ctx.span(saturday, saturday + timedelta(days=1), "weekend")


_UNIT_RE = verbose(r"""
    \b(?: (?P<mod> last | this | next | earlier \s+ this | later \s+ this ) \s+ (?P<unit> week | month | year )
        | the \s+ (?P<unit2> week | month | year ) \s+ before \s+ last )\b
""", _FLAGS)
_UNIT_OFFSET = {"last": -1, "this": 0, "earlier this": 0, "later this": 0, "next": 1}


def _unit_bounds(unit: str, today: date, offset: int) -> tuple[date, date]:
    if unit == "week":
        monday = week_start(today + timedelta(weeks=offset))
        return monday, monday + timedelta(days=6)
    if unit == "month":
        year, month = shift_month(today.year, today.month, offset)
        return date(year, month, 1), month_end(year, month)
    return date(today.year + offset, 1, 1), date(today.year + offset, 12, 31)


def _unit(m: re.Match[str], ctx: Ctx) -> Hit | None:
    if m["mod"] and _blocked(m, ctx.text):
        return None
    mod = _norm(m["mod"])
    unit, today = (m["unit"] or m["unit2"]).lower(), ctx.today
    first, last = _unit_bounds(unit, today, _UNIT_OFFSET[mod] if mod else -2)
    if mod == "earlier this":
        return ctx.span(first, today, "range")
    if mod == "later this":
        return ctx.span(today, last, "range")
    return ctx.span(first, last, unit)  # type: ignore[arg-type]


_UNIT_PART_RE = verbose(r"""
    \b (?: (?P<prep> at | by | until | till | from | before | around | towards? | in ) \s+ )?
    (?: the \s+ (?P<part> beginning | start | middle | end ) \s+ of \s+     # "the end of the month"
      | (?P<early> early | mid | late ) (?: \s+ | - ) )                     # "early next year"
    (?P<which> the | this | next | last ) \s+ (?P<unit> month | year ) \b
""", _FLAGS)


def _unit_part(m: re.Match[str], ctx: Ctx) -> Hit | None:
    which, unit, today = m["which"].lower(), m["unit"].lower(), ctx.today
    offset = {"next": 1, "last": -1}.get(which, 0)
    part = (m["part"] or m["early"]).lower()
    if unit == "month":
        year, month = shift_month(today.year, today.month, offset)
        low, high = _PART_DAYS[part]
        last = month_end(year, month)
        return ctx.span(date(year, month, low), last.replace(day=min(high, last.day)), "range")
    first, last_month = _PART_MONTHS[{"beginning": "early", "start": "early", "middle": "mid",
                                      "end": "late"}.get(part, part)]
    year = today.year + offset
    return ctx.span(date(year, first, 1), month_end(year, last_month), "range")


RULES: tuple[Rule, ...] = (
    date_rule("relative-day", _RELATIVE_DAY_RE, _relative_day,
              keys=("yesterday", "today", "tomorrow", "tonight", "night", "morning", "afternoon", "evening"),
              examples=("I had my flu jab the day before yesterday.", "Yesterday evening we cooked.",
                        "I have a dentist appointment tomorrow morning.", "I slept badly last night."),
              counter=("Good morning!", "I love the night sky.")),
    date_rule("weekday", _WEEKDAY_RE, _weekday, keys=("day",),
              examples=("I went to the dentist on Monday.", "Next Saturday we're driving to Cornwall.",
                        "This Friday we're going to the opera.", "I'll finish the painting by Sunday."),
              counter=("I go to Sunday school.", "Sunday is my favourite day.", "My last Friday at work was fun.",
                       "The wedding is on Saturday, June 6, 2026.")),
    date_rule("bare-weekday", _BARE_WEEKDAY_RE, _bare_weekday, keys=("day",),
              examples=("Monday I have a dentist appointment.", "I'll drop the keys off Saturday.",
                        "See you Friday!"),
              counter=("Sunday is my favourite day.", "I go to Sunday school.", "Thank God it's Friday!",
                       "I work Monday or Tuesday.", "Her last day was Friday, 14 April 2023.")),
    date_rule("weekend", _WEEKEND_RE, _weekend, keys=("weekend",),
              examples=("We went camping last weekend.", "I'm visiting my parents over the weekend.",
                        "We spent the weekend in Bruges."),
              counter=("I love weekends.", "My last weekend in Paris was great.", "I love the weekend.")),
    date_rule("calendar-unit", _UNIT_RE, _unit, keys=("week", "month", "year"),
              examples=("I changed jobs last month.", "Earlier this month I switched banks.",
                        "Later this year we're moving to Denver.", "It was the week before last."),
              counter=("My last year of college was hard.", "The next week was hard.")),
    date_rule("part-of-unit", _UNIT_PART_RE, _unit_part, keys=("month", "year"),
              examples=("The report is due at the end of the month.",
                        "I'm starting the new job at the beginning of next month.",
                        "We're moving early next year."),
              counter=("By the end of the day I was tired.", "The end of the film was sad.")),
)
