"""Which way a clause looks: back ("I went to the dentist on Monday") or ahead ("I have an interview on Monday").

A date without its year or week ("on Monday", "June 12", "on the 21st", "at Christmas") means the
one just past in a past clause and the next one in a plan. :func:`clause_tense` reads the clause
around the expression (up to the nearest sentence end, at most ``WINDOW`` characters each way),
in this order:

1. an explicit future or plan ("will", "'ll", "going to", "planning", "want to", "need to",
   "scheduled", "next ...") -> ``future``;
2. a plain past ("was", "were", "did", "had", "ago", "yesterday", "used to") -> ``past``;
3. a present progressive ("I'm flying", "we're hosting") -> ``future`` (an arrangement);
4. a past verb form ("moved", "went", "got"; not a participle after "is"/"gets": "is booked",
   "gets delivered") -> ``past``;
5. otherwise ``present`` (a present-tense arrangement: "my appointment is on the 3rd").

A target date (``for``/``by``/``until`` right before it: "booked a table for Friday") looks
ahead unless the clause is in the plain past. Every step is a bounded regex over the window:
O(WINDOW) per call.

    >>> clause_tense("I went to the dentist on Monday.", 25), clause_tense("I'm flying home on Monday.", 18)
    ('past', 'future')
    >>> clause_tense("My rent is due on the 5th.", 15), looks_ahead("I booked a table for Friday.", 21)
    ('present', True)
"""

from __future__ import annotations

import re
from typing import Literal

from ..pattern import verbose

__all__ = ["WINDOW", "Tense", "clause", "clause_tense", "looks_ahead"]

Tense = Literal["past", "future", "present"]
WINDOW = 160

_END = re.compile(r"[.!?;\n]")
_FUTURE = verbose(r"""
    \b(?: will | won['’]?t | shall | going \s+ to | gonna | about \s+ to
        | plan(?:s|ned|ning)? | intend(?:s|ing)? | hop(?:e|es|ing) \s+ to | wants? \s+ to | wanna
        | would \s+ like | need(?:s)? \s+ to | ha(?:ve|s) \s+ to | must | should
        | looking \s+ forward | can['’]?t \s+ wait | upcoming | scheduled
        | next (?! \s+ (?:to|door) \b )                  # "next Friday", not "next to"
    )\b
    | \w['’]ll \b                                        # "I'll", "we'll"
""", re.IGNORECASE)
_PAST = verbose(r"""
    \b(?: was | were | wasn['’]?t | weren['’]?t | did | didn['’]?t
        | had (?! \s+ better \b ) | ago | yesterday | last \s+ night | used \s+ to )\b
""", re.IGNORECASE)
_PROGRESSIVE = verbose(r"""
    (?: \b(?:am|are|is|be) | ['’](?:m|re|s) )                           # a present "be"
    (?: \s+ (?:also|finally|just|really|actually|still|definitely|probably|all|both) )?
    \s+ (?! (?:wedding|evening|morning|ceiling|building|thing|nothing|something|anything|everything
             |sibling|ring|king|spring|string|wing|darling|feeling|meeting \s+ (?:is|was)) \b )
    [a-z][a-z-]*ing \b
""", re.IGNORECASE)
_IRREGULAR_PAST = verbose(r"""
    \b(?: went | came | saw | met | got (?! \s+ to \b ) | took | made | spent | left | ran | gave | bought
        | found | told | said | felt | thought | ate | drank | flew | drove | wrote | began | sang | won
        | lost | sent | kept | paid | sat | stood | heard | brought | caught | taught | fought | sold
        | held | fell | broke | chose | wore | slept | swam | rode | grew | knew | threw | drew | forgot
        | hid | led | meant | built | became | woke | shook | stole | spoke | understood | hurt | quit
        | lit | dug | read )\b
""", re.IGNORECASE)
_GOT_PRESENT = re.compile(r"(?:['’]ve|['’]s|\bhave|\bhas)\s+$", re.IGNORECASE)  # "I've got a meeting": present
_ED = re.compile(r"\b[a-z]{2,}ed\b")  # lowercase only: not "Ted", "Fred"
_NOT_PAST_ED = frozenset((
    "need", "feed", "seed", "speed", "indeed", "breed", "bleed", "exceed", "proceed", "succeed", "bed", "red",
    "shed", "wed", "hundred", "sacred", "naked", "wicked", "crooked", "beloved", "ragged", "deed", "weed",
    "embed", "shred", "sled", "fled",
))
# A participle after these is an adjective or a passive, not a past: "is closed", "gets delivered", "I'm excited".
_BE_BEFORE = verbose(r"""
    (?: \b(?:am|are|is|be|being|get|gets|getting|feel|feels|seem|seems|look|looks) | ['’](?:m|re|s) )
    (?: \s+ (?:so|very|really|also|all|just|still|already|fully|not|now) )? \s+ $
""", re.IGNORECASE)
_TARGET_BEFORE = re.compile(r"(?:^|\s)(?:for|by|until|till)\s+(?:the\s+)?$", re.IGNORECASE)
_TARGET_START = re.compile(r"(?:for|by|until|till)\b", re.IGNORECASE)
_OWN_PREPOSITION = re.compile(r"(?:on|in|at|during|over)\b", re.IGNORECASE)
_SINCE_AT = re.compile(r"since\b", re.IGNORECASE)
_SINCE_BEFORE = re.compile(r"(?:^|\s)since\s+(?:the\s+)?$", re.IGNORECASE)
_STARTING_BEFORE = re.compile(r"(?:^|\s)(?:starting|beginning|effective|from)\s+(?:on\s+|this\s+|next\s+)?$",
                              re.IGNORECASE)
_STARTED = re.compile(r"\b(?:started|began|begun|kicked off)\b", re.IGNORECASE)


def clause(text: str, pos: int) -> tuple[int, int]:
    """The bounds of the clause around ``pos``: to the nearest sentence end each way, at most ``WINDOW`` chars."""
    lo = max(0, pos - WINDOW)
    ends = [m.end() for m in _END.finditer(text, lo, pos)]
    start = ends[-1] if ends else lo
    after = _END.search(text, pos, min(len(text), pos + WINDOW))
    return start, (after.start() if after else min(len(text), pos + WINDOW))


def _weak_past(text: str, start: int, end: int) -> bool:
    """A past verb form in ``text[start:end]``: an irregular past, or an -ed word that is not a participle."""
    for m in _IRREGULAR_PAST.finditer(text, start, end):
        if m.group(0).lower() != "got" or not _GOT_PRESENT.search(text, max(start, m.start() - 8), m.start()):
            return True
    for m in _ED.finditer(text, start, end):
        if m.group(0) in _NOT_PAST_ED:
            continue
        if not _BE_BEFORE.search(text, max(start, m.start() - 24), m.start()):
            return True
    return False


def clause_tense(text: str, pos: int) -> Tense:
    """The tense of the clause holding ``text[pos]`` (see the module docstring for the order of the tests)."""
    start, end = clause(text, pos)
    if _FUTURE.search(text, start, end):
        return "future"
    if _PAST.search(text, start, end):
        return "past"
    if _PROGRESSIVE.search(text, start, end):
        return "future"
    return "past" if _weak_past(text, start, end) else "present"


def looks_ahead(text: str, pos: int) -> bool:
    """Whether an expression at ``pos`` means the next such day (a plan, an arrangement, a target date).

    "since January" is always behind (whatever the tense: "I'm doing keto since January"); "starting Monday" is
    ahead unless the clause says it started.
    """
    if _SINCE_AT.match(text, pos) or _SINCE_BEFORE.search(text, max(0, pos - 8), pos):
        return False
    if _STARTING_BEFORE.search(text, max(0, pos - 14), pos):
        start, end = clause(text, pos)
        return _STARTED.search(text, start, end) is None
    tense = clause_tense(text, pos)
    if tense != "past":
        return True
    own = _OWN_PREPOSITION.match(text, pos)  # "came by on Tuesday": the date has its own preposition
    target = _TARGET_START.match(text, pos) or (own is None and _TARGET_BEFORE.search(text, max(0, pos - 10), pos))
    if not target:
        return False
    start, end = clause(text, pos)
    return _PAST.search(text, start, end) is None
