"""What the source message of a recalled memory said that the memory left out (``language.excerpts``).

A memory keeps the gist of what was said; the question may ask about the detail it dropped ("What won't she
quit?" of "Nadia is not giving up.", formed from "I won't quit the cello"). For the best-ranked memories, recall
shows beside the memory the clause of its source message that holds content words not shown anywhere else in
the memory lines (each word once in the context, so a message behind several memories adds its detail once),
bounded in words, with the message's secrets redacted before anything is cut from it. When the message was said
on another day than the memory's event date, that day is shown too: "last Friday" in the excerpt then reads
against the day it was said.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import tzinfo

from ...language.dates.format import day_text
from ...language.excerpts import around, content_stems, excerpt, new_stems
from ...language.secrets import redact
from ...store import Tx
from ...store import memories as memory_store
from ...store.records import to_dt

EXCERPTED_MEMORIES = 6  # the best-ranked memories that may show a source excerpt
MESSAGE_WORDS = 24  # a related raw message is cut to this many words around the question's


@dataclass(frozen=True)
class SourceExcerpt:
    """The part of a memory's source message it left out, and when that message was said (epoch µs)."""

    text: str
    said_us: int

    def note(self, start_us: int, end_us: int, tz: tzinfo) -> str:
        """The text put after the memory: ``' (said: "…")'``, with the day when it is not the memory's own.

            >>> from datetime import UTC
            >>> day = 86_400 * 1_000_000
            >>> SourceExcerpt("I won't quit the cello", 19_500 * day).note(19_490 * day, 19_491 * day - 1, UTC)
            ' (said 23 May 2023: "I won\\'t quit the cello")'
        """
        said, start, end = to_dt(self.said_us), to_dt(start_us), to_dt(end_us)
        assert said is not None and start is not None and end is not None
        day = said.astimezone(tz).date()
        inside = start.astimezone(tz).date() <= day <= end.astimezone(tz).date()
        return f' (said: "{self.text}")' if inside else f' (said {day_text(day)}: "{self.text}")'


def source_excerpts(tx: Tx, memory_ids: Sequence[str], texts: Sequence[str], *, question: str = "",
                    limit: int = EXCERPTED_MEMORIES) -> list[SourceExcerpt | None]:
    """One excerpt (or None) per memory, for memories in rank order; only the first ``limit`` may have one.
    Within a message, the clause about the memory and the ``question`` is the one shown.

    One query for the sources of the first ``limit`` memories; each excerpt costs O(length of its message).
    """
    found = memory_store.source_messages(tx, list(memory_ids[:limit]))
    shown, focus = new_stems(texts), content_stems(question)
    out: list[SourceExcerpt | None] = []
    for memory_id, text in zip(memory_ids, texts, strict=True):
        best: SourceExcerpt | None = None
        gain = 0
        for _, content, said_us in found.get(memory_id, []):
            piece = excerpt(text, redact(content), known=shown, focus=focus)
            if (adds := len(content_stems(piece) - shown)) > gain:
                best, gain = SourceExcerpt(piece, said_us), adds
        if best is not None:
            shown |= content_stems(best.text)
        out.append(best)
    return out


def message_excerpt(text: str, question: str, *, max_words: int = MESSAGE_WORDS) -> str:
    """A related raw message as shown: redacted, then cut to the ``max_words`` words that hold most of the
    question's content words (a long message spends the context's words on what the question is about).

        >>> message_excerpt("Bo: my password is hunter2 and our kayak is red, la la la la la la la la",
        ...                 "Is the kayak red?", max_words=6)
        'Bo: …[redacted] and our kayak is red,…'
    """
    return around(redact(text), content_stems(question), max_words=max_words)
