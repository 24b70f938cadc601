"""Repeats: the same statement said again with other wrapping ("Again, just so you remember: ...") is one memory.

``restatement_key`` reads a statement without the words that only wrap it (reminders, an opening "again",
"as I said", "really", "still", articles) and without a subject said twice; two statements with the same key
say the same thing. Negations, numbers, names and every other word count, so "User has two cats" and "User
has three cats", "User lives in Paris" and "User's sister lives in Paris", or "User lives in Rome" and "User
lives in Rome again" (news), stay apart.

Example::

    >>> restatement_key("Again, just so the assistant remembers: User is allergic to peanuts.") == \\
    ...     restatement_key("User is allergic to peanuts.")
    True
    >>> restatement_key("User loves sushi.") == restatement_key("User doesn't love sushi.")
    False
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from ..lexicon import STOPWORDS, word_set
from .values import tokens

if TYPE_CHECKING:
    from . import Candidate

__all__ = ["core_words", "merge_repeats", "polarity_key", "restatement_key"]

_WRAPPER = word_set(
    """just so the a an remember remembers remembering reminder remind reminding reminds know knows fyi btw
    quick note noted please assistant you your keep mind repeat repeating reiterate reiterating once said says
    mentioned mention mentions told tell tells say as before earlier already really actually honestly seriously
    definitely basically anyway anyways still recall recalls forgot forget that in case way by i me also"""
)
_PHRASES: dict[str, tuple[tuple[str, ...], ...]] = {
    "don't": (("don't", "forget"),), "do": (("do", "not", "forget"),), "never": (("never", "forget"),),
    "in": (("in", "case"), ("in", "mind")), "by": (("by", "the", "way"),),
}
_WORD = re.compile(r"\w+(?:'\w+)*")
_SAID = word_set("said say says mentioned told wrote explained")
_NEGATIONS = word_set("not no never don't doesn't didn't isn't aren't wasn't weren't won't can't cannot nor none")


def restatement_key(text: str) -> tuple[str, ...]:
    """The words that make a statement what it is, in order (see the module docstring)."""
    words = _WORD.findall(text.lower().replace("’", "'"))
    kept: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        phrase = next((p for p in _PHRASES.get(word, ()) if tuple(words[i:i + len(p)]) == p), None)
        if phrase is not None:
            i += len(phrase)
            continue
        if word in ("as", "like") and i + 2 < len(words) and words[i + 2] in _SAID:
            i += 3  # "as I said", "like User mentioned"
            continue
        i += 1
        if word in _WRAPPER or (kept and kept[-1] == word) or (word == "again" and i == 1):
            continue
        kept.append(word)
    return tuple(kept)


_POSITIVE = {"don't": "do", "doesn't": "does", "didn't": "did", "isn't": "is", "aren't": "are", "wasn't": "was",
             "weren't": "were", "won't": "will", "can't": "can", "cannot": "can", "haven't": "have",
             "hasn't": "has", "hadn't": "had"}
_POLARITY_WORDS = word_set("not no never anymore longer after all do does did now again")
_HAVE = {"has": "have", "had": "have", "is": "be", "are": "be", "am": "be", "was": "be", "were": "be"}


def polarity_key(text: str) -> tuple[str, ...]:
    """``restatement_key`` without its polarity: "User is not allergic to penicillin" and "User is allergic to
    penicillin" (or "User doesn't eat meat anymore" and "User eats meat") have the same key, so one can be found as
    the other's opposite. Verbs lose their third-person "s" and auxiliaries drop.

    Example::

        >>> polarity_key("User doesn't eat meat anymore.") == polarity_key("User eats meat.")
        True
        >>> polarity_key("User is not allergic to penicillin.") == polarity_key("User is allergic to peanuts.")
        False
    """
    out: list[str] = []
    for word in restatement_key(text):
        word = _POSITIVE.get(word, word)
        if word in _POLARITY_WORDS:
            continue
        word = _HAVE.get(word, word)
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        out.append(word)
    return tuple(out)


def core_words(text: str) -> set[str]:
    """The content words of a statement (no stopwords, no wrapping words), negations kept."""
    return {t.low for t in tokens(text) if t.text[0].isalnum() and (t.low in _NEGATIONS or (
        t.low not in STOPWORDS and t.low not in _WRAPPER))}


def merge_repeats(candidates: list[Candidate]) -> list[Candidate]:
    """One candidate per statement said more than once in the session: the most plainly worded one (fewest
    words; the earliest on a tie), at the place of the first, with every source. A statement that is only wrapping
    ("As User mentioned.") is dropped."""
    groups: dict[tuple[str, tuple[str, ...]], list[int]] = {}
    for n, c in enumerate(candidates):
        key = restatement_key(c.content)
        if key:
            groups.setdefault((c.subject, key), []).append(n)
    drop: set[int] = set()
    chosen: dict[int, Candidate] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        best = min(members, key=lambda n: (len(tokens(candidates[n].content)), n))
        sources = sorted({s for n in members for s in candidates[n].sources})
        chosen[members[0]] = replace(candidates[best], sources=tuple(sources))
        drop.update(members[1:])
    wrapping = {n for n, c in enumerate(candidates) if restatement_key(c.content) in ((), (c.subject.lower(),))}
    return [chosen.get(n, c) for n, c in enumerate(candidates) if n not in drop and n not in wrapping]
