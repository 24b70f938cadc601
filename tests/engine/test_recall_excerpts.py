"""Recall shows beside a memory what its source message said that the memory left out (``recall/excerpts.py``).

The memories here are written straight into the store (real SQLite), each with its source message, so the test
does not depend on what formation keeps: the question is only what recall shows of the source.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from recallr import RecallrAI
from recallr.engine.recall.excerpts import message_excerpt
from recallr.models import MessageRole
from recallr.store import memories as memory_store
from recallr.store.memories import MemoryRecord

from ..conftest import shared_embedder

SAID = datetime(2023, 5, 8, 13, 56, tzinfo=UTC)
ASKED = datetime(2023, 6, 1, 9, tzinfo=UTC)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[RecallrAI]:
    with RecallrAI.embedded(tmp_path / "d", worker_poll_seconds=0.05) as c:
        c._embedded.engine._embedder = shared_embedder()
        yield c


def _remember(client: RecallrAI, user: Any, pairs: list[tuple[str, str]], *, event: datetime = SAID) -> None:
    """One unprocessed session (said on ``SAID``) holding the messages; one memory per pair (memory text, its
    source message), about ``event``'s day."""
    session = user.create_session(custom_created_at_utc=SAID, auto_process_after_seconds=None)
    for _, message in pairs:
        session.add_message(MessageRole.USER, message)
    engine = client._embedded.engine  # type: ignore[attr-defined]
    vectors = shared_embedder().embed([memory for memory, _ in pairs])
    with engine.db.write() as tx:
        user_id = tx.scalar("SELECT id FROM users WHERE custom_user_id = ?", [user.user_id])
        for position, ((memory, _), vector) in enumerate(zip(pairs, vectors, strict=True)):
            ident = str(uuid.uuid4())
            record = MemoryRecord(id=ident, user_id=user_id, session_id=session.session_id, chain_id=ident,
                                  version_number=1, content=memory, categories=[], event_date_start=event,
                                  event_date_end=event + timedelta(days=1, microseconds=-1), created_at=SAID,
                                  embedding=vector)
            memory_store.insert(tx, record, [(session.session_id, position)])
        memory_store.bump_revision(tx, user_id)


def _context(user: Any, question: str, **options: Any) -> Any:
    session = user.create_session(custom_created_at_utc=ASKED, auto_process_after_seconds=None)
    session.add_message(MessageRole.USER, question)
    return session.get_context(include_system_prompt=False, **options)


def test_the_source_detail_the_memory_lacks_is_shown(client: RecallrAI) -> None:
    user = client.create_user("nadia")
    _remember(client, user, [
        ("Nadia is not giving up.", "Nadia: Thanks! I won't quit the cello, I practise scales every evening."),
        ("Nadia has a cat.", "Nadia: I have a cat."),
    ])
    result = _context(user, "What instrument won't Nadia quit?", include_metadata_ids=True)
    line = next(ln for ln in result.context.splitlines() if "Nadia is not giving up." in ln)
    assert "quit the cello" in line and "every evening" in line
    after_cat = result.context.partition("Nadia has a cat.")[2].partition("\n")[0]  # a day's memories share a line
    assert not after_cat.lstrip().startswith("(said")  # its source adds nothing
    assert {s.message_index for s in result.metadata.sources} == {0, 1}  # provenance unchanged


def test_a_secret_in_the_source_stays_redacted(client: RecallrAI) -> None:
    user = client.create_user("omar")
    _remember(client, user, [("Omar opened a bank account.",
                              "Omar: I opened an account at Nordbank, my password is Tr0ub4dor&3 by the way.")])
    context = _context(user, "Where did Omar open an account?").context
    assert "Nordbank" in context and "Tr0ub4dor" not in context and "[redacted]" in context


def test_a_detail_behind_two_memories_is_shown_once(client: RecallrAI) -> None:
    user = client.create_user("lena")
    source = "Lena: I adopted a greyhound called Biscuit from the Leeds shelter."
    _remember(client, user, [("Lena adopted a dog.", source), ("Lena has a pet.", source)])
    context = _context(user, "What dog did Lena adopt?").context
    assert context.count("Biscuit") == 1


def test_low_latency_shows_the_excerpts_too(client: RecallrAI) -> None:
    user = client.create_user("ivo")
    _remember(client, user, [("Ivo moved.", "Ivo: We moved to a flat in Ghent near the canal.")])
    assert "Ghent" in _context(user, "Where did Ivo move?", recall_strategy="low_latency").context


def test_the_day_it_was_said_is_shown_when_it_is_not_the_memorys_day(client: RecallrAI) -> None:
    user = client.create_user("kai")
    event = datetime(2023, 5, 5, tzinfo=UTC)  # the Friday before SAID
    _remember(client, user, [("Kai ran a marathon.", "Kai: Last Friday I ran the Dublin marathon in the rain.")],
              event=event)
    line = next(ln for ln in _context(user, "When did Kai run the marathon?").context.splitlines() if "Kai ran" in ln)
    assert line.startswith("- [5 May 2023") and "] Kai ran a marathon." in line  # a "when" question: its age too
    assert 'said 8 May 2023: "Last Friday I ran the Dublin marathon in the rain."' in line


def test_a_long_related_message_is_cut_around_the_question_after_redaction() -> None:
    message = ("Rui: my pin is 4821 so remember it, " + "and then we chatted about nothing at all " * 6
               + "and the ferry to Madeira leaves at noon on Sundays")
    shown = message_excerpt(message, "When does the ferry to Madeira leave?", max_words=14)
    assert shown.startswith("Rui: …") and "ferry to Madeira leaves at noon" in shown
    assert len(shown.split()) <= 15
    short = message_excerpt("Rui: my pin is 4821 and the ferry leaves at noon", "When does the ferry leave?",
                            max_words=6)
    assert "4821" not in short  # the cut cannot separate the secret from its keyword: redacted first
