"""Chatter around a sentence's content: interjections, discourse openers and labels, vocatives, tag questions.

``strip_chatter`` leaves the clause that carries the content ("Quick thing first: I'm allergic to peanuts"
-> "I'm allergic to peanuts"). Every pattern is anchored at the start (or reads a bounded tail) and has no
nested quantifier, and the rounds are bounded: linear in the sentence.
"""

from __future__ import annotations

import re

from ..lexicon import STOPWORDS, word_set
from ..speakers import DISCOURSE_WORDS

__all__ = ["is_greeting", "strip_chatter", "strip_discourse_label"]

_INTERJECTIONS = (
    r"hey+|hi+|hello|hiya|howdy|yo|wow+|whoa|woah|oh+|ooh+|ah+|aw+|yeah+|yea|yes+|yep|yup|ya|nah|nope|no|sure|ok|"
    r"okay|alright|all right|thanks|thank you(?: so much| very much)?|thx|congrats|congratulations|ha(?:ha)+|hah|"
    r"hehe|lol|lmao|hmm+|um+|uh+|well|omg|oh my god|oh my gosh|oh man|oh wow|oh no|oh yeah|man|dude|cool|nice|"
    r"great|awesome|amazing|wonderful|fantastic|brilliant|perfect|absolutely|definitely|totally|exactly|indeed|"
    r"right|true|gotcha|got it|ha|yay|woo+|ugh|oops|welcome|good morning|good evening|good afternoon|"
    r"good night|bye|goodbye|cheers|no way|of course|for sure|same here|me too|sounds good|aha|ahh|phew|"
    r"hooray|whew|agreed|so true|sorry|noted|understood|roger|fine|gosh|geez|jeez|wait|oh wait|hm+|now|here|"
    r"besides that|no doubt|here (?:i|we|you|ya) go(?: again)?|that way|that being said|having said that|"
    r"a bit|a little(?: bit)?|kind of|sort of|somewhat|not really|not much"
)
_LEADING = re.compile(rf"^(?:(?i:{_INTERJECTIONS})(?:[ ,]+[A-Z][a-z]+)?(?:\s*[,!.:;…-]+\s*|\s*$))+")
# Pure interjections and discourse adverbs may also lead without punctuation ("yeah it was fun", "oh I see").
_BARE_LEADING = re.compile(
    r"^(?i:yeah+|yea|yes|yep|yup|oh+|ooh|ah+|aw+|wow+|whoa|woah|well|haha+|hehe|lol|lmao|omg|hey|hi|hello|ok|okay|"
    r"um+|uh+|hmm+|ugh|yay|so|anyway|anyways|honestly|basically|literally|plus|and|but|also|actually|again|btw|"
    r"fyi|ps|sorry|"
    r"and also|oh and|and oh|oh also|also also|no doubt|nope)\s+(?=[a-zA-Z])"
)
# Openers that frame what follows without adding to it: dropped with their comma, colon or dash, or before a
# first-person subject ("Just so you know I'm allergic"), or before "that" ("I forgot to mention that ...").
_FRAMES = (
    r"I mean|you know|to be honest|honestly|tbh|anyway|anyways|by the way|btw|however|additionally|also|"
    r"alternatively|for example|for instance|in addition|finally|lastly|moreover|furthermore|otherwise|that said|"
    r"first|firstly|second|secondly|third|next|then|plus|besides|meanwhile|overall|ultimately|in fact|actually|"
    r"instead|similarly|likewise|nevertheless|still|so|fyi|ps|p\.s\.?|remember|again|oh and|and also|and|but|"
    r"that being said|having said that|"
    r"besides that|no doubt|that way|here|real quick|quick one|quickly|"
    r"just so (?:you|u|the assistant) (?:know|knows|remember|remembers|are aware|is aware|have it|has it)|"
    r"so (?:you|the assistant) (?:know|knows|remember|remembers)|just (?:fyi|a heads up|to let you know|"
    r"to remind you|a reminder|a quick note|a note|to be clear|checking|saying|in case)|heads up|"
    r"for the record|for (?:context|reference|background|your information|your info|what it'?s worth)|fwiw|"
    r"(?:a |one )?(?:quick|small|little|random|fun|side|important|last|final|other) (?:thing|note|fact|update|"
    r"detail|question|point)(?: first| though| for you)?|first things first|one (?:more|last) thing|"
    r"before I forget|while I remember|while I think of it|not sure if I (?:told you|mentioned(?: it| this)?)"
    r"(?: before)?|as I (?:said|mentioned|told you)(?: before| earlier)?|like I (?:said|mentioned)(?: before)?|"
    r"as you know|as you may know|guess what|believe it or not|to be fair|to be clear|real talk|"
    r"long story short|funny enough|funnily enough|truth be told|in any case|speaking of which|"
    r"(?:so |well |and )?(?:it )?turns out(?: that)?|(?:good|bad|great|some) news|update|quick update|"
    r"on (?:another|a different|a side|a related|that|a lighter) note|as a reminder|reminder|a reminder|"
    r"(?:please )?(?:note|keep in mind|bear in mind|remember|don't forget)"
)
# Saying that one says something: only before punctuation, "that" or a subject ("I want to share my
# experiences" shares something; "I forgot to mention I'm allergic" only mentions it).
_META = (
    r"I (?:just |really |also )?(?:forgot|meant|wanted|want|should|need|have) to (?:mention|tell you|say|"
    r"let you know|add|share)|"
    r"I'?d like (?:you )?to (?:mention|tell you|let you know|add|share)|let me (?:tell you|add|mention)|"
    r"(?:it'?s )?worth (?:mentioning|noting)|you should know|I want you to know|I should (?:mention|add|say)"
)
_FILLER_LEAD = re.compile(
    rf"^(?i:{_FRAMES})(?:\s*(?:[,:;!…]|\.\.)+\s*|\s+-+\s+|\s+that\s+|"
    r"\s+(?=(?:I|I'm|I've|I'd|I'll|my|My|we|We|our|Our|she|he|they|She|He|They)\b))"
    rf"|^(?i:{_META})(?:\s*(?:[,:;!…]|\.\.)+\s*|\s+-+\s+|\s+that\s+|\s+(?=(?:I|I'm|I've|I'd|I'll|we|We)\b))"
)
# A label before a colon made only of discourse words ("Quick thing first:", "Update:", "P.S.:", "Fun fact:"):
# it frames the message, it is neither a speaker nor a fact. A label with any other word ("Goal:") stays.
_LABEL = re.compile(r"^([A-Za-z][A-Za-z.' -]{0,40}?)\s*:\s+(?=\S)")
def strip_discourse_label(text: str) -> str:
    """Drop a leading label made only of discourse words ("Quick thing first: I'm ..." -> "I'm ...").

    Example::

        >>> strip_discourse_label("Quick thing first: I'm allergic to peanuts.")
        "I'm allergic to peanuts."
        >>> strip_discourse_label("Goal: run a marathon")
        'Goal: run a marathon'
    """
    m = _LABEL.match(text)
    if m is None:
        return text
    words = m.group(1).lower().replace("-", " ").split()
    if words and all(w in DISCOURSE_WORDS or w.strip(".") in DISCOURSE_WORDS for w in words):
        return text[m.end() :]
    return text


_VOCATIVE_TAIL = re.compile(r"\s*,\s*(?:[A-Z][a-z]+|my friend|buddy|dude|man|girl|pal)(?=\s*[.!?…]*$)")
_VOCATIVE_HEAD = re.compile(r"^[A-Z][a-z]+,\s+(?=[A-Za-z])")
_TAG_QUESTION = re.compile(
    r"(?:,|\s-)\s*(?:right|eh|huh|you know|ya know|isn't it|don't you think|didn't it|wasn't it|no)\s*\?*$", re.I
)
_NOT_VOCATIVE = word_set(
    """today tonight tomorrow yesterday recently lately sometimes finally also however anyway anyways besides meanwhile
    overall basically luckily sadly unfortunately fortunately now then afterwards later earlier monday tuesday
    wednesday thursday friday saturday sunday january february march april may june july august september october
    november december spring summer autumn fall winter"""
)


def _is_vocative(word: str) -> bool:
    low = word.lower()
    return low not in STOPWORDS and low not in _NOT_VOCATIVE and not low.endswith("ly") and len(word) <= 12


_NAMING_DETERMINERS = word_set("a an another the my our his her their new first second third latest favourite favorite")


def _renames(before: str, name: str, listener: str | None) -> bool:
    """Whether a trailing ", Name" names the noun before it ("another book, Piranesi") rather than the listener.

    A name the listener goes by ("Mel" for Melanie) is always said to them; a plural noun ("my kids, Mel") is not
    renamed by one name; a singular noun after a determiner ("a puppy, Max") is.
    """
    low = name.lower()
    if listener and (listener.lower() == low or listener.lower().startswith(low)):
        return False
    words = before.rstrip().split(" ")[-3:]
    head = words[-1] if words else ""
    if not head.isalpha() or not head.islower() or (head.endswith("s") and not head.endswith("ss")):
        return False
    return any(w.lower() in _NAMING_DETERMINERS for w in words[:-1])


_MAX_CHATTER_ROUNDS = 8


def strip_chatter(sentence: str, *, labels: bool = True, listener: str | None = None) -> str:
    """Remove interjections, discourse openers and labels, vocatives and tag questions around a sentence's content.

    ``labels=False`` keeps a leading discourse label: in an assistant's "Reminder set: ..." or "All booked: ..."
    the label is what was done, and the confirmation rules read it. ``listener``: the name of the person spoken to,
    whose name after a comma is always a vocative.

    Example::

        >>> strip_chatter("Wow, that's cool, Caroline!")
        "that's cool!"
        >>> strip_chatter("Hey Mel! I went biking, eh?")
        'I went biking'
        >>> strip_chatter("Again, just so you remember: I'm allergic to peanuts.")
        "I'm allergic to peanuts."
        >>> strip_chatter("Just finished another book, Piranesi.")
        'Just finished another book, Piranesi.'
    """
    previous = None
    text = sentence.strip()
    for _ in range(_MAX_CHATTER_ROUNDS):  # bounded: "so so so ... so" would take one round per word (quadratic)
        if text == previous:
            break
        previous = text
        if text.startswith("(") and (text.rstrip(".!?").endswith(")") or ")" not in text):
            text = text.rstrip(".!?").removesuffix(")")[1:]  # an aside in brackets is still said
        if text.startswith(('"', "'")) and text.count(text[0]) % 2:
            text = text[1:]  # a quotation opened and not closed: the line is the speaker's own
        text = strip_discourse_label(text) if labels else text
        text = _LEADING.sub("", text)
        text = _BARE_LEADING.sub("", text)
        text = _FILLER_LEAD.sub("", text)
        if text.endswith("?") or "know" in text:
            text = _TAG_QUESTION.sub("", text)
        tail = _VOCATIVE_TAIL.search(text, max(0, len(text) - 40))
        before = text[: tail.start()] if tail else ""
        if tail and not before.rstrip().rsplit(" ", 1)[-1][:1].isupper() \
                and not _renames(before, tail.group(0).strip(" ,"), listener):
            text = before + text[tail.end() :]  # "Paris, France" is a place, not a vocative
        head = _VOCATIVE_HEAD.match(text)
        if head and _is_vocative(head.group(0).strip(", ")):
            text = text[head.end() :]
        text = text.strip(" ,;-")
    return text


# Greetings, congratulations and condolences: politeness about what the other person said, not a fact.
_GREETING = re.compile(
    r"^[\"']?(?:welcome(?: back)? to|welcome(?: back)?\b|congratulations|congrats|happy (?:birthday|anniversary|"
    r"holidays|new year|(?:[\w-]+ ){0,2}[\w-]*ing\b)|(?:great|good|nice|glad|so good) to (?:hear|see|know)|"
    r"thanks for the (?:tip|info|information|heads up|reminder|recommendation)|"
    r"merry christmas|best wishes|good luck|fingers crossed|crossing (?:my|our) fingers|keeping (?:my|our) fingers "
    r"crossed|sorry to hear|sorry for your loss|"
    r"(?:i'?m |i am )?(?:so |very |really )?sorry (?:to hear|for (?:the|your|my) (?:late|slow|delayed|loss)|"
    r"about the (?:late|slow|delay)|i (?:didn't|haven't|couldn't) (?:get back|reply|respond|answer|write))|"
    r"hi|hello|hey|dear|greetings|good (?:morning|afternoon|evening|night)|nice to (?:meet|see|hear from) you|"
    r"glad to (?:hear|see|help)|so glad|thanks for (?:sharing|asking|reaching out|letting me know|the update)|"
    r"(?:great|good|nice|excellent|awesome|smart|wise|perfect) (?:choice|job|question|observation|score|taste|start|"
    r"idea|point|work|find|pick|catch|decision|plan|news|progress|call|thinking|move|effort|question)|well done|"
    r"happy belated|bravo|kudos|way to go|hats off|of course|you're welcome|you are welcome)\b",
    re.IGNORECASE,
)


def is_greeting(text: str) -> bool:
    """True for a greeting, congratulation or condolence ("Welcome to Berlin!", "Congrats on the new job").

    Example::

        >>> is_greeting("Welcome to Berlin!"), is_greeting("Sorry to hear about your cat."), is_greeting("I moved.")
        (True, True, False)
    """
    return bool(_GREETING.match(text.lstrip()))
