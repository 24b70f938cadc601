"""Time expressions: when a memory happened, and which dates a question asks about.

Two directions, both pure and fast:

* ingestion -- :func:`event_span` turns "Caroline went to a support group
  yesterday" plus the message timestamp into the event's date range, and
  :func:`with_absolute_date` rewrites the statement so it no longer depends on
  when it was said ("On 7 May 2023, Caroline went to a support group.");
* recall -- :func:`query_date_range` turns "what did I do last week?" into a
  date-range filter, and :func:`asks_for_date` tells "when did I ...?" (which
  asks for a date) apart from questions constrained by one.

Expressions are matched by the rule table in :mod:`.rules` (one module per family
documents its choices for ambiguous phrases). A date without its year or week ("on
Monday", "June 12", "on the 21st", "at Christmas") looks back in a past clause and
ahead in a plan or a present-tense arrangement (:mod:`.tense`).

**Recurring dates.** A month and day without a year that is yearly by nature (a
birthday, an anniversary, a name day, "every year on 4 July", "each March 3",
"every Christmas": :mod:`.recurring`) is never pinned to a past year: its span is
``recurring``, its window the next occurrence on or after the day it was said (whole
day), and :func:`with_absolute_date` keeps the month-day without a year and says it
recurs ("User's sister's birthday is on 3 March, every year."). A date whose removal
would break its clause ("The meeting is tomorrow") is replaced in place instead of
moved to the front ("The meeting is on 2 December 2026.").

No third-party parser is used: every format is read by the rules (dateparser,
parsedatetime, ctparse and timefhuman resolve 23-30% of the temporal suite in
``tests/language/test_temporal_suite.py``). Weeks run Monday-Sunday; every returned
datetime is timezone-aware UTC and a naive reference is UTC.

Example::

    >>> from datetime import UTC, datetime
    >>> ref = datetime(2023, 5, 8, 13, 56, tzinfo=UTC)
    >>> span = event_span("Caroline went to a support group yesterday.", ref)
    >>> format_span(span), span.granularity
    ('7 May 2023', 'day')
    >>> with_absolute_date("Caroline went to a support group yesterday.", span)
    'On 7 May 2023, Caroline went to a support group.'
    >>> span = event_span("My sister's birthday is on 3 March.", datetime(2026, 12, 1, tzinfo=UTC))
    >>> format_span(span), span.recurring
    ('3 March 2027', True)
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from .format import format_span
from .rewrite import with_absolute_date
from .rules import Granularity, local_reference, scan
from .span import TimeSpan

__all__ = [
    "Granularity",
    "TimeSpan",
    "asks_for_date",
    "event_span",
    "find_time_expression",
    "format_span",
    "query_date_range",
    "with_absolute_date",
]


def find_time_expression(text: str, reference: datetime) -> TimeSpan | None:
    """The event time a statement refers to, or None if it has no time expression.

    The leftmost expression wins (the longest one where several start together).

    Example::

        >>> ref = datetime(2023, 5, 8, 13, 56, tzinfo=UTC)
        >>> span = find_time_expression("We went camping last weekend.", ref)
        >>> span.expression, format_span(span)
        ('last weekend', 'weekend of 6-7 May 2023')
        >>> find_time_expression("You may like it.", ref) is None
        True
    """
    found = scan(text, reference)
    if found is None:
        return None
    start, end, hit = found
    return TimeSpan(hit.start, hit.end, hit.granularity, text[start:end], hit.relative, hit.recurring)


def event_span(text: str, reference: datetime) -> TimeSpan:
    """:func:`find_time_expression`, else an ``instant`` span at the reference time.

    Example::

        >>> ref = datetime(2023, 5, 8, 13, 56, tzinfo=UTC)
        >>> event_span("I like green tea.", ref).granularity
        'instant'
    """
    span = find_time_expression(text, reference)
    if span is not None:
        return span
    now = local_reference(reference).astimezone(UTC)
    return TimeSpan(now, now, "instant", "", False)


def query_date_range(query: str, reference: datetime) -> TimeSpan | None:
    """For recall: the date range a question asks about, or None when unconstrained.

    Uses the same rules as :func:`find_time_expression` ("last week" is the
    previous Monday-Sunday week, "in May" the latest May not after the
    reference, "recently"/"lately" the last 30 days, "earlier today" runs from
    midnight to the reference).  A question that *asks for* a date ("When did I
    go to Paris?") has no range: see :func:`asks_for_date`; nor does a yearly
    date ("Is my birthday on 3 March?"), which is not about one year.

    Example::

        >>> ref = datetime(2023, 5, 8, 13, 56, tzinfo=UTC)
        >>> format_span(query_date_range("What did I do last week?", ref))
        'week of 1 May 2023'
        >>> query_date_range("When did I go to Paris?", ref) is None
        True
    """
    span = find_time_expression(query, reference)
    return None if span is None or span.recurring else span


_ASKS_FOR_DATE = re.compile(
    r"(?:^|[.!?;:]\s*)(?:(?:so|and|but|ok|okay|hey|hmm|um)\b,?\s*)?when(?:['’]s\b|\s+(?:did|do|"
    r"does|was|were|is|are|am|will|would|have|has|had|can|could|should|shall|might)\b)"
    r"|\b(?:remember|recall|tell\s+me|know|say|idea|sure|wonder)\s+(?:exactly\s+)?when\b"
    r"|\b(?:what|which)\s+(?:date|day|year|month|week|time\s+of\s+(?:year|day))\b"
    r"|\bhow\s+long\s+ago\b|\bsince\s+when\b"
    r"|\bhow\s+many\s+(?:days|weeks|months|years)\s+ago\b", re.IGNORECASE)


def asks_for_date(query: str) -> bool:
    """True when the question asks *for* a date ("When did ...", "what year ...").

    Example::

        >>> asks_for_date("When did I go to Paris?"), asks_for_date("What did I eat?")
        (True, False)
    """
    return bool(_ASKS_FOR_DATE.search(query.strip()))
