"""Counts raised by what is added: "User has 37 coins" and later "User added a new coin" make 38.

``increment`` reads a statement that adds to a count ("User bought two more plants", "User finished another
book", "User added a new coin to their collection"); ``raised`` rewrites a memory holding that count ("User has
12 houseplants" -> "User has 14 houseplants") when its noun and verb agree with the increment: an acquisition
raises what the person has, owns or collected; something done ("finished another book") raises what they have
read, run, visited... "a new X" adds only when put into a collection or "added": a new phone usually replaces
the old one. Words are read one by one after an anchored, bounded match: linear in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from ..lexicon import word_set
from .slot_values import NUMBERS, singular

__all__ = ["Increment", "increment", "raised"]

Kind = Literal["have", "done"]

_HAVE_VERBS = word_set("added got bought acquired adopted received collected found ordered planted rescued purchased")
_DONE_VERBS = word_set(
    "finished completed read ran run watched visited climbed wrote published baked made won earned hiked attended"
)
_VERB = "|".join(sorted(_HAVE_VERBS | _DONE_VERBS | {"picked up", "brought home", "took in"}, key=len, reverse=True))
_SMALL = "|".join(w for w in NUMBERS if w not in ("zero", "one"))
_INCREMENT = re.compile(
    rf"^(?P<subject>[A-Z][\w'-]*)(?: (?:just|also|finally|recently|now|then|already|actually|officially))* "
    rf"(?P<verb>{_VERB}) (?P<q>another|one more|an additional|a new|a brand new|(?P<n>\d{{1,3}}|{_SMALL}) "
    r"(?:more|new|additional|extra|other))\b"
)
_NOUN_STOP = word_set(
    """to from for at in on with yesterday today tonight this last and or but - so which that because when while
    since after before by of into onto as this these"""
)
_COLLECTION = re.compile(r"\b(?:to|into) (?:my|our|their|his|her|the) (?:[\w-]+ ){0,2}?(?:collection|set|shelf)\b")
_DATED = ("On ", "In ", "Last ", "This ", "Earlier ", "Yesterday", "Today", "Since ", "Over ", "During ")
_HAVE_COUNTS = word_set("has have owns own collected got keeps keep")  # "has collected 20", "has got 3"
_DONE_COUNTS = word_set(
    "read run ran completed finished done visited watched climbed written published baked made won earned hiked "
    "attended seen"
)
_PRESENT = word_set("has have owns own keeps keep")
_COUNT_LEAD = word_set("a total of over about almost nearly around exactly only just some roughly")


@dataclass(frozen=True)
class Increment:
    """How much a statement adds (``by``) to a count of ``noun`` (singular), and of which ``kind``."""

    subject: str
    noun: str
    by: int
    kind: Kind


def _number(word: str) -> int | None:
    low = word.lower()
    if low.isdigit():
        return int(low)
    value = NUMBERS.get(low)
    return int(value) if value is not None else None


def increment(text: str) -> Increment | None:
    """What ``text`` (a third-person statement) adds to a count, if it adds to one.

    Example::

        >>> increment("User bought two more plants, a fern and a pothos.")
        Increment(subject='User', noun='plant', by=2, kind='have')
        >>> increment("User finished another book, Piranesi.")
        Increment(subject='User', noun='book', by=1, kind='done')
        >>> increment("User got a new phone.") is None  # a new phone replaces the old one
        True
    """
    if text.startswith(_DATED) and ", " in text[:80]:  # "On 7 November 2026, User bought two more plants"
        text = text[text.index(", ") + 2:]
    m = _INCREMENT.match(text[:400])
    if m is None:
        return None
    words: list[str] = []
    for word in text[m.end():m.end() + 120].split()[:4]:
        clean = word.strip(",.;:!?()\"'")
        if (not clean.isalpha() and "-" not in clean) or clean.lower() in _NOUN_STOP:
            break
        words.append(clean)
        if clean != word:  # punctuation ends the noun phrase
            break
    if not words or not words[-1].islower():
        return None
    quantity = m.group("q")
    if quantity in ("a new", "a brand new") and m.group("verb") != "added" \
            and not _COLLECTION.search(text[m.end():m.end() + 160]):
        return None
    by = _number(m.group("n")) if m.group("n") else 1
    kind: Kind = "have" if m.group("verb") in _HAVE_VERBS or " " in m.group("verb") else "done"
    return Increment(m.group("subject"), singular(words[-1]), by or 1, kind)


def _same_noun(counted: str, added: str) -> bool:
    return counted == added or (len(added) >= 4 and counted.endswith(added)) or \
        (len(counted) >= 4 and added.endswith(counted))


def raised(text: str, added: Increment) -> str | None:
    """``text`` with its count of what ``added`` adds raised by it, or None when it holds no such count.

    Example::

        >>> raised("User has a total of 37 coins in their collection.", increment("User added a new coin."))
        'User has a total of 38 coins in their collection.'
        >>> raised("In 2026, User has read 14 books.", increment("User finished another book."))
        'In 2026, User has read 15 books.'
        >>> raised("User has read 14 books.", increment("User bought another book.")) is None  # read, not owned
        True
    """
    words = text[:600].split(" ")
    if added.subject not in words[:4]:  # "User has ...", "In 2026, User has ..."
        return None
    verbs = _HAVE_COUNTS if added.kind == "have" else _DONE_COUNTS
    for i, word in enumerate(words[1:], start=1):
        number = _number(word)
        if number is None or number >= 10_000:
            continue
        before = [w.lower() for w in words[max(0, i - 4):i] if w.lower() not in _COUNT_LEAD]
        if not before or before[-1] not in verbs or not _PRESENT & set(before[-2:]):
            continue  # a count that holds now ("has 37", "has read 14"), not one of a past event ("read 3 last week")
        for noun in words[i + 1:i + 4]:
            clean = noun.strip(",.;:!?")
            if _same_noun(singular(clean), added.noun):
                return " ".join([*words[:i], str(number + added.by), *words[i + 1:]])
            if clean != noun:
                break
    return None
