"""Extraction: turn a session's messages into candidate memories, offline and deterministically.

``extract`` reads every turn, splits it into sentences, drops small talk, empty questions
and secrets, and rewrites what is left as short third-person statements:

* user messages are about ``default_subject`` ("User is allergic to peanuts.");
* ``Name: text`` messages are about Name ("Caroline went to a support group yesterday.");
* assistant messages become what the assistant recommended or told the user
  ("Assistant recommended the book 'Dune' to the user.").

Person conventions ("we" -> "Name and family"/"Name and friends", the name repeated instead
of a pronoun) are documented in :mod:`.person`.  Time expressions are kept as they
are; a later stage resolves them from ``Candidate.source_text``.

Example::

    >>> from recallr.language.categories import DEFAULT_CATEGORIES
    >>> [c.content for c in extract([Turn(0, "user", "Hi! I'm allergic to peanuts.")], DEFAULT_CATEGORIES)]
    ['User is allergic to peanuts.']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Literal

from ..categories import DEFAULT_CATEGORIES, Category, categorize
from ..dates import find_time_expression
from ..dates.tense import clause_tense
from ..policy import ExtractionRules, policy_for
from ..speakers import label_speakers
from .answers import completed
from .assistant import read_assistant
from .clauses import without_habit_times
from .corrections import Said, revise
from .markers import allergens, find_entities, has_change_marker, is_negated
from .person import Voice, company, group_name
from .reference import Discourse
from .replies import Item, reply_statements
from .slots import SlotMatch
from .statements import _SECOND_PERSON, person_statements
from .text import Statement, split_segments, strip_chatter

__all__ = ["Candidate", "Category", "ExtractionRules", "Turn", "extract"]


@dataclass(frozen=True)
class Turn:
    """One message of a session."""

    index: int  # 0-based position in the session
    role: Literal["user", "assistant"]
    content: str
    at: datetime | None = None  # when it was said: the assistant's confirmations are dated from it


@dataclass(frozen=True)
class Candidate:
    """A statement worth remembering, before consolidation with existing memories."""

    content: str  # the self-contained third-person statement
    categories: tuple[str, ...]  # 1 to 3 names from the given category set, best first
    sources: tuple[int, ...]  # turn indices it came from
    subject: str  # "User", "Assistant" or the speaker's name
    source_text: str  # the original sentence, for a later stage to date it: a habit's time qualifiers
    # ("except in August", "on Saturday mornings") are left out, they say when the fact holds, not when it happened
    slot: str | None  # consolidation key of a single-valued fact ("user:home"), None for many-valued ones
    value: str | None  # the slot's value ("Paris")
    entities: tuple[str, ...]  # lowercase names and key nouns, to connect memories about the same thing
    change_marker: bool  # the text signals a change ("now", "moved", "no longer", "used to", ...)
    negated: bool  # "I don't like X", "I'm not vegetarian anymore"


# --- speakers -----------------------------------------------------------------------------

def _speakers(turns: Sequence[Turn], known: Sequence[str]) -> list[tuple[Turn, str | None, str]]:
    """Each turn with its speaker name, if it reads as "Name: text" and Name takes part (``label_speakers``)."""
    labelled = label_speakers([(turn.role, turn.content) for turn in turns], known)
    return [(turn, name, body) for turn, (name, body) in zip(turns, labelled, strict=True)]


def _voice(turn: Turn, speaker: str | None, body: str, names: list[str], default_subject: str) -> Voice:
    user_word = "the user" if default_subject == "User" else default_subject
    if speaker is not None:
        others = [n for n in names if n != speaker]
        listener = others[0] if len(others) == 1 else "the other person"
        return Voice(speaker, group_name(speaker, body), listener)
    if turn.role == "assistant":
        return Voice("Assistant", f"Assistant and {user_word}", user_word, assistant=True)
    return Voice(default_subject, group_name(default_subject, body), "the assistant")


_NOTED_SENTENCES = 4  # an assistant message's last sentences are what the user's reply can point back to

# --- candidates ---------------------------------------------------------------------------

_SLOT_CATEGORY = {
    "home": "location",
    "hometown": "location",
    "job": "work",
    "employer": "work",
    "name": "personal_info",
    "age": "personal_info",
    "relationship_status": "relationships",
    "pet_count": "pets",
    "diet": "food_preferences",
    "booking": "plans_goals",
}
_GROUP = re.compile(r" and (?:friends|family)\b")
_ALLERGY = re.compile(r"\ballerg", re.IGNORECASE)
_ENTITY_SLOTS = ("home", "hometown", "employer", "favorite_", "likes:", "name")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def _categories(content: str, slot: SlotMatch | None, cats: tuple[Category, ...], *,
                assistant: bool = False) -> tuple[str, ...]:
    content = _GROUP.sub("", content)  # "User and friends" says nothing about relationships
    if not assistant and "Assistant" not in content:  # "Dana recommended a book" is not the assistant's
        cats = tuple(c for c in cats if c.name != "assistant_recommendations") or cats
    names = {c.name for c in cats}
    hints: list[str] = []
    if _ALLERGY.search(content):
        hints.append("allergies")
    if slot is not None:
        hints.append(_SLOT_CATEGORY.get(slot.key.split(":")[0], ""))
    ordered = [h for h in hints if h in names]
    found = categorize(content, cats)
    if slot is not None and slot.key.startswith(("likes:", "favorite_")):
        # a like or favourite about food is a food preference first
        ordered.append("food_preferences" if "food_preferences" in found else "preferences")
        ordered = [h for h in ordered if h in names]
    for name in found:
        if name not in ordered:
            ordered.append(name)
    if len(ordered) > 1 and "other" in ordered:
        ordered.remove("other")
    return tuple(ordered[:3])


_ANY_DAY = datetime(2000, 1, 1, tzinfo=UTC)  # only whether a clause holds a time expression is asked


def _dated_text(raw: str, basis: str | None) -> str:
    """What a candidate's event date is read from: its sentence, or only its own clause when that clause is in the
    present and the rest of the sentence in the past ("I quit tennis a few weeks ago, my knee hurts": the knee hurts
    now, not a few weeks ago).

    Example::

        >>> _dated_text("I quit tennis a few weeks ago, my knee hurts.", "my knee hurts.")
        'my knee hurts.'
        >>> _dated_text("Last summer I went to Spain, and I visited Madrid.", "I visited Madrid.")
        'Last summer I went to Spain, and I visited Madrid.'
    """
    if not basis or basis == raw or basis not in raw:
        return raw
    rest = raw.replace(basis, " ", 1)
    if clause_tense(basis, 0) == "present" and clause_tense(rest, 0) == "past" \
            and find_time_expression(rest, _ANY_DAY) is not None and find_time_expression(basis, _ANY_DAY) is None:
        return basis
    return raw


def _candidate(turn: Turn, voice: Voice, raw: str, statement: Statement, cats: tuple[Category, ...]) -> Candidate:
    slot = statement.slot  # the assistant's statements have one only for a booking it confirmed
    subject_key = _NON_WORD.sub("_", voice.name.lower()).strip("_") or "user"
    extra: list[str] = []
    if slot is not None and slot.key.startswith(_ENTITY_SLOTS):
        extra.append(slot.value.lower())
    extra.extend(allergens(statement.basis or raw))
    if voice.listener and voice.listener[:1].isupper() and _SECOND_PERSON.search(statement.basis or raw):
        extra.append(voice.listener.lower())
    basis = statement.basis or strip_chatter(raw) or raw
    entities = find_entities(basis, extra=tuple(extra), exclude=frozenset({voice.name.lower()}))
    return Candidate(
        content=statement.content,
        categories=_categories(statement.content, slot, cats, assistant=voice.assistant),
        sources=(turn.index,),
        subject=voice.name,
        source_text=without_habit_times(_dated_text(raw, statement.basis)),
        slot=f"{subject_key}:{slot.key}" if slot else None,
        value=slot.value if slot else None,
        entities=tuple(entities),
        change_marker=bool(slot and slot.change) or has_change_marker(raw),
        negated=slot.negated if slot else is_negated(raw),
    )


def extract(
    turns: Sequence[Turn],
    categories: Sequence[Category],
    *,
    default_subject: str = "User",
    instructions: ExtractionRules | None = None,
    participants: Sequence[str] = (),
) -> list[Candidate]:
    """Extract the statements worth remembering from a session's turns, in order.

    ``categories`` is the project's category set (the defaults when empty); every
    candidate carries one to three of its names.  Identical statements are merged,
    keeping every source turn. ``participants`` are names known to take part (the user's, the
    assistant's): a "Name: text" label with one of them is a speaker even on a single message.
    Pronouns are resolved against the earlier messages of both roles (:mod:`.reference`).

    Example::

        >>> turns = [Turn(0, "user", "Caroline: I went to a support group yesterday. Thanks!"),
        ...          Turn(1, "assistant", "You should read 'Dune' by Frank Herbert.")]
        >>> [c.content for c in extract(turns, DEFAULT_CATEGORIES)]
        ['Caroline went to a support group yesterday.', "Assistant suggested that the user should read 'Dune' by \
Frank Herbert."]
    """
    cats = tuple(categories) or DEFAULT_CATEGORIES
    policy = policy_for(instructions or ExtractionRules())
    parsed = _speakers(turns, participants)
    discourse = Discourse()
    names = list(dict.fromkeys(speaker for _, speaker, _ in parsed if speaker))
    out: list[Candidate] = []
    seen: dict[str, int] = {}
    previous_user = ""
    offers: list[Item] = []  # what the assistant just recommended: the user's next message may accept it
    last_assistant = ""  # the assistant's message just before: a short answer is read with its question
    said: list[Said] = []  # what each person said, for the session's corrections and repeats
    last_said = ("", "")  # (speaker, body) of the turn before
    together: dict[str, str] = {}  # speaker -> who "we" is, once they said "My partner Alex and I ..."
    for turn, speaker, body in parsed:
        voice = _voice(turn, speaker, body, names, default_subject)
        if not voice.assistant:
            together[voice.name] = company(body) or together.get(voice.name, "")
            if together[voice.name]:
                voice = replace(voice, group=f"{voice.name} and {together[voice.name]}")
        local = policy.narrowed(body)
        discourse.next_turn()
        if voice.assistant:
            reading = read_assistant(body, voice, drops=local.drops, keeps=local.keeps, asked=previous_user,
                                     at=turn.at)
            produced = iter(reading.statements)
            offers, last_assistant = reading.offers, body
            for segment in split_segments(body)[-_NOTED_SENTENCES:]:
                discourse.note(segment.text, voice.name, default_subject)
        else:
            asked_by_other = last_assistant or (last_said[1] if speaker and last_said[0] not in ("", speaker) else "")
            body = completed(body, asked_by_other)  # "When's the wedding?" "Next June." -> "The wedding is ..."
            produced = (reply_statements(body, voice, local, offers) if offers
                        else person_statements(body, voice, local, discourse))
            previous_user, offers, last_assistant = body, [], ""
            said.append(Said(turn.index, voice.name, body))
        last_said = (speaker or "", body)  # between named people, a short answer reads with the other's question
        for raw, statement in produced:
            key = statement.content.lower()
            if key in seen:
                existing = out[seen[key]]
                if turn.index not in existing.sources:
                    out[seen[key]] = replace(existing, sources=(*existing.sources, turn.index))
                continue
            seen[key] = len(out)
            out.append(_candidate(turn, voice, raw, statement, cats))
    return revise(out, said)
