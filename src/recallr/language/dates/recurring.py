"""Yearly by nature: a month and day without a year that recur ("My sister's birthday is on 3 March").

A month-day (or a holiday) is yearly when, in its clause:

* a yearly noun is what the date is the complement of: "birthday/anniversary/name day/feast day
  is (on) ...", "birthday's on ...", "falls on ...", or "I celebrate my name day on ...";
* it is a date of birth without a year ("born on 3 March": the birthday);
* the clause says so: "every year", "each year", "annually", "yearly", "annual", a habit
  ("usually", "always", "traditionally": "during Thanksgiving we usually watch movies"), or
  "every"/"each" right before the date ("each March 3", "every Christmas").

"We celebrated her birthday on 3 March" (a past celebration), "her birthday was on 3 March" and
"our anniversary dinner is booked for 20 May" (a one-off event) are not yearly. A yearly date's
window is its next occurrence on or after the day it was said, and the memory says it recurs
(:func:`recallr.language.dates.with_absolute_date`). Bounded windows: O(1) per call.

    >>> text = "My sister's birthday is on 3 March."
    >>> is_yearly(text, text.index("on 3"), len(text) - 1)
    True
    >>> text = "We celebrated her birthday on 3 March."
    >>> is_yearly(text, text.index("on 3"), len(text) - 1)
    False
"""

from __future__ import annotations

import re

from ..pattern import verbose
from .tense import clause

__all__ = ["is_yearly", "says_yearly"]

_NOUN = r"(?: birthday | b-?day | anniversary | name[\s-]?day | feast \s+ day ) s?"
_LEADS_TO_DATE = verbose(rf"""
    \b {_NOUN} (?: ['’]s )? \s+ (?: is | are | falls? | will \s+ be | comes? )
        (?: \s+ (?: always | usually | also | actually | every \s+ year | always | coming \s+ up ) ){{0,2}} \s+ $
  | \b {_NOUN} ['’]s \s+ (?: always \s+ | usually \s+ )? $                 # "birthday's on ..."
  | \b celebrates? \s+ (?: my | our | his | her | their | [a-z]+ ['’]s ) \s+ {_NOUN} \s+ $
  | \b (?: it['’]s | it \s+ is ) \s+ (?: my | our | his | her | their | [a-z]+ ['’]s ) (?: \s+ [a-z]+ ['’]s )?
        \s+ {_NOUN} \s+ $                                                  # "it's my mom's birthday on ..."
  | \b born \s+ (?: on \s+ )? $                                             # a date of birth without its year
  | \b (?: every | each ) \s+ (?: year \s+ on \s+ )? $                      # "each March 3", "every year on 4 July"
""", re.IGNORECASE)
_SAYS_YEARLY = verbose(r"""
    \b (?: (?:every|each) \s+ year | annually | yearly | annual
          | usually | always | typically | traditionally )        # a habit on a given day is yearly
    \b
""", re.IGNORECASE)
_LOOKBACK = 60


def is_yearly(text: str, start: int, end: int) -> bool:
    """Whether the month-day at ``text[start:end]`` is yearly by nature (see the module docstring)."""
    if _LEADS_TO_DATE.search(text, max(0, start - _LOOKBACK), start):
        return True
    lo, hi = clause(text, start)
    return _SAYS_YEARLY.search(text, lo, max(hi, min(len(text), end + 20))) is not None


_EVERY = re.compile(r"(?:every|each)\b", re.IGNORECASE)


def says_yearly(text: str, pos: int) -> bool:
    """Whether the clause at ``pos`` already says its date recurs ("every year", "each March 3", "annually")."""
    lo, hi = clause(text, pos)
    if _SAYS_YEARLY.search(text, lo, hi) or _EVERY.match(text, pos):
        return True
    return re.search(r"\b(?:every|each)\s+$", text[max(0, pos - 8):pos], re.IGNORECASE) is not None
