"""Text plumbing for extraction: sentence splitting, clean-up and filler (secrets: ``recallr.language.secrets``).

Everything here is pure and regex-based; the patterns are compiled once at import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..lexicon import STOPWORDS, word_set
from .chatter import is_greeting, strip_chatter
from .slots import SlotMatch

__all__ = [
    "COMMON_WORDS",
    "STOPWORDS",
    "Segment",
    "Statement",
    "content_words",
    "cut_off",
    "finish",
    "is_filler",
    "is_greeting",
    "is_question",
    "looks_like_prose",
    "split_segments",
    "strip_chatter",
]

# --- splitting -------------------------------------------------------------------------

_FENCED_CODE = re.compile(r"```.*?(?:```|$)", re.DOTALL)
_MARKDOWN = re.compile(r"\*\*|__|`+|^#{1,6}\s*|^>\s*", re.MULTILINE)
# Neither part crosses a bracket: "[a](" repeated would otherwise rescan to the end from every "[" (quadratic).
_LINK = re.compile(r"\[([^\[\]]+)\]\((?:https?://)?[^()\[\]]*\)")
_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\ufe0f\u200d]+")
_EMOTICON = re.compile(r"(?<!\w)(?::-?[)(DPp]|;-?\)|<3|xD)(?!\w)")
_EMOTICON_HINTS = (":)", ":(", ":D", ":P", ":p", ";)", "<3", ":-", ";-", "xD")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": " - ", "\u00a0": " "})
_LIST_ITEM = re.compile(r"^\s*(?:[-*•+]|\d{1,2}[.)]|[a-z][.)])\s+")
_BOUNDARY = re.compile(r"(?<![.!?…])([.!?…]++[\"')\]]*+)\s+")  # from the start of a run only: linear
_ABBREVIATIONS = word_set(
    "mr mrs ms dr st vs etc e.g i.e eg ie jr sr prof mt approx inc ltd co no fig ca cf dept est min max"
)
_SPACES = re.compile(r"[ \t]+")


@dataclass(frozen=True)
class Segment:
    """One sentence (or list item) of a message."""

    text: str
    list_item: bool = False  # the first sentence of a list item
    header: bool = False  # ends with ":" and introduces what follows
    in_item: bool = False  # any sentence of a list item
    line: int = 0  # index of the source line
    indent: int = 0  # leading spaces of a list item's line (nested items are deeper)


def _normalise(text: str) -> str:
    text = text.translate(_QUOTES)
    if "```" in text:
        text = _FENCED_CODE.sub("\n", text)
    if "](" in text:
        text = _LINK.sub(r"\1", text)
    if any(mark in text for mark in "*_`#>"):
        text = _MARKDOWN.sub("", text)
    if not text.isascii():
        text = _EMOJI.sub(" ", text)
    if any(mark in text for mark in _EMOTICON_HINTS):
        text = _EMOTICON.sub(" ", text)
    return text


def _split_sentences(line: str) -> list[str]:
    pieces: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(line):
        before = line[start : m.start()].rsplit(" ", 1)[-1].lower()
        if m.group(1) == "." and (before in _ABBREVIATIONS or "." in before or (len(before) == 1 and before.isalpha())):
            continue
        pieces.append(line[start : m.end(1)])
        start = m.end()
    pieces.append(line[start:])
    return [p.strip() for p in pieces if p.strip()]


# Bounded work per message, whatever its shape: 100,000 characters of prose are about 1,500 sentences.
MAX_SEGMENTS = 5000
MAX_SENTENCE_CHARS = 1000


def split_segments(text: str) -> list[Segment]:
    """Split a message into sentences and list items, cleaning markdown and emoji; O(len(text)).

    At most ``MAX_SEGMENTS`` segments of at most ``MAX_SENTENCE_CHARS`` characters each, so what follows
    (slots, rewriting, dates, categories) does bounded work per message.

    Example::

        >>> [s.text for s in split_segments("Hi! I moved to Paris. **Dr. Lee** helped.")]
        ['Hi!', 'I moved to Paris.', 'Dr. Lee helped.']
    """
    segments: list[Segment] = []
    for number, raw_line in enumerate(_normalise(text).splitlines()):
        item = bool(_LIST_ITEM.match(raw_line))
        indent = len(raw_line) - len(raw_line.lstrip()) if item else 0
        line = (_LIST_ITEM.sub("", raw_line, count=1) if item else raw_line).strip()
        if "  " in line or "\t" in line:
            line = _SPACES.sub(" ", line)
        if not line:
            continue
        sentences = [_bounded(sentence) for sentence in _split_sentences(line)]
        for i, sentence in enumerate(sentences):
            header = sentence.endswith(":") and i == len(sentences) - 1
            segments.append(
                Segment(sentence, list_item=item and i == 0, header=header, in_item=item, line=number, indent=indent)
            )
        if len(segments) >= MAX_SEGMENTS:
            return segments[:MAX_SEGMENTS]
    return segments


def _bounded(sentence: str) -> str:
    """A sentence cut to ``MAX_SENTENCE_CHARS`` at a space: statements are at most 400 characters anyway."""
    if len(sentence) <= MAX_SENTENCE_CHARS:
        return sentence
    cut = sentence[:MAX_SENTENCE_CHARS]
    return cut.rsplit(" ", 1)[0] if " " in cut else cut


@dataclass(frozen=True)
class Statement:
    """A rewritten third-person statement and the single-valued fact it states, if any."""

    content: str
    slot: SlotMatch | None = None
    basis: str = ""  # the clause the statement was made from, when narrower than the sentence


_TRAILING = re.compile(r"[\s.!?…,;:-]+$")
_MAX_CHARS = 400


def finish(text: str) -> str:
    """Tidy a statement: one space between words, capital first letter, one full stop.

    Example::

        >>> finish("user loves sushi!!")
        'User loves sushi.'
    """
    text = (_SPACES.sub(" ", text) if "  " in text or "\t" in text else text).strip()
    if len(text) > _MAX_CHARS:
        text = _cut(text)
    text = _TRAILING.sub("", text)
    return (text[:1].upper() + text[1:] + ".") if text else text


def _cut(text: str) -> str:
    """A long statement cut at its last clause boundary ("; ", then ", ") in the limit, else at a space."""
    head = text[:_MAX_CHARS]
    for mark in ("; ", ", "):
        at = head.rfind(mark)
        if at > _MAX_CHARS // 2:
            return head[:at]
    return head.rsplit(" ", 1)[0] + "…"


# --- prose ----------------------------------------------------------------------------------

_CODE = re.compile(
    r"[{}<>=$\\]|->|::|\(\)|;\s*$|^\s*(?:def|class|import|return|SELECT|from)\b|[a-z0-9][(\[][\w\"']|"
    r"[a-z]_[a-z]|\b(?:NULL|PRIMARY KEY|VARCHAR|INSERT INTO|CREATE TABLE)\b"
)
_NOT_LETTER = re.compile(r"[^A-Za-z]+")
# A template to fill in ("Hi, I'm [Your Name]"), not something anyone said about themselves.
_PLACEHOLDER = re.compile(r"\[(?:your|my|insert|the user'?s|name|date|company|city|recipient)\b[^\]\[]{0,40}\]", re.I)


def looks_like_prose(text: str) -> bool:
    """False for code, table rows and other text that is mostly not words.

    Example::

        >>> looks_like_prose("I moved to Paris."), looks_like_prose("| a | b |"), looks_like_prose("x = f(y);")
        (True, False, False)
    """
    if text.count("|") >= 2 or _CODE.search(text) or _PLACEHOLDER.search(text):
        return False
    return len(_NOT_LETTER.sub("", text)) >= 0.5 * (len(text) - text.count(" "))


# --- filler -------------------------------------------------------------------------------


# Words that carry feeling or politeness but no fact.
_FILLER_WORDS = word_set(
    """great awesome amazing cool nice wonderful fantastic incredible beautiful lovely good bad fun funny crazy wild
    super stunning gorgeous cute sweet glad happy excited thrilled proud sorry true right real totally hope hoping
    hopefully wish thanks thank thankful appreciate appreciated agree know knew think thought guess mean means meant
    feel feels felt seem seems seemed sound sounds sounded look looks looked like liked love loved loving enjoy
    enjoyed wait see seeing hear heard tell told talk talking chat chatting share sharing keep best better wow haha
    lol congrats congratulations interesting impressive inspiring inspired awesome cool neat epic rad dope brilliant
    perfect exciting wonderful wonderfully glad kind kindly words support supportive encouragement encouraging care
    caring touching sweet luck lucky blessed cheers bye goodbye day week soon later catch chatting chat awesome
    picture pic photo photos pics same too either agree agreed totally indeed exactly definitely surely honestly
    literally seriously truly rock rocks rocking killing nailed vibes vibe hang hanging there tough hard difficult
    easy important special great nice moment moments huge big little lil happy happiness amazing proud awesome
    incredible thrilled stoked pumped psyched wondering help question questions advice tips info information
    recommendations suggestions ideas assist ah ha hah haha hehe lol lmao omg yay ooh aww hmm um uh ugh nah yep yup
    ok adorable breathtaking magical gorgeous cutest beautiful favorite favourite favorites favourites"""
)

COMMON_WORDS = STOPWORDS | _FILLER_WORDS

_FILLER_TEMPLATES = re.compile(
    r"^(?:thanks?(?! to\b)|thank you|thx|ty|much appreciated|appreciate it|no problem|no worries|my pleasure|"
    r"you'?re welcome|anytime|take care|talk (?:to you )?(?:soon|later)|see (?:you|ya)|catch you|bye|"
    r"good ?night|(?:i'?ll |i will )?see (?:you|ya)|(?:i'?ll |i will )?(?:talk|chat) (?:to|with) you|"
    r"have a (?:good|great|nice|lovely|wonderful)|good luck|best of luck|keep it up|keep up the|keep going|"
    r"long time no (?:see|talk|chat)|have (?:fun|a blast)|stay safe|take it easy|you got this|you've got this|"
    r"hang in there|let me know|i'?m here for you|same here|me too|"
    r"i agree|i know,? right|fingers crossed|will do|sounds (?:good|great|fun|like a plan|amazing|awesome)|"
    r"that'?s (?:so )?(?:great|awesome|amazing|cool|nice|wonderful|fantastic|good|true|right|fine)|"
    r"i hope (?:so|you|it|that)|i'?m (?:so )?(?:glad|happy|proud) (?:for|of|to hear|you|that you)|"
    r"i'?m sure (?:you|it|they)|you (?:deserve|rock|did it|nailed it)|can'?t wait|let'?s (?:talk|chat|catch up|"
    r"do (?:it|this)|keep in touch|hang out soon|meet up soon)|congrat)",
    re.IGNORECASE,
)
_THANKS = re.compile(r"^(?:thanks|thank you|thx|ty)\b(?! to\b)", re.I)
_SELF = re.compile(r"\b(?:I|I'm|I've|I'll|I'd|my|we|our)\b")
_MEANS_A_LOT = re.compile(r"\bmeans? (?:a lot|so much|the world)\b", re.I)
_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")


def content_words(text: str) -> list[str]:
    """Lowercase words that carry information (not stopwords, not filler).

    Example::

        >>> content_words("That's so cool, I love painting!")
        ['painting']
    """
    return [w for w in (t.lower() for t in _WORD.findall(text)) if w not in STOPWORDS and w not in _FILLER_WORDS]


def is_filler(text: str) -> bool:
    """True for small talk that carries nothing worth remembering.

    Example::

        >>> is_filler("Thanks so much!"), is_filler("Sounds good"), is_filler("I'm allergic to peanuts")
        (True, True, False)
    """
    stripped = text.strip(" .!?…,;:-\"'")
    if not stripped or is_greeting(stripped):
        return True
    if _FILLER_TEMPLATES.match(stripped) and len(content_words(stripped)) < 3:
        return True
    if _MEANS_A_LOT.search(stripped) and len(content_words(stripped)) < 2:
        return True
    if _THANKS.match(stripped) and not _SELF.search(stripped):
        return True  # "Thanks for the tip about X" is about the other person's kindness
    return not content_words(stripped)


_CUT_WORDS = word_set("a an the my your his their our its and or but because of than if whether nor to")


def cut_off(text: str) -> bool:
    """True for a sentence cut mid-clause: no closing mark and it ends on an article or a conjunction.

    Example::

        >>> cut_off("Given the unpredictable nature of the"), cut_off("I live in Paris")
        (True, False)
    """
    stripped = text.rstrip()
    if stripped.endswith((".", "!", "?", "…", '"', "'", ")")):
        return False
    return stripped.rsplit(" ", 1)[-1].lower() in _CUT_WORDS


_QUESTION_START = re.compile(
    r"^(?:what|who|whom|whose|where|when|why|how|which|do|does|did|is|are|was|were|have|has|had|can|could|"
    r"will|would|should|shall|may|might|any|anything|got|wanna|care)\b",
    re.IGNORECASE,
)


def is_question(text: str) -> bool:
    """True when the sentence asks something (ends with "?" or starts like a question and has no full stop).

    Example::

        >>> is_question("How are you?"), is_question("I moved.")
        (True, False)
    """
    stripped = text.rstrip(" \"')")
    return stripped.endswith("?") or (bool(_QUESTION_START.match(stripped)) and not stripped.endswith((".", "!")))
