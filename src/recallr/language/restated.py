"""Whether a later statement gives a new value for what an earlier one said (text side of recall's updates).

Formation versions a fact when it knows its slot ("home", "a count of cats") or an explicit end; many updates
are said in passing and form a second, unlinked memory instead: "User shared the list of their 17 new
postcards." then, months later, "User has added 25 new postcards to their collection." Recall
(``engine/recall/updates.py``) finds such pairs among a user's memories by meaning; this module is the word
test that keeps look-alikes apart:

* the same subject (the statement's first word, after a leading date or subordinator: "User", "Rachel", "Since
  User has been ...");
* content words in common (plurals folded: "cups" is "cup"): at least 40% of the shorter statement's, and at
  least two unless the shorter has two or fewer ("Rachel moved to Chicago." -> "Rachel moved back to the
  suburbs.");
* the earlier statement holds a value the later one lacks: a number ("17", "one") or a name (a capitalised
  word inside the sentence: "Hawaii" -> "Paris", "Chicago" -> "the suburbs"); and the later one says
  something the earlier did not.

"User has a dog named Rex." and "User's dog Rex loves the beach." share "dog" and "Rex" but the earlier one
holds no value the later lacks: not an update. Linear in the statements' length.

Example::

    >>> restates_with_new_value("User drinks 2 cups of coffee a day.", "User now drinks 3 cups of coffee a day.")
    True
    >>> restates_with_new_value("User has a dog named Rex.", "User's dog Rex loves the beach.")
    False
"""

from __future__ import annotations

import re

from .lexicon import QUERY_STOPWORDS

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*|\d+(?:[.,]\d+)*")
_DATED = ("On ", "In ", "Between ", "Since ", "During ")
_NUMBER_WORDS = frozenset({"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                           "twelve", "twenty", "thirty", "forty", "fifty", "hundred", "dozen", "half", "single"})
_GENERIC = frozenset({"user", "assistant", "said", "says", "thinks", "think", "just", "really", "also", "now",
                      "currently", "recently", "still", "their", "they", "has", "have", "had", "is", "was"})
_SUBORDINATORS = frozenset({"since", "as", "because", "when", "while", "although", "though", "once", "after"})
MIN_SHARED = 2
MIN_SHARE = 0.4
MAX_CHARS = 2000  # statements are short; a longer text is read up to here


def _words(text: str) -> tuple[str, list[str]]:
    """The subject (first word after a leading date) and the statement's words, in order."""
    text = text[:MAX_CHARS]
    if text.startswith(_DATED) and ", " in text[:60]:
        text = text.split(", ", 1)[1]
    words = _WORD.findall(text)
    lead = 1 if len(words) > 1 and words[0].lower() in _SUBORDINATORS else 0  # "Since User has been ..., User ..."
    subject = words[lead].lower().removesuffix("'s") if words else ""
    return subject, words[lead:]


def _fold(word: str) -> str:
    low = word.lower()
    return low[:-1] if len(low) > 3 and low.endswith("s") and not low.endswith("ss") else low


def _content(words: list[str]) -> set[str]:
    return {_fold(w) for w in words[1:] if w.lower() not in QUERY_STOPWORDS and w.lower() not in _GENERIC}


def _values(words: list[str]) -> set[str]:
    """Numbers and names: digits, number words, and capitalised words after the first."""
    out = set()
    for word in words[1:]:
        low = word.lower()
        if word[0].isdigit() or low in _NUMBER_WORDS or (word[0].isupper() and low not in QUERY_STOPWORDS):
            out.add(low)
    return out


def restates_with_new_value(earlier: str, later: str) -> bool:
    """Whether ``later`` says the same thing as ``earlier`` with another value (see the module docstring)."""
    subject, old_words = _words(earlier)
    later_subject, new_words = _words(later)
    if not subject or subject != later_subject or subject == "assistant":
        return False
    old, new = _content(old_words), _content(new_words)
    shared, shorter = old & new, min(len(old), len(new))
    if not shared or len(shared) < MIN_SHARE * shorter or (len(shared) < MIN_SHARED and shorter > MIN_SHARED):
        return False
    return bool((_values(old_words) - {w.lower() for w in new_words}) and new - old)
