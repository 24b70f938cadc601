"""Rewriting a statement so it no longer depends on when it was said.

* A relative date moves out to an opener matching its granularity: "On 7 May 2023, " (day), "In the
  week of 1 May 2023, " (week), "On the weekend of 6-7 May 2023, " (weekend), "In May 2023, "
  (month), "In 2019, " (year), "Between 3 and 6 May 2023, " (range); a holiday keeps its name in
  the opener ("On 24 December 2026 (Christmas Eve), User is flying home.").
* Unless moving it would break the clause: when the date is the complement of what is left ("The
  meeting is tomorrow", "It's due by Friday", "Tomorrow is my last day"), it is replaced in place
  ("The meeting is on 2 December 2026."); a holiday that is itself the subject or object ("We spent
  Christmas in Vienna") stays where it is and the opener is added.
* A yearly date keeps its month and day without a year and says it recurs: "User's sister's
  birthday is on 3 March, every year." (unless the statement already says so: "every year",
  "each March 3", ...).

Linear in the statement: a few bounded regex searches.
"""

from __future__ import annotations

import re
from datetime import UTC

from ..lexicon import MONTH_NAMES
from .format import day_text, display_dates, format_span, range_parts
from .holidays import fixed_holiday, holiday_name
from .recurring import says_yearly
from .span import TimeSpan

__all__ = ["with_absolute_date"]

_VAGUE = re.compile(r"recent|lately|of\s+late", re.IGNORECASE)
_DANGLING = re.compile(r"(?:\s|^)(?:on|in|at|during|over|back|sometime)\s*$", re.IGNORECASE)
_LOWERABLE = frozenset((
    "a", "an", "the", "she", "he", "we", "they", "it", "you", "my", "his", "her", "our", "their",
    "its", "your", "this", "that", "these", "those", "there", "some", "after", "before", "then",
    "and", "but", "so", "also", "when", "while", "if", "unless", "once", "because", "since", "as", "although",
    "though", "until", "whenever", "each", "every", "one", "both", "all", "most", "many",
))
# A word the removed date was the complement of: removing the date would leave "The meeting is." behind.
_NEEDS_COMPLEMENT = frozenset((
    "is", "are", "was", "were", "be", "been", "being", "am", "due", "until", "till", "by", "from", "for", "to",
    "since", "before", "after", "than", "of", "the", "a", "an", "into", "onto", "between", "until", "like",
))
_VERB_AFTER = frozenset(("is", "was", "are", "were", "will", "would", "has", "had", "can", "could", "should"))
_KEPT_PREPOSITIONS = ("by", "until", "till", "for", "from", "since", "before", "after", "around")
_MODIFIERS = re.compile(
    r"^(?:(?:last|next|this|coming|past|every|each|on|at|in|for|over|during|around|until|till|by|since|before"
    r"|after|from|the)\s+)+", re.IGNORECASE)
_TRAILING_YEAR = re.compile(r",?\s+(?:(?:in\s+)?[12]\d{3}|(?:last|this|next)\s+year)$", re.IGNORECASE)
_WORD = re.compile(r"[\w'’]+")
_AGO = re.compile(r"\bago\b", re.IGNORECASE)


def _holiday(expression: str) -> str | None:
    """The holiday an expression names, as written ("Christmas Eve" of "on Christmas Eve"), or None."""
    words = _TRAILING_YEAR.sub("", _MODIFIERS.sub("", expression.strip()))
    return words if holiday_name(words) else None


def _prefix(span: TimeSpan, *, named: bool = True) -> str:
    """The absolute-date opener replacing a relative expression (``named``: with a holiday's name)."""
    first, last = display_dates(span, UTC)
    label = format_span(span)
    if re.match(r"since\b", span.expression, re.IGNORECASE):
        return f"Since {day_text(first)}, "
    if _VAGUE.search(span.expression):
        return f"In the weeks before {day_text(last)}, "
    match span.granularity:
        case "day" | "instant":
            name = _holiday(span.expression) if named else None
            return f"On {day_text(first)} ({name}), " if name else f"On {day_text(first)}, "
        case "week":
            return f"In the {label}, "
        case "weekend":
            return f"On the {label}, "
        case "month" | "year":
            return f"In {label}, "
    start, end = range_parts(first, last)
    return f"Between {start} and {end}, " if first != last else f"On {end}, "


def _in_place(span: TimeSpan, expression: str, before: str) -> str:
    """What replaces ``expression`` where it stands: "on 2 December 2026", "by 4 December 2026", ..."""
    first, _ = display_dates(span, UTC)
    lead = _WORD.match(expression)
    word = lead.group(0) if lead else ""
    name = _holiday(expression)
    if name:
        keep = word.lower() in (*_KEPT_PREPOSITIONS, "on", "at", "over", "during")
        return f"{word + ' ' if keep else ''}{name} ({day_text(first)})"
    bare = format_span(span) if span.granularity not in ("week", "weekend") else f"the {format_span(span)}"
    if word.lower() in (*_KEPT_PREPOSITIONS, "to"):
        return f"{word} {bare}"
    if not before.strip() or word.lower() == "the":
        return bare  # the date is the subject ("Tomorrow is my last day") or an object ("spent the weekend")
    previous = _WORD.findall(before[-20:])
    if previous and previous[-1].lower() in (*_KEPT_PREPOSITIONS, "to", "on", "in", "at", "of"):
        if _AGO.search(expression):  # "the parade I went to a few weeks ago": "to" is not the date's
            opener = _prefix(span).rstrip(", ")
            return f"({opener[0].lower()}{opener[1:]})"
        return bare
    opener = _prefix(span).rstrip(", ")
    return opener[0].lower() + opener[1:]


def _breaks(before: str, after: str) -> bool:
    """Whether removing the date between ``before`` and ``after`` leaves a clause without its complement."""
    words = _WORD.findall(_DANGLING.sub("", before.rstrip())[-30:])
    if words:
        last = words[-1].lower().replace("’", "'")
        return last in _NEEDS_COMPLEMENT or (last.endswith("'s") and last not in ("let's", "it's", "that's"))
    following = _WORD.findall(after[:20])
    return bool(following) and following[0].lower().replace("’", "'") in (*_VERB_AFTER, "'s")


def _remove(statement: str, start: int, end: int) -> str:
    """The statement without ``statement[start:end]`` and a preposition left dangling."""
    before, after = statement[:start].rstrip(), statement[end:]
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


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _yearly(statement: str, span: TimeSpan) -> str:
    """A yearly date kept as month and day, with "every year" when the statement does not say it already."""
    first, _ = display_dates(span, UTC)
    month_day = f"{first.day} {MONTH_NAMES[first.month - 1]}"
    found = re.search(re.escape(span.expression), statement, re.IGNORECASE) if span.expression else None
    if found is None:
        return f"Every year on {month_day}, {_lower_first(statement)}"
    before, after = statement[:found.start()], statement[found.end():]
    name = _holiday(span.expression)
    if name:  # "on Valentine's Day (14 February)"; a moveable feast has no fixed month-day to show
        fixed = fixed_holiday(holiday_name(name) or "")
        date_words = f"{span.expression} ({month_day})" if fixed else span.expression
    else:
        date_words = ("on " if span.expression.lower().startswith("on ") else "") + month_day
    if says_yearly(statement, found.start()):
        return _capital(before + date_words + after)
    if re.search(r"\bborn\s+(?:on\s+)?$", before, re.IGNORECASE):
        note = " (a birthday every year)"
    else:
        note = ", every year" + ("" if not after.strip() or after.lstrip()[:1] in ",.;:!?)" else ",")
    return _capital(before + date_words + note + after)


def with_absolute_date(statement: str, span: TimeSpan) -> str:
    """Rewrite a statement whose date was relative so it carries the absolute date (see the module docstring).

    A statement that does not contain the expression only gets the opener; absolute and ``instant``
    spans leave the statement unchanged.

    Example::

        >>> from datetime import datetime
        >>> from recallr.language.dates import event_span
        >>> ref = datetime(2026, 12, 1, 10, tzinfo=UTC)
        >>> for text in ("She started a new job last week.", "The meeting is tomorrow.",
        ...              "My sister's birthday is on 3 March."):
        ...     print(with_absolute_date(text, event_span(text, ref)))
        In the week of 23 November 2026, she started a new job.
        The meeting is on 2 December 2026.
        My sister's birthday is on 3 March, every year.
    """
    if span.recurring:
        return _yearly(statement.strip(), span)
    if not span.relative or not span.expression:
        return statement
    text = statement.strip()
    found = re.search(re.escape(span.expression), text, re.IGNORECASE)
    if found is None:
        return _prefix(span) + _lower_first(text)
    before, after = text[:found.start()], text[found.end():]
    if _holiday(span.expression) and not _MODIFIERS.match(span.expression):
        return _prefix(span, named=False) + _lower_first(text)  # "We spent Christmas in Vienna": the name stays
    lead = _WORD.match(found.group(0))
    deadline = lead is not None and lead.group(0).lower() in ("by", "until", "till", "before", "after", "from", "to")
    spent = span.granularity == "weekend" and found.group(0).lower().startswith("the ")  # "spent the weekend"
    asked = " asked " in before[:40]  # "User asked for tips for their marathon next month": the asking is now
    asked = asked or before.lower().endswith(("starting ", "beginning ", "effective "))  # "starting Monday"
    if deadline or spent or asked or (not after.startswith(("'s", "’s")) and _breaks(before, after)):
        return _capital(before + _in_place(span, found.group(0), before) + after)
    body = _remove(text, found.start(), found.end())
    if not body.strip(" .!?"):
        return _prefix(span).rstrip(", ") + (body.strip() or ".")
    return _prefix(span) + _lower_first(body)
