"""A short answer read with the assistant's question before it.

"When's the wedding?" answered "Next June, in Galway." says when the wedding is; read alone, the answer is a
fragment ("User said, in Galway."). When the assistant's message ends on a question asking *when*, *where* or *how*
about a noun phrase ("When's the wedding?", "Where is your sister's party?", "How do you manage your sleep?") and
the user's message opens with a short verbless answer of that kind (a time expression for "when", a place phrase for
"where", a means for "how"), the answer is completed into a sentence: "The wedding is next June, in Galway." ("your"
becomes "my": the user's own); "Where do you work?" "At a bakery downtown." -> "I work at a bakery downtown.". The
rest of the message is read as usual. Bounded: only the question's last 200 characters and the answer's first
sentence are read, with linear patterns.

Example::

    >>> completed("Next June, in Galway. He wants me to be best man.", "Congratulations! When's the wedding?")
    'The wedding is next June, in Galway. He wants me to be best man.'
    >>> completed("I live in Porto.", "Where do you live?"), completed("At a bakery downtown.", "Where do you work?")
    ('I live in Porto.', 'I work at a bakery downtown.')
    >>> completed("Blackout curtains and melatonin.", "How do you manage your sleep?")
    'I manage my sleep with blackout curtains and melatonin.'
    >>> completed("Five engineers, two of them senior.", "Nice! What's the team size?")
    'The team size is five engineers, two of them senior.'

"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from ..dates import find_time_expression
from ..lexicon import word_set
from .person import lower_first
from .text import split_segments

__all__ = ["completed", "verbless"]

_QUESTION = re.compile(
    r"\b(?P<wh>when|where|what)(?:['’]s|\s+(?:is|was|are|will\s+be))\s+"
    r"(?P<np>(?:the|your|his|her|their|our)\s+[A-Za-z][A-Za-z'’ -]{0,48}?)"
    r"(?:\s+(?P<verb>be|happening|taking\s+place|going\s+to\s+be))?\s*\?[\s\"')]*$",
    re.IGNORECASE,
)
_DO_YOU = re.compile(
    r"\b(?P<wh>when|where)\s+do\s+you\s+(?P<act>(?:usually\s+|normally\s+|still\s+)?[a-z]+(?:\s+out)?)"
    r"(?:\s+(?:now|these\s+days|nowadays|at\s+the\s+moment|today|tonight))?\s*\?[\s\"')]*$",
    re.IGNORECASE,
)
_HOW_DO_YOU = re.compile(
    r"\bhow\s+do\s+you\s+(?P<act>(?:usually\s+|normally\s+)?[a-z]+(?:\s+[A-Za-z'’-]+){0,5}?)\s*\?[\s\"')]*$",
    re.IGNORECASE,
)
_WHAT_ARE_YOU = re.compile(
    r"\bwhat\s+(?P<np>[a-z]+(?:\s+[a-z]+)?)\s+are\s+you\s+(?P<act>[a-z]+ing(?:\s+[A-Za-z'’-]+){0,4}?)\s*\?[\s\"')]*$",
    re.IGNORECASE
)
_MEANS = word_set("by with using through via")
_PLACE = re.compile(r"^(?:(?:probably|maybe|hopefully|likely|just)\s+)?(?:in|at|near|on|by|outside|downtown)\s+\S",
                    re.IGNORECASE)
# A verb or a subject makes it a sentence of its own, read as usual.
_SENTENCE_WORDS = word_set(
    "i i'm i've i'll i'd we we're we've we'll it it's he she they is are was were will would be been being have has "
    "had do does did can could should might must going gonna"
)
_LOWER_HEADS = word_set(
    "next last this on in at the a an by near outside early late mid around about probably maybe hopefully likely "
    "sometime tomorrow tonight today soon"
)
_NUMBER_HEADS = word_set("one two three four five six seven eight nine ten eleven twelve twenty thirty fifty hundred "
                         "a an some just only over under roughly approximately almost nearly")
_WORD = re.compile(r"[A-Za-z'’]+")
_ANY_DAY = datetime(2000, 1, 1, tzinfo=UTC)  # only whether the answer holds a time expression is asked
_MAX_WORDS = 10


def _asked(question: str) -> tuple[str, str] | None:
    """("when" or "where", what the answer completes) when ``question`` ends on such a question: "the wedding is"
    for "When's the wedding?", "I work" for "Where do you work?"."""
    tail = question[-200:]
    do = _DO_YOU.search(tail)
    if do is not None:
        return do.group("wh").lower(), f"I {do.group('act').strip()}"
    what = _WHAT_ARE_YOU.search(tail)
    if what is not None:  # "What pace are you targeting?" -> "The pace I'm targeting is"
        return "what", f"The {what.group('np')} I'm {what.group('act')} is"
    how = _HOW_DO_YOU.search(tail)
    if how is not None:
        act = " ".join("my" if w.lower() == "your" else w for w in how.group("act").split())
        return "how", f"I {act}"
    m = _QUESTION.search(tail)
    if m is None:
        return None
    np = m.group("np").strip()
    if np.lower().startswith(("his ", "her ", "their ")):
        return None  # "What are their names?": whose, the answer alone cannot say
    if np.lower().startswith("your "):
        np = "my " + np[5:]
    return m.group("wh").lower(), f"{np[:1].upper()}{np[1:]} is"


def verbless(text: str, max_words: int = _MAX_WORDS) -> bool:
    """A fragment of at most ``max_words`` words with no subject or verb ("Next June, in Galway")."""
    raw = _WORD.findall(text[:2000])
    words = [w.lower().replace("’", "'") for w in raw]
    return 0 < len(words) <= max_words and not any(
        w in _SENTENCE_WORDS or (w.endswith("ed") and r[:1].islower()) for w, r in zip(words, raw, strict=True))


def completed(body: str, question: str) -> str:
    """``body`` with its opening fragment completed by the assistant's ``question`` (unchanged otherwise)."""
    asked = _asked(question) if question else None
    if asked is None:
        return body
    segments = split_segments(body[:2000])
    if not segments:
        return body
    first = segments[0].text.strip()
    if asked[0] == "what" and "," in first and verbless(first.split(",", 1)[0]):
        first = first.split(",", 1)[0]  # "What's the team size?" "Five engineers, two of them are senior."
    fragment = first.rstrip(".!")
    if not fragment or first.endswith("?") or not verbless(fragment) or not body.lstrip().startswith(first):
        return body
    wh, np = asked
    if wh == "when" and find_time_expression(fragment, _ANY_DAY) is None:
        return body
    if wh == "where" and not _PLACE.match(fragment):
        return body
    head = fragment.split(" ", 1)[0]
    if wh == "how":  # "How do you manage your sleep?" "Blackout curtains." -> "I manage my sleep with blackout ..."
        means = head.lower() in _MEANS
        said = fragment[:1].lower() + fragment[1:] if head[1:].islower() else fragment  # "Blackout curtains"
        return f"{np} {'' if means else 'with '}{said}.{body.lstrip()[len(first):]}"
    answer = head.lower() + fragment[len(head):] if head.lower() in _LOWER_HEADS else lower_first(fragment)
    if wh == "what" and (head.lower() in _NUMBER_HEADS or head.lower() in _LOWER_HEADS):
        answer = fragment[:1].lower() + fragment[1:]  # "Five engineers" -> "five engineers"; "Sam" stays
    rest = body.lstrip()[len(first):]
    return f"{np} {answer}{rest if rest.startswith(',') else '.' + rest}"
