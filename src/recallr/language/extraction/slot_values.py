"""What a slot rule's match becomes: ``SlotMatch`` and the builders the rule table (``slots.py``) names.

Also the vocabularies the rules interpolate (pets, jobs, numbers, negation) and ``singular``. Pure and
linear: each builder trims a bounded value with anchored patterns.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..lexicon import NUMBER_WORDS, ORDINAL_WORDS, word_set

__all__ = [
    "NUMBERS",
    "ORDINALS",
    "PETS",
    "SlotMatch",
    "count",
    "diet",
    "favorite",
    "likes",
    "ordinal",
    "place",
    "plain",
    "singular",
    "trim",
    "word_set",
]


@dataclass(frozen=True)
class SlotMatch:
    """A single-valued fact found in a sentence: ``key`` is the slot without the subject prefix."""

    key: str
    value: str
    negated: bool = False
    change: bool = False


NUMBERS = {w: str(i) for i, w in enumerate(NUMBER_WORDS)}
ORDINALS = {w: str(i) for i, w in enumerate(ORDINAL_WORDS[:10], start=1)}
_VALUE_STOP = re.compile(
    r"\s+(?:and|but|because|since|with|for|last|yesterday|today|now|these|recently|a few|about|when|where|so|"
    r"to|as|after|before|until|while|who|which|that|this|in \d|on|at|from|or|anymore|any more|too|lately|"
    r"together|again|right|ago|every|each|very|so much|a lot|more|most|the most|though|if|like|i|I)\b.*$"
)
_DETERMINER = re.compile(r"^(?:(?:the|a|an|some|all|any|really|good|great|this|that|these|those)\s+)+", re.I)
# A liked object ends before a preposition or dash: "getting lost in fantasy" -> "getting lost".
_OBJECT_STOP = re.compile(r"\s+(?:-|(?:in|of|on|into|from|at|through|during|than|by|over|around)\b).*$")
_PROPER_START = re.compile(r"[A-Z][\w'&-]*(?:(?:\s+(?:of|the|and|&))*\s+[A-Z][\w'&-]*)*")
_NOT_A_THING = re.compile(r"^(?:is|are|was|were|makes?|made|has|have|had|so|too|not|no|more|about)\b", re.I)
PETS = {
    "dog": "dog", "dogs": "dog", "puppy": "dog", "puppies": "dog", "pup": "dog", "pups": "dog",
    "cat": "cat", "cats": "cat", "kitten": "cat", "kittens": "cat", "kitty": "cat",
    "fish": "fish", "goldfish": "fish", "hamster": "hamster", "hamsters": "hamster",
    "rabbit": "rabbit", "rabbits": "rabbit", "bunny": "rabbit", "bunnies": "rabbit",
    "bird": "bird", "birds": "bird", "parrot": "parrot", "parrots": "parrot",
    "turtle": "turtle", "turtles": "turtle", "tortoise": "turtle", "tortoises": "turtle",
    "snake": "snake", "snakes": "snake", "horse": "horse", "horses": "horse",
    "lizard": "lizard", "lizards": "lizard", "gecko": "gecko", "geckos": "gecko",
    "guinea pig": "guinea_pig", "guinea pigs": "guinea_pig", "ferret": "ferret", "ferrets": "ferret",
    "chicken": "chicken", "chickens": "chicken", "goat": "goat", "goats": "goat", "pet": "pet", "pets": "pet",
}  # fmt: skip
_NOT_PLACE = re.compile(
    r"^(?:a|an|my|this|that|it|the moment|the middle|the mood|peace|love|denial|home|with|there|here|together|"
    r"back|town|school|work|college|class|bed|the same|the process|"
    r"(?:day|night|morning|evening|late|early|weekend|double)[ ]shifts?|shifts?|days|nights|weekends|"
    r"part[- ]time|full[- ]time|remote|hybrid|another|a different|"
    r"the[ ](?:\w+[ ])?(?:team|role|department|position|shift|schedule|plan|stage|phase|level|version))\b",
    re.I,
)
def trim(value: str, max_words: int = 5) -> str:
    value = _VALUE_STOP.sub("", value.strip(" \"'"))
    value = value.strip(" ,.;:!?\"'()-")
    words = value.split()
    return " ".join(words[:max_words])


def _snake(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


_SINGULAR_IRREGULAR = {
    "children": "child", "kids": "child", "kid": "child", "people": "person", "men": "man", "women": "woman",
    "mice": "mouse", "geese": "goose", "teeth": "tooth", "feet": "foot", "fish": "fish", "sheep": "sheep",
    "series": "series",
}  # fmt: skip


def singular(noun: str) -> str:
    """Naive singular of an English noun ("puppies" -> "puppy", "marathons" -> "marathon")."""
    low = noun.lower()
    if low in _SINGULAR_IRREGULAR:
        return _SINGULAR_IRREGULAR[low]
    if low.endswith("ies") and len(low) > 4:
        return low[:-3] + "y"
    if low.endswith(("ches", "shes", "xes", "sses")):
        return low[:-2]
    if low.endswith("s") and not low.endswith(("ss", "us", "is")) and len(low) > 3:
        return low[:-1]
    return low



# --- builders: from a rule's match to a SlotMatch (or None) ------------------------------


def place(key: str, change: bool) -> Callable[[re.Match[str]], SlotMatch | None]:
    def build(m: re.Match[str]) -> SlotMatch | None:
        value = trim(m.group("v"), 4)
        if not value or _NOT_PLACE.match(value) or not (value[0].isupper() or len(value.split()) <= 2):
            return None
        return SlotMatch(key, value, negated=bool(m.groupdict().get("neg")), change=change)

    return build


def plain(key: str, *, change: bool = False, max_words: int = 4) -> Callable[[re.Match[str]], SlotMatch | None]:
    def build(m: re.Match[str]) -> SlotMatch | None:
        value = trim(m.group("v"), max_words)
        if not value or _NOT_A_THING.match(value):
            return None
        return SlotMatch(key, value.lower() if key in _LOWER_VALUES else value, bool(m.groupdict().get("neg")), change)

    return build


_LOWER_VALUES = frozenset({"job", "relationship_status", "diet"})


_NOT_FAVORITE_KIND = word_set("part thing moment memory bit one way aspect quote line scene time kind")


def favorite(m: re.Match[str]) -> SlotMatch | None:
    kind = singular(trim(m.group("k"), 3))
    value = _DETERMINER.sub("", trim(m.group("v"), 6))
    if not kind or not value or value.lower() in ("it", "this", "that", "one", "them", "they"):
        return None
    if kind.split()[0] in _NOT_FAVORITE_KIND or m.string[: m.start()].lower().endswith(("one of ", "some of ")):
        return None  # "my favourite part", "one of my favourite films": not a single-valued fact
    return SlotMatch(f"favorite_{_snake(kind)}", value, change=bool(m.groupdict().get("new")))


def count(key_prefix: str) -> Callable[[re.Match[str]], SlotMatch | None]:
    def build(m: re.Match[str]) -> SlotMatch | None:
        raw = m.group("n").lower()
        number = NUMBERS.get(raw) or ORDINALS.get(raw) or {"a couple of": "2", "a dozen": "12"}.get(raw, raw)
        noun = m.group("p").lower()
        if key_prefix == "pet_count":
            noun = PETS.get(noun, singular(noun))
        else:
            noun = singular(noun)
            if noun in _NOT_COUNTED:
                return None
        return SlotMatch(f"{key_prefix}:{_snake(noun)}", number)

    return build


_NOT_COUNTED = word_set("day week month year hour minute time thing question idea way reason friend people person")
_NOT_OBJECT = re.compile(
    r"^(?:to (?:just|really|also|always|think|say|believe|imagine|keep|make|try|take|remind|go|do|get|see|hear|"
    r"know|help|be|have|use|call|put|give|let|share|show|chat|talk|check|stay|spend|find|look|learn about)|"
    r"it|that|this|them|you|him|her|those|these|when|how|what|the idea|the way|the fact|seeing|hearing|knowing|"
    r"having|being|doing|that you|how you|your|his|my|our|their|all of|everything|anything|something|"
    r"reading about|learning about|one|each)\b",
    re.I,
)


def ordinal(m: re.Match[str]) -> SlotMatch:
    """ "my 5th marathon" -> count:marathon = 5."""
    raw = re.sub(r"(?<=\d)(?:st|nd|rd|th)$", "", m.group("n").lower())
    return SlotMatch(f"count:{_snake(singular(m.group('p')))}", ORDINALS.get(raw, raw))


def likes(m: re.Match[str]) -> SlotMatch | None:
    raw = _DETERMINER.sub("", m.group("v").strip())
    title = _PROPER_START.match(raw)  # "Lord of the Rings" keeps its "of the"
    obj = trim(title.group(0), 6) if title else _DETERMINER.sub("", trim(_OBJECT_STOP.sub("", raw), 4))
    if not obj or _NOT_OBJECT.match(obj) or _NOT_A_THING.match(obj):
        return None
    obj = re.sub(r"^to\s+", "", obj)
    if len(obj) < 3:
        return None
    negative = bool(m.group("neg")) != bool(m.group("bad"))
    return SlotMatch(f"likes:{_snake(obj.lower())}", obj.lower(), negated=negative, change="no longer" in m.group(0))


def diet(m: re.Match[str]) -> SlotMatch | None:
    value = m.group("v").lower().replace(" ", "-").replace("pescetarian", "pescatarian")
    return SlotMatch("diet", value, negated=bool(m.group("neg")), change=bool(m.groupdict().get("chg")))


