"""Slot detection for extraction (change, negation and entities: ``markers.py``).

A *slot* is the consolidation key of a single-valued fact ("home", "job", "favorite_food",
"likes:sushi", "pet_count:dog"); ``find_slot`` reads it from the first-person sentence
before rewriting, so the patterns can anchor on "I"/"my".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..lexicon import NUMBER_WORDS, ORDINAL_WORDS, word_set

__all__ = ["SlotMatch", "find_slot", "singular", "word_set"]



@dataclass(frozen=True)
class SlotMatch:
    """A single-valued fact found in a sentence: ``key`` is the slot without the subject prefix."""

    key: str
    value: str
    negated: bool = False
    change: bool = False


_I = r"(?<![\w'])[Ii](?=[\s'])"
_IM = r"(?<![\w'])(?:I'm|I am|i'm|i am)(?!\w)"
_ADV = r"(?:\s+(?:now|currently|still|also|just|recently|finally|already|actually|really|officially|happily|newly))*"
_NUMBERS = {w: str(i) for i, w in enumerate(NUMBER_WORDS)}
_ORDINALS = {w: str(i) for i, w in enumerate(ORDINAL_WORDS[:10], start=1)}
_NUM = r"(?:\d{1,4}|" + "|".join(_NUMBERS) + r"|a couple of|a dozen)"
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
_PETS = {
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
_PET = "(?:" + "|".join(sorted(_PETS, key=len, reverse=True)) + ")"
_JOBS = (
    r"nurse|teacher|doctor|physician|surgeon|dentist|pharmacist|engineer|developer|programmer|designer|lawyer|"
    r"attorney|accountant|chef|cook|baker|writer|author|novelist|journalist|editor|artist|painter|musician|"
    r"student|manager|consultant|scientist|researcher|professor|lecturer|therapist|counselor|counsellor|"
    r"firefighter|police officer|officer|pilot|driver|mechanic|electrician|plumber|carpenter|farmer|"
    r"photographer|architect|analyst|librarian|veterinarian|vet|paramedic|psychologist|social worker|"
    r"cashier|barista|waiter|waitress|bartender|salesperson|entrepreneur|freelancer|intern|coach|trainer|"
    r"athlete|player|dancer|actor|actress|singer|producer|filmmaker|director|secretary|clerk|banker|realtor|"
    r"agent|nanny|caregiver|tutor|instructor|soldier|guard|janitor|contractor|technician|specialist|"
    r"coordinator|administrator|receptionist|ceo|cto|cfo|founder|owner|retiree|housewife|homemaker|"
    r"stay-at-home (?:mom|dad|parent)|volunteer|mentor|politician|pastor|priest|midwife|veterinary nurse"
)
_NOT_PLACE = re.compile(
    r"^(?:a|an|my|this|that|it|the moment|the middle|the mood|peace|love|denial|home|with|there|here|together|"
    r"back|town|school|work|college|class|bed|the same|the process)\b",
    re.I,
)
_PROPER = r"[A-Z][\w'.&-]*(?:(?:\s+(?:of|the|de|del|la|le|du|upon|on|am|an|and))*\s+[A-Z][\w'.&-]*)*"
_NEG = r"(?:don't|do not|didn't|did not|no longer|never|not|can't|cannot|won't|wouldn't)"


def _trim(value: str, max_words: int = 5) -> str:
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


# --- slot patterns --------------------------------------------------------------------------
# Each entry: compiled pattern, and a function from the match to a SlotMatch (or None).

_SlotRule = tuple[re.Pattern[str], Callable[[re.Match[str]], SlotMatch | None]]


def _place(key: str, change: bool) -> Callable[[re.Match[str]], SlotMatch | None]:
    def build(m: re.Match[str]) -> SlotMatch | None:
        value = _trim(m.group("v"), 4)
        if not value or _NOT_PLACE.match(value) or not (value[0].isupper() or len(value.split()) <= 2):
            return None
        return SlotMatch(key, value, negated=bool(m.groupdict().get("neg")), change=change)

    return build


def _plain(key: str, *, change: bool = False, max_words: int = 4) -> Callable[[re.Match[str]], SlotMatch | None]:
    def build(m: re.Match[str]) -> SlotMatch | None:
        value = _trim(m.group("v"), max_words)
        if not value or _NOT_A_THING.match(value):
            return None
        return SlotMatch(key, value.lower() if key in _LOWER_VALUES else value, bool(m.groupdict().get("neg")), change)

    return build


_LOWER_VALUES = frozenset({"job", "relationship_status", "diet"})


_NOT_FAVORITE_KIND = word_set("part thing moment memory bit one way aspect quote line scene time kind")


def _favorite(m: re.Match[str]) -> SlotMatch | None:
    kind = singular(_trim(m.group("k"), 3))
    value = _DETERMINER.sub("", _trim(m.group("v"), 6))
    if not kind or not value or value.lower() in ("it", "this", "that", "one", "them", "they"):
        return None
    if kind.split()[0] in _NOT_FAVORITE_KIND or m.string[: m.start()].lower().endswith(("one of ", "some of ")):
        return None  # "my favourite part", "one of my favourite films": not a single-valued fact
    return SlotMatch(f"favorite_{_snake(kind)}", value, change=bool(m.groupdict().get("new")))


def _count(key_prefix: str) -> Callable[[re.Match[str]], SlotMatch | None]:
    def build(m: re.Match[str]) -> SlotMatch | None:
        raw = m.group("n").lower()
        number = _NUMBERS.get(raw) or _ORDINALS.get(raw) or {"a couple of": "2", "a dozen": "12"}.get(raw, raw)
        noun = m.group("p").lower()
        if key_prefix == "pet_count":
            noun = _PETS.get(noun, singular(noun))
        else:
            noun = singular(noun)
            if noun in _NOT_COUNTED:
                return None
        return SlotMatch(f"{key_prefix}:{_snake(noun)}", number)

    return build


_NOT_COUNTED = word_set("day week month year hour minute time thing question idea way reason friend people person")
_LIKE_POS = (
    r"love|like|adore|enjoy|prefer|am into|'m into|am a (?:big |huge )?fan of|'m a (?:big |huge )?fan of|"
    r"am obsessed with|'m obsessed with|am passionate about|'m passionate about|am crazy about|'m crazy about"
)
_LIKE_NEG = (
    r"hate|dislike|detest|loathe|can't stand|cannot stand|am not a fan of|'m not a fan of|am not into|"
    r"'m not into|am not a big fan of|'m not a big fan of"
)
_NOT_OBJECT = re.compile(
    r"^(?:to (?:just|really|also|always|think|say|believe|imagine|keep|make|try|take|remind|go|do|get|see|hear|"
    r"know|help|be|have|use|call|put|give|let|share|show|chat|talk|check|stay|spend|find|look|learn about)|"
    r"it|that|this|them|you|him|her|those|these|when|how|what|the idea|the way|the fact|seeing|hearing|knowing|"
    r"having|being|doing|that you|how you|your|his|my|our|their|all of|everything|anything|something|"
    r"reading about|learning about|one|each)\b",
    re.I,
)


def _ordinal(m: re.Match[str]) -> SlotMatch:
    """ "my 5th marathon" -> count:marathon = 5."""
    raw = re.sub(r"(?<=\d)(?:st|nd|rd|th)$", "", m.group("n").lower())
    return SlotMatch(f"count:{_snake(singular(m.group('p')))}", _ORDINALS.get(raw, raw))


def _likes(m: re.Match[str]) -> SlotMatch | None:
    raw = _DETERMINER.sub("", m.group("v").strip())
    title = _PROPER_START.match(raw)  # "Lord of the Rings" keeps its "of the"
    obj = _trim(title.group(0), 6) if title else _DETERMINER.sub("", _trim(_OBJECT_STOP.sub("", raw), 4))
    if not obj or _NOT_OBJECT.match(obj) or _NOT_A_THING.match(obj):
        return None
    obj = re.sub(r"^to\s+", "", obj)
    if len(obj) < 3:
        return None
    negative = bool(m.group("neg")) != bool(m.group("bad"))
    return SlotMatch(f"likes:{_snake(obj.lower())}", obj.lower(), negated=negative, change="no longer" in m.group(0))


def _diet(m: re.Match[str]) -> SlotMatch | None:
    value = m.group("v").lower().replace(" ", "-").replace("pescetarian", "pescatarian")
    return SlotMatch("diet", value, negated=bool(m.group("neg")), change=bool(m.groupdict().get("chg")))


_SLOT_RULES: tuple[_SlotRule, ...] = (
    (re.compile(r"\b(?i:my name)(?:'s| is) (?P<v>[A-Z][\w'-]*(?: [A-Z][\w'-]*)?)|"
                r"\b(?i:call me|I go by) (?P<w>[A-Z]\w+)"),
     lambda m: SlotMatch("name", m.group("v") or m.group("w"))),
    (re.compile(rf"{_IM}(?: now)? (?P<v>\d{{1,3}})(?: years? old| yrs? old| y/?o)?(?=\s*(?:[.,!;]|$|years| and| now| this| but))", re.I),  # noqa: E501
     lambda m: SlotMatch("age", m.group("v")) if 0 < int(m.group("v")) < 120 else None),
    (re.compile(rf"{_I}(?: just)? turned (?P<v>\d{{1,3}})\b|\bmy age is (?P<w>\d{{1,3}})"),
     lambda m: SlotMatch("age", m.group("v") or m.group("w"), change=bool(m.group("v")))),
    (re.compile(r"\bmy (?P<new>new )?(?:all-time |absolute |current |personal )?favou?rite (?P<k>[a-z][\w -]{1,30}?)(?: of all time| right now| these days| at the moment)? (?:is|are|was|has to be|would have to be|would be)(?: probably| definitely| still| now| currently)? (?P<v>[^,.;!?]+)", re.I),  # noqa: E501
     _favorite),
    (re.compile(r"\bmy (?P<new>new )?favou?rite (?P<k>[a-z]+(?: [a-z]+)?),? (?P<v>\"[^\"]+\"|'[^']+'|[A-Z][\w'&-]*(?: [A-Z][\w'&-]*)*)"),  # noqa: E501
     _favorite),
    (re.compile(r"^(?:I think |honestly,? )?(?P<v>[\w'\" -]{2,40}?) (?:is|are) (?:still |now |definitely |by far )?my (?P<new>new )?favou?rite (?P<k>[a-z]+(?: [a-z]+)?)\b", re.I),  # noqa: E501
     _favorite),
    (re.compile(rf"{_I}(?:'ve| have)?{_ADV} (?:have|own|got|'ve got) (?P<n>{_NUM}) (?:\w+ ){{0,2}}?(?P<p>{_PET})\b", re.I),  # noqa: E501
     _count("pet_count")),
    (re.compile(rf"\bwe(?:'ve| have)?{_ADV} (?:have|own|got) (?P<n>{_NUM}) (?:\w+ ){{0,2}}?(?P<p>{_PET})\b", re.I),
     _count("pet_count")),
    (re.compile(rf"{_I}(?:'ve| have){_ADV} (?:run|ran|done|completed|finished|read|visited|written|published|climbed|won|watched|played|baked|seen|taken|been to|traveled to|travelled to|attended|hiked|earned|raised|lost|gained|adopted|fostered|planted|built|painted|made|sold|saved|rescued) (?:over |more than |about |almost |nearly )?(?P<n>{_NUM}) (?:[a-z-]+ )??(?P<p>[a-z-]{{2,}}s)\b", re.I),  # noqa: E501
     _count("count")),
    (re.compile(rf"{_I}{_ADV} (?:have|'ve got) (?P<n>{_NUM}) (?P<p>kids|children|sons|daughters|siblings|brothers|sisters|grandchildren|cars|bikes|houses|tattoos|jobs)\b", re.I),  # noqa: E501
     _count("count")),
    (re.compile(r"\b(?:this is|that was|it was|it's|just (?:ran|finished|completed|did))? ?my (?P<n>\d{1,3}(?:st|nd|rd|th)|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth) (?P<p>marathon|race|triathlon|book|novel|album|tattoo|trip|visit|concert|tournament|child|baby|kid|dog|cat|car|job|film|movie|show|exhibition)\b", re.I),  # noqa: E501
     _ordinal),
    (re.compile(rf"(?:{_I}|\bwe)(?:'ve| have)?{_ADV} (?P<chg>moved|relocated) (?:back |over |out |away )?(?:to|into|in) (?P<v>[^,.;!?]+)", re.I),  # noqa: E501
     _place("home", True)),
    (re.compile(rf"(?<![\w'])(?:I|i|we|We)(?: am| are)?{_ADV} (?:live|living|reside|residing|based|settled) (?:now |currently )?(?:in|at) (?P<v>[^,.;!?]+)", re.I),  # noqa: E501
     _place("home", False)),
    (re.compile(r"\bmy (?:home|house|apartment|flat) is (?:now )?in (?P<v>[^,.;!?]+)", re.I), _place("home", False)),
    (re.compile(rf"(?:{_IM}(?: originally)? from|{_I} (?:grew up|was born and raised|was born|was raised) in|\bmy hometown is) (?P<v>[^,.;!?]+)", re.I),  # noqa: E501
     _place("hometown", False)),
    (re.compile(rf"{_I}(?:'ve| have)?{_ADV} (?:work|worked|am working|'m working|been working) (?:now |currently )?as (?:a |an )?(?P<v>[^,.;!?]+)", re.I),  # noqa: E501
     _plain("job", max_words=4)),
    (re.compile(rf"{_I}{_ADV} (?:got|started|accepted|took|landed|found|began|have|'ve got) (?:a |my |the )?(?:new )?(?:job|position|role|career) as (?:a |an )?(?P<v>[^,.;!?]+)", re.I),  # noqa: E501
     _plain("job", change=True, max_words=4)),
    (re.compile(rf"{_I}{_ADV} (?:was|got|have been|'ve been) (?:hired|promoted|appointed) (?:as|to) (?:a |an |the )?(?P<v>[^,.;!?]+)", re.I),  # noqa: E501
     _plain("job", change=True, max_words=4)),
    (re.compile(rf"(?:{_IM}{_ADV}|{_I}{_ADV} (?:became|got a job as|was hired as|got promoted to|am now)) (?:a |an )?(?P<v>(?:[a-z-]+ ){{0,2}}(?:{_JOBS}))\b(?! of| to)", re.I),  # noqa: E501
     _plain("job", max_words=4)),
    (re.compile(rf"\b(?i:my) (?P<new>(?i:new) )?(?i:job|role|position) is (?:now )?(?:at|with|for) (?:the )?"
                rf"(?P<v>{_PROPER})"),
     lambda m: SlotMatch("employer", _trim(m.group("v"), 5), change=bool(m.group("new")))),
    (re.compile(r"\bmy (?:new )?(?:job|role|position|profession|occupation) is (?:as )?(?:a |an )?(?P<v>[^,.;!?]+)",
                re.I),
     _plain("job", max_words=4)),
    (re.compile(rf"{_IM}{_ADV} (?P<v>retired)\b|{_I}{_ADV} (?P<w>retired)\b", re.I),
     lambda m: SlotMatch("job", "retired", change=True)),
    (re.compile(rf"{_I}(?:'ve| have)?{_ADV} (?:work|worked|am working|'m working|been working|got a job|started working|started a job|got hired|am employed|'m employed|accepted a job|took a job|interned)(?: now| currently)? (?:at|for|by|with) (?P<v>{_PROPER})"),  # noqa: E501
     _plain("employer", change=False, max_words=5)),
    (re.compile(rf"{_IM}{_ADV} (?P<neg>not )?(?P<v>married|single|divorced|engaged|widowed|separated|in a relationship|dating someone|seeing someone)\b", re.I),  # noqa: E501
     _plain("relationship_status")),
    (re.compile(rf"{_I}{_ADV} got (?P<v>married|divorced|engaged|separated)\b", re.I),
     _plain("relationship_status", change=True)),
    (re.compile(rf"(?:{_I}|\bwe){_ADV} (?:broke up|split up|called it quits)\b", re.I),
     lambda m: SlotMatch("relationship_status", "single", change=True)),
    (re.compile(rf"(?:{_IM}|{_I} (?P<chg>went|became|turned|have been|'ve been))(?:{_ADV}) (?P<neg>not |no longer )?(?:a |an |fully |strictly |mostly )?(?P<v>vegetarian|vegan|pescatarian|pescetarian|flexitarian|keto|paleo|gluten[- ]free|dairy[- ]free)\b", re.I),  # noqa: E501
     _diet),
    (re.compile(rf"{_I}{_ADV} (?P<neg>stopped being|quit being|gave up being) (?:a |an )?(?P<v>vegetarian|vegan|pescatarian)\b", re.I),  # noqa: E501
     lambda m: SlotMatch("diet", m.group("v").lower(), negated=True, change=True)),
    (re.compile(rf"(?<!\w)(?:I|i)(?: really| absolutely| totally| just| also| still| truly| do| kinda| kind of| sort of| genuinely| honestly)* (?P<neg>{_NEG} |no longer )?(?:really |particularly |even |much )?(?:(?P<good>{_LIKE_POS})|(?P<bad>{_LIKE_NEG}))\s+(?P<v>[^,.;!?]+)"),  # noqa: E501
     _likes),
)  # fmt: skip


_EXPANSIONS = {"i'm": "I am", "im": "I am", "we're": "we are", "don't": "don't"}
_EXPAND = re.compile(r"(?<![\w'])(?:I'm|i'm|im|we're|We're)(?!\w)")


def find_slot(sentence: str) -> SlotMatch | None:
    """The first single-valued fact stated in a first-person sentence, if any.

    Example::

        >>> find_slot("I have two dogs")
        SlotMatch(key='pet_count:dog', value='2', negated=False, change=False)
        >>> find_slot("I don't like sushi anymore").key
        'likes:sushi'
    """
    text = _EXPAND.sub(lambda m: _EXPANSIONS[m.group(0).lower()], sentence)
    for pattern, build in _SLOT_RULES:
        m = pattern.search(text)
        if m:
            slot = build(m)
            if slot is not None:
                return slot
    return None
