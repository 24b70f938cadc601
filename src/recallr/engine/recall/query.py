"""What the user is talking about now: query texts, keywords, entities, date ranges, sub-questions."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from ...language.dates import TimeSpan, asks_for_date, query_date_range
from ...language.lexicon import QUERY_STOPWORDS
from ...language.speakers import strip_label
from ...store.records import MessageRecord

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'-]*|\d{2,4}")
_NAME = re.compile(r"\b([A-Z][a-z]+(?:\s+[A-Z][a-z]+)*)\b")
_PAST = re.compile(r"\b(used to|before|previous(?:ly)?|formerly|former|originally|at first|old|earlier|anymore|"
                   r"no longer|change[ds]?|history|first)\b", re.I)
# No leading or trailing ``\s*``: the parts are stripped anyway, and ``\s*`` before an alternation is tried again at
# every position of a whitespace run (quadratic: 10 KB of spaces took 12 s).
_SPLIT = re.compile(r"\?|;|\band (?:also|what|when|where|how|who)\b", re.I)
# Only the end of a long message is the question: recall reads its last words (bounded work per query).
MAX_QUERY_WORDS = 300
MAX_QUERY_CHARS = 3000
_QUESTION_NAMES = frozenset({"What", "When", "Where", "Who", "Why", "How", "Which", "Did", "Does", "Do", "Is", "Are",
                             "Was", "Were", "Can", "Could", "Would", "Will", "Have", "Has", "Tell", "I", "The", "A"})


@dataclass
class RecallQuery:
    """The search intent built from the latest messages of the current session."""

    text: str  # the last user message: weighted most
    context: list[str]  # the messages before it, weighted less
    keywords: list[str]
    entities: list[str]
    date_range: TimeSpan | None
    wants_date: bool
    about_past: bool
    sub_questions: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.text.strip()


def keywords(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for word in _WORD.findall(text):
        low = word.lower().strip("'")
        if len(low) > 2 and low not in QUERY_STOPWORDS:
            seen.setdefault(low)
    return list(seen)


_SENTENCE = re.compile(r"[^.!?]+[.!?]*")


def informative(text: str, *, min_keywords: int = 3) -> bool:
    """Whether a past message says something beyond questions and filler ("Wow! What got you into running?")."""
    statements = [s for s in _SENTENCE.findall(strip_label(text)) if not s.rstrip().endswith("?")]
    return len(keywords(" ".join(statements))) >= min_keywords


def entities(text: str) -> list[str]:
    found: dict[str, None] = {}
    for match in _NAME.finditer(text):
        name = match.group(1)
        parts = [p for p in name.split() if p not in _QUESTION_NAMES]
        if parts:
            found.setdefault(" ".join(parts))
    return list(found)


def query_tail(text: str) -> str:
    """The last ``MAX_QUERY_WORDS`` words (at most ``MAX_QUERY_CHARS`` characters) of a message; O(len(text)).

    Example::

        >>> query_tail("blah " * 5000 + "Where do I live?").split()[-4:], len(query_tail("blah " * 5000).split())
        (['Where', 'do', 'I', 'live?'], 300)
    """
    if len(text) <= MAX_QUERY_CHARS and text.count(" ") < MAX_QUERY_WORDS:
        return text
    words = text[-4 * MAX_QUERY_CHARS:].split()[-MAX_QUERY_WORDS:]
    return " ".join(words)[-MAX_QUERY_CHARS:].strip()


def build_query(messages: Sequence[MessageRecord], now: datetime, *, window: int = 3) -> RecallQuery:
    """The last user message (else the last message) and up to ``window - 1`` messages before it."""
    recent = list(messages)[-window * 2:]
    last_user = next((m for m in reversed(recent) if m.role == "user"), recent[-1] if recent else None)
    if last_user is None:
        return RecallQuery("", [], [], [], None, False, False)
    text = query_tail(strip_label(last_user.content))
    before = [query_tail(strip_label(m.content)) for m in recent if m.position < last_user.position][-(window - 1):]
    parts = [p.strip() for p in _SPLIT.split(text) if len(p.strip()) > 8]
    return RecallQuery(
        text=text, context=before, keywords=keywords(text), entities=entities(text),
        date_range=query_date_range(text, now), wants_date=asks_for_date(text), about_past=bool(_PAST.search(text)),
        sub_questions=parts if len(parts) > 1 else [],
    )
