"""Time expressions: when a memory happened, and which dates a question asks about.

Two directions, both pure and fast:

* ingestion -- :func:`event_span` turns "Caroline went to a support group
  yesterday" plus the message timestamp into the event's date range, and
  :func:`with_absolute_date` rewrites the statement so it no longer depends on
  when it was said ("On 7 May 2023, Caroline went to a support group.");
* recall -- :func:`query_date_range` turns "what did I do last week?" into a
  date-range filter, and :func:`asks_for_date` tells "when did I ...?" (which
  asks for a date) apart from questions constrained by one.

Expressions are matched by the regex rules in :mod:`.rules` (which also
documents the choices for ambiguous phrases such as "last Friday" or "last
summer"); dateparser is imported only for explicit dates the rules spot but do
not read themselves (``5/7/2023``, ``3rd Sept '21``).  Weeks run Monday-Sunday;
every returned datetime is timezone-aware UTC and a naive reference is UTC.

Example::

    >>> from datetime import UTC, datetime
    >>> ref = datetime(2023, 5, 8, 13, 56, tzinfo=UTC)
    >>> span = event_span("Caroline went to a support group yesterday.", ref)
    >>> format_span(span), span.granularity
    ('7 May 2023', 'day')
    >>> with_absolute_date("Caroline went to a support group yesterday.", span)
    'On 7 May 2023, Caroline went to a support group.'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from .format import day_text, display_dates, format_span, range_parts
from .rules import Granularity, local_reference, scan

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


@dataclass(frozen=True, slots=True)
class TimeSpan:
    """A resolved time expression.

    ``start`` is inclusive, ``end`` the last instant of the range (23:59:59.999999
    of its last day); both are timezone-aware UTC.  ``expression`` is the exact
    substring that was resolved ("" for an ``instant`` fallback) and ``relative``
    tells whether the result depended on the reference time.
    """

    start: datetime
    end: datetime
    granularity: Granularity
    expression: str
    relative: bool


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
    return TimeSpan(hit.start, hit.end, hit.granularity, text[start:end], hit.relative)


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
    go to Paris?") has no range: see :func:`asks_for_date`.

    Example::

        >>> ref = datetime(2023, 5, 8, 13, 56, tzinfo=UTC)
        >>> format_span(query_date_range("What did I do last week?", ref))
        'week of 1 May 2023'
        >>> query_date_range("When did I go to Paris?", ref) is None
        True
    """
    return find_time_expression(query, reference)


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


# --- rewriting statements -------------------------------------------------------

_VAGUE = re.compile(r"recent|lately|of\s+late", re.IGNORECASE)
_DANGLING = re.compile(r"(?:\s|^)(?:on|in|at|during|over|back|sometime)\s*$", re.IGNORECASE)
_LOWERABLE = frozenset((
    "a", "an", "the", "she", "he", "we", "they", "it", "you", "my", "his", "her", "our", "their",
    "its", "your", "this", "that", "these", "those", "there", "some", "after", "before", "then",
    "and", "but", "so", "also", "when", "while",
))


def _prefix(span: TimeSpan) -> str:
    """The absolute-date opener replacing a relative expression."""
    first, last = display_dates(span, UTC)
    label = format_span(span)
    if re.match(r"since\b", span.expression, re.IGNORECASE):
        return f"Since {day_text(first)}, "
    if _VAGUE.search(span.expression):
        return f"In the weeks before {day_text(last)}, "
    match span.granularity:
        case "day" | "instant":
            return f"On {day_text(first)}, "
        case "week":
            return f"In the {label}, "
        case "weekend":
            return f"On the {label}, "
        case "month" | "year":
            return f"In {label}, "
    start, end = range_parts(first, last)
    return f"Between {start} and {end}, " if first != last else f"On {end}, "


def _remove(statement: str, expression: str) -> str:
    """The statement without ``expression`` and a preposition left dangling."""
    found = re.search(re.escape(expression), statement, re.IGNORECASE)
    if found is None:
        return statement
    before, after = statement[:found.start()].rstrip(), statement[found.end():]
    if after.startswith(("'s", "’s")):
        return f"{before} the{after[2:]}".strip()
    before = _DANGLING.sub("", before).rstrip()
    after = after.lstrip()
    if after[:1] in tuple(",.;:!?") and before.endswith(","):
        before = before[:-1]
    if not before:
        return after.lstrip(",;: ")
    return before + ("" if after[:1] in tuple(",.;:!?") or not after else " ") + after


def _lower_first(text: str) -> str:
    """Lowercase a capital that was only there because the word began the sentence."""
    word = re.match(r"[A-Za-z]+", text)
    if word and word.group(0).lower() in _LOWERABLE and not word.group(0).isupper():
        return text[0].lower() + text[1:]
    return text


def with_absolute_date(statement: str, span: TimeSpan) -> str:
    """Rewrite a statement whose date was relative so it carries the absolute date.

    The relative expression (and a preposition it leaves dangling) is removed and
    an opener matching the granularity is put in front: "On 7 May 2023, " (day),
    "In the week of 1 May 2023, " (week), "On the weekend of 6-7 May 2023, "
    (weekend), "In May 2023, " (month), "In 2019, " (year), "Between 3 and 6 May
    2023, " (range).  A statement that does not contain the expression only gets
    the opener; absolute and ``instant`` spans leave the statement unchanged.

    Example::

        >>> ref = datetime(2023, 5, 8, 13, 56, tzinfo=UTC)
        >>> text = "She started a new job last week."
        >>> with_absolute_date(text, event_span(text, ref))
        'In the week of 1 May 2023, she started a new job.'
    """
    if not span.relative or not span.expression:
        return statement
    body = _remove(statement.strip(), span.expression)
    if not body.strip(" .!?"):
        return _prefix(span).rstrip(", ") + (body.strip() or ".")
    return _prefix(span) + _lower_first(body)
