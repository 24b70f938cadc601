"""What the source message of a recalled memory said that the memory left out (``language.excerpts``).

A memory keeps the gist of what was said; the question may ask about the detail it dropped ("What won't he
do?" of "Jon is not giving up.", formed from "I won't quit, I'll keep dancing"). For the best-ranked memories,
recall shows beside the memory the clause of its source message that holds content words not shown anywhere
else in the memory lines (each word once in the context, so a message behind several memories adds its detail
once), bounded in words, with the message's secrets redacted before anything is cut from it.
"""

from __future__ import annotations

from collections.abc import Sequence

from ...language.excerpts import content_stems, excerpt, new_stems
from ...language.secrets import redact
from ...store import Tx
from ...store import memories as memory_store

EXCERPTED_MEMORIES = 10  # the best-ranked memories that may show a source excerpt


def source_notes(tx: Tx, memory_ids: Sequence[str], texts: Sequence[str], *,
                 limit: int = EXCERPTED_MEMORIES) -> list[str]:
    """One note per memory (``' (said: "…")'`` or ``""``), for memories in rank order.

    Example: for the memory "Jon is not giving up." formed from "Jon: Thanks! I won't quit, I'll keep dancing",
    the note is ``' (said: "I won\\'t quit, I\\'ll keep dancing")'``. One query for the sources of the first
    ``limit`` memories; each excerpt costs O(length of its message).
    """
    wanted = list(memory_ids[:limit])
    found = memory_store.source_messages(tx, wanted)
    shown = new_stems(texts)
    notes = []
    for memory_id, text in zip(memory_ids, texts, strict=True):
        best = ""
        for _, content in found.get(memory_id, []):
            piece = excerpt(text, redact(content), known=shown)
            if len(content_stems(piece) - shown) > len(content_stems(best) - shown):
                best = piece
        if best:
            shown |= content_stems(best)
        notes.append(f' (said: "{best}")' if best else "")
    return notes
