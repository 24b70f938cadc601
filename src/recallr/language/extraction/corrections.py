"""In-session corrections: a pass over one session's candidates that lets a correction replace what it corrects.

A correction is said in a later sentence or at the end of the same one: "Sorry, I meant Braga.", "My
flight is on the 12th - actually the 14th", "not Tuesday but Wednesday", "sorry, it's Lisa, not Lis",
"wait, I got that wrong: I have three kids, not two". It names the new value (and sometimes the old
one); its target is the latest earlier statement of the same speaker holding the old value, or, when the
old value is not said, a value of the same kind (a date, a time, a number, a name or place, or the
slot's value), looking back a few messages. Only the corrected statement is kept: the original wording
with the new value and both messages as sources; the apology and the wrong value are not remembered.
Assistant statements between the two that repeat the wrong value are dropped too (they answered it).

Linear in the text: tokens and word sets, no backtracking pattern.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..lexicon import word_set
from .parse_corrections import Correction, find_correction
from .repeats import core_words, merge_repeats
from .targets import (
    differing_value,
    holds,
    negated_at,
    place_like,
    swap,
    value_of_kind,
    values_of,
    without_shared_head,
)
from .text import split_segments
from .values import as_slot_value, core_value, kind_of, same_kind, tokens, values_in

if TYPE_CHECKING:
    from . import Candidate

__all__ = ["Said", "revise"]

LOOKBACK_TURNS = 6  # how far back a correction looks for its target (user and assistant turns: twice this)
MAX_CORRECTIONS = 100  # per session: bounded work whatever the text (each correction reads every candidate once)
_SEPARATORS = word_set(", ; - – — : ...")


@dataclass(frozen=True)
class Said:
    """A person's turn as extraction read it: its index, who speaks, and the text after any speaker label."""

    index: int
    subject: str
    body: str


@dataclass(frozen=True)
class _Found:
    """A correction in a turn: the segment it is in, and where its text starts in that segment (0: all of it)."""

    said: Said
    segment: str
    at: int
    correction: Correction


def revise(candidates: list[Candidate], said: Sequence[Said]) -> list[Candidate]:
    """Apply the session's corrections, then merge its repeats (``repeats.py``); order is kept."""
    out = list(candidates)
    for found in _corrections(said):
        out = _apply(out, found)
    return merge_repeats(out)


def _corrections(said: Sequence[Said]) -> list[_Found]:
    out: list[_Found] = []
    for turn in said:
        if not _hinted(turn.body):
            continue
        for segment in split_segments(turn.body):
            hit = find_correction(segment.text) if _hinted(segment.text) else None
            if hit is not None:
                out.append(_Found(turn, segment.text, hit[0], hit[1]))
                if len(out) >= MAX_CORRECTIONS:
                    return out
    return out


_HINTED = re.compile(
    r"\b(?:sorry|oops|whoops|woops|meant|mean|actually|wait|not|no|nope|make (?:that|it)|should|wrong|correction|typo|"
    r"mistake|misspoke|misspelled|misremembered|mixed|rather|instead|scratch|soz|sry|err|erm)\b",
    re.IGNORECASE,
)


def _hinted(text: str) -> bool:
    """A cheap test before the parse: does the text hold a word a correction opens or contrasts with?"""
    return _HINTED.search(text) is not None


# --- applying one correction -------------------------------------------------------------------------

def _apply(out: list[Candidate], found: _Found) -> list[Candidate]:
    said, corr = found.said, found.correction
    own = [i for i, c in enumerate(out) if said.index in c.sources and c.source_text == found.segment]
    if found.at > 0:  # "... on the 12th - actually the 14th": the segment's own statement is the target
        return _apply_tail(out, own, found)
    target = _target(out, found, own)
    if target is None:
        # nothing to correct: a bare value ("User meant Braga.") cannot stand alone, a clause stays as said
        return [c for i, c in enumerate(out) if i not in own] if corr.clause is None else out
    t, old = target
    new = corr.new or _new_from_clause(out, own, old)
    if new is None:
        return out
    fixed = _replaced(out[t], old, new, said.index)
    clause = _clause_of(out, own, corr) if own else None
    keep = [i for i in own if corr.clause is not None and (
        (out[i] is clause and not _covered(_cleaned(out[i], corr), fixed, old))
        or (out[i] is not clause and not _wrapper(out[i], fixed)))]
    result: list[Candidate] = []
    for i, c in enumerate(out):
        if i == t:
            result.append(fixed)
        elif i in own and i not in keep:
            continue
        elif c.subject == "Assistant" and _between(c, out[t], said.index) and holds(c.content, old):
            continue  # the assistant answered the wrong value
        else:
            result.append(_cleaned(c, corr) if i in keep and c is clause else c)
    return result


def _apply_tail(out: list[Candidate], own: list[int], found: _Found) -> list[Candidate]:
    if len(own) != 1:
        return out
    c = out[own[0]]
    head = found.segment[: found.at]
    old = found.correction.old
    if old is not None and not holds(head, old):
        return out  # "an identity, not personal identifiers but corporate ones": a contrast, not a correction
    if old is None:
        kind = kind_of(found.correction.new or "")
        olds = [v for v in values_in(head, skip=(c.subject,)) if same_kind(v.kind, kind)]
        if not olds:
            return out
        old = olds[-1].text
    cut = _cut_content(c.content, found.correction)
    trimmed = replace(c, content=cut, source_text=head.rstrip(" ,;-–—") + ".")
    fixed = _replaced(trimmed, old, found.correction.new or old, found.said.index)
    return [fixed if i == own[0] else x for i, x in enumerate(out)]


def _cut_content(content: str, corr: Correction) -> str:
    """The statement without its trailing correction: cut at the last separator before the cue's first word."""
    toks = tokens(content)
    first = corr.cue_word.lower() if corr.cue_word else None
    for n in range(len(toks) - 1, 0, -1):
        if toks[n].low == first and toks[n - 1].text in _SEPARATORS:
            return content[: toks[n - 1].start].rstrip(" ,;-–—") + "."
    return content


def _target(out: list[Candidate], found: _Found, own: list[int]) -> tuple[int, str] | None:
    """The statement the correction replaces a value of, and that value as written in it."""
    said, corr = found.said, found.correction
    clause = [_clause_of(out, own, corr)] if corr.clause is not None and own else []
    hits: list[tuple[int, str]] = []  # values of the right kind in the latest message that has one
    for back, i in enumerate(_earlier(out, said, own)):
        c = out[i]
        if corr.old is not None:
            if holds(c.content, corr.old) and not negated_at(c.content, corr.old) and (
                    not clause or _related(c, clause[0], corr)):
                return i, corr.old
            continue
        if back >= LOOKBACK_TURNS * 3 or (hits and c.sources[0] != out[hits[0][0]].sources[0]):
            break
        old = differing_value(c, clause[0]) if clause else value_of_kind(
            c, kind_of(corr.new or ""), corr.new, latest=said.index - c.sources[0] <= 2)
        if old is not None:
            hits.append((i, old))
    # "I live in Porto and I have a dog named Bolt." + "Sorry, I meant Braga.": a place before a name
    return next((h for h in hits if place_like(out[h[0]], h[1])), hits[0] if hits else None)


def _earlier(out: list[Candidate], said: Said, own: list[int]) -> list[int]:
    """Indexes of the speaker's earlier statements, latest first, within the look-back."""
    return [i for i in range(len(out) - 1, -1, -1)
            if i not in own and out[i].subject == said.subject and out[i].sources[0] <= said.index
            and said.index - out[i].sources[0] <= LOOKBACK_TURNS * 2
            and not (out[i].sources[0] == said.index and i > max(own, default=-1))]


def _clause_of(out: list[Candidate], own: list[int], corr: Correction) -> Candidate:
    """The correcting clause among a segment's statements ("My mistake, I have three kids": not "User's mistake")."""
    mine = [out[i] for i in own]
    if corr.new:
        return next((c for c in mine if holds(c.content, corr.new)), mine[0])
    return next((c for c in mine if c.slot or values_of(c)), mine[0])


def _related(c: Candidate, clause: Candidate, corr: Correction) -> bool:
    """A clause "..., not X" corrects a statement holding X when they share a slot or a word besides X ("three kids,
    not two" / "User has two kids"), or when X is a name or a thing and the clause opens with a cue ("sorry")."""
    if c.slot and c.slot == clause.slot:
        return True
    if corr.cue_word is not None and kind_of(corr.old or "") in ("proper", "object"):
        return True
    return bool(core_words(c.content) & core_words(clause.content) - {c.subject.lower()} - core_words(corr.old or ""))


def _new_from_clause(out: list[Candidate], own: list[int], old: str) -> str | None:
    """The correcting clause's value of the old value's kind (the one the old statement lacks)."""
    if not own:
        return None
    clause = out[own[0]]
    kind = kind_of(old)
    for v in values_of(clause):
        if same_kind(v.kind, kind) and v.text.lower() != old.lower():
            return v.text
    if clause.value and clause.slot:
        return clause.value
    return None


def _replaced(c: Candidate, old: str, new: str, index: int) -> Candidate:
    """``c`` with ``old`` replaced by ``new`` (the core of it, of the old value's kind), with the correcting
    message as a further source."""
    kind = kind_of(old)
    old_core = core_value(old, kind)
    new_core = core_value(new, kind)
    if not new_core or not old_core:
        return c
    if old_core.islower() and new_core[:1].isupper() and kind != "proper":
        new_core = new_core.lower()
    new_core = without_shared_head(c.content, old_core, new_core)
    value = c.value
    if value is not None and (value.lower() == old_core.lower() or as_slot_value(old_core) == value):
        value = as_slot_value(new_core) if value.isdigit() else new_core
    entities = tuple(dict.fromkeys(new_core.lower() if e == old_core.lower() else e for e in c.entities))
    if kind == "proper" and new_core.lower() not in entities:
        entities = (*entities, new_core.lower())
    return replace(
        c, content=swap(c.content, old_core, new_core), source_text=swap(c.source_text, old_core, new_core),
        value=value, entities=entities, sources=tuple(sorted({*c.sources, index})),
    )


def _between(c: Candidate, target: Candidate, index: int) -> bool:
    return target.sources[0] < c.sources[0] < index


def _covered(clause: Candidate, fixed: Candidate, old: str) -> bool:
    """Whether the correcting clause adds at most a word to the corrected statement ("her name is Miso" to "User's
    cat is called Miso"), or opens on a pronoun and so cannot stand alone: then it is dropped."""
    extra = core_words(clause.content) - core_words(fixed.content) - _CUE_WORDS - core_words(old)
    return len(extra) <= 1 or clause.content.split(" ", 1)[0].lower() in _PRONOUNS


def _wrapper(c: Candidate, fixed: Candidate) -> bool:
    """A statement of the correcting sentence that only apologises ("User's mistake.")."""
    subject = c.subject.lower()
    return not core_words(c.content) - core_words(fixed.content) - _CUE_WORDS - {subject, subject + "'s"}


def _cleaned(c: Candidate, corr: Correction) -> Candidate:
    """A correcting clause kept on its own: without its cue and without the wrong value."""
    text = c.content
    if corr.cue_end:
        toks = tokens(text)
        for n, tok in enumerate(toks[:12]):
            if tok.low == corr.cue_end.lower() and n + 1 < len(toks) and toks[n + 1].text in _SEPARATORS:
                text = text[toks[n + 1].end:].strip()
                break
    return replace(c, content=text[:1].upper() + text[1:])


_PRONOUNS = word_set("he she it they his her its their this that these those")
_CUE_WORDS = word_set(
    """sorry oops whoops wait no nope correction actually meant mean got that wrong was misspoke mistake my bad
    said mixed up it's not rather instead scratch typo misspelled misremembered"""
)
