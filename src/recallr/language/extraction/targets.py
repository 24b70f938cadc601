"""Where a correction lands in a statement: the value it replaces, found by kind, head noun or article.

Pure text over candidates (``Candidate`` fields: content, subject, slot, value); used by ``corrections.py``.
Linear: tokens, word sets and ``str.find``.

Example::

    >>> find_phrase("User is based in Porto.", "porto"), holds("User lives in Portobello.", "Porto")
    (17, False)
    >>> same_head("User bought a blue bike yesterday.", "a red bike")
    'blue bike'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lexicon import STOPWORDS, word_set
from .repeats import core_words
from .stems import stem
from .values import Value, core_value, kind_of, same_kind, tokens, values_in

if TYPE_CHECKING:
    from . import Candidate

__all__ = ["differing_value", "find_phrase", "holds", "negated_at", "place_like", "same_article", "same_head", "swap",
           "value_of_kind", "values_of", "without_shared_head"]

_PLACE_WORDS = word_set("in to from at near around of outside")


def place_like(c: Candidate, value: str) -> bool:
    """``value`` is a place in ``c``: its home slot's value, or after "in", "to", "from", "near"..."""
    if c.slot and c.slot.endswith(("home", "hometown")) and (c.value or "").lower() == value.lower():
        return True
    at = find_phrase(c.content, value)
    before = c.content[:at].split()
    return at > 0 and bool(before) and before[-1].lower() in _PLACE_WORDS


def value_of_kind(c: Candidate, kind: str, new: str | None = None, *, latest: bool = False) -> str | None:
    """``c``'s value of ``kind``; for a thing, the slot's value, the phrase with the same head noun, or (in the
    message just before: ``latest``) the last phrase with the same article ("a golden retriever" / "a labrador")."""
    if kind == "object":
        if c.value and c.slot and holds(c.content, c.value):
            return c.value
        if not new:
            return None
        return same_head(c.content, new) or (same_article(c.content, new) if latest else None)
    found = [v for v in values_in(c.content, skip=(c.subject,)) if same_kind(v.kind, kind)]
    if not found:
        return None
    if c.value:
        for v in found:
            if v.text.lower() == c.value.lower():
                return v.text
    return found[-1].text


def same_head(content: str, new: str) -> str | None:
    """The phrase of ``content`` with the same head noun as ``new``: "a blue bike" for "a red bike"."""
    head = tokens(core_value(new, "object"))
    if len(head) < 2:
        return None
    toks = tokens(content)
    for n in range(len(toks) - 1, 0, -1):
        if stem(toks[n].text) == stem(head[-1].text):
            first = n
            while first > 1 and n - first < 3 and toks[first - 1].low not in STOPWORDS and \
                    toks[first - 1].text[0].isalpha():
                first -= 1
            return content[toks[first].start:toks[n].end] if first < n else None
    return None


def same_article(content: str, new: str) -> str | None:
    """The last "a ..." / "an ..." / "the ..." phrase of ``content`` (up to three words, to a preposition) when
    ``new`` opens with that article."""
    first = new.split()[0].lower() if new.split() else ""
    if first not in ("a", "an", "the"):
        return None
    toks = tokens(content)
    for n in range(len(toks) - 2, 0, -1):
        if toks[n].low in (("a", "an") if first != "the" else ("the",)):
            end = n + 1
            while end < len(toks) and end - n <= 3 and toks[end].text[0].isalpha() and toks[end].low not in STOPWORDS:
                end += 1
            return content[toks[n + 1].start:toks[end - 1].end] if end > n + 1 else None
    return None


def differing_value(c: Candidate, clause: Candidate) -> str | None:
    """The value ``c`` has where the correcting clause has another: same slot, or shared words and one value
    kind that differs ("User's flight is on the 12th" / "User's flight is on the 14th")."""
    if c.slot and c.slot == clause.slot and c.value and clause.value and c.value.lower() != clause.value.lower():
        return c.value if holds(c.content, c.value) else value_of_kind(c, kind_of(clause.value))
    shared = core_words(c.content) & core_words(clause.content)
    if not shared - {c.subject.lower()}:
        return None
    mine, theirs = values_of(c), values_of(clause)
    for v in mine:
        if v.text.lower() in {t.text.lower() for t in theirs}:
            continue
        if any(same_kind(v.kind, t.kind) and t.text.lower() not in {m.text.lower() for m in mine} for t in theirs):
            return v.text
    return None


def values_of(c: Candidate) -> list[Value]:
    """The values of ``c``'s statement, its subject's name aside."""
    return values_in(c.content, skip=(c.subject,))


def without_shared_head(text: str, old: str, new: str) -> str:
    """"a grey sofa" for "green" in "a green sofa" is "grey": the word after the old value is already there."""
    words = new.split()
    at = find_phrase(text, old)
    if len(words) < 2 or at < 0:
        return new
    after = text[at + len(old):].split()
    return " ".join(words[:-1]) if after and after[0].strip(".,;!?").lower() == words[-1].lower() else new


def swap(text: str, old: str, new: str) -> str:
    """``text`` with the first whole-word occurrence of ``old`` (any case) replaced by ``new``."""
    at = find_phrase(text, old)
    return text if at < 0 else text[:at] + new + text[at + len(old):]


def find_phrase(text: str, phrase: str) -> int:
    low, want = text.lower(), phrase.lower()
    start = 0
    while True:
        at = low.find(want, start)
        if at < 0:
            return -1
        before = low[at - 1] if at > 0 else " "
        after = low[at + len(want)] if at + len(want) < len(low) else " "
        if not (before.isalnum() or after.isalnum()):
            return at
        start = at + 1


def holds(text: str, phrase: str) -> bool:
    return find_phrase(text, phrase) >= 0


def negated_at(text: str, phrase: str) -> bool:
    """"..., not personal identifiers": the statement already says the value is not it."""
    before = text[:find_phrase(text, phrase)].split()
    return bool(before) and before[-1].lower() in ("not", "no", "never")
