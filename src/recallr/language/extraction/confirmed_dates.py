"""The day a confirmation is for, written into it: "booked for Friday at 8 pm" said on Tuesday 1 December
2026 becomes "booked on Friday, 4 December 2026 at 8 pm", and the memory's event window is that day.

Time expressions are read by :mod:`recallr.language.dates` (no date rules of our own here). A
confirmation looks ahead, so a bare date in it ("Friday", "December 4", "the 20th") is the next such
day, not the last one: when the dates module resolves it to a day before the message, the same
expression is read again from a week, a month, two months and a year later, and the first reading
not before the message wins. Expressions that say the past ("last Friday", "yesterday") are left as
they are. Bounded: at most ``_MAX_EXPRESSIONS`` expressions of one statement, a few scans each.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from ..dates import TimeSpan, find_time_expression
from ..dates.format import day_text, display_dates, weekday_text
from ..lexicon import MONTH_NAMES, word_set

__all__ = ["date_confirmation", "upcoming_span"]

_MAX_EXPRESSIONS = 3
_AHEAD = (7, 8, 35, 62, 370)  # the next weekday (today's: 8), day of the month, month-day
_PAST = re.compile(r"\b(?:last|ago|yesterday|earlier|previous|past|before|since)\b", re.IGNORECASE)
_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
# "for Friday", "arrives Friday": the dates module reads a weekday after "on" (or "this", "next").
_LOOSE_WEEKDAY = re.compile(
    rf"(?P<before>\b(?:on|this|next|last|every|coming|of)\s+)?(?P<after>\b(?:by|until|from|to|before|after|"
    rf"through|till)\s+)?"
    rf"(?P<for>\bfor\s+)?(?P<day>\b{_WEEKDAY}\b)(?!'s)",
    re.IGNORECASE,
)
# "the 14th" with no month (a stopgap while the dates module does not read it).
_ORDINAL_DAY = re.compile(r"\b(?:on\s+)?the\s+(?P<d>[123]?\d)(?:st|nd|rd|th)\b(?!\s+of\b)", re.IGNORECASE)
_DAY_FOLLOWS = re.compile(r"\s+\d")
_PART_OF_DAY = re.compile(r"\b(?P<part>morning|afternoon|evening|night|tonight)\b", re.IGNORECASE)
_BARE_WEEKDAY = re.compile(rf"^(?:on\s+)?{_WEEKDAY}$", re.IGNORECASE)
_RANGE_END = re.compile(
    r"(?:-|\s(?:to|until|through|till)\s)(?P<d>[123]?\d)(?:st|nd|rd|th)?\b"
    r"(?!\s?(?::|\.\d|am\b|pm\b|a\.m|p\.m|o'clock|guests?\b|people\b|nights?\b|adults?\b|persons?\b))",
    re.IGNORECASE,
)
_WEEKDAY_BEFORE = re.compile(rf"\b{_WEEKDAY},?\s+$", re.IGNORECASE)
_OWN_PREPOSITION = re.compile(r"(?:for|by|until|till|from|before|after|through)\s+", re.IGNORECASE)
_LEAD_WORD = re.compile(r"(?<=\s)(?:for|on|from|between)\s+$", re.IGNORECASE)
_JOINS = re.compile(r"^[\s,]*(?:the\s+)?$")
_PREPOSITIONS = word_set("on for by until from to before after of between and through at till")


def _weekdays_read(text: str) -> str:
    def fix(m: re.Match[str]) -> str:
        if m.group("before"):
            return m.group(0)
        return f"{m.group('after') or ''}on {m.group('day')}"  # "moved to on Friday": "on" is dropped when written

    return _LOOSE_WEEKDAY.sub(fix, text)


def upcoming_span(expression: str, at: datetime) -> TimeSpan | None:
    """``expression`` read as a day ahead of ``at`` when it names no past.

    Example::

        >>> at = datetime(2026, 12, 1, 10, tzinfo=UTC)
        >>> upcoming_span("on Friday", at).start.date(), upcoming_span("December 20", at).start.date()
        (datetime.date(2026, 12, 4), datetime.date(2026, 12, 20))
    """
    span = find_time_expression(expression, at)
    if span is None or not span.relative or _PAST.search(expression) or _ahead(span, expression, at):
        return span
    for days in _AHEAD:
        later = find_time_expression(expression, at + timedelta(days=days))
        if later is not None and _ahead(later, expression, at):
            return later
    return span


def _ahead(span: TimeSpan, expression: str, at: datetime) -> bool:
    """Not before the message's day ("on Tuesday" said on a Tuesday is a week ahead; "tonight" is today)."""
    day = span.end.date()
    return day > at.date() or (day == at.date() and not _BARE_WEEKDAY.match(expression))


def _hits(text: str, at: datetime, upcoming: bool) -> list[tuple[int, int, TimeSpan]]:
    """The time expressions of ``text`` in order: (start, end, reading); ``upcoming``: each read ahead."""
    found: list[tuple[int, int, TimeSpan]] = []
    pos = 0
    while len(found) < _MAX_EXPRESSIONS:
        span = find_time_expression(text[pos:], at)
        if span is None or not span.expression:
            break
        start = text.find(span.expression, pos)
        if start < 0:
            break
        end = start + len(span.expression)
        if span.granularity != "day" and _DAY_FOLLOWS.match(text, end) and " " in span.expression:
            pos = start + span.expression.index(" ")  # "from December| 18": read "December 18" instead
            continue
        if upcoming and not _ahead(span, span.expression, at):
            span = upcoming_span(span.expression, at) or span
        found.append((start, end, span))
        pos = end
    for m in _ORDINAL_DAY.finditer(text):  # "the 14th", "Thursday the 10th"
        if len(found) >= _MAX_EXPRESSIONS:
            break
        if any(start <= m.start() < end for start, end, _ in found):
            continue
        day = int(m.group("d"))
        month = MONTH_NAMES[(at.month - 1 + (0 if day >= at.day else 1)) % 12]
        said = f"on the {m.group('d')}th of {month}"
        ordinal = upcoming_span(said, at) if upcoming else find_time_expression(said, at)
        if ordinal is not None:
            found.append((m.start(), m.end(), ordinal))
    return sorted(found, key=lambda hit: hit[0])


def _merged(hits: list[tuple[int, int, TimeSpan]], text: str) -> list[tuple[int, int, TimeSpan]]:
    """"Friday, December 4": one day, read from its more explicit half."""
    out: list[tuple[int, int, TimeSpan]] = []
    for start, end, span in hits:
        if out and _JOINS.match(text[out[-1][1]:start]) and out[-1][2].granularity == span.granularity == "day":
            previous = out.pop()
            explicit = span if any(ch.isdigit() for ch in span.expression) else previous[2]
            out.append((previous[0], end, explicit))
            continue
        out.append((start, end, span))
    return out


def _day(span: TimeSpan) -> date:
    return display_dates(span, UTC)[0]


def _until(text: str, end: int, first: date) -> tuple[date, int] | None:
    """The last day of a range written "Dec 20-23" or "December 20 to 23", and where its text ends."""
    m = _RANGE_END.match(text, end)
    if m is None:
        return None
    day = int(m.group("d"))
    year, month = (first.year, first.month) if day > first.day else (
        first.year + first.month // 12, first.month % 12 + 1)
    try:
        return date(year, month, day), m.end()
    except ValueError:
        return None


def date_confirmation(content: str, at: datetime | None, *, upcoming: bool = True) -> tuple[str, str]:
    """The confirmation with its day written out, and the text the formation stage dates it from; ``upcoming``
    (a booking, a promise) reads a bare date as the next one, otherwise ("was delivered on Monday") as said.

    Example::

        >>> at = datetime(2026, 12, 1, 10, tzinfo=UTC)  # a Tuesday
        >>> date_confirmation("User has a table at Nopa booked for Friday at 8 pm", at)
        ('User has a table at Nopa booked on Friday, 4 December 2026 at 8 pm', 'on 4 December 2026')
    """
    if at is None:
        return content, content
    text = _weekdays_read(content)
    hits = [h for h in _merged(_hits(text, at, upcoming), text) if h[2].granularity == "day" or _day_run(h[2])]
    if not hits:
        return text, text
    out, last = [], 0
    for start, end, span in hits:
        said_weekday = _WEEKDAY_BEFORE.search(text, max(last, start - 24), start)
        if said_weekday is not None:  # "Friday, December 4": the weekday is written again with the date
            start = said_weekday.start()
        before = text[:start].rsplit(None, 1)
        if _day_run(span):  # "(for) March 4-7", "from 4 to 7 March": both days written out, after one "from"
            first, final = display_dates(span, UTC)
            lead = _LEAD_WORD.sub("", text[last:start])
            out.append(f"{lead}from {weekday_text(first)} to {weekday_text(final)}")
            last = end
            continue
        own = _OWN_PREPOSITION.match(text, start, end)  # "for the 14th": keep "for"
        after_preposition = own is not None or (bool(before) and before[-1].lower() in _PREPOSITIONS)
        if own is not None:
            out.append(text[last:start] + own.group(0))
            last = start = own.end()
        until = _until(text, end, _day(span))
        if until is not None:  # "Dec 20-23": from the first day to the last
            out.append(f"{text[last:start]}{'' if after_preposition else 'from '}{weekday_text(_day(span))} to "
                       f"{weekday_text(until[0])}")
            last = until[1]
            continue
        lead = "" if after_preposition else "on "
        part = _PART_OF_DAY.search(text, start, end)
        if part is not None:  # "Saturday morning", "tonight": keep the part of the day
            name = "evening" if part.group("part").lower() == "tonight" else part.group("part").lower()
            lead = f"{lead}the {name} of "
        out.append(text[last:start] + lead + weekday_text(_day(span)))
        last = end
    out.append(text[last:])
    if _day_run(hits[0][2]):
        first, final = display_dates(hits[0][2], UTC)
        return "".join(out), f"from {day_text(first)} to {day_text(final)}"
    return "".join(out), f"on {day_text(_day(hits[0][2]))}"


def _day_run(span: TimeSpan) -> bool:
    """A run of days written with its numbers ("from 4 to 7 March"), not a week or a season."""
    return span.granularity == "range" and any(ch.isdigit() for ch in span.expression) \
        and (span.end - span.start).days <= 62
