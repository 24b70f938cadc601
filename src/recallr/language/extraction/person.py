"""Rewriting first and second person into third person.

Conventions (chosen for statements that read well alone and retrieve well):

* "I" becomes the subject's name everywhere, with the verb agreeing ("I love" -> "Caroline
  loves", "I'm" -> "Caroline is", "I've" -> "Caroline has"); the name is repeated rather
  than replaced by a pronoun, because the subject's gender is unknown and "they" would be
  ambiguous next to other plural referents.
* "me" -> the name, "my"/"mine" -> "Name's", "myself" -> "themself".  Once the name is in
  the sentence, a later "my"/"our" becomes "their" ("User loves their job"), unless someone
  else was mentioned in between and "their" could point at them.
* "we"/"us" -> "Name and family" when the message talks about family (kids, husband, ...),
  else "Name and friends"; "our"/"ours" -> "Name's" ("our dog" -> "User's dog").  It is a
  guess (in a two-person chat "we" is often the pair), but it reads well and keeps the
  subject's name in the statement for retrieval.
* "you" -> the listener ("the user" in assistant messages, "the assistant" in user
  messages, the other speaker in a two-person named conversation, else "the other
  person"), with agreement when "you" is clearly the subject ("you like" -> "the user likes").
* "US" (the country) is not "us".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .slots import word_set
from .text import COMMON_WORDS

__all__ = ["Voice", "company", "group_name", "lower_first", "to_third_person"]


@dataclass(frozen=True)
class Voice:
    """Who is speaking and to whom, for person rewriting."""

    name: str  # "User", "Assistant", "Caroline"
    group: str  # what "we" becomes: "Caroline and friends"
    listener: str | None  # what "you" becomes, None when unknown
    assistant: bool = False  # the (unnamed) assistant speaking

    @property
    def possessive(self) -> str:
        return f"{self.name}'s"

    @property
    def listener_name(self) -> str | None:
        """The listener when a name ("User", "Melanie"), to own what "your ..." points at; else None."""
        listener = self.listener
        return listener if listener and listener[:1].isupper() and listener != "Assistant" else None


_TOKEN = re.compile(r"([A-Za-z]+(?:'[A-Za-z]+)?)")
_ADVERBS = word_set(
    """also just always never still often usually sometimes really even finally actually definitely totally recently
    currently already kinda kind sort of mostly only truly honestly literally seriously absolutely certainly
    probably rarely hardly barely generally normally typically constantly regularly occasionally personally
    basically simply completely genuinely def then too so now first once again lately ever last no longer"""
)
_LY_VERBS = word_set("apply reply rely supply fly imply comply multiply ally rally tally bully")
_NO_AGREEMENT = word_set(
    """can could will would shall should may might must cannot can't couldn't won't wouldn't shouldn't mightn't mustn't
    was wasn't did didn't had hadn't were used to and or but the a an in on at of for with as if when that this it
    not n't gonna gotta"""
)
IRREGULAR_PAST = word_set(
    """went got saw took made came became gave found knew thought told felt left kept began brought bought caught
    taught fought built sent spent meant met ran sat stood understood wrote drove rode ate drank swam sang won lost
    paid said heard held slept woke wore broke chose spoke stole forgot fell flew grew drew threw blew hung led fed
    fled sold did had was were shook forgave hid bit dug lit slid spun stuck struck swung tore overcame undertook
    withdrew"""
)
_PRESENT_ED = word_set("need feed bleed breed speed succeed proceed exceed seed weed heed embed shred")  # not past
_AMBIGUOUS_PAST = word_set("read put set cut hit let quit hurt cost shut spread bet upset")
# Said after "I", these are nearly always the past ("I quit my job", "I hurt my knee"), unless a habit is said.
_MOSTLY_PAST_AFTER_I = re.compile(r"\bI (?:just |finally |accidentally )?(?:quit|cut|hit|hurt|upset|shut)\b",
                                  re.IGNORECASE)
_HABITUAL = re.compile(r"\b(?:every|always|usually|often|never|sometimes|each|whenever|tend to)\b", re.IGNORECASE)
_PAST_CUE = re.compile(
    r"\b(?:yesterday|ago|last|earlier|when I was|back then|once|already|just|a while back|the other day|since I|"
    r"in (?:19|20)\d\d|as a (?:kid|child)|growing up)\b",
    re.I,
)
_IRREGULAR_3SG = {
    "have": "has",
    "do": "does",
    "go": "goes",
    "be": "is",
    "am": "is",
    "are": "is",
    "don't": "doesn't",
    "haven't": "hasn't",
    "aren't": "isn't",
    "ain't": "isn't",
    "wanna": "wants to",
    "gotta": "has to",
    "were": "was",
    "weren't": "wasn't",
}
_YOU_VERBS = word_set(
    """are were have do don't haven't aren't weren't like love want need know think seem look sound mention enjoy
    prefer live work get go make feel deserve said mentioned told asked wanted liked loved enjoyed prefer plan hope
    use own play read watch visit eat"""
)
_PARTICIPLE = re.compile(r"^(?:been|done|gone|seen|had|got|gotten|known|taken|given|made|never|already|ever|\w+ed)$")
_FAMILY = re.compile(
    r"\b(?:famil(?:y|ies)|kids?|children|child|son|daughter|husband|wife|hubby|partner|mom|mum|dad|mother|father|"
    r"parents|sister|brother|siblings|grandma|grandpa|baby|in-laws?|spouse|fianc[eé]e?|grandkids|grandchildren|"
    r"grand(?:son|daughter)s?|nieces?|nephews?|cousins?|aunts?|uncles?|twins|toddlers?)\b",
    re.I,
)


# A home and what lives in it is a household's: "we adopted a puppy", "we're renovating our kitchen".
_HOUSEHOLD = re.compile(
    r"\b(?:adopt(?:ed|ing)?|puppy|puppies|pups?|kitty|kitten|kittens|pets?|dogs?|cats?|house|home|flat|apartment|"
    r"garden|kitchen|"
    r"mortgage|renovat(?:e|ed|ing)|moved|moving|relocat(?:e|ed|ing))\b",
    re.I,
)


_COMPANY = re.compile(
    r"\b(?:[Mm]y|[Oo]ur)\s+(?P<who>(?:[a-z-]+\s+)?(?:partner|husband|wife|hubby|boyfriend|girlfriend|fianc[eé]e?|"
    r"spouse|sister|brother|mom|mum|mother|dad|father|parents|friend|friends|son|daughter|kids|children|"
    r"family|roommate|flatmate|colleague|team|cousin|grandma|grandpa|in-laws)(?:\s+[A-Z][\w'-]*)?)\s+and\s+I\b"
)


def company(text: str) -> str | None:
    """Who "we" is from here on when a speaker says "My partner Alex and I ...": "Alex" (else "their partner").

    Example::

        >>> company("My partner Alex and I are flying to Tokyo."), company("My sister and I went to Bath.")
        ('Alex', 'their sister')
    """
    m = _COMPANY.search(text[:2000])
    if m is None:
        return None
    words = m.group("who").split()
    return words[-1] if words[-1][:1].isupper() else "their " + " ".join(words)


def group_name(name: str, text: str) -> str:
    """What "we" means for ``name`` in ``text``: family when the text talks about family or a household.

    Example::

        >>> group_name("User", "we adopted a puppy")
        'User and family'
        >>> group_name("User", "we went to a gig")
        'User and friends'
    """
    return f"{name} and family" if _FAMILY.search(text) or _HOUSEHOLD.search(text) else f"{name} and friends"


def _agree(verb: str, past_context: bool) -> str:
    """Third-person singular present of a verb that followed "I" (or subject "you")."""
    low = verb.lower()
    if low in _IRREGULAR_3SG:
        return _IRREGULAR_3SG[low]
    if low in _NO_AGREEMENT or low in IRREGULAR_PAST or "'" in low or low.endswith("n't") \
            or (low.endswith("ed") and low not in _PRESENT_ED):
        return verb
    if low in _AMBIGUOUS_PAST and past_context:
        return verb
    if not low.isalpha() or len(low) < 2:
        return verb
    if low.endswith(("s", "sh", "ch", "x", "z", "o")):
        return verb + "es"
    if low.endswith("y") and low[-2] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"


def _next_word(parts: list[str], i: int) -> int | None:
    """Index of the verb after a subject at ``parts[i]``, skipping adverbs; None across punctuation."""
    j = i + 2
    while j < len(parts):
        if parts[j - 1].strip():  # punctuation between the words
            return None
        low = parts[j].lower()
        if low in _ADVERBS or (low.endswith("ly") and low not in _LY_VERBS and len(low) > 4):
            j += 2
            continue
        return j
    return None


def _rewrite_i(parts: list[str], i: int, voice: Voice, past: bool) -> str:
    low = parts[i].lower()
    if low == "i":
        j = _next_word(parts, i)
        compound = (i >= 2 and parts[i - 2].lower() == "and" and not parts[i - 1].strip() and j is not None
                    and parts[j].lower() in ("are", "were"))  # "My husband and I are": plural, never "I are"
        inverted = i >= 2 and not parts[i - 1].strip() and parts[i - 2].lower() in ("do", "have", "am")
        if inverted:  # "only on weekdays do I have caffeine": "does User have"
            parts[i - 2] = {"do": "does", "have": "has", "am": "is"}[parts[i - 2].lower()]
        elif j is not None and not parts[j][0].isupper() and not compound:
            parts[j] = _agree(parts[j], past)
        return voice.name
    if low == "i'd":
        j = _next_word(parts, i)
        aux = "had" if j is not None and _PARTICIPLE.match(parts[j].lower()) and parts[j].lower() != "had" else "would"
        return f"{voice.name} {aux}"
    return f"{voice.name} " + {"i'm": "is", "i've": "has", "i'll": "will"}.get(low, "")


def _rewrite_we(low: str, voice: Voice) -> str:
    suffix = {"we're": " are", "we've": " have", "we'd": " would", "we'll": " will"}.get(low, "")
    return voice.group + suffix


def _rewrite_you(parts: list[str], i: int, voice: Voice, past: bool) -> str:
    listener = voice.listener or "the other person"
    low = parts[i].lower()
    if low == "you":
        j = _next_word(parts, i)
        if j is not None and parts[j].lower() in _YOU_VERBS:
            parts[j] = _agree(parts[j], past)
        return listener
    return f"{listener} " + {"you're": "is", "you've": "has", "you'd": "would", "you'll": "will"}.get(low, "")


_OTHER_PEOPLE = word_set("he she they his her hers them their theirs him your yours")
_SIMPLE = {
    "me": None,
    "my": "'s",
    "mine": "'s",
    "myself": "themself",
    "us": "group",
    "our": "'s",
    "ours": "'s",
    "ourselves": "themselves",
    "your": "you's",
    "yours": "you's",
    "yourself": "themself",
    "yourselves": "themselves",
    "ya": "you",
}


def to_third_person(text: str, voice: Voice) -> str:
    """Rewrite first person (and second person, when the listener is known) into third person.

    Example::

        >>> v = Voice("User", "User and friends", "the assistant")
        >>> to_third_person("I'm a nurse and I love my job", v)
        'User is a nurse and User loves their job'
        >>> to_third_person("I've been painting", Voice("Caroline", "Caroline and friends", None))
        'Caroline has been painting'
    """
    parts = _TOKEN.split(text)
    past = bool(_PAST_CUE.search(text)) or (_MOSTLY_PAST_AFTER_I.search(text) is not None
                                            and _HABITUAL.search(text) is None)
    named = False  # once the name is written, later "my"/"our" read better as "their"...
    ambiguous = False  # ...unless someone else was mentioned since, and "their" could be theirs
    for i in range(1, len(parts), 2):
        word = parts[i]
        low = word.lower()
        if low in _OTHER_PEOPLE:
            ambiguous = True
        if named and not ambiguous and low in ("my", "our"):
            parts[i] = "their"
            continue
        if low in ("i", "i'm", "i've", "i'd", "i'll"):
            if low == "i" and word != "I" and i > 1 and parts[i - 1].strip() not in ("", ","):
                continue  # a stray lowercase "i" inside something else
            parts[i] = _rewrite_i(parts, i, voice, past)
        elif low in ("we", "we're", "we've", "we'd", "we'll"):
            parts[i] = _rewrite_we(low, voice)
        elif low in ("you", "you're", "you've", "you'd", "you'll") and voice.listener:
            parts[i] = _rewrite_you(parts, i, voice, past)
            ambiguous = True
        elif low in _SIMPLE and not (word.isupper() and len(word) > 1):  # "US" is a country
            parts[i] = _simple(low, voice) or word
        named = named or (parts[i] != word and voice.name in parts[i])
    out = "".join(parts)
    return out[:1].upper() + out[1:] if out else out


def _simple(low: str, voice: Voice) -> str | None:
    kind = _SIMPLE[low]
    if low == "me":
        return voice.name
    if kind == "group":
        return voice.group
    if kind == "'s":
        return voice.possessive
    if kind == "you's":
        return f"{voice.listener}'s" if voice.listener else None
    if kind == "you":
        return voice.listener
    return kind


_COMMON_START = word_set(
    """the a an it this that these those there they he she his her their its some my our your one all every each many
    most much more being having today yesterday tomorrow tonight sometimes recently but and so or plus then must
    might could would should can will shall may need"""
)
_COMMON_SUFFIX = ("ing", "ed", "ly", "ness", "ful", "ous", "ive", "able", "ible")


def lower_first(text: str) -> str:
    """Lowercase the first letter unless the first word looks like a name (to embed after "said").

    Example::

        >>> lower_first("The acting was great"), lower_first("Paris is lovely"), lower_first("LGBTQ rights")
        ('the acting was great', 'Paris is lovely', 'LGBTQ rights')
    """
    first = text.split(" ", 1)[0].strip(",.;:!?\"'")
    low = first.lower().split("'")[0]
    if (first.isupper() and len(first) > 1) or low == "i":
        return text
    if low in _COMMON_START or low in COMMON_WORDS or low in _ADVERBS or low.endswith(_COMMON_SUFFIX):
        return text[:1].lower() + text[1:]
    return text
