"""The user's answer to a recommendation: accepted, it is the user's plan; declined, it is not.

After "I'd recommend 'Project Hail Mary' by Andy Weir.", the reply "Sounds great, I'll read it" is the
user's plan ("User will read the book 'Project Hail Mary' by Andy Weir."), "Perfect, let's do that" a
choice ("User plans to read the book 'Project Hail Mary' by Andy Weir, as Assistant recommended."),
and "No thanks, I've read it already" a fact that is no acceptance ("User has read the book 'Project
Hail Mary' by Andy Weir already."). Which recommendation the reply is about: the one named in it, the
one picked by position ("the second one"), or the only one; with several and no pick, none is
assumed. Linear in the reply: anchored patterns over bounded sentences.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..lexicon import ORDINAL_WORDS
from ..policy import Policy
from .person import Voice
from .statements import person_statements
from .text import Statement, finish, split_segments, strip_chatter

__all__ = ["Item", "reply_statements"]


@dataclass(frozen=True)
class Item:
    """One thing the assistant recommended: "the book 'Dune' by Frank Herbert", with its kind."""

    name: str
    kind: str | None = None  # "book", "film", "podcast", "album", "restaurant", or None


_REJECT = re.compile(
    r"^(?:no|nah|nope|not really|pass|meh)\b|\b(?:no thanks|no thank you|not for me|not interested|I'?ll pass|"
    r"I'?ll (?:skip|give) (?:it|that|this|them|that one|this one)(?: a miss)?|"
    r"pass on|I'?d rather not|rather not|not my (?:thing|cup of tea|style)|not a (?:big )?fan|not into|"
    r"already (?:read|seen|watched|tried|been|heard|listened|visited|have|own|did|done|finished)|"
    r"(?:read|seen|watched|tried|heard|listened to|visited|finished|been to) (?:it|that|them|that one|this one|"
    r"there)?\s?(?:already|before)|didn'?t (?:like|enjoy|love)|don'?t (?:like|want|enjoy|feel like|fancy)|"
    r"too (?:expensive|pricey|far|long|scary|spicy|much|heavy|dark)|something else|anything else|"
    r"other (?:options|ideas|suggestions)|maybe (?:not|another time|later)|not (?:sure|convinced) (?:about|it))\b",
    re.IGNORECASE,
)
_ACCEPT = re.compile(
    r"^(?:yes|yeah|yep|yup|sure|ok|okay|perfect|great|awesome|deal|done|excellent|lovely|brilliant)\b|"
    r"\b(?:love (?:it|that|this|the idea)|(?:sounds|looks) (?:great|good|perfect|amazing|awesome|lovely|"
    r"interesting|fun|delicious|fantastic|intriguing|like a plan|right up my alley)|let'?s (?:do|go with|try|book|"
    r"go)|I'?ll (?:read|watch|try|check|go|take|book|order|listen|give|add|pick|get|visit|grab|start|look|do|have|"
    r"put|download|borrow|buy|see)|I'?m (?:going to|gonna|definitely|totally) |I will |going with|go with|"
    r"(?:just )?(?:booked|ordered|bought|reserved|downloaded|added|grabbed|picked up|borrowed)|that works|"
    r"works for me|go ahead|on my list|count me in|I'?m in|can'?t wait|will do|adding (?:it|that)|"
    r"(?:good|great|nice|brilliant|fun) (?:call|idea|suggestion|shout|pick)|"
    r"I'?ll (?!(?:skip|pass|ignore|avoid|think|consider|wait|leave|forget|drop)\b)[a-z]+ "
    r"(?:it|that|this|them|that one|this one)(?! (?:out|off|down)\b))\b",
    re.IGNORECASE,
)
# A sentence that only says yes ("Let's do that.", "Book it!", "That one!"): replaced by the choice itself.
_ONLY_ACCEPTS = re.compile(
    r"^(?:(?:let'?s|we should|I'?ll) (?:do|go with|try|take|book|get) (?:it|that|this|that one|this one|them)|"
    r"(?:please |go ahead and )?(?:book|reserve|order|add|get) (?:it|that|that one|this one|them)(?: for me)?|"
    r"(?:that|this) one|(?:sounds|looks) (?:great|good|perfect|amazing|awesome|lovely|interesting|fun|"
    r"like a plan)|I love (?:it|that|this)|deal|done|perfect|great|yes(?: please)?)"
    r"(?: (?:then|please|thanks|thank you))?[\s.!]*$",
    re.IGNORECASE,
)
_LEAD = re.compile(
    r"^(?:(?:no thanks|no thank you|(?:great|good|nice|brilliant|cool|fun) (?:idea|call|shout|pick|suggestion)|"
    r"no|nah|nope|thanks|thank you|"
    r"yes please|yes|yeah|sure|ok|okay|perfect|great|"
    r"awesome|love it|oh|hmm|(?:sounds|looks) (?:great|good|perfect|amazing|awesome|lovely|interesting|fun|"
    r"delicious|fantastic|intriguing|like a plan))\b[\s,.!:;-]*){1,3}",
    re.IGNORECASE,
)
# A sentence that only says no ("Not my style.", "Maybe another time."): nothing about the user to keep.
_ONLY_DECLINES = re.compile(
    r"^(?:not (?:my (?:thing|style|cup of tea|kind of thing|genre|taste)|for me|really|interested|a fan|into (?:it|"
    r"that|those|them))|I'?ll pass|pass|maybe (?:not|later|another time|next time)|I'?d rather not|rather not|"
    r"something else(?: maybe)?|anything else)(?: (?:though|sorry|thanks|thank you))?[\s.!?]*$",
    re.IGNORECASE,
)
_PRONOUN = re.compile(
    r"(?<=\w )(?:that one|this one|it|them|that(?= *(?:$|[.,!?;]|tonight|today|tomorrow|this|next|on|at|for|then)))"
    r"\b(?!'s)(?P<particle> out| up)?"
)
_POSITION = re.compile(
    rf"\b(?:the )?(?P<ord>{'|'.join(ORDINAL_WORDS[:9])}|last|\d)(?:st|nd|rd|th)?(?: one| option| suggestion| pick)\b"
    r"|\b(?:number|option|#)\s?(?P<num>\d)\b",
    re.IGNORECASE,
)
# "The second one sounds perfect, ...": the pick and the yes, before what the user will do with it.
_PICKED = re.compile(
    rf"^(?:the )?(?:(?:{'|'.join(ORDINAL_WORDS[:9])}|last) (?:one|option|suggestion)|that one|this one|it|that)"
    r" (?:sounds|looks|seems) (?:great|good|perfect|amazing|awesome|lovely|interesting|fun|like a plan|right)"
    r"[\s,.!:;-]*",
    re.IGNORECASE,
)
_GERUND = re.compile(r"^(?:just )?((?:adding|ordering|booking|reading|watching|downloading|buying|getting|trying|"
                     r"heading|going|putting|saving|starting|grabbing|reserving)\b)", re.IGNORECASE)
_TITLE = re.compile(r"'([^']{2,60})'|\"([^\"]{2,60})\"|[A-Z][\w'&-]*(?: [A-Z][\w'&-]*){0,5}")
_NAME_WORD = re.compile(r"[A-Z][\w'-]{2,}")
_VERB_FOR_KIND = {"book": "read", "film": "watch", "podcast": "listen to", "album": "listen to",
                  "restaurant": "go to"}
_MAX_REPLY_CHARS = 2000


def _chosen(reply: str, items: Sequence[Item]) -> Item | None:
    position = _POSITION.search(reply)
    if position is not None:
        word = (position.group("ord") or position.group("num") or "").lower()
        index = len(items) - 1 if word == "last" else (
            int(word) - 1 if word.isdigit() else ORDINAL_WORDS.index(word))
        return items[index] if 0 <= index < len(items) else None
    named = [item for item in items if any(w in reply for w in _NAME_WORD.findall(item.name) if w not in _TITLE_WORDS)]
    if len(named) == 1:
        return named[0]
    return items[0] if len(items) == 1 else None


_TITLE_WORDS = frozenset({"The", "And", "Of", "For", "With"})


def _names(item: Item, text: str) -> bool:
    """The statement names the item: all of it, or its title or first name ("Gone Girl")."""
    title = _TITLE.search(item.name)
    key = next((g for g in title.groups() if g), title.group(0)) if title else item.name
    return item.name in text or key in text


def _verdict(reply: str) -> str | None:
    head = reply[:300]
    if _REJECT.search(head):
        return "declined"
    return "accepted" if _ACCEPT.search(head) else None


def _resolved(text: str, item: Item) -> str:
    """"I'll read it." -> "I'll read the book 'Dune'."; "check it out" -> "check out <item>".

    Resolved in the user's own words, before they become statements: a sentence ending on an unresolved
    "it" reads as elliptical ("I sure did it") and would not be kept.
    """
    def put(m: re.Match[str]) -> str:
        return f"{m.group('particle').strip()} {item.name}" if m.group("particle") else item.name

    content = _POSITION.sub(item.name, text, count=1)
    return _PRONOUN.sub(put, text, count=1) if content == text else content


def reply_statements(body: str, voice: Voice, policy: Policy, items: Sequence[Item]) -> Iterator[tuple[str, Statement]]:
    """The statements of a user's reply to ``items`` (the assistant's last recommendations).

    Example::

        >>> from recallr.language.policy import ExtractionRules, policy_for
        >>> v = Voice("User", "User and friends", "the assistant")
        >>> [s.content for _, s in reply_statements("Sounds great, I'll read it!", v,
        ...     policy_for(ExtractionRules()), [Item("the book 'Dune'", "book")])]
        ["User will read the book 'Dune'."]
    """
    verdict = _verdict(body[:_MAX_REPLY_CHARS]) if items else None
    item = _chosen(body[:_MAX_REPLY_CHARS], items) if verdict else None
    if verdict is None or item is None:
        yield from person_statements(body, voice, policy)
        return
    kept = []
    for segment in split_segments(body[:_MAX_REPLY_CHARS]):
        text = _LEAD.sub("", _PICKED.sub("", strip_chatter(segment.text))).strip()
        text = _GERUND.sub(lambda m: f"I'm {m.group(1).lower()}", text, count=1)  # "Adding it to my list!"
        if text and not (_ONLY_ACCEPTS.match(text) or _ONLY_DECLINES.match(text)
                         or _POSITION.fullmatch(text.strip(" .!"))):
            kept.append(_resolved(text[:1].upper() + text[1:], item))
    mentioned = False
    for raw, statement in person_statements(" ".join(kept), voice, policy):
        mentioned = mentioned or _names(item, statement.content)
        yield raw, statement
    if verdict == "accepted" and not mentioned:
        verb = _VERB_FOR_KIND.get(item.kind or "", "try")
        yield body, Statement(finish(f"{voice.name} plans to {verb} {item.name}, as Assistant recommended"))
