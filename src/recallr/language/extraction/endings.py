"""Ended states: a statement that ends an earlier fact ("User stopped playing in the band", "User sold the boat").

``find_ending`` reads a third-person statement (as extraction writes it) for a state its subject ended:

* ``stop``: stopped / quit / gave up + an activity or a thing ("stopped playing in the band", "quit smoking",
  "gave up meat");
* ``leave``: left / dropped out of / resigned from / got fired from + an employer, group, place or person;
* ``sell``: sold / got rid of / gave away + a possession;
* ``move_out``: moved out of / away from + a place;
* ``break_up``: broke up / split up / got divorced (with someone);
* ``negation``: "no longer ...", "doesn't ... anymore", "is not ... these days".

``ended_by`` says whether an earlier statement is the fact an ending ends, and how strongly: the same
subject, an object in common (the band, the boat, Acme, meat) and a relation the ending can end (a
membership or job for ``leave``, a possession for ``sell``, the same activity for ``stop``), so "stopped by
the bakery", "left my keys at home" and "sold cookies at the fair" end nothing. Linear: tokens and sets.

Example::

    >>> e = find_ending("In November 2026, User stopped playing in the band.", "User")
    >>> e.kind, e.verb, sorted(e.objects)
    ('stop', 'play', ['band'])
    >>> ended_by(e, "User plays bass in a band called The Owls.", "User") > 0
    True
    >>> ended_by(e, "User plays tennis every Sunday.", "User")
    0
    >>> find_ending("User stopped by the bakery.", "User") is None
    True
"""

from __future__ import annotations

from dataclasses import dataclass

from ..lexicon import MONTH_NAMES, STOPWORDS, WEEKDAYS, word_set
from .stems import is_past, stem
from .values import Token, tokens

__all__ = ["Ending", "Reading", "ended_by", "find_ending", "read_statement", "restarts", "same_end"]

_E = tuple[tuple[str, ...], str]
_ENDERS: tuple[_E, ...] = tuple(sorted((
    *(((w,), "stop") for w in ("stopped", "quit", "quits", "dropped", "ditched")),
    (("has", "stopped"), "stop"), (("had", "stopped"), "stop"), (("has", "quit"), "stop"), (("gave", "up"), "stop"),
    (("has", "given", "up"), "stop"), (("gives", "up"), "stop"), (("kicked",), "stop"),
    (("left",), "leave"), (("has", "left"), "leave"), (("dropped", "out", "of"), "leave"),
    (("resigned", "from"), "leave"), (("retired", "from"), "leave"), (("was", "laid", "off", "from"), "leave"),
    (("got", "laid", "off", "from"), "leave"), (("was", "fired", "from"), "leave"), (("got", "fired", "from"), "leave"),
    (("walked", "away", "from"), "leave"), (("stepped", "down", "from"), "leave"), (("cancelled",), "leave"),
    (("canceled",), "leave"), (("ended",), "leave"), (("closed",), "leave"), (("shut", "down"), "leave"),
    (("sold",), "sell"), (("has", "sold"), "sell"), (("got", "rid", "of"), "sell"), (("gave", "away"), "sell"),
    (("donated",), "sell"), (("traded", "in"), "sell"), (("scrapped",), "sell"), (("rehomed",), "sell"),
    (("moved", "out", "of"), "move_out"), (("moved", "away", "from"), "move_out"),
    (("moved", "out", "from"), "move_out"),
    (("broke", "up"), "break_up"), (("split", "up"), "break_up"), (("splits", "up"), "break_up"),
    (("breaks", "up"), "break_up"), (("separated",), "break_up"), (("called", "off"), "break_up"),
    (("got", "divorced"), "break_up"), (("divorced",), "break_up"), (("called", "it", "quits"), "break_up"),
    (("ended", "things"), "break_up"), (("ended", "the", "relationship"), "break_up"),
    (("is", "single"), "break_up"), (("are", "no", "longer", "together"), "break_up"),
    (("are", "not", "together", "anymore"), "break_up"),
    (("no", "longer"), "negation"), (("is", "no", "longer"), "negation"), (("are", "no", "longer"), "negation"),
    (("does", "not"), "negation"), (("doesn't",), "negation"), (("do", "not"), "negation"), (("don't",), "negation"),
    (("is", "not"), "negation"), (("isn't",), "negation"), (("are", "not"), "negation"), (("aren't",), "negation"),
    (("never",), "negation"), (("is", "never"), "negation"),
), key=lambda e: -len(e[0])))
_NOT_AFTER_STOP = word_set("by at in to for off over on into from with through around past")
_HELD = word_set("my a an the it them her him his our their your this that these those me us something everything off")
_NOT_AFTER_LEFT = word_set("for early late behind home work a an it them me at on in to with school town")
_AFFILIATION = word_set(
    """job jobs position role company firm employer team band club choir group church school university college
    program programme course class gym orchestra league crew startup business agency studio lab office department
    husband wife partner boyfriend girlfriend fiance fiancee relationship marriage city town country flat apartment
    neighborhood neighbourhood religion party union network society association academy"""
)
_HINTS = ("stop", "quit", "gave", "given", "gives", "kicked", "left", "dropped", "resigned", "retired", "laid off",
          "fired", "walked away", "stepped down", "cancel", "ended", "closed", "shut down", "sold", "rid of", "donated",
          "traded", "scrapped", "rehomed", "moved", "broke", "breaks", "split", "separated", "divorce", "called",
          "single", "longer", "not", "n't", "never", "ditched")  # a cheap test before tokenising
_END_MARKERS = word_set("anymore nowadays")
_THING_KINDS = ("leave", "sell", "move_out")
_THING_END = word_set("with for to on that")  # "sold the boat to a neighbour": the thing ends before
_ROMANCE_NOUNS = word_set("engagement marriage wedding relationship thing things")
_TRIP = word_set("trip vacation holiday holidays week weekend day days conference visit business night nights while "
                 "errand meeting early late")
_AGES = word_set("old new previous current former first second")
_BOUNDARY = word_set(
    "because since after when as so but though although while until due once before which who where and anymore "
    "nowadays therefore if"
)
_ADVERBS = word_set(
    "finally recently just also officially eventually actually then already ultimately sadly unfortunately "
    "basically completely totally kind sort of really even"
)
_DETERMINERS = word_set("the a an their his her its our my your this that these those")
_NOT_OBJECT = STOPWORDS | word_set(
    "days way time awesome great amazing good nice cool fun lovely wonderful beautiful huge big small little super "
    "favorite favourite best whole") | frozenset(m.lower() for m in MONTH_NAMES) | frozenset(WEEKDAYS)
_NOT_GERUND = word_set("nothing something anything everything morning evening thing king ring spring string wedding "
                       "building meeting clothing ceiling during")
_TO_PURPOSE = word_set("focus spend live be save take start work look care move study join travel get have make find "
                       "try pursue concentrate help go")


_BE_NEGATIONS = word_set("isn't aren't")
_PREFERENCE = word_set("lik lov enjoy ador fancy prefer")


def _canonical(verb: str) -> str:
    """One key for verbs of liking ("likes", "loves", "enjoys")."""
    return "lik" if verb in _PREFERENCE else verb


@dataclass(frozen=True)
class Ending:
    """What a statement says its subject ended; offsets are into that statement."""

    kind: str  # stop, leave, sell, move_out, break_up or negation
    verb: str | None  # stem of the ended activity ("play" for "stopped playing"); None for a thing
    objects: frozenset[str]  # stems of the complement's content words ("band"; "job", "acme")
    complement: tuple[int, int]  # the ended phrase after its verb ("playing in the band")
    gerund_at: int | None  # where "playing" starts, for a stopped activity
    noun: tuple[int, int, str] | None  # "the band": span and head noun, for a thing
    ender: tuple[int, int]  # the ending verb ("stopped", "broke up")
    partner: tuple[int, int] | None  # "and friends" between the subject and the ending verb
    ender_word: str = ""  # the ending verb's last word, lowercase
    trip: bool = False  # the statement reads as a trip ("left Chicago for a week"), not a move


@dataclass(frozen=True)
class Reading:
    """An earlier statement as ``ended_by`` reads it: its main verb and its words."""

    possessive: str | None  # "boat" for "User's boat is called Marlin"
    verb: Token | None  # the main verb after the subject ("plays", "dating", "has")
    words: frozenset[str]  # stems of its content words
    raw: frozenset[str]  # its lowercase words
    transitive: bool = False  # its verb takes an object ("runs a bakery")


def _subject_at(toks: list[Token], subject: str, *, every: bool = False) -> list[int]:
    """Indexes of the tokens after the subject's name (the first only, unless ``every``: "Like User said, User
    quit ..."); none when the statement opens on the subject's possessive ("User's sister ...")."""
    name = subject.lower().split()
    found: list[int] = []
    for i in range(len(toks) - len(name) + 1):
        if [t.low for t in toks[i:i + len(name)]] == name:
            found.append(i + len(name))
            if not every or len(found) >= 3:
                break
        elif toks[i].low == name[0] + "'s" and len(name) == 1 and not found:
            break
    return found


def _skip(toks: list[Token], i: int) -> tuple[int, tuple[int, int] | None]:
    """Past "and friends" / "and their wife" after the subject, and past adverbs."""
    partner = None
    if i + 1 < len(toks) and toks[i].low == "and":
        j = i + (3 if toks[i + 1].low in _DETERMINERS and i + 2 < len(toks) else 2)
        partner = (toks[i].start, toks[j - 1].end)
        i = j
    while i < len(toks) and toks[i].low in _ADVERBS:
        i += 1
    return i, partner


def _starts(toks: list[Token], i: int, seq: tuple[str, ...]) -> bool:
    return len(toks) - i >= len(seq) and all(toks[i + n].low == w for n, w in enumerate(seq))


def find_ending(statement: str, subject: str) -> Ending | None:
    """The state ``statement`` says ``subject`` ended, if any (see the module docstring)."""
    low = statement[:600].lower()
    if not any(hint in low for hint in _HINTS):
        return None
    toks = tokens(statement[:600])
    for at in _subject_at(toks, subject, every=True):
        i, partner = _skip(toks, at)
        for seq, kind in _ENDERS:
            if _starts(toks, i, seq):
                return _ending(toks, i, len(seq), kind, partner, subject)
    return None


def _ending(toks: list[Token], i: int, n: int, kind: str, partner: tuple[int, int] | None,
            subject: str) -> Ending | None:
    j = i + n
    nxt = toks[j].low if j < len(toks) else ""
    if kind == "stop" and nxt in _NOT_AFTER_STOP and not (toks[i].low == "gave" and nxt == "on"):
        return None
    if kind == "stop" and toks[i].low == "gave" and nxt == "on":
        j += 1
    if toks[i].low in ("dropped", "ditched") and n == 1 and nxt in _HELD:
        return None  # "dropped my phone", "dropped it": a thing let fall, not a habit given up ("dropped keto")
    if kind == "leave" and toks[i].low == "left" and (nxt in _NOT_AFTER_LEFT or _house(toks, j)):
        return None
    if toks[i + n - 1].low == "ended" and nxt in ("up", "with", "in", "on", "at"):
        return None  # "ended up with great sponsors"
    end = _complement_end(toks, j, kind)
    comp = toks[j:end]
    if kind == "negation" and not _marked(toks, i, end):
        return None
    verb, gerund_at = None, None
    if kind == "negation" and (toks[i].low in ("is", "are") or toks[i].low in _BE_NEGATIONS):
        verb = "be"
    elif kind == "negation" and comp and comp[0].low not in _DETERMINERS:
        verb = _canonical(stem(comp[0].text))
        comp = comp[1:]
    elif kind == "stop" and comp and comp[0].low.endswith("ing") and comp[0].low not in _NOT_GERUND:
        verb, gerund_at = stem(comp[0].text), comp[0].start
        comp = comp[1:]
    objects = frozenset(stem(t.text) for t in comp if _is_object(t, subject))
    if kind in ("leave", "sell", "move_out") and not objects:
        return None
    if kind == "leave" and toks[i].low == "left" and not _affiliation(comp):
        return None
    if kind in ("stop", "negation") and not objects and verb is None:
        return None
    span = (toks[j].start, toks[end - 1].end) if end > j else (toks[i].end, toks[i].end)
    if kind == "break_up":
        objects = objects - _ROMANCE_NOUNS
    trip = any(t.low in _TRIP for t in toks[j:])
    return Ending(kind, verb, objects, span, gerund_at, _noun(comp), (toks[i].start, toks[i + n - 1].end), partner,
                  toks[i + n - 1].low, trip)


def _house(toks: list[Token], j: int) -> bool:
    return _starts(toks, j, ("the", "house")) or _starts(toks, j, ("the", "office"))


def _complement_end(toks: list[Token], j: int, kind: str = "") -> int:
    end = j
    while end < len(toks):
        tok = toks[end]
        if not tok.text[0].isalnum() or tok.low in _BOUNDARY or (kind in _THING_KINDS and tok.low in _THING_END) or (
                tok.low == "to" and end + 1 < len(toks) and toks[end + 1].low in _TO_PURPOSE) or (
                tok.low in ("these", "this") and end + 1 < len(toks) and toks[end + 1].low in ("days", "year")):
            break
        end += 1
    return end


def _marked(toks: list[Token], i: int, end: int) -> bool:
    """A negation ends a state only when it says so: "no longer", "never ... anymore", "not ... these days"."""
    if _starts(toks, i, ("no", "longer")) or any(_starts(toks, i, (w, "no", "longer")) for w in ("is", "are")):
        return True
    tail = [t.low for t in toks[end:end + 3]]
    return bool(set(tail) & _END_MARKERS) or tail[:2] in (["these", "days"], ["any", "more"]) or tail[:1] == ["now"]


def _is_object(tok: Token, subject: str) -> bool:
    low = tok.low
    return (tok.text[0].isalpha() and low not in _NOT_OBJECT and low not in _DETERMINERS
            and low != subject.lower() and not low.endswith("'s") and len(low) > 1)


def _affiliation(comp: list[Token]) -> bool:
    """"left Google", "left the band", "left my husband": a name or a group, job, place or partner."""
    return any(t.text[0].isupper() or t.low in _AFFILIATION or stem(t.text) in _AFFILIATION for t in comp[:4])


def _noun(comp: list[Token]) -> tuple[int, int, str] | None:
    """"the band" / "their old boat": a determiner and up to three words to the noun before a preposition."""
    if not comp or comp[0].low not in _DETERMINERS:
        return None
    end = 1
    while end < len(comp) and end <= 3 and comp[end].low not in STOPWORDS and comp[end].text[0].isalpha():
        end += 1
    if end == 1:
        return None
    return comp[0].start, comp[end - 1].end, comp[end - 1].low


# --- the fact an ending ends ------------------------------------------------------------------------------

_JOB_STEMS = word_set("job position rol")
_CANCEL = word_set("cancelled canceled closed ended")
_AUX = word_set("is are was were has have had been does do will would can 's am being")
_STATE_START = word_set("joined started began bought got adopted became took signed enrolled moved inherited built")
_LEAVE_VERBS = word_set("work play sing volunteer teach study attend liv dat belong join start be coach train lead "
                        "run intern serv manag own member rent stay play")
_HAVE_VERBS = word_set("hav own buy get driv rid keep inherit build adopt rent")
_HOME_VERBS = word_set("liv mov bas settl resid rent stay")
_ROMANCE = word_set("dating date boyfriend girlfriend partner relationship engaged fiance fiancé fiancee married "
                    "husband wife seeing together")


def read_statement(statement: str, subject: str) -> Reading | None:
    """``statement`` as a fact about ``subject``, or None when it is about someone else."""
    toks = tokens(statement[:600])
    name = subject.lower()
    possessive = None
    first = _subject_at(toks, subject)
    at = first[0] if first else None
    if at is None:
        own = next((n for n, t in enumerate(toks) if t.low == name + "'s"), None)
        if own is None or own + 1 >= len(toks):
            return None
        possessive, at = toks[own + 1].low, own + 2
    i, _ = _skip(toks, at)
    while i + 1 < len(toks) and toks[i].low in _AUX and toks[i + 1].low not in _DETERMINERS and (
            toks[i + 1].low.endswith(("ing", "ed")) or toks[i + 1].low in _AUX):
        i += 1
    verb = toks[i] if i < len(toks) and toks[i].text[0].isalpha() else None
    words = frozenset(stem(t.text) for t in toks if _is_object(t, subject))
    transitive = i + 1 < len(toks) and toks[i + 1].low in _DETERMINERS
    return Reading(possessive, verb, words, frozenset(t.low for t in toks), transitive)


def ended_by(ending: Ending, statement: str, subject: str, slot: str | None = None) -> int:
    """How strongly ``ending`` ends ``statement`` (a positive fact about ``subject``): 0 when it does not."""
    old = read_statement(statement, subject)
    if old is None:
        return 0
    verb = _canonical(stem(old.verb.text)) if old.verb is not None else None
    slot_key = (slot or "").split(":", 1)[-1].split(":")[0]
    shared = _shared(ending.objects, old.words)
    if ending.objects & _JOB_STEMS and (slot_key in ("employer", "job") or (verb == "work" and old.possessive is None)):
        shared += 1  # "quit their job" ends "works at Acme"
    if ending.kind == "break_up":  # "User is dating Sam", "User's boyfriend Jake is a chef"
        romance = old.raw & _ROMANCE if old.possessive is None else {old.possessive} & _ROMANCE
        return 1 + shared if romance and (shared or not ending.objects) else 0
    if old.possessive is not None:  # "User's boat is called Marlin": about the boat, not about someone else
        if old.possessive in ("favorite", "favourite") and shared:
            return shared  # "User's favorite drink is coffee" / "User doesn't drink coffee anymore"
        return 1 + shared if _shared(ending.objects, frozenset({stem(old.possessive)})) else 0
    if ending.kind in ("stop", "negation") and ending.verb is not None and ending.verb not in ("be", "hav"):
        same = verb == ending.verb or ending.verb in {stem(w) for w in old.raw if w.endswith("ing")}
        if not same or (ending.objects and not shared) or (not ending.objects and old.transitive):
            return 0  # "stopped running" ends "runs every morning", not "runs a bakery"
        return 1 + shared
    if not shared:
        return 0
    perfect = old.verb is not None and statement[:old.verb.start].rstrip().endswith((" has", " have"))
    if verb is None or (old.verb is not None and is_past(old.verb.text) and old.verb.low not in _STATE_START
                        and not perfect):  # "has been vegan" holds now; "went vegan once" does not
        return 0
    cancels = ending.kind == "leave" and ending.ender_word in _CANCEL
    if ending.kind == "leave" and not (verb in _LEAVE_VERBS or slot_key in ("employer", "job", "home") or (
            cancels and verb in _HAVE_VERBS)):
        return 0
    if (ending.kind == "sell" or ending.verb == "hav") and verb not in _HAVE_VERBS:
        return 0
    if ending.kind == "move_out" and not (verb in _HOME_VERBS or slot_key == "home"):
        return 0
    if ending.trip and (verb in _HOME_VERBS or slot_key == "home" or ending.ender_word == "left"):
        return 0  # "left Chicago for a week", "left the party early": a trip, not a move
    ages = ending.objects & _AGES
    if ages and old.raw & _AGES and not ages & old.raw:
        return 0  # "sold the old sofa" does not end "has a new sofa"
    return shared + (1 if slot_key in ("employer", "job", "home") else 0)


def _shared(objects: frozenset[str], words: frozenset[str]) -> int:
    """Objects in common; a compound counts for its head ("boat" in "sailboat")."""
    return sum(1 for o in objects if o in words or (len(o) >= 4 and any(w.endswith(o) for w in words)))


def same_end(a: Ending, b: Ending) -> bool:
    """Whether two endings end the same thing ("quit their job at Acme" said twice; "stopped playing in the band" and
    its stored wording "stopped playing bass in a band called The Owls")."""
    if a.verb is not None and b.verb is not None and a.verb != b.verb:
        return False
    return bool(_shared(a.objects, b.objects)) or (a.verb is not None and a.verb == b.verb and a.kind == b.kind)


_RESTART = word_set("again resumed rejoined restarted returned")


def restarts(statement: str) -> bool:
    """A statement that takes an ended state up again ("started playing in the band again", "went back to ...")."""
    low = statement[:600].lower()
    if "again" not in low and "back" not in low and "res" not in low and "rejoin" not in low and "return" not in low:
        return False
    words = [t.low for t in tokens(low)]
    return bool(_RESTART.intersection(words)) or any(
        w == "back" and n > 0 and words[n - 1] in ("went", "is", "am", "got", "came", "started") for n, w in
        enumerate(words))
