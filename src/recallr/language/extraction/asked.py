"""What a person asked, in reported speech, every content word kept.

"How do I keep my 3-year-old busy on a long flight?" -> "User asked how to keep their 3-year-old busy on a long
flight." A question that mentions the person's own life (their child, their trip, "at 30 weeks pregnant") says
something about them; kept as what was asked, it is never turned into a claim it did not make. The common openings
are reported by a table of word prefixes (read word by word, no regex over the question); any other question is
quoted after "asked:". Linear in the text.
"""

from __future__ import annotations

from ..lexicon import word_set

__all__ = ["reported_question"]

# Opening words -> how the report begins ("{rest}" is what follows them, in the third person).
_OPENINGS: tuple[tuple[str, str], ...] = (
    ("how do i", "how to {rest}"), ("how can i", "how to {rest}"), ("how should i", "how to {rest}"),
    ("how could i", "how to {rest}"), ("how would i", "how to {rest}"),
    ("what should i", "what to {rest}"), ("what can i", "what to {rest}"), ("what could i", "what to {rest}"),
    ("where should i", "where to {rest}"), ("where can i", "where to {rest}"),
    ("when should i", "when to {rest}"), ("which should i", "which to {rest}"),
    ("should i", "whether to {rest}"), ("can i", "whether they can {rest}"), ("could i", "whether they could {rest}"),
    ("do i need to", "whether they need to {rest}"), ("do i have to", "whether they have to {rest}"),
    ("is it safe", "whether it is safe {rest}"), ("is it ok", "whether it is OK {rest}"),
    ("is it okay", "whether it is OK {rest}"), ("is it fine", "whether it is fine {rest}"),
    ("is it normal", "whether it is normal {rest}"), ("is it a good idea", "whether it is a good idea {rest}"),
    ("is it bad", "whether it is bad {rest}"), ("is it possible", "whether it is possible {rest}"),
    ("any tips", "for tips {rest}"), ("got any tips", "for tips {rest}"), ("any advice", "for advice {rest}"),
    ("any ideas", "for ideas {rest}"), ("any suggestions", "for suggestions {rest}"),
    ("any recommendations", "for recommendations {rest}"),
    ("can you recommend", "{listener} to recommend {rest}"), ("could you recommend", "{listener} to recommend {rest}"),
    ("can you suggest", "{listener} to suggest {rest}"), ("could you suggest", "{listener} to suggest {rest}"),
    ("can you help me", "for help to {rest}"), ("could you help me", "for help to {rest}"),
    ("what's a good", "for a good {rest}"), ("what is a good", "for a good {rest}"),
    ("what are some good", "for some good {rest}"), ("what are good", "for good {rest}"),
    ("what's the best", "for the best {rest}"), ("what is the best", "for the best {rest}"),
    ("do you think", "whether {listener} thinks {rest}"), ("do you know if", "whether {rest}"),
    ("do you know any", "for any {rest}"), ("do you know a good", "for a good {rest}"),
)
_OPENING_WORDS = {tuple(words.split()): report for words, report in _OPENINGS}
_LONGEST = max(len(k) for k in _OPENING_WORDS)
_PERSON = {"i": "they", "me": "them", "my": "their", "mine": "theirs", "myself": "themselves", "i'm": "they're",
           "i've": "they've", "i'll": "they'll", "i'd": "they'd", "am": "are"}
_OWN = word_set("my mine myself our ours i'm i've")
_HYPOTHETICAL = word_set("if suppose supposing hypothetically imagine say assuming unless")
_TRIM = ",.?!;:\"()"


def _word(raw: str) -> str:
    return raw.strip(_TRIM).lower().replace("’", "'")


def _third_person(words: list[str], listener: str) -> str:
    """``words`` with the first person turned into "they/their" ("am" after "I" into "are"), "you" into
    ``listener``."""
    out: list[str] = []
    previous = ""
    for raw in words:
        low = _word(raw)
        swap = _PERSON.get(low) or ({"you": listener, "your": f"{listener}'s"}.get(low) if listener else None)
        if swap is not None and (low != "am" or previous == "i"):
            core = raw.strip(_TRIM)
            start = raw.find(core) if core else 0
            raw = raw[:start] + swap + raw[start + len(core):]
        out.append(raw)
        previous = low
    return " ".join(out)


def reported_question(question: str, name: str, listener: str = "the assistant") -> str | None:
    """``question`` reported as asked by ``name`` (of ``listener``), or None when it says nothing of the asker's
    own life.

    Example::

        >>> reported_question("How do I keep my 3-year-old busy on a long flight?", "User")
        'User asked how to keep their 3-year-old busy on a long flight.'
        >>> reported_question("Is it safe to fly at 30 weeks pregnant?", "User")
        'User asked whether it is safe to fly at 30 weeks pregnant.'
        >>> reported_question("What's the capital of Peru?", "User") is None
        True
    """
    words = question[:2000].split()
    if len(words) < 3:
        return None
    lowered = [_word(w) for w in words]
    if lowered[0] in _HYPOTHETICAL or (lowered[0] == "what" and lowered[1] == "if"):
        return None  # "If I ever move to Tokyo, what should I pack?" is a wish, not a piece of their life
    # "How do I boil an egg?" is a how-to; "my 3-year-old", "I'm pregnant", "at 30 weeks" are the asker's life
    personal = any(w in _OWN for w in lowered) or any(c.isdigit() for c in question[:2000])
    if not personal:
        return None
    for size in range(min(_LONGEST, len(words) - 1), 0, -1):
        report = _OPENING_WORDS.get(tuple(lowered[:size]))
        if report is not None:
            rest = _third_person(words[size:], listener).rstrip(" ?!.")
            return f"{name} asked {report.format(rest=rest, listener=listener)}".replace("  ", " ").rstrip() + "."
    if len(lowered) > 1 and lowered[1] in ("you", "your"):
        return None  # "Do you like my hat?": reported, "you" would need its own verb form
    body = _third_person(words, listener).rstrip(" ?!.")
    return f"{name} asked: {body[:1].lower()}{body[1:]}?"
