"""Memory hygiene: what a stored memory must never look like (issue 13).

A memory is a self-contained statement. ``hygiene_problems`` names what breaks that:

* ``filler``: a discourse opener kept from the chat ("Quick thing first: ...", "Again, ...",
  "Wow, ...", "Actually, ...");
* ``deictic``: a bare pronoun or deictic subject ("It's ...", "This is ...", "Here's ...");
* ``broken``: a clause cut off (ends on a verb, an article, a preposition or a conjunction);
* ``greeting``: the assistant's chatter reported as a fact ("Assistant told the user that Welcome
  to Berlin.").

Linear time: it reads a few words from each end of the text.

Example::

    >>> hygiene_problems("Quick thing first: User is allergic to peanuts.")
    ['filler']
    >>> hygiene_problems("User is allergic to peanuts.")
    []
"""

from __future__ import annotations

__all__ = ["hygiene_problems"]

FILLER_OPENERS = (
    "quick thing first", "quick thing", "first things first", "again", "just so you know",
    "just so the assistant", "just so you remember", "wow", "oh", "ah", "well", "actually", "anyway",
    "anyways", "by the way", "btw", "so", "okay", "ok", "um", "uh", "hmm", "honestly", "basically",
    "sorry", "yeah", "yes", "no", "right", "also", "and", "but", "lol", "haha", "hey", "hi", "hello",
    "fun fact", "fyi", "oh and", "one more thing", "as i said", "like i said", "noted", "sure",
)
DEICTIC_SUBJECTS = ("it", "this", "that", "these", "those", "here", "there", "he", "she", "they",
                    "him", "her", "them", "its", "his", "their")
_DEICTIC_CONTRACTIONS = ("it's", "that's", "here's", "there's", "he's", "she's", "they're", "this's")
BROKEN_ENDINGS = ("is", "are", "was", "were", "be", "been", "the", "a", "an", "to", "of", "for", "with",
                  "and", "or", "but", "that", "which", "who", "on", "in", "at", "by", "from", "my", "his",
                  "her", "their", "our", "its", "because", "if", "when", "has", "have", "had", "will")
GREETINGS = ("welcome", "hello", "hi", "hey", "good morning", "good evening", "good afternoon",
             "congratulations", "congrats", "thank you", "thanks", "you're welcome", "happy", "great",
             "sure", "of course", "no problem", "glad", "sorry")


def hygiene_problems(text: str) -> list[str]:
    """The hygiene rules ``text`` breaks, in a fixed order (empty when it is a clean statement)."""
    head = words_of(text[:200])
    tail = words_of(text[-60:])
    out: list[str] = []
    if _opens_with(head, FILLER_OPENERS):
        out.append("filler")
    if head and (head[0] in DEICTIC_SUBJECTS or head[0] in _DEICTIC_CONTRACTIONS):
        out.append("deictic")
    if not tail or tail[-1] in BROKEN_ENDINGS:
        out.append("broken")
    told = " ".join(head[:6])
    for opener in ("assistant told the user that", "assistant told user that"):
        if told.startswith(opener) and _opens_with(head[5:], GREETINGS):
            out.append("greeting")
    return out


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
