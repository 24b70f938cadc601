"""Change, negation, allergy and entity detection for extraction: what a sentence says besides its slot.

Each function is linear in the sentence: anchored or bounded patterns, word-set look-ups.
"""

from __future__ import annotations

import re

from ..lexicon import word_set
from .slot_values import trim
from .slots import NEG

__all__ = ["allergens", "find_entities", "has_change_marker", "is_negated"]


_CHANGE = re.compile(
    r"\b(?:now|nowadays|these days|no longer|anymore|any more|moved|relocated|switched|changed|new favou?rite|"
    r"used to|stopped|quit|became|got (?:married|divorced|engaged|a new)|broke up|not any ?more|instead|"
    r"just (?:started|joined|moved|became|switched|got a new))\b",
    re.IGNORECASE,
)


_CHANGE_HINTS = ("now", "these days", "longer", "more", "moved", "relocated", "switched", "changed", "new fav",
                 "used to", "stopped", "quit", "became", "got ", "broke up", "instead", "just ")  # fmt: skip
_NEGATION_HINTS = ("not", "n't", "never", "no longer", "cannot")


def has_change_marker(sentence: str) -> bool:
    """True when the sentence signals that something changed ("now", "moved", "no longer", "used to", ...).

    Example::

        >>> has_change_marker("I moved to Berlin"), has_change_marker("I live in Berlin")
        (True, False)
    """
    low = sentence.lower()
    return any(hint in low for hint in _CHANGE_HINTS) and bool(_CHANGE.search(sentence))


_NEGATED = re.compile(
    rf"(?:(?<!\w)(?:I|i|I'm|I've|I'd|I'll|we|We|we're)(?: really| just| still| even| actually| honestly)* "
    rf"(?:am |do |have |was |did |can |will |would |could |are )?(?:{NEG}|no longer)\b|"
    r"\b(?:I'm|I am|we're|we are) not\b|\bnot (?:anymore|any more)\b)"
)


def is_negated(sentence: str) -> bool:
    """True when the statement about the speaker is negative ("I don't ...", "I'm not ...").

    Example::

        >>> is_negated("I'm not vegetarian anymore"), is_negated("It wasn't my fault")
        (True, False)
    """
    low = sentence.lower()
    return any(hint in low for hint in _NEGATION_HINTS) and bool(_NEGATED.search(sentence))


_QUOTED = re.compile(r"\"([^\"]{2,80})\"|(?<!\w)'([A-Z][^']{1,80})'(?!\w)")
_CAPITALISED = re.compile(r"(?<![\w'])[A-Z][\w'&.-]*(?:\s+(?:of|the|de|del|la|le|du|von|van|and|&)?\s*[A-Z][\w'&.-]*)*")
_NOT_ENTITY = word_set(
    """i i'm i've i'd i'll user assistant monday tuesday wednesday thursday friday saturday sunday january february
    march april may june july august september october november december ok okay oh hey hi wow yes yeah no thanks mr
    mrs ms dr mom dad god omg lol haha christmas thanksgiving easter halloween"""
)


_SENTENCE_STARTERS = word_set(
    """since because when after before if while as so and but or then also just the a an this that these those my our
    your his her their its we they he she it there here what how why where who which last next visit try check
    consider read watch go head take make use start keep add avoid book order explore join see hey hi yes no well oh
    wow thanks today yesterday tomorrow tonight recently finally maybe perhaps let let's"""
)
_ALLERGEN = re.compile(r"\ballergic to (?P<v>[^,.;!?]+)|\b(?P<w>[a-z]+) allergy\b", re.IGNORECASE)


def allergens(sentence: str) -> list[str]:
    """What a sentence says the speaker is allergic to ("allergic to peanuts" -> ["peanuts"]).

    Example::

        >>> allergens("I'm allergic to peanuts and shellfish, and I have a pollen allergy")
        ['peanuts', 'shellfish', 'pollen']
    """
    found: list[str] = []
    for m in _ALLERGEN.finditer(sentence):
        if m.group("v"):
            items = re.split(
                r"\s*(?:,|\band\b|\bor\b)\s*", re.sub(r"\s+(?:but|since|because|so)\b.*$", "", m.group("v"))
            )
            found.extend(trim(i, 3).lower() for i in items if trim(i, 3))
        elif m.group("w").lower() not in ("an", "my", "the", "food", "severe", "mild", "no"):
            found.append(m.group("w").lower())
    return found


_GENERIC_NOUNS = word_set(
    """life nature music art family friends friend people everyone everybody everything someone somebody something
    nothing anything nobody today tonight work school home dance books book reading writing painting things stuff
    time times sounds looks seems feels sometimes especially definitely totally hope thanks congrats glad sorry
    love dad mom mum kids parents team game games food dinner lunch breakfast weather tomorrow yesterday"""
)
_VERB_NEXT = re.compile(r"\s+(?:is|was|has|had|will|can|and|loves?|\w+ed|\w+s)\b")


_CONNECTORS = word_set("of the de del la le du von van and &")


def _names_the_subject(word: str, rest: str) -> bool:
    """A sentence-initial word that is likely a name: uncommon and followed by a verb ("Rex chewed")."""
    if word in _SENTENCE_STARTERS or word in _GENERIC_NOUNS or word in _NOT_ENTITY or len(word) < 2:
        return False
    return not word.endswith(("ing", "ly", "ness", "tion")) and bool(_VERB_NEXT.match(rest))


def find_entities(sentence: str, *, extra: tuple[str, ...] = (), exclude: frozenset[str] = frozenset()) -> list[str]:
    """Lowercase proper nouns and titles a sentence mentions, plus ``extra`` key nouns.

    The first word of the sentence counts when it starts a multi-word name, or when it is an
    uncommon word followed by a verb ("Rex chewed ...", "Paris is ..."); otherwise a lone
    capitalised first word is usually just the start of the sentence.

    Example::

        >>> find_entities('I read "Dune" with my dog Max in Le Petit Bistro.')
        ['dune', 'max', 'le petit bistro']
    """
    found: list[str] = []
    quoted: list[tuple[int, int]] = []
    for m in _QUOTED.finditer(sentence):
        found.append((m.group(1) or m.group(2)).strip(" .,!?").lower())
        quoted.append(m.span())
    start = len(sentence) - len(sentence.lstrip(" \"'(["))
    for m in _CAPITALISED.finditer(sentence):
        if any(a <= m.start() < b for a, b in quoted):
            continue  # part of a quoted title, already taken whole
        words = re.sub(r"'s$", "", m.group(0).rstrip(".'-&")).lower().split()
        at_start = m.start() == start
        if at_start and words and (words[0] in _SENTENCE_STARTERS or words[0].endswith("ly")):
            words = words[1:]
        while words and words[0] in _NOT_ENTITY:
            words = words[1:]
        while words and (words[-1] in _NOT_ENTITY or words[-1] in _CONNECTORS):
            words = words[:-1]
        lone_first = at_start and words == [re.sub(r"'s$", "", m.group(0).split()[0]).lower()]
        if not words or (lone_first and not _names_the_subject(words[0], sentence[m.end() :])):
            continue  # a lone capitalised first word is usually just the start of the sentence
        low = " ".join(words)
        if low not in exclude and not any(w in _NOT_ENTITY for w in words):
            found.append(low)
    found.extend(e.lower() for e in extra if e)
    unique: list[str] = []
    for entity in found:
        if entity and entity not in unique and entity not in exclude:
            unique.append(entity)
    return unique
