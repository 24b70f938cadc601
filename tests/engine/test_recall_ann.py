"""Approximate dense search for very large users (PostgreSQL's HNSW index) finds what exact search finds."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from recallr import RecallrAI
from recallr.models import MessageRole

FACTS = ["I'm allergic to peanuts.", "My dog Max loves the beach.", "I work as a nurse at St Mary's hospital.",
         "I moved to Lisbon last month.", "My sister Anna plays the cello.", "I ran a marathon in Porto."]
QUESTIONS = ["What is my dog called?", "Where do I work?", "Which instrument does Anna play?", "Where did I run?"]


def _contexts(data: Path, database_url: str | None, **settings: object) -> list[list[str]]:
    with RecallrAI.embedded(data, database_url=database_url, worker_poll_seconds=0.05, **settings) as client:
        user = client.get_user("ann") if client.list_users().total else client.create_user("ann")
        if not user.list_sessions().total:
            session = user.create_session(custom_created_at_utc=datetime(2023, 5, 8, tzinfo=UTC))
            for fact in FACTS:
                session.add_message(MessageRole.USER, fact)
            session.process(wait=True)
        found = []
        for question in QUESTIONS:
            asking = user.create_session()
            asking.add_message(MessageRole.USER, question)
            result = asking.get_context(min_top_k=5, include_metadata_ids=True, include_system_prompt=False)
            found.append(result.metadata.memory_ids)
        return found


def test_approximate_search_finds_what_exact_search_finds(tmp_path: Path, database_url: str | None) -> None:
    exact = _contexts(tmp_path, database_url)
    approximate = _contexts(tmp_path, database_url, ann_min_memories=1)  # every user counts as very large
    assert approximate == exact and all(exact)
