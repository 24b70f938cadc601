"""Statements about a person: a message's segments become self-contained third-person sentences.

First- and second-person sentences are rewritten (``person.py``), questions that reveal a fact become that fact,
and a pronoun-led sentence is joined to the one before it. Linear in the message: bounded segments, anchored
patterns.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..policy import Policy
from .person import Voice, lower_first, to_third_person
from .slots import find_slot, word_set
from .text import (
    Statement,
    content_words,
    finish,
    is_filler,
    is_question,
    looks_like_prose,
    split_segments,
    strip_chatter,
)

__all__ = ["person_statements"]


_FIRST_PERSON = re.compile(
    r"(?<![\w'])(?:I|I'm|I've|I'd|I'll|i|im|i'm|me|my|mine|myself|we|we're|we've|we'd|we'll|us|our|ours|"
    r"ourselves|let's)(?![\w'])",
    re.IGNORECASE,
)
_SECOND_PERSON = re.compile(r"(?<![\w'])(?:you|you're|you've|you'd|you'll|your|yours|yourself|ya|u|ur)(?![\w'])", re.I)
_REQUEST = re.compile(
    r"^(?:I (?:was|am|'m) wondering if you|I wonder if you|I(?:'d| would) like you to|I (?:need|want) you to|"
    r"I have a question|I've got a question)|"
    r"^(?:please |pls |can you |could you |would you |will you )?(?:give|tell|show|help|find|write|list|suggest|"
    r"recommend|explain|create|generate|provide|remind|summari[sz]e|translate|describe|compare|calculate|"
    r"draft|plan|outline|brainstorm|rewrite|edit|proofread|fix|convert|name|"
    # errands for the assistant: what it confirms is kept from its answer (confirmations.py)
    r"book|rebook|reserve|schedule|reschedule|order|reorder|cancel|add|set up|get me|don'?t let me forget)\b",
    re.IGNORECASE,
)
_LETS = re.compile(r"^let'?s\b", re.IGNORECASE)
_SUBORDINATOR = re.compile(r"^(?:and |but |so |since |because |as |now that |given that |though |although )+", re.I)
_CLAUSES = re.compile(r",\s+|\s+-\s+|;\s+|\s+so\s+(?=what|how|where|which|who|when|should|can|could|do|any)", re.I)
_STARTS_FIRST_PERSON = re.compile(r"^(?:I|I'm|I've|I'd|I'll|my|My|we|We|we're|We're|we've|We've|our|Our)\b")
_MY_NP = re.compile(r"\bmy ((?:[a-z]+ ){0,2}?[a-z]+)(?:,? ([A-Z][\w'-]+(?: [A-Z][\w'-]+)*))?")
_NP_STOP = re.compile(r"\s+(?:for|to|in|on|at|with|from|about|is|are|was|and|or|that|who|when|if|of)\b.*$")
_FACT_NOUNS = word_set(
    """wife husband partner boyfriend girlfriend fiance fiancee son daughter kid kids children child baby mom mum dad
    mother father parents sister brother siblings grandma grandpa grandmother grandfather aunt uncle cousin niece
    nephew dog cat puppy kitten pet pets turtle turtles hamster rabbit bird parrot horse job boss team company
    business startup house apartment flat car bike garden birthday wedding anniversary allergy allergies diet doctor
    therapist school college university degree thesis band roommate friend neighbor neighbour favorite favourite
    hometown landlord manager coworker colleague"""
)


_DROPPED_SUBJECT = re.compile(
    r"^(?:(?P<been>been)|(?P<ing>(?:working on|thinking (?:about|of)|planning (?:to|on)|hoping (?:to|for)|"
    r"trying (?:to|out)|feeling|heading (?:to|out|back|home)|looking forward|going to|gonna|about to)\b)|"
    r"(?P<past>(?:(?:just|finally|recently|also) )?(?:got|went|started|finished|had|made|took|saw|tried|spent|"
    r"bought|joined|visited|watched|loved|found|was|signed|learned|picked|booked|adopted|wanna|haven't|"
    r"hadn't|didn't|couldn't|wasn't|\w+ed))\b(?!,))",
    re.IGNORECASE,
)
_GENERIC = re.compile(
    r"^(?:it|it's|its|it'll|that|that's|that'll|this|this is|life|there's nothing|nothing|everything|sometimes|"
    r"isn't|such|what a|how|being|having|seeing|knowing|finding|taking|making|getting|learning|working|staying|"
    r"keeping|creating|sharing|helping|having|doing|spending|believing|remember|always|never|nature|"
    r"people|everyone|anyone|music|art|books|friends|family|"
    # imperatives: advice to the other person
    r"stay|keep|take|make|try|don't|do|be|go|check|have|enjoy|get|give|look|follow|use|start|stop|avoid|"
    r"capture|believe|push|hang|trust|remember|focus|find|embrace|cherish|celebrate)\b",
    re.IGNORECASE,
)
_SPECIFIC = re.compile(
    r"(?<=\w )[A-Z][a-z]|\d|\b(?:yesterday|tomorrow|tonight|ago|last (?:week|weekend|month|year|night|summer|"
    r"winter|spring|fall|time)|next (?:week|weekend|month|year))\b"
)


def _restore_subject(text: str) -> str:
    """Chat drops the subject ("Been busy volunteering", "Just got back"): put "I" back."""
    m = _DROPPED_SUBJECT.match(text)
    if m is None or _FIRST_PERSON.match(text):
        return text
    rest = text[0].lower() + text[1:]
    if m.group("been"):
        return "I've " + rest
    return ("I'm " if m.group("ing") else "I ") + rest


def _declarative(text: str, voice: Voice, forced: bool) -> Statement | None:
    """A first-person (or impersonal) statement rewritten in the third person."""
    text = _restore_subject(_LETS.sub("we should", text))
    first = bool(_FIRST_PERSON.search(text))
    slot = find_slot(text) if first else None
    if not forced and slot is None:
        if is_filler(text):
            return None
        words = content_words(text)
        if not first and (_SECOND_PERSON.search(text) or len(words) < 2):
            return None  # a reaction to the other person, or too little to stand alone
        if not first and _GENERIC.match(text) and not _SPECIFIC.search(text):
            return None  # a platitude ("It's important to stay positive")
    rewritten = to_third_person(text, voice)
    if not first:
        rewritten = f"{voice.name} said {lower_first(rewritten)}"
    return Statement(finish(rewritten), slot, basis=text)


def _question_facts(text: str, voice: Voice) -> Iterator[Statement]:
    """Facts a question or request reveals ("Have you tried my favourite cafe, Blue Door?")."""
    slot = find_slot(text)
    if slot is not None and slot.key.startswith("favorite_"):
        kind = slot.key.removeprefix("favorite_").replace("_", " ")
        yield Statement(f"{voice.possessive} favorite {kind} is {slot.value}.", slot)
        return
    found = False
    for clause in _CLAUSES.split(text):
        clause = _SUBORDINATOR.sub("", clause.strip(" ?!."))
        if _STARTS_FIRST_PERSON.match(clause) and not is_question(clause) and not _REQUEST.match(clause):
            statement = _declarative(clause, voice, forced=False)
            if statement is not None and len(content_words(clause)) >= 2:
                found = True
                yield statement
    if found:
        return
    for m in _MY_NP.finditer(text):
        noun = _NP_STOP.sub("", m.group(1))
        name = m.group(2)
        if noun.split()[-1] in _FACT_NOUNS or name:
            phrase = f"{noun} {name}" if name else noun
            yield Statement(f"{voice.name} mentioned their {phrase}.", None)
            return


# "I am a vegetarian, I live in Lisbon and I have a dog": one fact per first-person clause.
_FACT_SPLIT = re.compile(
    r"(?:\s*,\s*(?:and\s+|but\s+)?|\s*;\s*|\s+and\s+|\s+but\s+)(?=(?:I|I'm|I've|I am|I have|my|My)\b)"
)


def _declaratives(text: str, voice: Voice, forced: bool) -> list[Statement]:
    """One statement per first-person clause when every clause stands alone, else one for the sentence."""
    clauses = _FACT_SPLIT.split(text)
    if len(clauses) > 1:
        parts = [_declarative(clause, voice, forced) for clause in clauses]
        if all(p is not None for p in parts):
            return [p for p in parts if p is not None]
    whole = _declarative(text, voice, forced)
    return [whole] if whole is not None else []


# "It was made for a local church": a statement that opens on a pronoun only means something with the one before.
_ANAPHOR = re.compile(r"^(?:It|This|That|These|Those|They)\b(?!'s\b| is\b)")
_Produced = tuple[str, list[Statement], str | None]  # raw segment, its statements, its pronoun-led rewrite


def _joined(produced: Iterator[_Produced]) -> Iterator[tuple[str, Statement]]:
    """Fold a pronoun-led sentence into the previous statement of the same message, so each reads alone.

    Facts with a slot (home, job, favourites...) stay separate: consolidation versions them one by one. A
    pronoun-led sentence with nothing before it goes through the usual rules on its own.
    """
    held: tuple[str, Statement] | None = None
    for raw, statements, follow_on in produced:
        if follow_on is not None and held is not None and held[1].slot is None \
                and all(s.slot is None for s in statements):
            joined = f"{held[1].content.rstrip('.!? ')}; {lower_first(follow_on)}"
            held = (f"{held[0]} {raw}", Statement(finish(joined), None, basis=f"{held[0]} {raw}"))
            continue
        for statement in statements:
            if held is not None:
                yield held
            held = (raw, statement)
    if held is not None:
        yield held


def person_statements(body: str, voice: Voice, policy: Policy) -> Iterator[tuple[str, Statement]]:
    yield from _joined(_segment_statements(body, voice, policy))


def _segment_statements(body: str, voice: Voice, policy: Policy) -> Iterator[_Produced]:
    for segment in split_segments(body):
        raw = segment.text
        if not looks_like_prose(raw) or policy.drops(raw):
            continue
        forced = policy.keeps(raw)
        text = strip_chatter(raw) or (raw if forced else "")
        if not text:
            continue
        if is_question(text) or _REQUEST.match(text):
            if forced:
                yield raw, [Statement(finish(f"{voice.name} asked: {to_third_person(text, voice)}"), None)], None
            else:
                yield raw, list(_question_facts(text, voice)), None
            continue
        follow_on = to_third_person(text, voice) if _ANAPHOR.match(text) and len(content_words(text)) >= 2 \
            else None
        yield raw, _declaratives(text, voice, forced), follow_on
