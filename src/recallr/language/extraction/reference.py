"""Pronouns resolved against the conversation: who "she", "it" and "they" are.

A ``Discourse`` is fed every sentence of both roles, in order, and keeps the referents the last few
sentences introduced: possessed noun phrases ("my sister" -> the speaker's sister, "your new bike" said
to the user -> the user's new bike), things the speaker got ("I bought a new bike" -> the speaker's new
bike), people named with their relation ("my friend Jake" -> Jake), quoted titles ("Dune"), and things
a question points at ("What's the story behind that trophy?").

``resolve`` rewrites a pronoun whose antecedent is not in its own sentence, conservatively: it looks back
sentence by sentence (at most ``_MAX_TURNS`` messages), and the nearest sentence with any fitting referent
must hold exactly one, else the pronoun stays as it is. A subject "it" reaches back only over reactions and
talk about it ("Nice! How do you like it?"), and within its own message it is left to join the sentence
before; "they" and "it" are resolved only as subjects; a bare "this"/"that" never (it points at an event or
a remark); "her"/"him"/"his" not when a name or a relation ("grandma") comes before them in the sentence.

Bounded: a fixed number of sentences is kept, each sentence is scanned once by anchored patterns.

Example::

    >>> d = Discourse()
    >>> d.note("My sister's birthday is in March.", "User", None)
    >>> d.resolve("I want to get her a gift.", "User")
    Resolution(text='I want to get my sister a gift.', subject_unresolved=False, expletive=False)
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass

from ..lexicon import STOPWORDS, word_set
from .person import IRREGULAR_PAST as _IRREGULAR_PAST

__all__ = ["Discourse", "Referent", "Resolution", "referents"]

_FEMALE = word_set(
    """sister mom mum mother wife girlfriend daughter aunt niece grandma grandmother granddaughter fiancee fiancée
    stepmother stepsister stepdaughter sis godmother bride queen lady girl woman"""
)
_MALE = word_set(
    """brother dad father husband boyfriend son uncle nephew grandpa grandfather grandson fiance stepfather
    stepbrother stepson bro godfather groom hubby king boy man guy gentleman"""
)
_PERSON = word_set(
    """friend boss partner doctor neighbor neighbour coworker colleague teacher roommate therapist cousin kid child
    baby manager landlord landlady mentor coach trainer tutor classmate teammate bestie bff dentist lawyer
    accountant sibling spouse parent grandparent toddler teen teenager student client supervisor nanny babysitter
    pal buddy ex date"""
)
_ANIMAL = word_set(
    """dog cat puppy kitten pup pet horse bird parrot rabbit bunny hamster turtle tortoise snake lizard gecko ferret
    goldfish fish pony goat chicken pig cow"""
)
_PLURAL_PEOPLE = word_set(
    """parents kids children friends sisters brothers siblings cousins grandparents colleagues coworkers neighbors
    neighbours roommates twins daughters sons people folks family parents-in-law in-laws guys girls boys students
    clients teammates classmates dogs cats pets puppies kittens"""
)
_LIVING = _FEMALE | _MALE | _PERSON | _ANIMAL | _PLURAL_PEOPLE
_ADJECTIVES = word_set(
    """new old little big younger older oldest youngest eldest best favorite favourite first second current former
    ex late dear sweet own lovely beautiful baby twin step elderly sick brand other whole entire next last
    grown adopted rescue rescued local childhood high school college true real full only main usual regular great
    good bad biggest big favourite lovely amazing awesome beloved precious trusty beautiful used secondhand
    second-hand refurbished vintage antique handmade electric"""
)
_TIME_WORDS = word_set("last next this week weekend month year today yesterday tomorrow night morning ago")
_NOT_HEAD = STOPWORDS | word_set(
    """way time day days week weeks month year years life mind heart own best part thing things lot bit whole
    fault turn place opinion view idea question point experience goal goals plan plans dream dreams self love
    concern help advice support kindness encouragement words thoughts feelings taste bond work passion hard
    attention interest pleasure luck patience understanding company condolences congratulations wishes
    sympathy regards apologies story stories news update message reply answer thanks gratitude journey
    progress success efforts effort dedication talent skills skill energy vibe vibes mood spirit courage potential
    transition difference future perseverance resilience determination creative regular addition growth health
    career recovery situation experience experiences journey life decision choice minds hearts lives bodies homes
    hands eyes faces feelings thoughts souls selves spirits emotions identity comfort fitness surge confidence
    wellbeing well-being mental physical self-care motivation inspiration strength path paths hope hopes"""
)
# The noun phrase is read in a lookahead, so "my sister and my mum" yields both.
_POSSESSED = re.compile(
    r"(?<![\w'])(?P<owner>my|My|our|Our|your|Your)\s+(?=(?P<np>[a-z][a-z-]*(?:\s+[a-z][a-z-]*){0,2}))"
)
_GOT = re.compile(
    r"(?<![\w'])(?:I|we)(?:'ve| have)?(?:\s+(?:just|finally|recently|also|actually))?\s+(?P<verb>bought|got|"
    r"adopted|made|painted|built|found|ordered|received|rescued|have|own|started|wrote|planted|purchased|"
    r"inherited|picked up|leased|rented|borrowed|booked|knitted|baked|sewed|finished)\s+"
    r"(?:a|an|two|three|four|five|\d{1,2})\s+"
    r"(?=(?P<np>[A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*){0,2}))"
)
_POINTED = re.compile(r"(?<![\w'])(?:that|this|That|This)\s+(?=(?P<np>[a-z][a-z-]*(?:\s+[a-z][a-z-]*)?))")
_SOMEONE = re.compile(r"(?<![\w'])(?:a|an)\s+(?=(?P<np>[a-z][a-z-]*(?:\s+[a-z][a-z-]*){0,2}))")
_NAMED = re.compile(r",?\s*(?:named |called )?(?P<name>[A-Z][a-z]+)\b")
_TITLE = re.compile(r"\"(?P<t>[A-Z][^\"]{1,60})\"|(?<![\w])'(?P<u>[A-Z][^']{1,60})'(?!\w)")


@dataclass(frozen=True)
class Referent:
    """Something a pronoun can point back to."""

    phrase: str  # "sister", "new bike", "Anna", "Dune"
    kind: str  # "female", "male", "person", "animal", "thing", "plural"
    owner: str | None = None  # whose it is ("User", "Caroline"); None for names, titles, things pointed at
    proper: bool = False  # a name or a title: written as it is

    def render(self, speaker: str) -> str:
        """The phrase as ``speaker`` would say it ("my sister", "Caroline's dog", "the trophy", "Anna")."""
        if self.proper:
            return self.phrase
        if self.owner == speaker:
            return f"my {self.phrase}"
        return f"{self.owner}'s {self.phrase}" if self.owner else f"the {self.phrase}"


@dataclass(frozen=True)
class Resolution:
    text: str
    subject_unresolved: bool  # the sentence opens on a pronoun or deictic that nothing resolves
    expletive: bool = False  # the sentence opens on an empty "it" ("It's great to ...")


def _kind(head: str) -> str | None:
    if head in _FEMALE:
        return "female"
    if head in _MALE:
        return "male"
    if head in _PERSON:
        return "person"
    if head in _ANIMAL:
        return "animal"
    if head in _PLURAL_PEOPLE:
        return "plural"
    if head in _NOT_HEAD or len(head) < 3 or head.endswith(("ly", "ing", "ed")):
        return None
    return "plural" if head.endswith("s") and not head.endswith(("ss", "us", "is")) else "thing"


def _noun_phrase(np: str) -> tuple[str, str] | None:
    """("new road bike", "bike") from the words after a possessive: adjectives, then a noun or a compound.

    A compound goes on while the next word can be a singular noun ("road bike last week" -> "road bike"),
    not a verb ("dog loves", "car broke") nor a time word.
    """
    words = np.split()
    if not words or not (words[0] in _LIVING or words[0] in _ADJECTIVES or _head_word(words[0].lower())):
        return None
    taken: list[str] = []
    for word in words:
        if taken and (taken[-1] in _LIVING or taken[-1].endswith("s") or
                      (taken[-1] not in _ADJECTIVES and not _compound(word))):
            break  # "my mum live in ...": a person or an animal heads no compound
        taken.append(word)
    while taken and taken[-1] in _ADJECTIVES:
        taken.pop()
    return (" ".join(taken), taken[-1]) if taken else None


def _head_word(word: str) -> bool:
    """Can ``word`` be a noun (not a stopword, a verb form, an adverb or a time word)?"""
    return not (word in _NOT_HEAD or word in _IRREGULAR_PAST or word.endswith(("ed", "ly", "ing"))
                or word in _TIME_WORDS)


def _compound(word: str) -> bool:
    """Can ``word`` go on a compound noun ("road bike"): a head word, and not a verb's "-s" form."""
    return _head_word(word) and not (word.endswith("s") and not word.endswith("ss"))


_COMPATIBLE = {
    "female": frozenset({"female", "person", "animal"}),
    "male": frozenset({"male", "person", "animal"}),
    "plural": frozenset({"plural"}),
    "thing": frozenset({"thing", "animal"}),
}
_PRONOUN_KIND = {
    "she": "female", "her": "female", "hers": "female", "he": "male", "him": "male", "his": "male",
    "they": "plural", "them": "plural", "their": "plural", "it": "thing", "its": "thing", "this": "thing",
    "that": "thing", "these": "plural", "those": "plural",
}  # fmt: skip
_POSSESSIVE = frozenset({"his", "its", "their"})
_PRONOUN = re.compile(
    r"(?<![\w'])(?P<p>[Ss]he|[Hh]er|[Hh]e|[Hh]im|[Hh]is|[Tt]hey|[Tt]hem|[Tt]heir|[Ii]t|[Ii]ts|[Tt]his|[Tt]hat|"
    r"[Tt]hese|[Tt]hose)"
    r"(?P<c>'s|'re|'ve|'ll|'d)?(?![\w'])"
)
_CONTRACTED = {"'re": " are", "'ve": " have", "'ll": " will", "'d": " would"}
_HAS_NEXT = re.compile(r"\s+(?:been|got|gotten|had)\b|\s+\w+ed\b")
# "It's great to ...", "It's been two years since ...", "It's time to ...": "it" points at nothing.
_EXPLETIVE = re.compile(
    r"^(?:it|It)\s+(?:seems|seemed)\s+(?:like|as if|as though)\b|"
    r"^(?:it|It)\s+(?:means|meant|would mean)\s+(?:a lot|so much|the world|everything)\b|"
    r"^(?:it|It)(?:'s| is| was| has been|'s been| feels| felt| seems| seemed| would be| will be| can be| must be|"
    r" might be| could be| gets| got| makes| made)(?:\s+(?:so|really|very|pretty|super|kinda|kind of|quite|"
    r"just|always|still|also|truly|honestly|definitely|such|a bit|a little|been|not|never))*\s+"
    r"(?:(?:[a-z]+\s+){0,2}?(?:to|how|that|when|what|why|where|if|whether|seeing|having|being|knowing|getting|"
    r"watching|hearing|finding|making|doing|working|going|taking|learning|spending|reading|trying|feeling)\b|"
    r"(?:time|about|\d+|a (?:while|long time|couple|few)|(?:one|two|three|four|five|six|ten) \w+ (?:since|ago)))"
)
# After a bare "this"/"that", a verb: "That was amazing", "This made my day" (not "that trophy").
_BARE_DEMONSTRATIVE = re.compile(
    r"^(?:this|that|these|those|This|That|These|Those)(?:\s+(?:all|one|alone|too|stuff))?"
    r"(?:'s|\s+(?:is|was|are|were|have|has|had|will|would|can|could|should|must|might|made|makes|make|does|do|did|"
    r"doesn't|don't|didn't|isn't|wasn't|aren't|won't|can't|always|never|"
    r"sounds|looks|seems|means|feels|felt|really|just|also|definitely|totally|helped|helps|gave|gives|took|"
    r"reminds|reminded|brought|brings|inspired|inspires|kept|keeps|got|gets|became)\b)"
)
_IT = re.compile(r"(?<![\w'])[Ii]t(?:'s)?(?![\w'])")
_NAME_BEFORE = re.compile(r"(?<=[a-z,] )[A-Z][a-z]+")


def _living_before(before: str) -> bool:
    return any(w in _LIVING for w in before.lower().replace(",", " ").split())


def _caption_start(text: str) -> int:
    """Where a "[shares a photo: ...]" caption starts: its pronouns are the picture's, not the talk's."""
    at = text.find("[")
    return at if at >= 0 else len(text)


def _tag(text: str, end: int) -> bool:
    """ "..., don't they?": a pronoun closing the sentence after a negated auxiliary."""
    rest = text[end : end + 3].strip(" ?!.")
    return not rest and text[max(0, end - 12) : end].find("n't ") >= 0


_MAX_SENTENCES = 12
_MAX_TURNS = 3


class Discourse:
    """The referents of the last few sentences of a conversation, newest last (see the module docstring)."""

    def __init__(self) -> None:
        # (message number, referents, whether it moves on: says no "it" and more than a reaction's few words)
        self._sentences: deque[tuple[int, tuple[Referent, ...], bool]] = deque(maxlen=_MAX_SENTENCES)
        self._turn = 0

    def next_turn(self) -> None:
        """Mark the start of another message (pronouns reach back at most ``_MAX_TURNS`` messages)."""
        self._turn += 1

    def note(self, text: str, speaker: str, listener: str | None) -> None:
        """Record the referents a sentence said by ``speaker`` (to ``listener``, when a name) introduces."""
        talk = text[:_caption_start(text)]  # a shared photo's caption does not move the talk on from its topic
        moves_on = not _IT.search(talk) and talk.count(" ") >= 3
        found = tuple(r for r in referents(text, speaker, listener) if r.owner != "Assistant")
        self._sentences.append((self._turn, found, moves_on))

    def resolve(self, text: str, speaker: str) -> Resolution:
        """``text`` with the pronouns whose antecedent is clear rewritten, in ``speaker``'s voice."""
        parts: list[str] = []
        last = 0
        unresolved = expletive = False
        seen: set[str] = set()  # kinds already pointed at in this sentence: a later pronoun is the same one
        for m in _PRONOUN.finditer(text, 0, _caption_start(text)):
            lead = m.start() == 0
            word = m.group("p").lower()
            kind = _PRONOUN_KIND[word]
            if kind in seen:
                continue
            seen.add(kind)
            if word in ("this", "that", "these", "those"):
                # a bare demonstrative points at an event or a remark ("That's great!"), not at a noun phrase:
                # never guessed; a demonstrative noun phrase ("That trophy ...") is handled with the clause
                unresolved = unresolved or (lead and bool(_BARE_DEMONSTRATIVE.match(text)))
                continue
            if lead and word == "it" and _EXPLETIVE.match(text):
                expletive = True
                continue
            if not lead and (kind in ("thing", "plural") or _tag(text, m.end())):
                continue  # only a subject "it"/"they" needs an antecedent to stand alone; "don't they?" is a tag
            if not lead and (_NAME_BEFORE.search(text, 1, m.start()) or _living_before(text[: m.start()])):
                continue  # "I met Anna and gave her a book": the name (or "grandma") before is the likelier one
            if text[m.end() : m.end() + 1] == "/" or text[max(0, m.start() - 1) : m.start()] == "/":
                continue  # "he/she": no one in particular
            # a subject "it" in the same message reads with the sentence before it (joined there), not resolved
            found = self._antecedent(kind, text[: m.start()], speaker, same_message=kind != "thing")
            if found is None:
                unresolved = unresolved or lead
                continue
            parts.append(text[last : m.start()])
            parts.append(_replacement(found, m, text, lead))
            last = m.end()
        parts.append(text[last:])
        return Resolution("".join(parts), unresolved, expletive)

    def _antecedent(self, kind: str, before: str, speaker: str, *, same_message: bool) -> str | None:
        fits = _COMPATIBLE[kind]
        if any(r.kind in fits for r in referents(before, speaker, None)):
            return None  # the antecedent is in the sentence itself: the pronoun reads fine
        for turn, sentence, moves_on in reversed(self._sentences):
            if self._turn - turn >= _MAX_TURNS:
                return None
            if turn == self._turn and not same_message:
                return None  # "It was made for ...": the message's own sentence before is what "it" is
            found = {r.render(speaker) for r in sentence if r.kind in fits}
            if found:
                return found.pop() if len(found) == 1 else None
            if kind == "thing" and moves_on:
                return None  # "it" reaches back only over reactions and talk about it ("Nice! How do you like it?")
        return None


def _replacement(rendered: str, m: re.Match[str], text: str, lead: bool) -> str:
    word = m.group("p").lower()
    contraction = m.group("c") or ""
    if word in _POSSESSIVE or (word == "her" and _possessive_her(text, m.end())):
        out = rendered + ("'" if rendered.endswith("s") and not rendered[:1].isupper() else "'s")
    elif contraction == "'s":
        out = rendered + (" has" if _HAS_NEXT.match(text, m.end()) else " is")
    else:
        out = rendered + _CONTRACTED.get(contraction, "")
    return out[:1].upper() + out[1:] if lead else out


_OBJECT_NEXT = word_set(
    """around back up down out off over away home again too now today more much so very well there here instead
    alone already yet anymore tomorrow tonight everything something anything feel know"""
)


def _possessive_her(text: str, end: int) -> bool:
    """ "her birthday" (possessive) rather than "get her a gift" (object)."""
    rest = text[end : end + 30].lstrip()
    word = rest.split(" ", 1)[0].strip(".,!?;:").lower() if rest[:1].isalpha() else ""
    return bool(word) and word not in STOPWORDS and word not in _OBJECT_NEXT


def referents(text: str, speaker: str, listener: str | None) -> tuple[Referent, ...]:
    """What a sentence introduces that a later pronoun can point back to (see the module docstring).

    Example::

        >>> [r.render("User") for r in referents("I adopted a puppy and my sister Anna loves him.", "User", None)]
        ['my puppy', 'Anna']
    """
    found: list[tuple[int, Referent]] = []
    for m in _POSSESSED.finditer(text):
        owner = listener if m.group("owner").lower() == "your" else speaker
        if owner:
            found.extend(_possessed(text, m, owner))
    for m in _GOT.finditer(text):
        found.extend(_possessed(text, m, speaker, animal=m.group("verb") in ("adopted", "rescued")))
    for m in _POINTED.finditer(text) if text.rstrip().endswith("?") else ():
        np = _noun_phrase(m.group("np"))
        kind = _kind(np[1]) if np else None
        if np and kind in ("thing", "person", "female", "male", "animal") and not np[1].endswith("s"):
            found.append((m.start(), Referent(np[0], kind)))
    for m in _SOMEONE.finditer(text):  # "I noticed a little girl sitting alone. She seemed so sad."
        np = _noun_phrase(m.group("np"))
        kind = _kind(np[1]) if np else None
        if np and kind in ("person", "female", "male"):
            found.append((m.start(), Referent(np[0], kind)))
    for m in _TITLE.finditer(text):
        title = (m.group("t") or m.group("u")).strip(" .,!?")
        if len(title.split()) <= 6 and title.lower() not in STOPWORDS:
            found.append((m.start(), Referent(title, "thing", proper=True)))
    return tuple(r for _, r in sorted(found, key=lambda f: f[0]))


def _possessed(text: str, m: re.Match[str], owner: str, *, animal: bool = False) -> list[tuple[int, Referent]]:
    np = _noun_phrase(m.group("np"))
    if np is None:
        return []
    phrase, head = np
    kind = _kind(head)
    if animal and kind == "thing":
        kind = "animal"  # "I adopted a greyhound"
    if kind == "thing" and ("favorite" in phrase or "favourite" in phrase):
        return []  # "my favorite snack" names a kind of thing, not the one "it" is about
    if kind is None:
        return []
    end = m.start("np") + len(phrase)
    named = _NAMED.match(text, end) if kind in ("female", "male", "person", "animal") else None
    if named is not None and named.group("name").lower() not in STOPWORDS:
        return [(m.start(), Referent(named.group("name"), kind, proper=True))]
    return [(m.start(), Referent(phrase, kind, owner))]
