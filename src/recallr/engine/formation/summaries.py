"""Offline session summaries: the session's date and its most informative statements, with their sources."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from ...language.dates import TimeSpan, format_span
from ...store.records import MessageRecord
from .plan import Draft

MAX_SENTENCES = 6
MAX_CHARS = 700
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")


def _day(moment: datetime) -> str:
    return format_span(TimeSpan(moment, moment, "day", "", False))


def _score(draft: Draft) -> float:
    words = _WORD.findall(draft.content)
    rare = sum(1 for w in words if w[0].isupper()) + len(draft.entities)
    return len(set(w.lower() for w in words)) + 2 * rare + (3 if draft.slot else 0)


class OfflineSummarizer:
    """Picks the session's most informative drafts, in conversation order, under a size budget.

    Example: ``"Session on 8 May 2023 (Caroline, Melanie): Caroline went to an LGBTQ support group. ..."``
    """

    def summarize(self, session_date: datetime, messages: Sequence[MessageRecord],
                  drafts: Sequence[Draft]) -> tuple[str, list[int]]:
        """Summary text and the message indexes its sentences came from."""
        subjects = sorted({d.subject for d in drafts if d.subject and d.subject not in ("Assistant",)})
        who = f" ({', '.join(subjects)})" if subjects else ""
        head = f"Session on {_day(session_date)}{who}: "
        if not drafts:
            topic = " ".join(m.content for m in messages[:2])[:160]
            return (f"{head}a short exchange with nothing to remember ({topic!s})." if messages else
                    f"{head}no messages."), []
        ranked = sorted(range(len(drafts)), key=lambda i: -_score(drafts[i]))
        chosen: list[int] = []
        seen: set[str] = set()
        size = len(head)
        for i in ranked:
            text = drafts[i].content
            key = text.lower()[:60]
            if key in seen or size + len(text) > MAX_CHARS:
                continue
            chosen.append(i)
            seen.add(key)
            size += len(text) + 1
            if len(chosen) >= MAX_SENTENCES:
                break
        chosen.sort(key=lambda i: min(drafts[i].sources or [0]))
        sources = sorted({s for i in chosen for s in drafts[i].sources})
        return head + " ".join(drafts[i].content for i in chosen), sources
