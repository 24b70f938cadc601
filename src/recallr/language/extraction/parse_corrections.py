"""Reading a correction: which new value (and old value, or corrected clause) a sentence gives.

Shapes (any wording of each): an apology or "wait"/"actually"/"no" lead-in, a cue ("I meant", "make
that", "it should be", "it's"), a contrast ("not X but Y", "Y, not X", "Y rather than X"), or a clause
cue ("I got that wrong:", "let me correct that:") followed by a whole statement. A correction may also
end a sentence after a separator ("... on the 12th - actually the 14th"). A short value needs a cue or a
contrast to count; a value that is only words (not a date, number or name) needs a strong cue ("I meant
the blue one") or a contrast.

Linear: the sentence is tokenised once; a trailing correction is looked for only in its last few tokens.

Example::

    >>> find_correction("Sorry, I meant Braga.")
    (0, Correction(new='Braga', old=None, clause=None, cue_word='Sorry', cue_end=None))
    >>> find_correction("My flight is on the 12th - actually the 14th.")[1].new
    'the 14th'
    >>> find_correction("I stopped by the bakery.") is None
    True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

from ..lexicon import word_set
from .values import Token, kind_of, same_kind, tokens, values_in

__all__ = ["Correction", "find_correction"]


@dataclass(frozen=True)
class Correction:
    new: str | None  # the new value as said ("the 14th"); None for a clause that does not single one out
    old: str | None  # the old value when said ("not Tuesday")
    clause: str | None  # the corrected statement when the correction is one ("I have three kids")
    cue_word: str | None  # the correction's first word as written ("Sorry", "actually")
    cue_end: str | None  # the last word before a corrected clause ("wrong" in "I got that wrong: ...")


_Seq = tuple[str, ...]
_LEADS = word_set("sorry oops whoops wait no nope correction actually err erm sry soz woops typo")
_NAME_LEADS = word_set("actually correction no nope oops whoops wait")  # "Sorry, Tom." is someone addressed
_WEAK = word_set("oh ah um uh hmm ok okay well so and but ugh argh")
_TWO_WORD_LEADS: tuple[_Seq, ...] = (
    ("my", "bad"), ("my", "mistake"), ("scratch", "that"), ("hang", "on"), ("hold", "on"), ("my", "apologies"),
    ("silly", "me"),
)
_STRONG: tuple[_Seq, ...] = (
    ("what", "i", "meant", "was"), ("what", "i", "meant", "is"), ("i", "meant", "to", "say"),
    ("i", "should", "have", "said"), ("it", "should", "have", "been"), ("i", "meant"), ("i", "mean"),
    ("make", "that"), ("make", "it"), ("it", "should", "be"), ("that", "should", "be"), ("should", "be"),
)
_CLAUSE_CUES: tuple[_Seq, ...] = (
    ("i", "got", "that", "wrong"), ("i", "got", "it", "wrong"), ("i", "had", "that", "wrong"),
    ("i", "had", "it", "wrong"), ("i", "was", "wrong"), ("i", "misspoke"), ("i", "made", "a", "mistake"),
    ("let", "me", "correct", "that"), ("let", "me", "correct", "myself"), ("to", "correct", "myself"),
    ("i", "mixed", "that", "up"), ("i", "mixed", "them", "up"), ("i", "said", "that", "wrong"),
    ("i", "typed", "that", "wrong"), ("that", "was", "wrong"), ("that's", "wrong"),
    ("that", "came", "out", "wrong"), ("that's", "not", "right"), ("that", "wasn't", "right"),
    ("i", "misspelled", "that"), ("i", "misspelled", "it"), ("i", "misremembered"), ("i", "mixed", "up"),
)
_WEAK_CUES: tuple[_Seq, ...] = (
    ("it's",), ("it", "is"), ("that's",), ("that", "is"), ("it", "was"), ("that", "was"), ("it", "will", "be"),
    ("it'll", "be"),
)
_CLAUSE_WORDS = word_set(
    """i you he she we they it is are was were am be been have has had do does did will would can could should
    i'm i've i'll i'd we're we've it's that's there's he's she's they're don't doesn't didn't won't can't going"""
)
_FIRST_PERSON = word_set("i i'm i've i'll i'd my we we're we've our me")
_OBJECT_LEADS = word_set("actually sorry oops whoops correction wait typo")
_REPLIES = word_set(
    """thanks thank thx ty problem problems worries idea clue way course sure kidding joke matter bother rush need
    nothing everything anything something yes yeah yep no nope ok okay fine good great cool nice perfect exactly right
    true agreed please lol haha again later tomorrow today tonight now then here there that this it"""
)
_NAMINGS: tuple[_Seq, ...] = tuple(
    (*who, *verb) for who in (("his", "name"), ("her", "name"), ("its", "name"), ("their", "name"), ("the", "name"),
                              ("it",), ("he",), ("she",), ("they",))
    for verb in (("is",), ("was",), ("is", "called"), ("is", "named"), ("'s",)))
_NAMINGS = tuple(sorted({*_NAMINGS, ("it's", "called"), ("he's", "called"), ("she's", "called"), ("it's", "named"),
                         ("he's", "named"), ("she's", "named")}, key=lambda s: -len(s)))
_SHORT_SUBJECTS = word_set("he's she's it's they're he she it they we're")
_AROUND_VALUE = word_set(
    "in on at to from for by the a an my our his her their its next this around about near morning afternoon evening "
    "night noon midnight of actually really definitely probably just"
)
_Index = dict[str, list[_Seq]]


def _index(table: tuple[_Seq, ...]) -> _Index:
    """Sequences by their first word, longest first (a sentence's word is looked up once, not every sequence)."""
    out: _Index = {}
    for seq in sorted(table, key=lambda q: -len(q)):
        out.setdefault(seq[0], []).append(seq)
    return out


_PAIRS, _STRONG_CUES, _CLAUSES, _WEAKS, _NAMES = (
    _index(t) for t in (_TWO_WORD_LEADS, _STRONG, _CLAUSE_CUES, _WEAK_CUES, _NAMINGS))
_TRAILING = word_set("sorry lol haha oops instead then though actually sry")
_SEPARATORS = word_set(", ; - – — ...")
MAX_TAIL = 12  # tokens a trailing correction may have


def find_correction(text: str) -> tuple[int, Correction] | None:
    """The correction ``text`` makes, and where it starts (0: the whole sentence is the correction)."""
    toks = tokens(text)
    whole = _parse(toks)
    if whole is not None:
        return 0, whole
    for k in range(max(3, len(toks) - MAX_TAIL), len(toks)):
        if toks[k - 1].text in _SEPARATORS:
            tail = _parse(toks[k:])
            if tail is not None and tail.clause is None and tail.new is not None:
                return toks[k].start, tail
    return None


def _starting(toks: list[Token], i: int, index: _Index) -> list[_Seq]:
    """The sequences of ``index`` (longest first) that ``toks`` holds at ``i``."""
    if i >= len(toks):
        return []
    return [seq for seq in index.get(toks[i].low, ()) if _starts(toks, i, seq)]


def _starts(toks: list[Token], i: int, seq: tuple[str, ...]) -> bool:
    return len(toks) - i >= len(seq) and all(toks[i + n].low == w for n, w in enumerate(seq))


@dataclass
class _Cues:
    """What opens a sentence before its value or clause: lead-ins, a cue, and where the rest starts."""

    at: int = 0
    lead_words: set[str] = field(default_factory=set)
    first: str | None = None  # the first cue word as written
    strong: bool = False  # "I meant", "make that"
    clause: bool = False  # "I got that wrong:"
    weak: bool = False  # "it's"
    cue_end: str | None = None  # the last cue word before a clause

    @property
    def lead(self) -> bool:
        return bool(self.lead_words)

    def took(self, toks: list[Token], n: int) -> None:
        self.first = self.first or toks[self.at].text
        self.cue_end = toks[self.at + n - 1].text
        self.at += n


def _parse(toks: list[Token]) -> Correction | None:
    cues = _read_cues(toks)
    rest = _trimmed(toks[cues.at:])
    if not rest:
        return None
    i = cues.at
    if cues.cue_end is None and cues.lead and i > 0:
        cues.cue_end = toks[i - 1].text if toks[i - 1].text[0].isalnum() else (toks[i - 2].text if i > 1 else None)
    new, old = _contrast(rest)
    if new and _is_value(new) and not cues.clause:
        return _value_correction(new, old, cues)
    short = _short_clause_value(rest) if cues.lead and not old else None
    if short is not None:
        return Correction(short, None, None, cues.first, None)  # "Oops, he's 8."
    if not (cues.lead or cues.strong or cues.clause or old) or not _is_clause(rest):
        return None
    value = None
    if old:
        kind = kind_of(_text(old))
        found = [v for v in values_in("x " + _text(new or rest)) if same_kind(v.kind, kind)]
        value = found[-1].text if found else None
    return Correction(value, _text(old) if old else None, _text(rest), cues.first,
                      cues.cue_end if (cues.lead or cues.clause) else None)


def _read_cues(toks: list[Token]) -> _Cues:
    cues = _Cues()
    while cues.at < len(toks):
        tok = toks[cues.at]
        pair = next(iter(_starting(toks, cues.at, _PAIRS)), None)
        if tok.low in _LEADS or pair is not None:
            cues.first = cues.first or tok.text
            cues.lead_words.add(tok.low)
            cues.at += len(pair) if pair is not None else 1
        elif not tok.text[0].isalnum() or tok.low in _WEAK:
            cues.at += 1
        else:
            break
    i = cues.at
    strong = next((q for q in _starting(toks, i, _STRONG_CUES) if not (
        q[-1] == "meant" and _starts(toks, i + len(q), ("to",)))), None)
    clause = next(iter(_starting(toks, i, _CLAUSES)), None) if strong is None else None
    if strong is not None:
        cues.strong = True
        cues.took(toks, len(strong))
        while cues.at < len(toks) and toks[cues.at].text in _SEPARATORS:
            cues.at += 1
        cues.at += next((len(w) for w in _starting(toks, cues.at, _WEAKS)), 0)  # "I mean, it's Lisa"
    elif clause is not None or _wrong_cue(toks, i):
        cues.clause = True
        cues.took(toks, len(clause) if clause is not None else _wrong_cue(toks, i))
    else:
        weak = next(iter(_starting(toks, i, _WEAKS)), None)
        if weak is not None:
            cues.weak = True
            cues.at += len(weak)
    cues.at += _naming(toks, cues.at)
    return cues


def _value_correction(new: list[Token], old: list[Token] | None, cues: _Cues) -> Correction | None:
    """A short value after a cue, or in a contrast; it needs more of a cue the less it looks like a value."""
    kind = kind_of(_text(new))
    if new[0].low in ("not", "no", "never"):
        return None  # "Not bad, not bad at all."
    if kind == "object" and not (
            cues.strong or (old and (cues.lead or cues.weak)) or _plain_object(new, cues.lead_words)):
        return None
    if kind != "object" and not _whole_value(_text(new), kind):
        return None  # "Actually, Tuesday works better.": a remark, not a value
    if len(new) > (4 if kind == "object" else 6):
        return None
    if kind == "proper" and not (cues.strong or old or cues.weak or cues.lead_words & _NAME_LEADS):
        return None  # "Sorry, Tom.": someone addressed
    if not (cues.lead or cues.strong or old) or (cues.weak and not (cues.lead or old)):
        return None
    return Correction(_text(new), _text(old) if old else None, None, cues.first, None)


def _wrong_cue(toks: list[Token], i: int) -> int:
    """"I got the date wrong", "I had the time wrong", "I mixed up the dates": tokens of such a cue, or 0."""
    if not (_starts(toks, i, ("i", "got")) or _starts(toks, i, ("i", "had"))):
        return 0
    for n in range(i + 2, min(i + 5, len(toks))):
        if toks[n].low == "wrong":
            return n - i + 1
    return 0


def _naming(toks: list[Token], i: int) -> int:
    """"his name is Eric", "it's called Miso", "she's named Ana": the words before the name (0: none)."""
    for seq in _starting(toks, i, _NAMES):
        if len(toks) > i + len(seq) and toks[i + len(seq)].text[:1].isupper():
            return len(seq)
    return 0


def _trimmed(toks: list[Token]) -> list[Token]:
    """Without punctuation at either end, nor a trailing "sorry", "my mistake", "lol"."""
    end = len(toks)
    while end > 0:
        if not toks[end - 1].text[0].isalnum() or toks[end - 1].low in _TRAILING:
            end -= 1
        elif end > 1 and (toks[end - 2].low, toks[end - 1].low) in _TWO_WORD_LEADS:
            end -= 2
        else:
            break
    start = 0
    while start < end and not toks[start].text[0].isalnum():
        start += 1
    return toks[start:end]


def _contrast(rest: list[Token]) -> tuple[list[Token] | None, list[Token] | None]:
    """(new, old) of "not X but Y", "not X, Y", "Y, not X", "Y rather than X", "Y instead of X"; else (rest, None)."""
    if rest[0].low == "not":
        for j in range(2, len(rest)):
            if rest[j].low == "but" or rest[j].text in _SEPARATORS:
                k = j + 1 + (j + 1 < len(rest) and rest[j + 1].low in ("rather", "but"))
                new = _trimmed(rest[k:])
                return (new or None), _trimmed(rest[1:j]) or None
        return None, None
    for j in range(1, len(rest)):
        low = rest[j].low
        two = " ".join(t.low for t in rest[j:j + 2])
        if low == "not" or two in ("rather than", "instead of"):
            skip = 1 if low == "not" else 2
            old = _trimmed(rest[j + skip:])
            if old and len(old) <= 4 and (low != "not" or _contrasted(rest[j - 1], old)):
                return _trimmed(rest[:j]) or None, old
    return rest, None


def _contrasted(before: Token, old: list[Token]) -> bool:
    """"three kids, not two" and "Wednesday not Tuesday" contrast two values; "I'm not sure where" negates a verb."""
    if before.text in _SEPARATORS:
        return True
    kind = kind_of(_text(old))
    return kind != "object" and same_kind(kind_of(before.text), kind)


def _plain_object(new: list[Token], lead_words: set[str]) -> bool:
    """"Actually, blue.": a word or two after a correcting lead-in (not "no", which answers a question), and not a
    reply ("Sorry, no idea.", "Actually, thanks.")."""
    return bool(lead_words & _OBJECT_LEADS) and len(new) <= 2 and not any(t.low in _REPLIES for t in new)


def _whole_value(text: str, kind: str) -> bool:
    """The phrase is the value and little else: "in Shoreditch", "the 14th", "three brothers", "Monday evening"."""
    padded = "x " + text
    covered = [(v.start, v.end) for v in values_in(padded)]
    rest = [t for t in tokens(padded)[1:] if t.text[0].isalnum() and not any(a <= t.start < b for a, b in covered)]
    extra = [t for t in rest if t.low not in _AROUND_VALUE]
    return not extra or (kind == "number" and len(extra) <= 2 and all(t.text.isalpha() for t in extra))


def _short_clause_value(rest: list[Token]) -> str | None:
    """The one date, time or number of a short clause after a lead-in ("he's 8", "it's at 5 pm")."""
    if len(rest) > 4 or rest[0].low not in _SHORT_SUBJECTS:
        return None
    found = [v for v in values_in("x " + _text(rest)) if v.kind != "proper"]
    return found[0].text if len(found) == 1 else None


def _is_value(toks: list[Token]) -> bool:
    return 0 < len(toks) <= 6 and not any(t.low in _CLAUSE_WORDS for t in toks)


def _is_clause(toks: list[Token]) -> bool:
    """A statement rather than a value: it has a subject pronoun or a verb among its first words."""
    return len(toks) >= 3 and any(t.low in _FIRST_PERSON or t.low in _CLAUSE_WORDS for t in toks[:5])


def _text(toks: list[Token] | None) -> str:
    if not toks:
        return ""
    out = toks[0].text
    for prev, tok in pairwise(toks):
        out += ("" if tok.start == prev.end else " ") + tok.text
    return out
