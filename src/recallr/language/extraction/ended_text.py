"""The wording of an ended state that keeps the detail of what it ends.

"User stopped playing in the band." ending "User plays bass in a band called The Owls." reads better as
"User stopped playing bass in a band called The Owls."; "User and family sold the boat." ending "User and
family have a boat called Marlin." as "User and family sold the boat called Marlin."; "User broke up."
ending "User is dating Sam." as "User broke up with Sam.". When no such rewording is safe (the ending says
something the earlier fact does not), the ending stays as it was said.

Example::

    >>> from .endings import find_ending
    >>> new = "In November 2026, User stopped playing in the band."
    >>> ended_statement(new, find_ending(new, "User"), "User plays bass in a band called The Owls.", "User")
    'In November 2026, User stopped playing bass in a band called The Owls.'
"""

from __future__ import annotations

from ..lexicon import STOPWORDS, word_set
from .endings import Ending, read_statement
from .stems import gerund, stem
from .values import Token, tokens

__all__ = ["ended_statement"]

_CLAUSE_END = word_set("; because since but though although while which who")
_NAMING = word_set("called named")
_JOB_NOUNS = word_set("job position role")
_DETERMINERS = word_set("the a an their his her its our my your")
_PARTNER_CUES = word_set("dating seeing with and boyfriend girlfriend partner husband wife fiance fiancé fiancee to")


def ended_statement(statement: str, ending: Ending, old: str, subject: str) -> str:
    """``statement`` (which ends ``old``) with ``old``'s detail, when that can be said safely."""
    return _past(_detailed(statement, ending, old, subject), ending)


def _past(statement: str, ending: Ending) -> str:
    """An end is in the past: "User quits their job" (present, as rewritten from "I quit") -> "User quit ..."."""
    start, end = ending.ender
    said = statement[start:end]
    past = {"quits": "quit", "splits up": "split up", "breaks up": "broke up"}.get(said.lower())
    return statement if past is None else statement[:start] + past + statement[end:]


def _detailed(statement: str, ending: Ending, old: str, subject: str) -> str:
    if ending.gerund_at is not None and ending.verb is not None:
        activity = _same_activity(statement, ending, old, subject)
        if activity is not None:
            return activity
    if ending.noun is not None:
        named = _named_thing(statement, ending.noun, old)
        if named is not None:
            return named
    if ending.kind == "break_up" and ending.ender_word in ("up", "divorced", "separated", "quits", "off"):
        return _with_partner(statement, ending, old)
    return statement


def _same_activity(statement: str, ending: Ending, old: str, subject: str) -> str | None:
    """"stopped playing in the band" + "plays bass in a band called The Owls" -> "stopped playing bass in ..."."""
    reading = read_statement(old, subject)
    if reading is None or reading.verb is None or stem(reading.verb.text) != ending.verb:
        return None
    toks = tokens(old)
    start = next(n for n, t in enumerate(toks) if t.start == reading.verb.start)
    end = start + 1
    while end < len(toks) and toks[end].low not in _CLAUSE_END and toks[end].text not in ".!?":
        end += 1
    predicate = toks[start + 1:end]
    said = {stem(t.text) for t in tokens(statement[ending.complement[0]:ending.complement[1]])[1:]
            if t.low not in STOPWORDS and t.text[0].isalnum()}
    if not said <= {stem(t.text) for t in predicate}:
        return None  # the ending says something the old fact does not: keep its own words
    rest = old[predicate[0].start:predicate[-1].end] if predicate else ""
    activity = " ".join(filter(None, (gerund(reading.verb.text), rest)))
    return statement[:ending.gerund_at] + activity + statement[ending.complement[1]:]


def _named_thing(statement: str, noun: tuple[int, int, str], old: str) -> str | None:
    """"sold the boat" + "a boat called Marlin" -> "sold the boat called Marlin"; "quit their job" + "works at
    Acme" -> "quit their job at Acme"."""
    start, end, head = noun
    toks = tokens(old)
    k = next((n for n, t in enumerate(toks) if t.low == head or stem(t.text) == stem(head)
              or (len(head) >= 4 and t.low.endswith(head))), None)
    if k is None:
        return _job_at(statement, noun, toks)
    first = k
    while first > 0 and k - first < 2 and toks[first - 1].text[0].isalpha() and toks[first - 1].low not in (
            _DETERMINERS | STOPWORDS) and not toks[first - 1].low.endswith("'s"):
        first -= 1
    last = k
    if k + 2 < len(toks) and toks[k + 1].low in _NAMING and toks[k + 2].text[0].isupper():
        last = _name_end(toks, k + 2)
    elif k + 1 < len(toks) and toks[k + 1].text[0].isupper():
        last = _name_end(toks, k + 1)
    if first == k and last == k and toks[k].low == head:
        return None  # nothing to add
    phrase = old[toks[first].start:toks[last].end]
    if phrase.lower() in statement.lower():
        return None
    said = tokens(statement[start:end])
    return statement[:start + said[0].end] + " " + phrase + statement[end:]


def _name_end(toks: list[Token], n: int) -> int:
    while n + 1 < len(toks) and toks[n + 1].text[0].isupper():
        n += 1
    return n


def _job_at(statement: str, noun: tuple[int, int, str], toks: list[Token]) -> str | None:
    _, end, head = noun
    if head not in _JOB_NOUNS:
        return None
    for n in range(len(toks) - 1):
        if toks[n].low in ("at", "for") and toks[n + 1].text[0].isupper():
            name = toks[n + 1].text
            if name.lower() not in statement.lower():
                return f"{statement[:end]} at {name}{statement[end:]}"
    return None


def _with_partner(statement: str, ending: Ending, old: str) -> str:
    """"User broke up." + "User is dating Sam." -> "User broke up with Sam." ("User and friends" -> "User and Sam")."""
    toks = tokens(old)
    names = [t.text for n, t in enumerate(toks) if n > 0 and t.text[0].isupper() and toks[n - 1].low in _PARTNER_CUES]
    if len(names) != 1 or names[0].lower() in statement.lower():
        return statement
    if ending.partner is not None:
        return statement[:ending.partner[0]] + "and " + names[0] + statement[ending.partner[1]:]
    after = statement[ending.ender[1]:].lstrip()
    if after.lower().startswith("with"):
        return statement
    return statement[:ending.ender[1]] + " with " + names[0] + statement[ending.ender[1]:]
