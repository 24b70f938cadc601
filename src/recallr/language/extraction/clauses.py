"""Clauses: how a sentence's opening decides what its statement can be.

* A sentence opening on "Here's ..." shares something: it becomes "<speaker> shared ...".
* An empty "it" or "there" ("It's great to ...", "There's a lot of ...") is kept, said by the speaker.
* A demonstrative noun phrase ("This trilogy ...") becomes a definite one ("The trilogy ...").
* A pronoun subject nothing resolves leaves the clause; a later first-person clause may stand alone.
* Conditionals and wishes ("if I ever move to Tokyo", "I wish I had a dog") state no fact: no slot.
* Questions and requests can carry facts: "Given that I'm pregnant, is sushi OK?" -> "User is pregnant."

Every pattern is anchored or bounded, without nested quantifiers: linear in the sentence.
"""

from __future__ import annotations

import re

from ..lexicon import STOPWORDS, word_set

__all__ = [
    "definite",
    "elliptical",
    "framed",
    "hypothetical",
    "later_clause",
    "mentioned",
    "question_clauses",
    "shared",
    "subordinate",
    "without_habit_times",
]

_HERE = re.compile(r"^(?:here's|here is|here are|here're|heres)\s+(?P<rest>\S.*)$", re.IGNORECASE)
_HERE_FRAME = re.compile(
    r"^(?:what|how|why|the thing|the deal|my question|a question|the question|the situation|the story|the problem|"
    r"an update|the update|a quick update|my take|my plan|the plan|the issue)\b[^:]{0,60}:\s*(?P<rest>\S.*)$",
    re.IGNORECASE,
)


# An attachment note a chat app (or a transcript) writes: "[shares a photo: a photo of a red bike]".
_ATTACHMENT = re.compile(
    r"^\[(?:shares?|shared|sends?|sent|attache[sd]|attach(?:ment)?|image|photo|picture|video)\b[^:\]]{0,40}:\s*"
    r"(?:an?\s+(?:photo|photograph|photography|picture|image|pic|video|screenshot)\s+of\s+)?(?P<what>[^\]]{2,300})\]"
    r"[.!]?$",
    re.IGNORECASE,
)


def shared(text: str) -> str | None:
    """A "Here's ..." sentence or an attachment note as the speaker sharing something (else None).

    Example::

        >>> shared("Here's a photo of my garden."), shared("Here's the thing: I hate mornings.")
        ('I shared a photo of my garden.', 'I hate mornings.')
        >>> shared("[shares a photo: a photo of a red bike leaning on a wall]")
        'I shared a photo of a red bike leaning on a wall.'
    """
    attached = _ATTACHMENT.match(text)
    if attached is not None:
        return f"I shared a photo of {attached.group('what').strip()}."
    m = _HERE.match(text)
    if m is None:
        return None
    rest = m.group("rest")
    frame = _HERE_FRAME.match(rest)
    if frame is not None:
        return frame.group("rest")
    return f"I shared {rest}"


_EXISTENTIAL = re.compile(
    r"^(?:(?:last|this|next|yesterday|today|tonight|recently|earlier|lately|on|in|over|the other|a few|two|three)\b"
    r"[^,.!?]{0,30}?,?\s+)?there(?:'s|'re| is| are| was| were| has been| have been| had been| will be| used to be)\b",
    re.IGNORECASE,
)


def framed(text: str, expletive: bool) -> bool:
    """True when the subject is an empty "it" (``expletive``, decided by the resolver) or "there"."""
    return expletive or bool(_EXISTENTIAL.match(text))


_DEMONSTRATIVE = re.compile(r"^(?:This|That|These|Those|this|that|these|those)\s+(?=[a-z][a-z-]+\b)")
_NOT_NOUN_NEXT = word_set(
    """is was are were has had have will would can could should must might may do does did isn't wasn't aren't
    weren't hasn't hadn't won't wouldn't can't couldn't shouldn't doesn't didn't made makes sounds sounded looks
    looked seems seemed means meant feels felt really just also definitely totally helped helps gave gives took
    reminds reminded brought brings inspired inspires kept keeps got gets became one ones kind sort way
    much many more"""
)


def definite(text: str) -> str:
    """A sentence opening on a demonstrative noun phrase, opened on a definite one instead.

    Example::

        >>> definite("This trilogy is one of my faves."), definite("That was fun."), definite("That takes guts!")
        ('The trilogy is one of my faves.', 'That was fun.', 'That takes guts!')
        >>> definite("These figurines remind me of home.")
        'The figurines remind me of home.'
    """
    m = _DEMONSTRATIVE.match(text)
    if m is None:
        return text
    after = text[m.end() :].split(" ", 2)
    following = after[0].strip(".,!?;:").lower()
    if following in _NOT_NOUN_NEXT or following in STOPWORDS or following.endswith("ly"):
        return text
    then = after[1].strip(".,!?;:").lower() if len(after) > 1 else ""
    singular = text[: m.end()].strip().lower() in ("this", "that")
    if singular and following.endswith("s") and not following.endswith("ss") and then not in _VERB_AFTER_NOUN:
        return text  # "That takes guts!": a verb after the demonstrative, not a noun ("These figurines remind")
    return "The " + text[m.end() :]


_VERB_AFTER_NOUN = frozenset({"is", "are", "was", "were", "have", "has", "had", "look", "looks", "sound", "sounds",
                              "seem", "seems", "will", "would", "can", "could", "must", "might", "make", "made"})
_LATER_SELF = re.compile(
    r"(?:,\s+(?:and\s+|but\s+|so\s+)?|\s+-+\s+|;\s+|\s+(?:but|so)\s+)"
    r"(?=(?:I|I'm|I've|I'd|I'll|my|My|we|We|we're|We're|our|Our)\b)"
    r"|\s+and\s+(?=(?:I|I'm|I've|I'd|I'll|we|We|we're|We're)\b)"  # "... and my own journey" is an object
)


def later_clause(text: str) -> str | None:
    """The rest of a sentence from its first later first-person clause ("It's hard, but I won't quit").

    Example::

        >>> later_clause("It's hard, but I won't let it slow me down."), later_clause("They are great.")
        ("I won't let it slow me down.", None)
    """
    m = _LATER_SELF.search(text)
    return text[m.end() :] if m is not None else None


_IT_IS_A = re.compile(
    r"^(?:it|this|that|It|This|That)(?:'s|\s+is|\s+was)\s+"
    r"(?P<np>(?:a|an|the|my|our)\s+[\w'-].*|[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+){0,3}(?:[\s,.!?-].*)?)$"
)


_VERDICT = re.compile(
    r"^(?:a|an|the|my)\s+(?:(?:really|very|so|such|pretty|truly|real)\s+)?(?:great|good|nice|amazing|awesome|"
    r"wonderful|fantastic|excellent|interesting|helpful|useful|brilliant|perfect|cool|fair|valid|lovely|fun|"
    r"tough|hard|big|huge|lot|bit|little|real|true|whole|same|relief|shame|pity|pleasure|deal|start|idea|point|"
    r"question|list|overview|suggestion|tip|option|thought|important|special|part|symbol|reminder|way|sign|"
    r"testament|reflection|must|blast|dream|challenge|journey|process|work in progress)\b",
    re.IGNORECASE,
)


def mentioned(text: str) -> str | None:
    """What an unresolved "It's a ..." says, as the speaker mentioning it (None for any other opening).

    Example::

        >>> mentioned("It's a map of Middle-earth from LOTR."), mentioned("It was great.")
        ('I mentioned a map of Middle-earth from LOTR.', None)
        >>> mentioned("It was Matt Patterson, he is so talented!")
        'I mentioned Matt Patterson, he is so talented!'
    """
    m = _IT_IS_A.match(text)
    if m is None or _VERDICT.match(m.group("np")):
        return None  # "It's a great idea": a verdict on what was said, nothing to remember
    return f"I mentioned {m.group('np')}"


_CONDITIONAL = re.compile(
    r"^(?:if|unless|in case|suppose|supposing|imagine|what if|hypothetically|even if|assuming|say)\b|"
    r"\bif (?:I|we) (?:ever|were|was|could|had|did|should)\b|\b(?:I|we) (?:wish|wished)\b|^wish\b|"
    r"\b(?:I|we)(?:'d| would)(?: really| so| absolutely| totally)? (?:love|like|want|prefer|rather|be|have|go|move|"
    r"live|get|buy|try|visit)\b|\b(?:someday|some day|one of these days|in another life)\b|"
    r"\b(?:dream(?:ing)? (?:of|about)|fantasi[sz](?:e|ing) about)\b",
    re.IGNORECASE,
)


def hypothetical(text: str) -> bool:
    """True for a conditional, a wish or a dream: it states no current fact (so no slot).

    Example::

        >>> hypothetical("If I ever move to Tokyo, I'll learn Japanese"), hypothetical("I moved to Tokyo")
        (True, False)
        >>> hypothetical("I'd love to visit Iceland someday"), hypothetical("I wish I had a dog")
        (True, True)
    """
    return bool(_CONDITIONAL.search(text))


_SUBORDINATE = re.compile(
    r"^(?:if|unless|when|whenever|once|after|before|because|since|although|though|while|as soon as|in case|"
    r"even if|even though|until)\b",
    re.IGNORECASE,
)


_ELLIPTICAL = re.compile(
    r"(?:^|\s)(?:is|was|are|were|am|do|does|did|have|has|had|can|could|will|would|should|must|might|me|I|it|so)"
    r"(?:n't|[ ]not)?(?:[ ](?:too|either|as[ ]well|indeed))?[\s.!?…]*$",
    re.IGNORECASE,
)


_HAS_VERB = re.compile(r"\b(?:is|was|are|were|am|be|been|do|does|did|have|has|had|will|would|can|could|'s|'re|'m)\b",
                       re.IGNORECASE)
_NOT_FRAGMENT = frozenset({"my", "our", "a", "an", "the", "really", "so", "exactly", "quite", "that", "too", "very",
                           "much", "bad", "great", "ideal", "sure"})
_MUSING = re.compile(r"\b(?:was|am|'m|were)\s+(?:just\s+)?(?:thinking|wondering)[\s.!?…]*$", re.IGNORECASE)


def elliptical(text: str) -> bool:
    """True for an answer that leaves its verb to the question before ("It really is!", "I sure did").

    Example::

        >>> elliptical("It really is!"), elliptical("I sure did."), elliptical("I live in Paris.")
        (True, True, False)
        >>> elliptical("Me too!"), elliptical("I appreciate our friendship too.")
        (True, False)
        >>> elliptical("Not my strong suit, honestly."), elliptical("Not everyone likes jazz.")
        (True, False)
    """
    words = text.split()
    if len(words) > 1 and words[0].lower() == "not" and words[1].lower() in _NOT_FRAGMENT and len(words) <= 8 \
            and not _HAS_VERB.search(text.replace("to be ", "")):
        return True  # "Not my strong suit honestly.": it leaves its subject to the sentence before
    return len(words) <= 6 and bool(_ELLIPTICAL.search(text) or _MUSING.search(text))


def subordinate(text: str) -> bool:
    """True when the sentence opens on a subordinate clause (it is not split into separate facts)."""
    return bool(_SUBORDINATE.match(text))


# --- time qualifiers of a habit -----------------------------------------------------------------

_TIME = (
    r"(?:weekends?|weekdays?|holidays|summers?|winters?|springs?|autumns?|falls?|mornings?|evenings?|nights?|"
    r"afternoons?|january|february|march|april|may|june|july|august|september|october|november|december|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)days?)(?:\s+(?:mornings?|afternoons?|evenings?|nights?))?"
)
_HABIT_TIME = re.compile(
    rf"\b(?:except|excluding|apart from|other than|but not|only|mostly|usually|always|never|generally|typically|"
    rf"normally)\b(?:\s+[\w'-]+){{0,5}}?\s+(?P<t>(?:in|on|during|at|over|through|throughout)\s+(?:the\s+)?{_TIME})\b|"
    r"(?P<d>\b(?:on\s+)?(?:mon|tues|wednes|thurs|fri|satur|sun)day\s+(?:mornings|afternoons|evenings|nights))\b",
    re.IGNORECASE,
)


def without_habit_times(text: str) -> str:
    """``text`` without the time phrases that qualify a habit ("except in August", "on Saturday mornings").

    They say when the fact holds, not when an event happened, so the date stage must not date the
    memory by them (nor cut them out of it).

    Example::

        >>> without_habit_times("I work from home on Mondays, except in August.")
        'I work from home on Mondays, except.'
        >>> without_habit_times("Ruth teaches piano on Saturday mornings.")
        'Ruth teaches piano.'
    """
    if not _HABIT_TIME.search(text):
        return text
    return _HABIT_TIME.sub(lambda m: m.group(0)[: m.start("t") - m.start()].rstrip() if m.group("t") else "",
                           text).replace(" .", ".").replace("  ", " ")


# --- facts inside questions and requests ------------------------------------------------------

_CLAUSES = re.compile(
    r",\s+|\s+-+\s+|;\s+|\s+so\s+(?=what|how|where|which|who|when|should|can|could|do|any)|"
    r"\s+(?=(?:since|because|given that|now that|considering that|as) (?:I|I'm|I've|my|we)\b)|"
    r"\s+(?:know|mention|mentioned|said|say|forget|forgot|note|aware|think|believe|realize|realise|remember|sure|"
    r"me|you)\s+that\s+(?=(?:I|I'm|I've|I'll|my)\b)|"  # "remind me that I ...", not "recipes that I can make"
    r"\s+and\s+(?=(?:what|how|where|which|should|can|could|any|is|are|do)\b)",
    re.IGNORECASE,
)
_LEADS = re.compile(
    r"^(?:(?:and|but|so|since|because|as|now that|given that|considering(?: that)?|seeing as|though|although|"
    r"especially since|particularly since|just)\s+)+",
    re.IGNORECASE,
)
_AS_A = re.compile(r"^(?:as\s+(?P<a>an?\s+)|being\s+(?P<b>an?\s+)?)(?P<what>[a-z][\w -]{1,40})$", re.IGNORECASE)
_AS_SOMEONE = re.compile(r"^as (?:someone|somebody|a person|a guy|a woman|a man|a mom|a dad) who\s+(?P<rest>.+)$", re.I)
_MY_RELATIVE = re.compile(
    r"\b(?P<np>my (?:[a-z0-9-]+ ){0,2}?[a-z-]+),?\s+(?:who|which|that)\s+(?P<rest>(?:is|was|has|had|just|loves|"
    r"likes|hates|can't|cannot|won't|doesn't|isn't|wasn't|turned|turns|lives|works|recently|always|never|"
    r"still|gets|got|keeps|kept|started|suffers|broke|needs)\b[^,;?!]{1,120})",
)
_NOT_A_FACT = re.compile(
    r"^(?:I (?:was|am|'m) (?:wondering|thinking|curious|not sure|unsure|confused|"
    r"trying to (?:decide|figure out|understand|find out|work out))|"
    r"I (?:need|want|would like|'d like) (?:to know|help|some|a few|ideas|advice|tips|suggestions|recommendations|"
    r"your)|I'm looking for (?:ideas|tips|advice|suggestions|recommendations|help|"
    r"some|a few|information)|I (?:don't|do not) know|I have a question|I've got a question|I wonder)\b",
    re.IGNORECASE,
)
_FIRST = re.compile(r"^(?:I|I'm|I've|I'd|I'll|I am|I have|my|My|we|We|we're|We're|our|Our)\b")


# "With two toddlers at home, ..." / "With a bad knee, ...": what the asker has.
_WITH = re.compile(
    r"^with\s+(?P<what>(?:a|an|two|three|four|five|six|\d{1,2})\s+[a-z][\w -]{2,50})$", re.IGNORECASE
)
_BASE = {"is": "am", "has": "have", "does": "do", "was": "was", "goes": "go"}


def _first_person(rest: str) -> str:
    """ "works nights" -> "I work nights": a relative clause's verb back in the first person."""
    verb, _, tail = rest.partition(" ")
    low = verb.lower()
    if low in _BASE:
        base = _BASE[low]
    elif low.endswith("ies") and len(low) > 4:
        base = low[:-3] + "y"
    elif low.endswith(("ches", "shes", "sses", "xes", "oes")):
        base = low[:-2]
    elif low.endswith("s") and not low.endswith("ss"):
        base = low[:-1]
    else:
        base = low
    return f"I {base} {tail}".strip()


def question_clauses(text: str) -> list[str]:
    """The first-person clauses a question or request states as given, as plain first-person sentences.

    Example::

        >>> question_clauses("Given that I'm pregnant, is sushi OK?")
        ["I'm pregnant"]
        >>> question_clauses("As a vegan, what should I cook?")
        ["I'm a vegan"]
        >>> question_clauses("What's a good gift for my brother who just turned 30?")
        ['my brother just turned 30']
    """
    out: list[str] = []
    for m in _MY_RELATIVE.finditer(text):
        out.append(f"{m.group('np')} {m.group('rest').strip()}")
    for clause in _CLAUSES.split(text):
        clause = clause.strip(" ?!.")
        someone = _AS_SOMEONE.match(clause)
        if someone is not None:
            out.append(_first_person(someone.group("rest")))
            continue
        as_a = _AS_A.match(clause)
        if as_a is not None and not as_a.group("what").lower().startswith(("result", "matter", "reminder")):
            out.append(f"I'm {as_a.group('a') or as_a.group('b') or ''}{as_a.group('what')}")
            continue
        having = _WITH.match(clause)
        if having is not None:
            out.append(f"I have {having.group('what')}")
            continue
        clause = _LEADS.sub("", clause).strip()
        if _FIRST.match(clause) and not _NOT_A_FACT.match(clause) and not hypothetical(clause):
            out.append(clause)
    return out
