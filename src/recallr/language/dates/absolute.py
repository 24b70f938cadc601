"""Date rules naming a month: 3 March, June 12th, the 21st, in May, early June, June '18.

Choices (the tests pin them):

* A day and month without a year ("on March 3rd") is the latest such day on or before today in a
  past clause and the first on or after today in a plan or a present-tense arrangement ("June 12"
  said in February is this year's); it counts as relative. When it is yearly by nature ("my
  sister's birthday is on 3 March", "every year on 4 July": :mod:`.recurring`) it recurs, and its
  window is the next occurrence on or after today.
* An ordinal without a month ("on the 21st", "by the 3rd") is this month's when that fits the
  clause (not yet past for a plan, not after today for a past clause), else next month's or last
  month's.
* "in May" is the latest May starting at or before today in a past clause, the earliest ending on
  or after today otherwise; "last May" the latest May before the current month, "next May" the first
  after it; "early/mid/late June" and "the beginning/middle/end of June" are its 1st-10th,
  11th-20th, 21st-end.
* A two-digit year ("June '18") is in this century unless that is more than 10 years ahead.
"""

from __future__ import annotations

import re
from datetime import date

from ..pattern import Rule, verbose
from .base import (
    _DAY,
    _FLAGS,
    _MONTH_ANY,
    _MONTH_FULL,
    _MONTH_INDEX,
    _ORDINAL_WORDS,
    _PART_DAYS,
    _REL_YEAR,
    _UNITS,
    _YEAR,
    ORDINALS,
    Ctx,
    Hit,
    _blocked,
    _capitalised_mid_sentence,
    _norm,
    _safe_date,
    date_rule,
    month_end,
    relative_year,
    shift_month,
)

_SHORT_YEAR = r"['’](?P<yy>\d{2})\b"
_LEAD = r"(?: on | by | until | till | before | after | from | since )"  # part of the expression: "by April 30th"


def full_year(yy: str, ctx: Ctx) -> int:
    """A two-digit year in this century, unless that is more than 10 years ahead."""
    year = 2000 + int(yy)
    return year if year <= ctx.today.year + 10 else year - 100


_DAY_MONTH_RE = verbose(rf"""
    \b (?: {_LEAD} \s+ )? (?: the \s+ )? {_DAY}
    (?: \s+ of \s+ | \s+ | - ) {_MONTH_ANY}                       # "3 March", "3rd of March", "15-Aug"
    (?: (?: ,? \s+ (?: in \s+ )? | - ) {_YEAR} | ,? \s+ {_SHORT_YEAR} | {_REL_YEAR} )?  # "3 March 2021", "... '21"
""", _FLAGS)
_MONTH_DAY_RE = verbose(rf"""
    \b (?: {_LEAD} \s+ )? {_MONTH_ANY} \s+ (?: the \s+ )? {_DAY}
    (?: ,? \s+ (?: in \s+ )? {_YEAR} | ,? \s+ {_SHORT_YEAR} | {_REL_YEAR} )?  # "March 3, 2021", "... last year"
    {_UNITS}                                                       # not "march 3 miles"
""", _FLAGS)


def _nearest_date(ctx: Ctx, month: int, day: int, ahead: bool) -> date | None:
    """The latest such date on/before today (looking ahead: the first on/after)."""
    step = 1 if ahead else -1
    for year in range(ctx.today.year, ctx.today.year + 9 * step, step):
        d = _safe_date(year, month, day)
        if d is not None and (d >= ctx.today if ahead else d <= ctx.today):
            return d
    return None


def _modal_may(m: re.Match[str], ctx: Ctx) -> bool:
    """"you may 2 ..." / "May the first ...": the verb, not the month."""
    if m["m"].lower() != "may" or m["y"] or m["yy"] or m.start("m") > m.start("d" if m["d"] else "dw"):
        return False
    if m["dw"]:
        return not _capitalised_mid_sentence(ctx.text, m.start("m"))
    plain = m.end("d") == m.end() or not ctx.text[m.end("d")].isalpha()
    return m["m"] == "may" and plain and m.start("m") == m.start()  # "on may 5", "by may 5": the month


def _day_month(m: re.Match[str], ctx: Ctx) -> Hit | None:
    if _modal_may(m, ctx):
        return None
    month = _MONTH_INDEX[m["m"].lower().rstrip(".")]
    day = int(m["d"]) if m["d"] else ORDINALS[m["dw"].lower()]
    if m["y"] or m["yy"]:
        found = _safe_date(int(m["y"]) if m["y"] else full_year(m["yy"], ctx), month, day)
        return ctx.day(found, relative=False) if found else None
    if m["rel"]:  # "on March 3 last year"
        found = _safe_date(relative_year(m["rel"], ctx.today), month, day)
        return ctx.day(found) if found else None
    if ctx.yearly(m.start(), m.end()):
        found = _nearest_date(ctx, month, day, ahead=True)
        return ctx.day(found)._replace(recurring=True) if found else None
    found = _nearest_date(ctx, month, day, ahead=ctx.ahead(m.start()))
    return ctx.day(found) if found else None


_ORDINAL_RE = verbose(rf"""
    (?: \b (?P<prep> on | by | for | until | till | before | after | from | since | to ) \s+ )?
    \b the \s+ (?: (?P<d> [12]\d | 3[01] | 0?[1-9] ) (?: st | nd | rd | th ) | (?P<dw> {_ORDINAL_WORDS} ) ) \b
    (?: \s+ of \s+ (?P<which> the | this | next | last ) \s+ month \b )?
""", _FLAGS)
# What may follow "on the 21st" for it to be a day: the sentence going on, not a noun ("the 21st century").
_ORDINAL_AFTER = verbose(r"""
    \s* (?: $ | [.,;:!?)] | (?: at | and | or | but | so | because | then | when | if | instead | too | as | with
          | i | i['’]m | we | we['’]re | you | he | she | they | my | our | in \s+ the \s+ (?:morning|evening) ) \b )
""", _FLAGS)


_COPULA_BEFORE = re.compile(r"(?:\b(?:is|was|are|were|be)|['’]s)\s+$", _FLAGS)


def _ordinal(m: re.Match[str], ctx: Ctx) -> Hit | None:
    if not m["which"] and not _ORDINAL_AFTER.match(ctx.text, m.end()):
        return None
    if not m["prep"] and (m["dw"] or not _COPULA_BEFORE.search(ctx.text, max(0, m.start() - 8), m.start())):
        return None  # "on/by the 3rd", "is the 29th"; but "might be the first" is not a day
    day, today = (int(m["d"]) if m["d"] else ORDINALS[m["dw"].lower()]), ctx.today
    which = (m["which"] or "").lower()
    if which in ("this", "next", "last"):
        offsets = [{"this": 0, "next": 1, "last": -1}[which]]
    elif ctx.ahead(m.start()):
        offsets = [0, 1, 2] if day >= today.day else [1, 2]
    else:
        offsets = [0, -1, -2] if day <= today.day else [-1, -2]
    for offset in offsets:
        found = _safe_date(*shift_month(today.year, today.month, offset), day)
        if found is not None:
            return ctx.day(found)
    return None


_MONTH_CONTEXT_RE = verbose(rf"""
    \b (?: (?P<prep> in | during | since | until | till | by | of | from | around | throughout | at
                   | last | next | this ) \s+ )?
    (?: (?P<part> early | mid | late | the \s+ (?:beginning|start|middle|end) \s+ of ) [\s-]+ )?
    (?P<m> (?: {_MONTH_FULL} ) \b
         | (?: jan | feb | mar | apr | jun | jul | aug | sept | sep | oct | nov | dec ) \b \.? )  # "Sept. 2019"
    (?: ,? \s+ (?: of \s+ )? {_YEAR} | \s+ {_SHORT_YEAR} )?        # "May 2022", "September of 2019", "June '18"
""", _FLAGS)
_LOWERCASE_MAY_OK = {"in", "during", "since", "until", "till", "of", "throughout"}
_FULL_MONTHS = frozenset(_MONTH_FULL.split("|"))
_ABBREVIATION_OK = {"in", "during", "since", "until", "till", "by", "throughout"}  # "back in Jan"; not "from Jan"


def _month_year(ctx: Ctx, month: int, prep: str, ahead: bool) -> int:
    t = ctx.today
    if prep == "last":
        return t.year if month < t.month else t.year - 1
    if prep == "next":
        return t.year if month > t.month else t.year + 1
    if prep == "this":  # in a plan said after that month: the coming one ("this July we're flying", in December)
        return t.year + 1 if ahead and month < t.month else t.year
    if ahead:
        return t.year if month >= t.month else t.year + 1
    return t.year if month <= t.month else t.year - 1


def _month_context(m: re.Match[str], ctx: Ctx) -> Hit | None:
    prep, part, word = _norm(m["prep"]), _norm(m["part"]), m["m"]
    explicit = m["y"] or m["yy"]
    if not (prep or part or explicit) or (prep == "at" and not part):
        return None
    if prep in ("last", "next", "this") and _blocked(m, ctx.text):
        return None
    if word.lower() == "may" and not explicit and prep not in _LOWERCASE_MAY_OK and word != "May":
        return None
    if word.lower().rstrip(".") not in _FULL_MONTHS and not explicit and (prep not in _ABBREVIATION_OK or part):
        return None
    month = _MONTH_INDEX[word.lower().rstrip(".")]
    if explicit:
        year = int(m["y"]) if m["y"] else full_year(m["yy"], ctx)
    else:
        year = _month_year(ctx, month, prep, ctx.ahead(m.start()))
    if not part:
        return ctx.month(year, month, relative=not explicit)
    low, high = _PART_DAYS[part.split()[-2] if part.startswith("the") else part]
    last = month_end(year, month)
    return ctx.span(date(year, month, low), last.replace(day=min(high, last.day)), "range",
                    relative=not explicit)


_MONTH_KEYS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

RULES: tuple[Rule, ...] = (
    date_rule("day-month", _DAY_MONTH_RE, _day_month, keys=_MONTH_KEYS,
              examples=("We met on the 3rd of March.", "It began 3 March 2021.", "I signed it on 15-Aug-2024.",
                        "My sister's birthday is on 3 March.", "We watched the fireworks on the Fourth of July."),
              counter=("My second child is learning to read.", "I have 3 kids.")),
    date_rule("month-day", _MONTH_DAY_RE, _day_month, keys=_MONTH_KEYS,
              examples=("We met on March 3rd.", "It began March 3, 2021.", "I'm flying to Toronto on June 12.",
                        "She passed away on March 3rd, '21."),
              counter=("You may 2 times.", "The kids march 3 miles.", "I may go hiking tomorrow.")),
    date_rule("ordinal-day", _ORDINAL_RE, _ordinal, keys=("the",),
              examples=("My rent is due on the 5th.", "I paid the bill on the 28th.", "Payday is on the 25th.",
                        "The interview is on the twenty-second.", "I fly out on the 2nd of next month."),
              counter=("I live on the 3rd floor.", "It was built in the 21st century.",
                       "This is the 2nd time it happened.", "On the first day we hiked.", "This might be the first!")),
    date_rule("month", _MONTH_CONTEXT_RE, _month_context, keys=_MONTH_KEYS,
              examples=("Melanie painted a sunrise in May.", "We're going to Iceland in early June.",
                        "I moved at the end of March.", "We married in May 2022.", "I graduated in June '18."),
              counter=("I met June at the party.", "We march on.", "This may take a while.")),
)
