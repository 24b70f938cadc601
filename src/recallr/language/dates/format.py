"""The one date formatter: every context, summary and prompt shows dates through these functions.

English, day before month ("8 May 2023"), no leading zeros; pure functions of their arguments.

    >>> day_text(date(2023, 5, 8)), month_text(date(2023, 5, 8)), weekday_text(date(2023, 5, 8))
    ('8 May 2023', 'May 2023', 'Monday, 8 May 2023')
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Protocol

from ..lexicon import MONTH_NAMES

__all__ = [
    "day_text", "display_dates", "format_range", "format_span", "month_text", "range_parts", "until_text",
    "weekday_text",
]

_DAY = timedelta(days=1)
_SECOND = timedelta(seconds=1)
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class SpanLike(Protocol):
    """What ``format_span`` reads of a :class:`recallr.language.dates.TimeSpan`."""

    @property
    def start(self) -> datetime: ...
    @property
    def end(self) -> datetime: ...
    @property
    def granularity(self) -> str: ...


def month_text(d: date) -> str:
    """'May 2023'."""
    return f"{MONTH_NAMES[d.month - 1]} {d.year}"


def weekday_text(d: date) -> str:
    """'Monday, 8 May 2023' (prompts and the context's first line)."""
    return f"{_WEEKDAY_NAMES[d.weekday()]}, {day_text(d)}"


def until_text(moment: datetime | None) -> str:
    """' (until 8 May 2023)' after a memory that stopped being true; '' when it still is."""
    return f" (until {day_text(moment)})" if moment else ""


def day_text(d: date) -> str:
    """'8 May 2023'."""
    return f"{d.day} {MONTH_NAMES[d.month - 1]} {d.year}"


def display_dates(span: SpanLike, tz: tzinfo) -> tuple[date, date]:
    """First and last calendar day of the span as seen in ``tz``.

    Day-or-longer spans are nudged 12 hours inwards so that a day computed in
    one zone keeps its label when shown in another zone less than 12 hours away.
    """
    start, end = span.start, span.end
    if end - start >= timedelta(hours=23):
        start, end = start + timedelta(hours=12), end - timedelta(hours=12)
    return start.astimezone(tz).date(), end.astimezone(tz).date()


def range_parts(first: date, last: date) -> tuple[str, str]:
    """The two ends of a range, sharing what they have in common."""
    whole_months = first.day == 1 and (last + timedelta(days=1)).day == 1
    if whole_months:
        start = MONTH_NAMES[first.month - 1]
        end = f"{MONTH_NAMES[last.month - 1]} {last.year}"
        return (start if first.year == last.year else f"{start} {first.year}"), end
    if (first.year, first.month) == (last.year, last.month):
        return str(first.day), day_text(last)
    if first.year == last.year:
        return f"{first.day} {MONTH_NAMES[first.month - 1]}", day_text(last)
    return day_text(first), day_text(last)


def format_span(span: SpanLike, tz: tzinfo = UTC) -> str:
    """Human text for a span, shown in ``tz``.

    Example::

        >>> from recallr.language.dates import find_time_expression
        >>> ref = datetime(2023, 5, 8, 13, 56, tzinfo=UTC)
        >>> [format_span(find_time_expression(t, ref)) for t in
        ...  ("yesterday", "last week", "last month", "in 2019")]
        ['7 May 2023', 'week of 1 May 2023', 'April 2023', '2019']
    """
    first, last = display_dates(span, tz)
    match span.granularity:
        case "instant":
            return f"{day_text(first)} {span.start.astimezone(tz):%H:%M}"
        case "day":
            return day_text(first)
        case "week":
            return f"week of {day_text(first)}"
        case "weekend":
            return "weekend of " + "-".join(range_parts(first, last))
        case "month":
            return f"{MONTH_NAMES[first.month - 1]} {first.year}"
        case "year":
            return str(first.year)
    if first == last:
        return day_text(first)
    start, end = range_parts(first, last)
    return f"{start}-{end}" if start != end else end


def format_range(start: datetime, end: datetime, tz: tzinfo, *, with_time: bool = False) -> str:
    """A stored time range (UTC ends) as recall's context shows it.

    Whole calendar days are shown as stored (no zone shift); a shorter range is its start in ``tz``.

        >>> format_range(datetime(2023, 5, 1, tzinfo=UTC), datetime(2023, 5, 31, 23, 59, 59, tzinfo=UTC), UTC)
        'May 2023'
    """
    if end - start >= _DAY - _SECOND:  # whole calendar days (a day, week, month, year): no tz shift
        if end - start < _DAY + _SECOND:
            return day_text(start)
        whole_year = (start.month, start.day, end.month, end.day) == (1, 1, 12, 31)
        if whole_year and start.year == end.year:
            return str(start.year)
        if start.year == end.year and start.month == end.month:
            if start.day == 1 and (end + timedelta(days=1)).month != end.month:
                return month_text(start)
            return f"{start.day}-{end.day} {start:%B %Y}" if start.day != end.day else day_text(start)
        if start.year == end.year:
            return f"{start.day} {start:%B} - {end.day} {end:%B %Y}"
        return f"{start.day} {start:%B %Y} - {end.day} {end:%B %Y}"
    start = start.astimezone(tz)
    day = day_text(start)
    return f"{day} {start:%H:%M}" if with_time else day
