"""Memory hygiene: what a stored memory must never look like (issue 13).

A memory is a self-contained statement. ``hygiene_problems`` names what breaks that:

* ``filler``: a discourse opener kept from the chat ("Quick thing first: ...", "Again, ...",
  "Wow, ...", "Actually, ...", "Just so you know ...");
* ``deictic``: a bare pronoun or deictic subject ("It's ...", "This is ...", "Here's ...", "She ...",
  "Their love ...");
* ``broken``: a clause cut off (ends on an article, a possessive, a conjunction, a preposition or an
  auxiliary that nothing before it leaves open), or a lone subordinate clause ("If User moves to Tokyo.");
* ``greeting``: the assistant's chatter reported as a fact ("Assistant told the user that Welcome
  to Berlin.", "... that congratulations on ...").

A date opener the formation stage writes in front ("On 3 March 2026, ", "In the week of 1 May 2023, ")
is skipped: the statement after it is what is checked.

Linear time: it reads a few words from each end of the text.

Example::

    >>> hygiene_problems("Quick thing first: User is allergic to peanuts.")
    ['filler']
    >>> hygiene_problems("On 3 March 2026, User's sister's birthday is.")
    ['broken']
    >>> hygiene_problems("It's an important part of Caroline's life.")
    ['deictic']
    >>> hygiene_problems("Here's a photo of Melanie's horse painting Melanie did.")
    ['deictic']
    >>> hygiene_problems("Assistant told the user that Welcome to Berlin.")
    ['greeting']
    >>> hygiene_problems("User is allergic to peanuts.")
    []
    >>> hygiene_problems("Caroline is proud of who Caroline is."), hygiene_problems("User wants to achieve that.")
    ([], [])
"""

from __future__ import annotations

from .lexicon import word_set

__all__ = ["hygiene_problems"]

# Openers that are always filler, with or without punctuation after them.
FILLER_OPENERS = (
    "quick thing first", "quick thing", "quick note", "quick update", "first things first", "again",
    "just so you know", "just so the assistant", "just so you remember", "just so you're aware", "so you know",
    "just to let you know", "just a heads up", "heads up", "wow", "oh", "ah", "actually", "anyway", "anyways",
    "by the way", "btw", "okay", "ok", "um", "uh", "hmm", "honestly", "basically", "yeah", "yes", "lol", "haha",
    "hey", "hi", "hello", "fun fact", "fyi", "oh and", "one more thing", "as i said", "like i said", "noted",
    "for the record", "side note", "p s", "ps", "reminder", "update", "also", "and", "but", "plus", "besides",
    "sorry", "no", "nope", "in fact", "to be honest", "tbh", "believe it or not", "guess what",
)
# Openers that are filler only when punctuation follows ("So, ..." but not "So far ...", "Right now ...").
PUNCTUATED_OPENERS = ("so", "right", "sure", "true", "great", "cool", "nice", "now", "alright", "first", "still",
                      "well")
DEICTIC_SUBJECTS = ("it", "this", "that", "these", "those", "here", "there", "he", "she", "they",
                    "him", "her", "them", "its", "his", "their")
_DEICTIC_CONTRACTIONS = ("it's", "that's", "here's", "there's", "he's", "she's", "they're", "this's", "it'll",
                         "that'll", "they've", "they'll", "he'll", "she'll", "it'd", "they'd", "heres", "its")
# Always cut off: nothing may follow an article, a possessive determiner or a conjunction at the end.
CUT_ENDINGS = ("the", "a", "an", "my", "their", "our", "its", "your", "and", "or", "but", "because", "if",
               "whether", "than", "nor")
# Cut off unless something earlier leaves them open ("what User is looking for", "the friends Maria has").
OPEN_ENDINGS = ("is", "are", "was", "were", "be", "been", "has", "have", "had", "will", "would", "can", "could",
                "to", "of", "for", "with", "at", "from", "about", "into", "that", "which", "who", "when", "since",
                "as")
_RELATIVES = ("what", "which", "who", "whom", "whose", "where", "that", "how", "whatever", "wherever", "why",
              "when", "whoever", "all", "everything", "something", "anything", "nothing", "someone", "one")
_SUBJECTS = ("i", "he", "she", "it", "we", "they", "you", "user", "assistant", "themselves", "themself",
             "friends", "family")
_PHRASAL = ("about", "to", "for", "with", "at", "from", "into", "of")
_SUBORDINATORS = ("if", "unless", "because", "although", "though", "whereas", "whenever")
GREETINGS = ("welcome", "hello", "hi", "hey", "good morning", "good evening", "good afternoon",
             "congratulations", "congrats", "thank you", "thanks", "you're welcome", "happy", "great",
             "sure", "of course", "no problem", "glad", "sorry", "dear", "greetings", "nice to meet")
_DATE_OPENERS = ("on ", "in ", "between ", "around ", "from ", "during ", "by ", "until ", "since ", "before ",
                 "after ", "at ")


def hygiene_problems(text: str) -> list[str]:
    """The hygiene rules ``text`` breaks, in a fixed order (empty when it is a clean statement)."""
    text = _without_date_opener(text.strip())
    head = words_of(text[:200])
    tail = words_of(text[-80:])
    out: list[str] = []
    if _opens_with(head, FILLER_OPENERS) or _punctuated_opener(text, head):
        out.append("filler")
    if head and (head[0] in DEICTIC_SUBJECTS or head[0] in _DEICTIC_CONTRACTIONS):
        out.append("deictic")
    if _broken(text, head, tail):
        out.append("broken")
    told = " ".join(head[:6])
    for opener in ("assistant told the user that", "assistant told user that"):
        if told.startswith(opener) and _opens_with(head[5:], GREETINGS):
            out.append("greeting")
    return out


def _without_date_opener(text: str) -> str:
    """The statement after "On 3 March 2026, " and the like (an opener ending in a year and a comma)."""
    low = text[:80].lower()
    if not low.startswith(_DATE_OPENERS):
        return text
    comma = low.find(", ")
    if comma > 4 and low[comma - 4 : comma].isdigit():
        return text[comma + 2 :]
    return text


def _punctuated_opener(text: str, head: list[str]) -> bool:
    if not head or head[0] not in PUNCTUATED_OPENERS:
        return False
    after = text.lstrip(" \"'")[len(head[0]) :].lstrip()
    return after[:1] in (",", "!", ":", ";", "-", "…") or after[:3] == "..."


def _broken(text: str, head: list[str], tail: list[str]) -> bool:
    if not tail:
        return True
    last = tail[-1]
    if last in CUT_ENDINGS:
        return True
    if head and head[0] in _SUBORDINATORS and "," not in text and not _second_subject(head):
        return True  # "If User ever moves to Tokyo." is half a sentence
    if last not in OPEN_ENDINGS:
        return False
    before = tail[-2] if len(tail) > 1 else ""
    if last in _PHRASAL and (before.endswith(("ing", "ed")) or before in _PHRASAL_VERBS or
                             (len(tail) > 2 and tail[-3] == "to")):
        return False  # "looking for", "thankful for", "books to choose from"
    if last == "since" and before == "ever":
        return False
    if before in _SUBJECTS or before.endswith(("'s", "'ll", "'d", "'ve", "'re")) or _capitalised_before_last(text):
        return False  # a zero relative: "the friends Maria has", "who Caroline is"
    if last == "that" and before not in ("said", "says", "think", "thinks", "thought", "believe", "so", "such",
                                         "is", "was", "know", "knows", "hope", "hopes", "feel", "feels"):
        return False  # "achieve that", "for that": a demonstrative object
    window = tail[-12:-1]
    return not any(w in _RELATIVES for w in window)


def _second_subject(head: list[str]) -> bool:
    """A subject after the opening clause's own: "If Maria goes Maria will ..." has a main clause."""
    return any(w in _SUBJECTS or w.endswith("'s") for w in head[3:]) or head[1:].count(head[1]) > 1 if \
        len(head) > 1 else False


def _capitalised_before_last(text: str) -> bool:
    words = text[-80:].rstrip(" .!?…\"')").split()
    return len(words) > 1 and words[-2][:1].isupper()


_PHRASAL_VERBS = word_set(
    """thankful grateful proud afraid scared aware fond sure known used ready excited worried passionate
    interested good bad keen push go come hang carry move give get keep look think care believe count rely
    depend wait ask pay listen talk apply hope long work fight stand live allergic full capable tired sick
    responsible grateful similar close due able happy sorry glad jealous"""
)


def _opens_with(tokens: list[str], phrases: tuple[str, ...]) -> bool:
    for phrase in phrases:
        want = phrase.split()
        if tokens[: len(want)] == want:
            return True
    return False


def words_of(text: str) -> list[str]:
    """Lower-case words of ``text`` (letters, digits and inner apostrophes), in order; linear."""
    cleaned = "".join(ch if ch.isalnum() or ch in "'’" else " " for ch in text.lower())
    return [w.replace("’", "'").strip("'") for w in cleaned.split() if w.strip("'’")]
