"""A fake model that answers extraction with what the offline extractor finds in the same messages.

Run against the realistic formation suite (tests/engine/formation_suite/test_llm_plumbing.py), it checks LLM
mode's plumbing end to end: the prompt carries the messages, the session date and the categories, and the
answer's statements, categories, sources, event dates, slots and flags survive the trip into memories exactly
as offline. Consolidation answers are unusable on purpose, so that step exercises the offline fallback.

Example::

    fake.responder = MirrorModel()
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from recallr.engine.formation import OfflineExtractor
from recallr.language.categories import Category
from recallr.store.records import MessageRecord

from .fake_openai import Recorded, Reply

_SESSION = re.compile(r"\((\d{4}-\d\d-\d\d)\), (\d\d):(\d\d) UTC")
_CATEGORY = re.compile(r"^- ([a-z0-9_]+): (.*)$")


def _session_date(request: Recorded) -> datetime:
    found = _SESSION.search(request.user_text)
    if found is None:
        raise ValueError("no session date in the extraction prompt")
    day = datetime.fromisoformat(found.group(1))
    return day.replace(hour=int(found.group(2)), minute=int(found.group(3)), tzinfo=UTC)


def _categories(request: Recorded) -> list[Category]:
    listed = request.system_text.split("Categories:\n", 1)[-1].split("\n\n", 1)[0]
    return [Category(m.group(1), m.group(2)) for m in map(_CATEGORY.match, listed.splitlines()) if m]


def _day(moment: datetime) -> str | None:
    return moment.date().isoformat()


class MirrorModel:
    """Extraction answered by the offline extractor; every other task answered with something unusable."""

    def __call__(self, request: Recorded) -> Reply:
        if request.task != "extraction":
            return Reply(content="not JSON")
        when = _session_date(request)
        messages = [MessageRecord(index, "s", index, role, content, when)
                    for index, role, content in request.lines()]
        drafts = OfflineExtractor().extract(messages, _categories(request))
        memories: list[dict[str, Any]] = []
        for draft in drafts:
            item: dict[str, Any] = {"content": draft.content, "categories": list(draft.categories),
                                    "sources": list(draft.sources), "subject": draft.subject,
                                    "changed": draft.change_marker, "negated": draft.negated}
            if draft.event_start != when or draft.event_end != when:  # a dated memory, not "when it was said"
                item["event_start"], item["event_end"] = _day(draft.event_start), _day(draft.event_end)
            if draft.slot:
                item["attribute"], item["value"] = draft.slot.split(":", 1)[1], draft.value
            memories.append(item)
        return Reply(json={"memories": memories, "summary": "They talked."})
