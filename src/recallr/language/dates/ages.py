"""How long ago a dated thing was, for a question that asks about elapsed time.

A model reading a context is poor at date arithmetic: asked "how many weeks ago did I ...?" it has to
subtract "4 March 2023" from the current date itself. When the question is about time (it asks for a
date, "how long", "how many days/weeks/months/years", "ago", "since"), recall writes each line's age next
to its date instead ("[4 March 2023, 28 days (4 weeks) ago]").

* :func:`asks_about_time` -- whether a question is about when or how long ago; word checks over at most
  the first 400 words, linear in the text.
* :func:`age_text` -- an event's days seen from today: "yesterday", "12 days ago", "28 days (4 weeks) ago",
  "about 6 months ago", "in 3 days"; "" for something going on today.

Example::

    >>> from datetime import date
    >>> asks_about_time("How many weeks ago did I meet my aunt?"), asks_about_time("What is my dog's name?")
    (True, False)
    >>> age_text(date(2023, 3, 4), date(2023, 3, 4), date(2023, 4, 1))
    '28 days (4 weeks) ago'
"""

from __future__ import annotations

import re
from datetime import date

from . import asks_for_date

_WORD = re.compile(r"[a-z]+")
_UNITS = frozenset({"day", "days", "week", "weeks", "month", "months", "year", "years", "hour", "hours"})
_ELAPSED = frozenset({"ago", "since", "passed", "elapsed"})
_MAX_WORDS = 400


def asks_about_time(question: str) -> bool:
    """Whether ``question`` asks when something was or how much time lies between things.

    "When did I ...", "how long ago", "how many days/weeks ...", "... ago", "since ..." are; "what is
    my dog's name" is not. Example::

        >>> asks_about_time("How many days had passed since I finished the book?"), asks_about_time("Hi!")
        (True, False)
    """
    if asks_for_date(question):
        return True
    words = _WORD.findall(question.lower())[:_MAX_WORDS]
    if _ELAPSED.intersection(words):
        return True
    for i, word in enumerate(words[:-1]):
        following = words[i + 1: i + 4]
        if word == "how" and (following[0] == "long" or (following[0] == "many" and _UNITS.intersection(following))):
            return True
    return False


def age_text(first: date, last: date, today: date) -> str:
    """How far the days ``first``-``last`` are from ``today``; "" when they include today.

    Days and weeks up to two months, then months, then years; a span longer than a week (a month, a year) is
    aged from its first day in months or years. Example::

        >>> age_text(date(2023, 2, 12), date(2023, 2, 12), date(2023, 3, 1))
        '17 days (about 2 weeks) ago'
        >>> age_text(date(2023, 6, 24), date(2023, 6, 24), date(2023, 6, 20))
        'in 4 days'
    """
    if first <= today <= last:
        return ""
    past = last < today
    days = (today - first).days if past else (first - today).days
    if (last - first).days > 7 or days >= 60:
        return f"{_months_text(days)} ago" if past else f"in {_months_text(days)}"
    if days == 1:
        return "yesterday" if past else "tomorrow"
    text = f"{days} days"
    if days >= 7:
        weeks, rest = divmod(days, 7)
        if rest >= 4:
            weeks += 1
        text += f" ({'' if rest == 0 else 'about '}{weeks} week{'s' if weeks != 1 else ''})"
    return f"{text} ago" if past else f"in {text}"


def _months_text(days: int) -> str:
    """'about 6 months' (rounded to the nearest month), 'about 3 years' from two years on."""
    if days >= 730:
        return f"about {round(days / 365.25)} years"
    months = max(1, round(days / 30.44))
    return f"about {months} month{'s' if months != 1 else ''}"
