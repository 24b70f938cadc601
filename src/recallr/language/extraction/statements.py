"""Statements about a person: a message's segments become self-contained third-person sentences.

First- and second-person sentences are rewritten (``person.py``), questions that reveal a fact become that fact,
and a pronoun-led sentence is joined to the one before it. Linear in the message: bounded segments, anchored
patterns.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..policy import Policy
from .answers import verbless
from .asked import reported_question
from .clauses import (
    definite,
    elliptical,
    framed,
    hypothetical,
    later_clause,
    mentioned,
    question_clauses,
    shared,
    subordinate,
)
from .dislocation import undislocated
from .person import Voice, lower_first, to_third_person
from .reference import Discourse
from .slots import find_slot, word_set
from .text import (
    Statement,
    content_words,
    cut_off,
    finish,
    is_filler,
    is_greeting,
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
_MY = re.compile(r"(?<![\w'])my\s+")
_NP_STOPS = word_set(
    """for to in on at with from about is are was were and or but that who which when if of as next today tomorrow
    tonight soon now later again too then yet this these so because since while"""
)
_PLACE_PREPOSITIONS = ("in", "at", "to", "from")
_AGED = re.compile(r"\d{1,2}-(?:year|month|week)-old$")  # "my 2-year-old"
_FACT_NOUNS = word_set(
    """wife husband partner boyfriend girlfriend fiance fiancee son daughter kid kids children child baby mom mum dad
    mother father parents sister brother siblings grandma grandpa grandmother grandfather aunt uncle cousin niece
    nephew dog cat puppy kitten pet pets turtle turtles hamster rabbit bird parrot horse job boss team company
    business startup house apartment flat car bike garden birthday wedding anniversary allergy allergies diet doctor
    therapist school college university degree thesis band roommate friend neighbor neighbour favorite favourite
    hometown landlord manager coworker colleague marathon race trip vacation holiday honeymoon interview exam
    surgery operation appointment party move flight presentation concert recital graduation retirement
    pregnancy diagnosis injury knee back shoulder"""
)


_DROPPED_SUBJECT = re.compile(
    r"^(?:(?P<been>been)|(?P<ing>(?:working on|thinking (?:about|of)|planning (?:to|on)|hoping (?:to|for)|"
    r"trying (?:to|out)|feeling|loving|enjoying|hating|missing|hoping|heading (?:to|out|back|home)|looking forward|"
    r"going to|gonna|about to|(?:still|just|really|now|slowly|finally) [a-z]{3,}ing|"
    r"(?:so |really |super |very )?(?:glad|happy|excited|proud|thrilled|stoked|grateful|thankful|lucky|blessed)"
    r" (?:to (?!hear|see|know|help|chat|talk)|about|for|that)|"
    r"back (?:to|home|at|in|on)|off to|home from|done with|busy with|excited (?:about|for)|ready for|"
    r"stuck (?:at|in|with)|on (?:holiday|vacation|leave|call|a diet|maternity leave|sick leave)|"
    r"out of (?:town|office))\b)|"
    r"(?P<past>(?:(?:just|finally|recently|also) )?(?:got|went|started|finished|had|made|took|saw|tried|spent|wish|"
    r"bought|joined|visited|watched|loved|found|was|signed|learned|picked|booked|adopted|wanna|haven't|"
    r"did|ran|felt|met|came|won|ate|caught|drove|flew|swam|rode|beat|"
    r"hadn't|didn't|couldn't|wasn't|\w+ed))\b(?!,))",
    re.IGNORECASE,
)
_DROPPED_MY = re.compile(r"^(?:Current|Latest|Usual|Longest|Biggest|Next|Last|Favou?rite|New)\s+[a-z]+(?:\s+[a-z]+)?"
                         r"\s+(?:is|are|was|were)\b")
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
    """Chat drops the subject ("Been busy volunteering", "Just got back"): put "I" back; and the possessive
    ("Current long run is 28 km"): put "My" back."""
    if _DROPPED_MY.match(text):
        return "My " + text[0].lower() + text[1:]
    m = _DROPPED_SUBJECT.match(text)
    if m is None or _FIRST_PERSON.match(text):
        return text
    if m.group("ing") and _GERUND_SUBJECT.search(text, m.end(), m.end() + 80):
        return text  # "Thinking about the possibilities pumps me up": the -ing phrase is the subject
    rest = text[0].lower() + text[1:]
    if m.group("been"):
        return "I've " + rest
    return ("I'm " if m.group("ing") else "I ") + rest


def _declarative(text: str, voice: Voice, forced: bool, *, framed: bool = False) -> Statement | None:
    """A first-person (or impersonal) statement rewritten in the third person.

    ``framed``: the subject is an empty "it" or "there", so the statement is what the speaker said.
    """
    text = _restore_subject(_LETS.sub("we should", text))
    first = bool(_FIRST_PERSON.search(text))
    slot = find_slot(text) if first and not hypothetical(text) else None
    if not forced and slot is None:
        if is_filler(text) or cut_off(text) or elliptical(text):
            return None
        words = content_words(text)
        if not first and (_SECOND_PERSON.search(text) or len(words) < 2):
            return None  # a reaction to the other person, or too little to stand alone
        if not first and _GENERIC.match(text) and not _SPECIFIC.search(text):
            return None  # a platitude ("It's important to stay positive")
    rewritten = _speaker_first(to_third_person(text, voice), voice.name)
    if not first or framed:
        rewritten = f"{voice.name} said {lower_first(rewritten)}"
    return Statement(finish(rewritten), slot, basis=text)


def _question_facts(text: str, voice: Voice) -> Iterator[Statement]:
    """Facts a question or request states as given ("Given that I'm pregnant, is sushi OK?" -> pregnant)."""
    slot = find_slot(text)
    if slot is not None and slot.key.startswith("favorite_"):
        kind = slot.key.removeprefix("favorite_").replace("_", " ")
        yield Statement(f"{voice.possessive} favorite {kind} is {slot.value}.", slot)
        return
    found = False
    for clause in question_clauses(text):
        if is_question(clause) or _REQUEST.match(clause) or not content_words(clause):
            continue
        statement = _declarative(clause, voice, forced=False)
        if statement is not None:
            found = True
            yield statement
    if found:
        return
    if not voice.assistant:
        listener = "the assistant" if voice.listener in (None, "Assistant") else str(voice.listener)
        reported = reported_question(text, voice.name, listener)
        if reported is not None:
            yield Statement(reported, None)
            return
    for m in _MY.finditer(text):
        phrase = _mentioned_phrase(text[m.end() : m.end() + 100].split())
        if phrase is not None:
            yield Statement(f"{voice.name} mentioned their {phrase}.", None)
            return


def _mentioned_phrase(words: list[str]) -> str | None:
    """ "first marathon in Berlin" from the words after "my", when they name something worth keeping.

    Up to four lowercase words ("daughter's 10th birthday party"), then a place ("in Berlin")
    or a name ("dog Max"); kept when a word is a fact noun (family, pets, events, health) or a name follows.
    """
    noun: list[str] = []
    for raw in words[:6]:
        word = raw.strip(",.?!;:\"()")
        if not word or not (word[0].islower() or word[0].isdigit()) or word in _NP_STOPS or len(noun) >= 4:
            break
        noun.append(word)
        if raw != word and not word.endswith("'s"):
            break  # punctuation closes the phrase
    rest = words[len(noun) : len(noun) + 4]
    tail = ""
    if len(rest) >= 2 and rest[0] in _PLACE_PREPOSITIONS and rest[1][:1].isupper():
        tail = f" {rest[0]} {rest[1].strip(',.?!;:')}"
    elif rest and rest[0][:1].isupper() and noun and not words[len(noun) - 1].endswith((".", "?", "!")):
        tail = f" {rest[0].strip(',.?!;:')}"
    known = any(w.removesuffix("'s") in _FACT_NOUNS or _AGED.match(w) for w in noun)
    return " ".join(noun) + tail if noun and (known or (tail and not tail.startswith(" in"))) else None


# "I am a vegetarian, I live in Lisbon and I have a dog": one fact per first-person clause.
# Not before "and my": "My sister and my mum live in Cork" is one subject.
_FACT_SPLIT = re.compile(
    r"(?:\s*,\s*(?:and\s+|but\s+)?|\s*;\s*|\s+but\s+)(?=(?:I|I'm|I've|I am|I have|my|My)\b)|"
    r"\s+and\s+(?=(?:I|I'm|I've|I am|I have)\b)"
)

# "I'm sure with my hard work, I can ...": the opening frames the clause after it, it is not a fact of its own.
_FRAME = re.compile(r"^I(?:'m| am) (?:sure|certain|confident|positive|hopeful) (?:with|that with|given|after|once)\b")
_TIME_TAIL = re.compile(r"^(?:starting|beginning|from|until|till|through|effective)\s+\S", re.IGNORECASE)
_GERUND_SUBJECT = re.compile(
    r"\s(?:is|was|has been|makes|made|keeps|gets|pumps|helps|brings|gives|drives|reminds|calms|relaxes)"
    r"\s+(?:me|us|my|so|really|such|a|the|always|never)\b")
_NOUN_PHRASE_ONLY = re.compile(r"^(?:[Mm]y|[Oo]ur)\s+[\w'-]+(?:\s+[\w'-]+)?(?:\s+[A-Z][\w'-]*)?$")


def _speaker_first(text: str, name: str) -> str:
    """ "User's partner Alex and User are ..." -> "User and their partner Alex are ..."."""
    own, joint = f"{name}'s ", f" and {name} "
    cut = text.find(joint, 0, 60)
    if not text.startswith(own) or cut < 0 or not _NOUN_PHRASE_ONLY.match("my " + text[len(own):cut]):
        return text
    return f"{name} and their {text[len(own):cut]} {text[cut + len(joint):]}"


def _declaratives(text: str, voice: Voice, forced: bool, *, framed: bool = False) -> list[Statement]:
    """One statement per first-person clause when every clause stands alone, else one for the sentence.

    A sentence opening on a subordinate clause ("If I move, I'll ...") or framed by an empty subject
    stays whole: its clauses do not stand alone.
    """
    clauses = [text] if framed or subordinate(text) or _FRAME.match(text) else _FACT_SPLIT.split(text)
    if len(clauses) > 1 and min(len(c.split()) for c in clauses) >= 3 \
            and not _NOUN_PHRASE_ONLY.match(clauses[0]):  # not "My husband and I are ...", "My sister Jo and I went"
        parts = [_declarative(clause, voice, forced) for clause in clauses]
        if all(p is not None for p in parts):
            return [p for p in parts if p is not None]
    whole = _declarative(text, voice, forced, framed=framed)
    return [whole] if whole is not None else []


_Produced = tuple[str, list[Statement], str | None]  # raw segment, its statements, its pronoun-led rewrite


def _joined(produced: Iterator[_Produced]) -> Iterator[tuple[str, Statement]]:
    """Fold a sentence opening on an unresolved pronoun into the previous statement of the same message.

    Facts with a slot (home, job, favourites...) stay separate: consolidation versions them one by one. A
    pronoun-led sentence with nothing to join keeps what stands alone of it (a later first-person clause).
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


def person_statements(
    body: str, voice: Voice, policy: Policy, discourse: Discourse | None = None
) -> Iterator[tuple[str, Statement]]:
    """The statements a person's message makes, each with its source sentence; ``discourse`` resolves pronouns."""
    yield from _joined(_segment_statements(body, voice, policy, discourse or Discourse()))


def _segment_statements(body: str, voice: Voice, policy: Policy, discourse: Discourse) -> Iterator[_Produced]:
    for segment in split_segments(body):
        raw = segment.text
        if not looks_like_prose(raw):
            continue
        if policy.drops(raw):
            yield from _kept_clauses(raw, voice, policy)
            continue
        forced = policy.keeps(raw)
        text = undislocated(strip_chatter(raw, listener=voice.listener)) or (raw if forced else "")
        if not text:
            continue
        if _TIME_TAIL.match(text) and verbless(text.rstrip(".!"), 8):
            yield raw, [], text  # "I got the job! Starting March 1st.": the date of what was just said
            continue
        resolution = discourse.resolve(text, voice.name)
        text = resolution.text
        discourse.note(text, voice.name, voice.listener_name)
        if is_question(text) or _REQUEST.match(text):
            if forced:
                yield raw, [Statement(finish(f"{voice.name} asked: {to_third_person(text, voice)}"), None)], None
            else:
                yield raw, list(_question_facts(text, voice)), None
            continue
        yield _clause_statements(raw, text, voice, forced, resolution.subject_unresolved, resolution.expletive)


_SECRET_WORDS = re.compile(
    r"\b(?:password|passcode|passphrase|pin|login|username|ssn|social security|card|cvv|account|secret|key|code|"
    r"token|iban|routing)\b",
    re.IGNORECASE,
)


def _kept_clauses(raw: str, voice: Voice, policy: Policy) -> Iterator[_Produced]:
    """The clauses of a dropped sentence that are not what the policy drops ("My PIN is ... and I live in Ghent")."""
    clauses = _FACT_SPLIT.split(raw)
    if len(clauses) < 2:
        return
    for clause in clauses:
        if policy.drops(clause) or _SECRET_WORDS.search(clause):
            continue
        text = strip_chatter(clause)
        if text and not is_question(text):
            yield raw, _declaratives(text, voice, forced=False), None


def _clause_statements(raw: str, text: str, voice: Voice, forced: bool, unresolved: bool,
                       expletive: bool) -> _Produced:
    """The statements of one declarative sentence, by how it opens (see :mod:`.clauses`)."""
    text = shared(text) or definite(text)
    if is_greeting(text) and not forced:
        rest = later_clause(text)  # "Congrats on the show, I'll be tuning in!": the speaker's clause stays
        return raw, _declaratives(rest, voice, forced) if rest else [], None
    if unresolved and not forced:
        # nothing says what the pronoun is: join the sentence before; or keep a later clause about the speaker,
        # or what "it" was said to be ("It's a map of Middle-earth" -> the speaker mentioned a map of Middle-earth)
        follow_on = to_third_person(text, voice) if len(content_words(text)) >= 2 else None
        rest = later_clause(text) or mentioned(text)
        return raw, _declaratives(rest, voice, forced) if rest else [], follow_on
    return raw, _declaratives(text, voice, forced, framed=framed(text, expletive)), None
