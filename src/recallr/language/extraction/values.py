"""Values inside a statement, by kind: dates, times, numbers, names and places, for corrections and repeats.

A correction replaces one value of a statement with another of the same kind ("the 12th" -> "the 14th",
"Porto" -> "Braga", "two" -> "three"), so both sides are read as tokens with a kind. Linear: one
tokenising pass, then word-set look-ups.

Example::

    >>> [(v.kind, v.text) for v in values_in("User's flight to Porto is on the 12th at 8 pm with two friends.")]
    [('proper', 'Porto'), ('ordinal', '12th'), ('time', '8 pm'), ('number', 'two')]
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..lexicon import MONTH_NAMES, NUMBER_WORDS, ORDINAL_WORDS, WEEKDAYS, word_set

__all__ = ["Token", "Value", "core_value", "kind_of", "tokens", "values_in"]

_TOKEN = re.compile(r"\d{1,2}:\d\d(?:am|pm)?(?!\w)|\w+(?:['’]\w+)*|[^\w\s]")
_ORDINAL = re.compile(r"\d{1,2}(?:st|nd|rd|th)")
_CLOCK = re.compile(r"\d{1,2}(?::\d\d)?(?:am|pm)?")
_MONTHS = frozenset(m.lower() for m in MONTH_NAMES) | word_set("jan feb mar apr jun jul aug sep sept oct nov dec")
_WEEKDAYS = frozenset(WEEKDAYS)
_NUMBERS = frozenset(NUMBER_WORDS[2:]) | word_set("thirty forty fifty sixty seventy eighty ninety hundred dozen")
_ORDINALS = frozenset(ORDINAL_WORDS) | word_set("twentieth thirtieth")
_RELATIVE = word_set("today tonight tomorrow yesterday weekend")
_MERIDIEM = word_set("am pm a.m p.m o'clock")
_NOT_PROPER = word_set("i i'm i've i'd i'll user assistant ok okay") | _MONTHS | _WEEKDAYS
_LEADING = word_set("in on at to from for by the a an my our his her their its around about near")
_NUMBER_VALUE = {w: str(i) for i, w in enumerate(NUMBER_WORDS)}


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def low(self) -> str:
        return self.text.lower().replace("’", "'")


@dataclass(frozen=True)
class Value:
    """One value of a statement: its kind, its words as written, and where it is."""

    kind: str  # "weekday", "monthday", "ordinal", "time", "number", "proper" or "relative"
    text: str
    start: int
    end: int


def tokens(text: str) -> list[Token]:
    """Words (with inner apostrophes) and single punctuation marks, with their offsets."""
    return [Token(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _word_kind(tok: Token) -> str | None:
    low = tok.low
    if low in _WEEKDAYS or (low.endswith("s") and low[:-1] in _WEEKDAYS):
        return "weekday"
    if low in _MONTHS:
        return "month"
    if _ORDINAL.fullmatch(low) or low in _ORDINALS:
        return "ordinal"
    if low in _RELATIVE:
        return "relative"
    if low.isdigit() or low in _NUMBERS:
        return "number"
    if _CLOCK.fullmatch(low) and (low[-2:] in ("am", "pm") or ":" in low):
        return "time"
    return None


def values_in(text: str, *, skip: Iterable[str] = ()) -> list[Value]:
    """The values of ``text`` in order; a month with its day is one ``monthday``, a number before am/pm a
    ``time``; capitalised words after the first word are ``proper`` (``skip``: names that are not values,
    such as the statement's subject)."""
    toks = tokens(text)
    skipped = {s.lower() for s in skip}
    out: list[Value] = []
    i = 0
    while i < len(toks):
        tok, kind = toks[i], _word_kind(toks[i])
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if kind == "month" and nxt is not None and _word_kind(nxt) in ("number", "ordinal"):
            out.append(Value("monthday", text[tok.start:nxt.end], tok.start, nxt.end))
            i += 2
            continue
        if kind in ("number", "ordinal") and nxt is not None and _word_kind(nxt) == "month":
            out.append(Value("monthday", text[tok.start:nxt.end], tok.start, nxt.end))
            i += 2
            continue
        if kind == "number" and nxt is not None and nxt.low in _MERIDIEM:
            out.append(Value("time", text[tok.start:nxt.end], tok.start, nxt.end))
            i += 2
            continue
        if kind == "month":
            kind = "monthday"
        if kind is not None:
            out.append(Value(kind, tok.text, tok.start, tok.end))
        elif i > 0 and tok.text[:1].isupper() and tok.low not in _NOT_PROPER and tok.low not in skipped:
            end = i
            while end + 1 < len(toks) and toks[end + 1].text[:1].isupper() and toks[end + 1].low not in _NOT_PROPER:
                end += 1
            out.append(Value("proper", text[tok.start:toks[end].end], tok.start, toks[end].end))
            i = end + 1
            continue
        i += 1
    return out


def kind_of(phrase: str) -> str:
    """The kind of a value said on its own ("the 14th": ordinal, "Braga": proper, "the red one": object)."""
    found = values_in("x " + phrase)  # "x " so a capitalised first word counts as a name
    return found[0].kind if found else "object"


def core_value(phrase: str, kind: str | None = None) -> str:
    """The words of ``phrase`` that replace a value of ``kind``: "in Braga" -> "Braga", "the 14th" -> "14th",
    "three kids" -> "three" (for a number); an object loses its leading article or preposition."""
    found = [v for v in values_in("x " + phrase) if kind is None or v.kind == kind or _compatible(v.kind, kind)]
    if found:
        return ("x " + phrase)[found[0].start:found[0].end]
    words = phrase.split()
    while len(words) > 1 and words[0].lower() in _LEADING:
        words = words[1:]
    return " ".join(words).strip(" .,!?;:")


def _compatible(a: str, b: str) -> bool:
    dates = ("weekday", "monthday", "ordinal", "relative")
    return (a in dates and b in dates) or {a, b} == {"number", "time"}


def same_kind(a: str, b: str) -> bool:
    """Whether a value of kind ``a`` can stand for one of kind ``b`` (any two dates; a number and a time)."""
    return a == b or _compatible(a, b)


def as_slot_value(phrase: str) -> str:
    """A value as slots store it: number words as digits ("three" -> "3")."""
    low = phrase.lower()
    return _NUMBER_VALUE.get(low, phrase)
