"""Rewording an assistant sentence around the user: the user in the third person, "your X" as "a X", what
"it" stood for in the user's request, and where a confirmation's own words end (chatter and hedges after it).

Pure and linear: anchored patterns and bounded repetition over one bounded sentence.
"""

from __future__ import annotations

import re

from ..lexicon import word_set
from .person import Voice, to_third_person

__all__ = [
    "BOOKING_HEAD", "BOOKING_NOUNS", "cleaned", "common_first", "object_phrase", "owner_voice_text", "requested_object",
    "strip_acknowledgement",
]

# "Done:", "All set!", "Great news -": openers of a confirmation, and of acknowledgements ("Noted:").
_ACK = re.compile(
    r"^(?:(?:done|all done|all set|you'?re all set|great news|good news|success|sorted|perfect|great|okay|ok|sure|"
    r"alright|all right|got it|noted|understood|excellent|absolutely|of course|certainly|there you go|here you go|"
    r"no problem|will do|on it|consider it done|(?:reminder|update|heads up|fyi)(?=\s*:))\b[\s,:!.-]*){1,4}",
    re.IGNORECASE,
)
# Hedges and refusals: an offer or a failure is not a confirmation.
_HEDGE = re.compile(
    r"\b(?:if you|if that|once you|as soon as you|after you|unless|would you|do you want|shall I|should I|want me|"
    r"I can|I could|I'?d be happy|happy to|not yet|haven'?t|hasn'?t|couldn'?t|can'?t|cannot|unable|"
    r"unfortunately|wasn'?t able|weren'?t able|isn'?t|aren'?t|won'?t|no longer available|fully booked|sold out|"
    r"try to|trying to|attempt|would be|might|may be|not available|waitlist only)\b",
    re.IGNORECASE,
)
# Chatter after the confirmation ("..., let me know if you need anything else").
_TAIL = re.compile(
    r"(?:,|\s-|;)?\s+(?:and\s+|so\s+)?(?:just\s+)?(?:let me know|feel free|enjoy|have a (?:great|good|nice|lovely|"
    r"wonderful)|I hope|hope you)\b.*$|,\s+(?:and|so|but)\s+you(?:'ll)?\s+(?:can|could|may|might|should)\b.*$",
    re.IGNORECASE,
)
BOOKING_NOUNS = (
    r"(?:appointment|reservation|booking|meeting|flight|call|session|class|lesson|interview|consultation|"
    r"check-?up|visit|table|room|suite|stay|tickets?|seats?|delivery|order|package|parcel|shipment|reminder|"
    r"event|dinner|lunch|brunch|massage|haircut|exam|train|bus|ferry|tour|slot|car|rental|hotel|cabin|"
    r"subscription|membership|course|workshop|trip|cruise|transfer|pickup|pick-up|ride|taxi|cab|offsite|party|"
    r"recital|concert|conference|webinar|show|screening|performance|ceremony|celebration|airbnb|apartment|villa|"
    r"cottage|campsite|lodge|hostel|b&b)"
)
BOOKING_HEAD = re.compile(rf"\b{BOOKING_NOUNS}s?\b", re.IGNORECASE)


def strip_acknowledgement(text: str) -> tuple[str, bool]:
    """The sentence without its "Done:"/"Noted:" opener, and whether it had one.

    Example::

        >>> strip_acknowledgement("Done: your table is booked.")
        ('your table is booked.', True)
    """
    m = _ACK.match(text)
    if m is None or m.end() == 0:
        return text, False
    return text[m.end():], True


def _owner_voice(owner: str) -> Voice:
    return Voice("Assistant", f"Assistant and {owner}", owner, assistant=True)


def owner_voice_text(text: str, owner: str) -> str:
    """Third person around the owner; after the owner is named, "User's" reads better as "their"."""
    out = to_third_person(text, _owner_voice(owner))
    first = out.find(owner)
    if first >= 0:
        head, rest = out[: first + len(owner)], out[first + len(owner):]
        out = head + re.sub(rf"\b{re.escape(owner)}'s\b", "their", rest)
    return out


def common_first(text: str) -> str:
    """"Dinner at Lazy Bear", "Two tickets": a capital that only began the sentence, lowered.

    Example::

        >>> common_first("Two tickets for Hamilton"), common_first("Hotel Arts Barcelona")
        ('two tickets for Hamilton', 'Hotel Arts Barcelona')
    """
    first = text.split(" ", 1)[0].lower()
    if first in _COUNTS or first in ("a", "an", "your", "the") or (BOOKING_HEAD.fullmatch(first) and " " in text
                                                                    and not text.split(" ", 2)[1][:1].isupper()):
        return text[:1].lower() + text[1:]
    return text


def object_phrase(text: str) -> str:
    """"your dentist appointment" -> "a dentist appointment"; plurals and numbers take no article."""
    words = text.split(" ", 1)
    if words[0].lower() not in ("your", "the") or len(words) == 1:
        return text
    rest = words[1]
    noun = BOOKING_HEAD.search(rest)
    head = noun.group(0).lower() if noun else \
        re.split(r"\s(?:for|at|with|to|of|on|in|from|under)\s", rest, maxsplit=1)[0].split()[-1].lower()
    if rest[:1].isdigit() or rest.split()[0].lower() in _COUNTS or (head.endswith("s") and not head.endswith("ss")):
        return rest
    return ("an " if rest[:1].lower() in "aeiou" else "a ") + rest


_COUNTS = word_set("two three four five six seven eight nine ten both")
_COUNTS = word_set("two three four five six seven eight nine ten both")


_CLAUSE = re.compile(r";\s+|\s+-\s+")


def cleaned(text: str) -> str:
    """The sentence without chatter after it, up to its first hedged clause ("...; I can also ... if you like")."""
    text = _TAIL.sub("", text.strip().rstrip(".!")).strip(" ,;-")
    start = 0
    for m in _CLAUSE.finditer(text):
        if _HEDGE.search(text, start, m.start()):
            return text[:start].rstrip(" ;-")
        start = m.end()
    return text[:start].rstrip(" ;-") if _HEDGE.search(text, start) else text


_REQUEST = re.compile(
    r"\b(?:book|reserve|schedule|order|buy|get|make|set up|arrange|add|put|find|rent)(?: me| us| for me)?"
    r" (?P<obj>(?:a|an|the|my|our|some|two|three|four|\d{1,2}) [^?.!,;]{1,80}?)"
    r"(?= (?:for|on|this|next|tomorrow|tonight|today|by|from|please)\b|[?.!,;]|$)",
    re.IGNORECASE,
)


def requested_object(asked: str) -> str | None:
    """What the user asked the assistant to book or order ("a table at Nopa"), for an "it" in the answer.

    Example::

        >>> requested_object("Can you book a table at Nopa for Friday at 8?")
        'a table at Nopa'
    """
    m = _REQUEST.search(asked[-2000:])
    if m is None:
        return None
    return re.sub(r"\b(?:my|our)\b", "your", m.group("obj"), flags=re.IGNORECASE)
