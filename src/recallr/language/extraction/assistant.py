"""What the assistant recommended or told the user, as "Assistant ..." statements.

Users come back with "what was that restaurant you suggested?", so the assistant's
recommendations are kept: explicit ones ("I'd recommend ...", "you should try ...", "how
about ...", imperatives naming something), and each list it gives, summarised as one
statement naming its items.  Other sentences are kept only when they carry something
specific (a name, a number).  Pleasantries, generic advice, code and tables are dropped,
and a long answer yields at most ``_MAX_PER_MESSAGE`` statements, recommendations first:
the raw messages stay searchable, memories hold what a user would come back for.

What the assistant confirmed or promised (a booking, an appointment, an order on its way, a reminder)
is the user's plan, not the assistant's news: :mod:`.confirmations` rewrites it around the user and
:mod:`.confirmed_dates` writes its day into it. Greetings, empathy, acknowledgements ("Noted: ..."),
restatements of what the user said and offers ("I can book it if you like") are not kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from ..hygiene import hygiene_problems
from .answers import verbless
from .confirmations import confirmation
from .confirmed import MessageConfirmations
from .lists import MAX_LIST_ITEMS, list_statement, lists, usable
from .person import Voice, lower_first, to_third_person
from .replies import Item
from .text import (
    Statement,
    content_words,
    finish,
    is_filler,
    is_question,
    split_segments,
    strip_chatter,
)

__all__ = ["AssistantReading", "assistant_statements", "read_assistant", "recommendation_context"]

_MAX_PER_MESSAGE = 8
_ASKS_FOR_IDEAS = re.compile(
    r"\b(?:recommend|recommendations?|suggest|suggestions?|ideas?|options?|tips|advice|where (?:can|should|to)|"
    r"what (?:should|can|could|to)|any (?:good|other)|looking for|best|which one|alternatives?|places to|things to)\b",
    re.IGNORECASE,
)
_OFFERS_IDEAS = re.compile(
    r"\b(?:I (?:would |'d )?(?:recommend|suggest)|here are|you (?:could|might|may|can) (?:try|consider|visit|check)|"
    r"options include|some (?:ideas|options|suggestions|recommendations))\b",
    re.IGNORECASE,
)
_PLEASANTRY = re.compile(
    r"^(?:I hope (?:this|that|these|it|you)|I'?m (?:so |really )?(?:happy|glad|excited|thrilled)|feel free|"
    r"[\"']?(?:hey|hi|hello|dear|welcome|good morning|of course)\b|sorry|glad to hear|good to hear|"
    r"(?:great|nice|good) (?:job|work|score|start|effort|observation|taste|find|catch|pick)|well done|way to go|"
    r"let me know|if you have any|(?:that's a |what a )?(?:great|good|excellent) question|"
    r"I'?m (?:so |very |really |truly )?sorry|I understand|I'?d be happy to|happy to help|I'?ll be here|I'?m here|"
    r"enjoy|have fun|good luck|best of luck|as an ai|I don'?t have personal|certainly|absolutely|sure|"
    r"remember|note|keep in mind|please note|overall|in summary|in conclusion|ultimately|by following|"
    # greetings, congratulations, thanks, reactions and empathy: the assistant's manners, not facts
    r"good (?:afternoon|evening|night)|congratulations|congrats|happy (?:birthday|"
    r"anniversary|holidays|new year|travels|cooking|reading)|thank|thanks|you'?re (?:very |so )?welcome|"
    r"my pleasure|no problem|safe travels|bon voyage|bon app[eé]tit|cheers|take care|tell me more|don'?t hesitate|"
    r"what a|how (?:exciting|wonderful|lovely|fun|nice|cool|great|amazing|sweet|awesome)|"
    r"that'?s (?:a |an |such a |so |really |very |totally |completely )?(?:great|good|wonderful|lovely|fantastic|"
    r"excellent|smart|nice|fun|exciting|brilliant|perfect|amazing|awesome|cool|interesting|tough|hard|"
    r"understandable|a shame|so sad|sad|terrible|exciting news|big news)|"
    r"(?:that |it )?sounds (?:like|great|good|lovely|wonderful|fun|amazing|exciting|tough|hard)|"
    r"(?:that|this|it) (?:must|can) be|it'?s (?:completely |totally |perfectly |very |so |really )?(?:"
    r"understandable|normal|natural|okay|ok|common|valid|fine|great|wonderful|exciting|lovely)|"
    r"(?:great|good|excellent|nice|perfect|lovely|smart) (?:choice|pick|idea|call|plan)|"
    r"wow|oh|aw+|nice|excellent|wonderful|lovely|fantastic|awesome|perfect|I love (?:that|this|it|how))\b",
    re.IGNORECASE,
)
# Offers and hedges: what the assistant could do is not what it did ("I can book it if you like").
_OFFER = re.compile(
    r"^(?:I can|I could|I'?d be (?:happy|glad)|I'?m (?:happy|glad) to|happy to|would you like|do you want|shall I|"
    r"should I|want me to|let me|once you|as soon as you|when you(?:'re| are)? ready)\b|"
    r"\bif (?:you(?:'d)? (?:like|want|prefer|wish)|that(?:'s| is| works| suits))\b|\bI'?d be (?:happy|glad) to\b|"
    r"\b(?:as|I'?m) an? (?:ai|large language model|language model|AI assistant)\b",
    re.IGNORECASE,
)
# Acknowledging or restating what the user said ("Noted: ...", "So you're moving to Berlin"): no news.
_RESTATES = re.compile(
    r"^(?:noted|duly noted|got it|understood|will do|on it|good to know|I'?ve (?:noted|made a note)|"
    r"I have noted|I'?ll (?:remember|keep (?:that|this|it) in mind|make a note|note)|I will remember|"
    r"thanks for (?:letting me know|sharing|telling)|"
    r"you(?:'re| are|'ve| have| had| were| live| work| love| like| mentioned| said| told| seem| sound| must|"
    r" do| don'?t| play| own| already)|so you|since you|as you|given (?:that )?you|because you|"
    r"it (?:sounds|seems|looks) like|I see(?: that)? you|I understand(?: that)? you)\b",
    re.IGNORECASE,
)
_I_RECOMMEND = re.compile(
    r"\bI(?:'d| would)?(?: also| really| strongly| highly| definitely| personally)* (?P<verb>recommend|suggest|advise)"
    r"(?:s|ed)?(?: that)?(?P<rest>.+)$",
    re.IGNORECASE,
)
_YOU_SHOULD = re.compile(
    r"\byou (?:should|could|might|may|must|ought to|can)(?: also| definitely| really)?(?: want to| like to)? "
    r"(?:try|read|watch|visit|check out|consider|look into|enjoy|like|love|go|listen|book|order|explore|start|use|"
    r"pick|get|head|stop by|see)\b|\byou'?d (?:love|enjoy|like)\b",
    re.IGNORECASE,
)
_HOW_ABOUT = re.compile(
    r"^(?:how about|what about|why not(?: try)?|have you (?:tried|considered|thought about|checked out))\s+"
    r"(?P<rest>.+)",
    re.IGNORECASE,
)
_IMPERATIVE = re.compile(
    r"^(?:try|visit|check out|consider|read|watch|listen to|go to|head to|grab|book|order|explore|stop by|pick up|"
    r"look (?:into|for)|take|bring|pack|avoid|start|use|make sure|keep|add|eat|drink|wear|plan|reserve|download|"
    r"join|sign up|don'?t miss|don'?t forget)\b",
    re.IGNORECASE,
)
# A name in running text (a capital after a lowercase word), a number or a quoted title.
_NAMED = re.compile(r"(?<=[a-z,] )[A-Z][\w'&-]+|\d|(?<![\w'])[\"'][A-Z]")

_ALTERNATIVES = re.compile(r",?\s+or\s+|;\s+")
_OPINION = re.compile(r"^(?:I think|I bet|I'?m sure|I believe|honestly,?)\s+(?=you)", re.IGNORECASE)
_TITLE_START = re.compile(r"^(?:\"|'|[A-Z])")
_MEDIA = (
    ("book", re.compile(r"\b(?:books?|novels?|read|author|memoirs?)\b", re.I)),
    ("film", re.compile(r"\b(?:movies?|films?|watch)\b", re.I)),
    ("podcast", re.compile(r"\bpodcasts?\b", re.I)),
    ("album", re.compile(r"\b(?:albums?|listen)\b", re.I)),
    ("restaurant", re.compile(r"\b(?:restaurants?|eatery|dinner|lunch|brunch|cuisine)\b", re.I)),
)
_REST_STOP = re.compile(r"\s+-\s+.*$|;.*$|\s+because\b.*$")


def recommendation_context(user_text: str) -> bool:
    """True when the user's last message asked for recommendations, ideas or options."""
    return bool(_ASKS_FOR_IDEAS.search(user_text))


def _kind(text: str, name: str) -> str | None:
    return next((kind for kind, cue in _MEDIA if cue.search(text) or name.lower().startswith(f"the {kind}")), None)


def _recommended(text: str, m: re.Match[str], voice: Voice, asked: str) -> tuple[str, Item] | None:
    verb = {"recommend": "recommended", "suggest": "suggested", "advise": "advised"}[m.group("verb").lower()]
    rest = _REST_STOP.sub("", m.group("rest")).strip(" ,:.!")
    rest = re.sub(r"^you\s+", "", rest, flags=re.I) if verb != "advised" else rest
    if not rest or not content_words(rest):
        return None
    rest = to_third_person(rest, voice)
    rest = lower_first(rest)
    for kind, cue in _MEDIA:  # "the book 'Dune'": the kind from the sentence, else from the user's request
        if (cue.search(text) or cue.search(asked[-300:])) and _TITLE_START.match(rest) and kind not in rest.lower():
            rest = f"the {kind} {rest}"
            break
    to_user = " to the user" if verb == "recommended" and "," not in rest and len(rest.split()) <= 8 else ""
    return f"Assistant {verb} {rest}{to_user}", Item(rest, _kind(f"{text} {asked[-300:]}", rest))


_LIST_PARTS = re.compile(r",\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+(?=[A-Z])")


def _items(thing: str, text: str, voice: Voice) -> list[Item]:
    """"'Gone Girl' by Gillian Flynn, or 'The Silent Patient'": each alternative that names something."""
    parts = [p.strip(" ,") for p in _ALTERNATIVES.split(thing)]
    if len(parts) == 1 or not all(_NAMED.search(f"a {p}") for p in parts):
        parts = [thing]
    return [Item(lower_first(to_third_person(p, voice)), _kind(text, p)) for p in parts if p]


def _suggestion(text: str, voice: Voice, m: re.Match[str], recommending: bool) -> tuple[str, list[Item]] | None:
    """A "you should ..." or imperative sentence, kept when it names something (or answers a request)."""
    named = bool(_NAMED.search(text))
    if not named and (len(content_words(text)) < 3 or not recommending):
        return None  # generic advice ("You should drink plenty of water") nobody asked for
    thing = _REST_STOP.sub("", text[m.end():]).strip(" ,:.!")
    items = _items(thing, text, voice) if (named or recommending) and thing else []
    text = _OPINION.sub("", text)  # "I think you'd love X": the suggestion is "you'd love X"
    if _IMPERATIVE.match(text):  # "Try X" -> "the user try X" (subjunctive, no agreement)
        if not named and not recommending:
            return None  # generic advice nobody asked for ("Take breaks")
        action = to_third_person(text, voice)
        return f"Assistant suggested that {voice.listener} {action[:1].lower()}{action[1:]}", items
    return f"Assistant suggested that {lower_first(to_third_person(text, voice))}", items


_Found = tuple[int, str, list[Item]]  # (priority, statement, what it recommended)


def _sentence(text: str, voice: Voice, recommending: bool, asked: str) -> _Found | None:
    """One assistant sentence as (priority, statement, item); recommendations come first."""
    how = _HOW_ABOUT.match(text)
    if how:
        rest = how.group("rest").rstrip("?")
        if not content_words(rest) or rest.lower().startswith(("you", "yourself")):
            return None
        thing = lower_first(to_third_person(rest, voice))
        return 0, f"Assistant suggested {thing}", _items(rest, text, voice)
    if is_question(text):
        return None
    rec = _I_RECOMMEND.search(text)
    if rec:
        found = _recommended(text, rec, voice, asked)
        return (0, found[0], [found[1]]) if found else None
    should = _YOU_SHOULD.search(text) or _IMPERATIVE.match(text)
    if should:
        suggested = _suggestion(text, voice, should, recommending)
        return (1, *suggested) if suggested else None
    if _RESTATES.match(text) or not _NAMED.search(text) or len(content_words(text)) < 2:
        return None
    rewritten = to_third_person(text, voice)
    if rewritten.startswith("Assistant "):
        return 2, rewritten, []
    if recommending and verbless(text.rstrip(".!"), 30):  # "Shinjuku for nightlife, and Ebisu for a quieter stay."
        parts = [p for p in _LIST_PARTS.split(text.rstrip(".!")) if p.strip()]
        items = [Item(lower_first(to_third_person(p.strip(), voice)), _kind(text, p)) for p in parts]
        return 0, f"Assistant suggested {lower_first(rewritten)}", items
    told = f"Assistant told the user that {lower_first(rewritten)}"
    return None if "greeting" in hygiene_problems(told) else (2, told, [])  # "Happy gardening!", quoted drafts


def _heard(raw: str, text: str, owner: str, asked: str) -> str:
    """The sentence as the confirmation rules read it: with its discourse label when that makes it a confirmation
    ("Reminder set: pay rent ...", "All booked: ...": the label says what was done), else without it."""
    labelled = strip_chatter(raw, labels=False)
    if labelled == text or confirmation(labelled, owner, asked=asked) is not None:
        return labelled
    return text


@dataclass
class AssistantReading:
    """An assistant message read: its statements (with their source sentences) and what it recommended."""

    statements: list[tuple[str, Statement]] = field(default_factory=list)
    offers: list[Item] = field(default_factory=list)


def read_assistant(
    body: str,
    voice: Voice,
    *,
    drops: Callable[[str], bool],
    keeps: Callable[[str], bool],
    asked: str = "",
    at: datetime | None = None,
    recommending: bool = False,
) -> AssistantReading:
    """Read an assistant message: what it confirmed, recommended or told the user, and its recommendations.

    ``asked`` is the user's message before it (a request for ideas makes its lists recommendations; a
    request to book something says what "it" is), ``at`` the message's time (the day a confirmation is
    for is written into it; without ``at`` it stays as said).
    """
    recommending = recommending or recommendation_context(asked) or bool(_OFFERS_IDEAS.search(body))
    owner = "User" if voice.listener in (None, "the user") else voice.listener
    segments = [s for s in split_segments(body) if usable(s, drops)]
    found: list[tuple[int, int, str, str]] = []  # (priority, order, source, statement)
    reading = AssistantReading()
    for line, source, header, heads in lists(segments):
        listed = list_statement(header, heads, voice, recommending)
        found.append((0 if recommending else 1, line * 1000, source, listed))
        if recommending:
            reading.offers.extend(Item(h, _kind(header, h)) for h in heads[:MAX_LIST_ITEMS])
    confirmations = MessageConfirmations(owner, at)
    for order, segment in enumerate(segments):
        if segment.header or segment.in_item:
            continue
        text = strip_chatter(segment.text)
        heard = _heard(segment.text, text, owner, asked)
        if heard and confirmations.add(heard, segment.line * 1000 + order, asked=asked):
            continue
        forced = keeps(segment.text)
        if not text or (not forced and (_PLEASANTRY.match(text) or _RESTATES.match(text) or _OFFER.search(text)
                                        or is_filler(text))):
            continue
        result = _sentence(text, voice, recommending, asked)
        if result is None and forced:
            result = (0, f"Assistant told the user: {to_third_person(text, voice)}", [])
        if result is not None:
            found.append((result[0], segment.line * 1000 + order, segment.text, result[1]))
            reading.offers.extend(result[2])
    confirmed = {dated.order: dated for dated in confirmations.statements()}
    found.extend((0, dated.order, dated.source, dated.content) for dated in confirmed.values())
    kept = sorted(found, key=lambda f: (f[0], f[1]))[:_MAX_PER_MESSAGE]
    for _, order, source, content in sorted(kept, key=lambda f: f[1]):
        dated = confirmed.get(order)
        statement = Statement(finish(content), dated.slot, dated.sentences) if dated else Statement(finish(content))
        reading.statements.append((source, statement))
    return reading


def assistant_statements(
    body: str,
    voice: Voice,
    *,
    drops: Callable[[str], bool],
    keeps: Callable[[str], bool],
    recommending: bool = False,
    asked: str = "",
    at: datetime | None = None,
) -> Iterator[tuple[str, Statement]]:
    """The statements worth remembering in an assistant message, with their source sentences.

    Example::

        >>> v = Voice("Assistant", "Assistant and the user", "the user")
        >>> [s.content for _, s in assistant_statements("I'd recommend Le Petit Bistro. Enjoy!", v,
        ...     drops=lambda t: False, keeps=lambda t: False, recommending=False)]
        ['Assistant recommended Le Petit Bistro to the user.']
        >>> [s.content for _, s in assistant_statements("Welcome to Berlin! I can book it if you like.", v,
        ...     drops=lambda t: False, keeps=lambda t: False)]
        []
    """
    yield from read_assistant(body, voice, drops=drops, keeps=keeps, asked=asked, at=at,
                              recommending=recommending).statements
