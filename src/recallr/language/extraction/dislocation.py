"""A subject said after its sentence: "It's an important part of my life, running." -> "Running is an important part
of my life."

A pronoun subject ("it", "she", "he", "they") whose noun phrase follows the clause after a comma (right
dislocation) gets that phrase back as its subject, so the statement names what it is about. Read word by word on
a bounded tail: linear in the text.
"""

from __future__ import annotations

from ..lexicon import word_set

__all__ = ["undislocated"]

_PRONOUN_VERBS = {
    "it's": "is", "it is": "is", "it was": "was", "she's": "is", "she is": "is", "she was": "was", "he's": "is",
    "he is": "is", "he was": "was", "they're": "are", "they are": "are", "they were": "were",
}
_PLAIN_PRONOUNS = word_set("it she he they")
_NP_OPENERS = word_set("my our the his her their a an this that these those")
_NOT_NP = word_set("though too either anyway honestly really actually right maybe probably especially")
_MAX_TAIL_WORDS = 6


def _tail_phrase(tail: str) -> str | None:
    """The noun phrase after the last comma: "my sister", "running", "Lisbon"; None for anything else."""
    words = tail.split()
    if not 1 <= len(words) <= _MAX_TAIL_WORDS or any(not w.replace("'", "").replace("-", "").isalnum()
                                                     for w in words):
        return None
    first = words[0]
    low = first.lower()
    if low in _NOT_NP or low in ("and", "but", "so", "or", "because", "which", "who", "when", "if", "i", "you"):
        return None
    if low in _NP_OPENERS or first[:1].isupper() or (len(words) == 1 and low.endswith("ing") and len(low) > 4):
        return tail.strip()
    return None


def undislocated(sentence: str) -> str:
    """``sentence`` with a dislocated subject put back; unchanged when it has none.

    Example::

        >>> undislocated("It's an important part of my life, running.")
        'Running is an important part of my life.'
        >>> undislocated("She's amazing, my sister!")
        'My sister is amazing!'
        >>> undislocated("It's late, though.")
        "It's late, though."
    """
    text = sentence.strip()
    if len(text) > 300 or "," not in text:
        return sentence
    body, end = (text[:-1], text[-1]) if text[-1] in ".!?" else (text, "")
    head, _, tail = body.rpartition(",")
    phrase = _tail_phrase(tail)
    if phrase is None or "," in head:
        return sentence
    words = head.split(" ", 2)
    low = [w.lower().replace("’", "'") for w in words]
    for size in (2, 1):
        verb = _PRONOUN_VERBS.get(" ".join(low[:size]))
        if verb is not None:
            rest = " ".join(words[size:])
            if rest.split(" ", 1)[0].lower() in ("been", "got", "gotten"):  # "it's been": "it has"
                return sentence
            return f"{phrase[:1].upper()}{phrase[1:]} {verb} {rest}{end}" if rest else sentence
    if low[0] in _PLAIN_PRONOUNS and len(words) > 1:  # "They drive me crazy sometimes, my kids."
        rest = head.split(" ", 1)[1]
        return f"{phrase[:1].upper()}{phrase[1:]} {rest}{end}"
    return sentence
