"""Source excerpts: the words of a message that a memory formed from it left out.

A memory is a short third-person statement; the message it came from often held the detail a later
question asks about (the object of the sentence, a reason, a name in a photo caption). ``excerpt`` picks,
from the message, the sentence the memory was most likely formed from and keeps the part of it that holds
content words the memory (and what is already shown) lacks, bounded to ``max_words`` words. Pure and linear
in the length of the message: one pass to split sentences, one to count words.

    >>> excerpt("Jon is not giving up.", "Jon: Thanks! I won't quit, I'll keep dancing at the studio.")
    "I won't quit, I'll keep dancing at the studio."
    >>> excerpt("Caroline went to a support group.", "Caroline: I went to a support group yesterday.")
    ''
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

from .lexicon import STOPWORDS
from .speakers import strip_label

__all__ = ["MAX_EXCERPT_WORDS", "around", "content_stems", "excerpt", "new_stems"]

MAX_EXCERPT_WORDS = 14
MAX_SOURCE_CHARS = 4000  # a longer message is read up to here: an excerpt is a clause, not a document
# A sentence: a run of characters without an end mark, then its end marks.
_SENTENCE = re.compile(r"[^.!?]+[.!?]*")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")
_SUFFIXES = ("ings", "ing", "ied", "ies", "ed", "s")
_LEADING = frozenset({"and", "but", "so", "or", "then", "also"})


def _stem(word: str) -> str:
    """A crude stem, only to tell whether two words are the same word ("painting" ~ "paints" ~ "painted")."""
    word = word.lower().replace("’", "'").removesuffix("'s")
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


_FILLER = frozenset({"thanks", "thank", "lol", "haha", "hmm", "yep", "yup", "nope"})


def _content(word: str) -> bool:
    low = word.lower().replace("’", "'")
    return low not in STOPWORDS and low not in _FILLER and (len(low) > 2 or low.isdigit())


def content_stems(text: str) -> set[str]:
    """The stems of ``text``'s content words (no stopwords, no one- or two-letter words but numbers).

        >>> sorted(content_stems("She paints sunsets at the lake; she loved painting."))
        ['lak', 'lov', 'paint', 'sunset']
    """
    return {_stem(w) for w in _WORD.findall(text) if _content(w)}


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def _window(words: list[str], shared: set[str], new: set[str], max_words: int) -> tuple[int, int]:
    """The ``max_words`` consecutive words around the statement's own words (``shared``, weighing 3) and the new
    ones (1): where the statement came from, with what it left out next to it. The whole list if it fits."""
    if len(words) <= max_words:
        return 0, len(words)
    stems = [_stem(w) if _content(w) else "" for w in words]
    hits = [3 if s in shared else 1 if s in new else 0 for s in stems]
    best, first, last, running = -1, 0, 0, sum(hits[:max_words])
    for start in range(len(words) - max_words + 1):
        if start:
            running += hits[start + max_words - 1] - hits[start - 1]
        if running > best:
            best, first, last = running, start, start
        elif running == best and last == start - 1:
            last = start  # equally good windows next to each other: the middle one centres what was found
    middle = (first + last) // 2
    return middle, middle + max_words


def excerpt(statement: str, source: str, *, known: Collection[str] = (), focus: Collection[str] = (),
            max_words: int = MAX_EXCERPT_WORDS, min_new: int = 2) -> str:
    """The sentence of ``source`` that ``statement`` was formed from, when it holds at least ``min_new`` content
    words that neither ``statement`` nor ``known`` (stems, see ``content_stems``) has; else "".

    The sentence is the one sharing most content words with the statement and with ``focus`` (the stems of what
    is being asked; ties: the one adding more); a longer one is cut to the ``max_words`` words around those
    shared words and the new ones, marked with "…". O(len(source) + len(statement)), ``source`` read up to
    ``MAX_SOURCE_CHARS``.
    """
    mine = content_stems(statement)
    anchors = mine | set(focus)
    seen = mine | set(known)
    best: tuple[int, int] | None = None
    chosen: list[str] = []
    for sentence in _sentences(strip_label(source[:MAX_SOURCE_CHARS])):
        stems = content_stems(sentence)
        shared, new = len(stems & anchors), len(stems - seen)
        if new >= min_new and (best is None or (shared, new) > best):
            best, chosen = (shared, new), sentence.split()
    while chosen and chosen[0].lower().strip(",") in _LEADING:
        chosen = chosen[1:]
    if best is None:
        return ""
    start, end = _window(chosen, anchors, content_stems(" ".join(chosen)) - seen, max_words)
    return ("…" if start else "") + " ".join(chosen[start:end]) + ("…" if end < len(chosen) else "")


def around(text: str, stems: Collection[str], *, max_words: int) -> str:
    """``text`` cut to the ``max_words`` words holding most of ``stems`` (its speaker label kept), "…" marking
    the cuts; ``text`` itself when it fits. Cut after redacting: a cut can separate a secret from its keyword.

        >>> around("Ana: " + "blah " * 30 + "my kayak is red " + "blah " * 30, content_stems("kayak"), max_words=5)
        'Ana: …blah my kayak is red…'
    """
    body = strip_label(text)
    words = body.split()
    if len(words) <= max_words:
        return text
    label = text[: len(text) - len(body)]
    start, end = _window(words, set(stems), set(), max_words)
    return label + ("…" if start else "") + " ".join(words[start:end]) + ("…" if end < len(words) else "")


def new_stems(texts: Iterable[str]) -> set[str]:
    """The content stems of several texts together (what a context already shows)."""
    out: set[str] = set()
    for text in texts:
        out |= content_stems(text)
    return out
