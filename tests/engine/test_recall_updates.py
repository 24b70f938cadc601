"""Recall and updates said in passing (``engine/recall/updates.py``), and ages for questions about time.

An update said in passing forms a second memory beside the first (no slot, no explicit end): recall shows the
later statement first, adds it when only the earlier one was recalled, and marks the earlier one with the day of
the later. Questions about elapsed time get each line's age next to its date.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from recallr import RecallrAI
from recallr.engine.recall.index import Columns, Corpus
from recallr.engine.recall.search import Ranked
from recallr.engine.recall.updates import latest_first
from recallr.models import MessageRole

from ..conftest import shared_embedder

DAY_US = 86_400 * 1_000_000
MARCH = datetime(2024, 3, 2, 10, tzinfo=UTC)


def _corpus(texts: list[str], vectors: list[list[float]], days: list[int]) -> Corpus:
    matrix = np.array(vectors, dtype=np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    base = int(MARCH.timestamp() * 1_000_000)
    created = [base + d * DAY_US for d in days]
    return Corpus(ids=[f"m{i}" for i in range(len(texts))], matrix=matrix, start=np.array(created, np.int64),
                  end=np.array(created, np.int64), session_ids=[f"s{d}" for d in days], texts=texts,
                  extra=Columns({"created_at": created}, len(texts)))


BOOKS = ["User has read 14 books this year.", "User has a cat named Luna.", "User has now read 22 books this year."]


def test_a_later_statement_not_recalled_is_added_before_the_earlier_one() -> None:
    corpus = _corpus(BOOKS, [[1, 0, 0], [0, 1, 0], [0.9, 0, 0.3]], days=[0, 5, 40])
    updated = latest_first([Ranked(0, 0.5, 0.8), Ranked(1, 0.4, 0.7)], corpus, limit=10)
    assert [r.row for r in updated.memories] == [2, 0, 1]
    assert updated.notes == {0: " (earlier statement, before the one of 11 April 2024)"}


def test_a_recalled_later_statement_moves_up_and_nothing_is_repeated() -> None:
    corpus = _corpus(BOOKS, [[1, 0, 0], [0, 1, 0], [0.9, 0, 0.3]], days=[0, 5, 40])
    updated = latest_first([Ranked(0, 0.5, 0.8), Ranked(1, 0.4, 0.7), Ranked(2, 0.3, 0.6)], corpus, limit=10)
    assert [r.row for r in updated.memories] == [2, 0, 1]


@pytest.mark.parametrize(("vectors", "days"), [
    pytest.param([[1, 0, 0], [0, 1, 0], [0, 0, 1]], [0, 5, 40], id="far-in-meaning"),
    pytest.param([[1, 0, 0], [0, 1, 0], [0.9, 0, 0.3]], [40, 5, 0], id="said-before-not-after"),
    pytest.param([[1, 0, 0], [0, 1, 0], [0.9, 0, 0.3]], [0, 5, 0], id="same-session"),
])
def test_no_update_without_a_later_restatement(vectors: list[list[float]], days: list[int]) -> None:
    corpus = _corpus(BOOKS, vectors, days)
    updated = latest_first([Ranked(0, 0.5, 0.8), Ranked(1, 0.4, 0.7)], corpus, limit=10)
    assert [r.row for r in updated.memories] == [0, 1] and updated.notes == {}


def test_the_limit_still_holds() -> None:
    corpus = _corpus(BOOKS, [[1, 0, 0], [0, 1, 0], [0.9, 0, 0.3]], days=[0, 5, 40])
    updated = latest_first([Ranked(0, 0.5, 0.8), Ranked(1, 0.4, 0.7)], corpus, limit=2)
    assert [r.row for r in updated.memories] == [2, 0]


# --- end to end ----------------------------------------------------------------------------------------------

@pytest.fixture
def client(tmp_path: Path) -> Iterator[RecallrAI]:
    with RecallrAI.embedded(tmp_path / "d", worker_poll_seconds=0.05) as c:
        c._embedded.engine._embedder = shared_embedder()
        yield c


def _session(user: Any, at: datetime, *turns: str) -> None:
    session = user.create_session(custom_created_at_utc=at)
    for i, text in enumerate(turns):
        session.add_message(MessageRole.USER if i % 2 == 0 else MessageRole.ASSISTANT, text)
    session.process(wait=True, timeout=60, poll_interval=0.02)


def _context(user: Any, question: str, at: datetime) -> str:
    session = user.create_session(custom_created_at_utc=at)
    session.add_message(MessageRole.USER, question)
    return session.get_context(include_system_prompt=False).context


def test_an_update_said_in_passing_comes_first_and_the_old_value_is_marked(client: RecallrAI) -> None:
    user = client.create_user("beekeeping")
    _session(user, MARCH, "What flowers do bees like? My neighbour Carla keeps 6 beehives on her allotment.",
             "Lavender and borage are favourites.")
    _session(user, datetime(2024, 8, 9, 18, tzinfo=UTC),
             "How do I make a bee hotel? Carla has 11 beehives on her allotment after this summer's swarms.",
             "Drill holes in untreated wood.")
    context = _context(user, "How many beehives does Carla have?", datetime(2024, 8, 20, 9, tzinfo=UTC))
    lines = [line for line in context.split("\n") if "beehives" in line and line.startswith("- ")]
    memories = context.split("\n\n")[1].split("\n")
    later = next(i for i, line in enumerate(memories) if "11 beehives" in line)
    earlier = next(i for i, line in enumerate(memories) if "6 beehives" in line)
    assert later < earlier, context
    assert memories[earlier].endswith("(earlier statement, before the one of 9 August 2024)")
    assert "earlier statement" not in memories[later] and lines


def test_a_question_about_elapsed_time_shows_ages(client: RecallrAI) -> None:
    user = client.create_user("potter")
    _session(user, datetime(2024, 5, 11, 17, tzinfo=UTC), "I went to my first pottery class today and made a bowl.")
    asked = datetime(2024, 6, 1, 9, tzinfo=UTC)
    timed = _context(user, "How many weeks ago did I go to my first pottery class?", asked)
    assert "21 days (3 weeks) ago" in timed, timed
    assert "days ago" not in _context(user, "What did I make at the pottery class?", asked)
