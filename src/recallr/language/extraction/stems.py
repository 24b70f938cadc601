"""Crude English stems and verb forms, enough to tell that "plays", "played" and "playing" are one verb.

``stem`` maps every inflection of a word to one key (not a dictionary form: "lives" -> "liv"), ``gerund``
turns a verb as a statement writes it ("plays", "runs", "is") into its -ing form. Pure word look-ups.

Example::

    >>> [stem(w) for w in ("plays", "playing", "played", "lives", "living", "running", "runs", "studies")]
    ['play', 'play', 'play', 'liv', 'liv', 'run', 'run', 'study']
    >>> [gerund(w) for w in ("plays", "runs", "lives", "studies", "is", "has", "teaches", "skis")]
    ['playing', 'running', 'living', 'studying', 'being', 'having', 'teaching', 'skiing']
"""

from __future__ import annotations

__all__ = ["gerund", "is_past", "stem"]

_IRREGULAR = {
    "ran": "run", "ate": "eat", "drank": "drink", "sang": "sing", "swam": "swim", "drove": "driv", "rode": "rid",
    "taught": "teach", "wrote": "writ", "sold": "sel", "left": "leav", "went": "go", "goes": "go", "gone": "go",
    "does": "do", "did": "do", "done": "do", "has": "hav", "had": "hav", "is": "be", "are": "be", "was": "be",
    "were": "be", "been": "be", "being": "be", "am": "be", "bought": "buy", "got": "get", "gotten": "get",
    "made": "mak", "took": "tak", "taken": "tak", "saw": "see", "seen": "see", "met": "meet", "kept": "keep",
    "began": "begin", "begun": "begin", "became": "becom", "gave": "giv", "given": "giv", "wore": "wear",
    "worn": "wear", "flew": "fly", "flies": "fly", "built": "build", "led": "lead", "fed": "feed", "won": "win",
    "spent": "spend", "children": "child", "kids": "kid", "people": "person", "men": "man", "women": "woman",
}  # fmt: skip
_PAST = frozenset(w for w in _IRREGULAR if w not in ("goes", "does", "has", "is", "are", "am", "being", "flies",
                                                       "children", "kids", "people", "men", "women"))
_KEEP_S = ("ss", "us", "ics")
_VOWELS = "aeiou"


def stem(word: str) -> str:
    """One key for a word's inflections (see the module docstring)."""
    low = word.lower().strip("'’")
    if low.endswith(("'s", "’s")):
        low = low[:-2]
    if low in _IRREGULAR:
        return _IRREGULAR[low]
    if low.endswith("ism") and len(low) > 6:  # "veganism" is "vegan"'s
        return low[:-3]
    if low.endswith(("ies", "ied")) and len(low) > 4:
        low = low[:-3] + "y"
    elif low.endswith("ing") and len(low) > 4 and any(ch in _VOWELS for ch in low[:-3]):
        low = low[:-3]
    elif (low.endswith("ed") and len(low) > 4) or low.endswith(("ches", "shes", "sses", "xes", "zes")):
        low = low[:-2]
    elif low.endswith("s") and not low.endswith(_KEEP_S) and len(low) > 3:
        low = low[:-1]
    if low.endswith("e") and len(low) > 2 and not low.endswith(("ee", "ye", "oe")):
        low = low[:-1]
    if len(low) > 3 and low[-1] == low[-2] and low[-1] not in _VOWELS:
        low = low[:-1]
    return low


def is_past(word: str) -> bool:
    """A simple-past verb form ("played", "went"); a guess from its ending for regular verbs."""
    low = word.lower()
    return low in _PAST or (low.endswith("ed") and len(low) > 4)


_GERUND = {"is": "being", "are": "being", "am": "being", "has": "having", "have": "having", "does": "doing",
           "do": "doing", "goes": "going", "go": "going", "dies": "dying", "lies": "lying", "ties": "tying",
           "skis": "skiing", "sees": "seeing", "flies": "flying"}


def gerund(verb: str) -> str:
    """The -ing form of a present-tense verb as a statement writes it ("plays" -> "playing")."""
    low = verb.lower()
    if low in _GERUND:
        return _GERUND[low]
    if low.endswith("ing"):
        return low
    base = low
    if base.endswith("ies") and len(base) > 4:
        base = base[:-3] + "y"
    elif base.endswith(("ches", "shes", "sses", "xes", "zes")):
        base = base[:-2]
    elif base.endswith("s") and not base.endswith("ss"):
        base = base[:-1]
    if base.endswith("ie"):
        return base[:-2] + "ying"
    if base.endswith("e") and not base.endswith(("ee", "ye", "oe")) and len(base) > 2:
        return base[:-1] + "ing"
    if _doubles(base):
        return base + base[-1] + "ing"
    return base + "ing"


def _doubles(base: str) -> bool:
    """One syllable ending consonant-vowel-consonant ("run", "swim", "jog"), not w, x or y."""
    if len(base) < 3 or base[-1] in _VOWELS + "wxy" or base[-2] not in _VOWELS or base[-3] in _VOWELS:
        return False
    return sum(1 for n, ch in enumerate(base) if ch in _VOWELS and (n == 0 or base[n - 1] not in _VOWELS)) == 1
