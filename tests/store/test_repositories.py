"""The store's repositories on their own (no engine, no embedder), on SQLite and PostgreSQL: users, sessions,
messages and merge conflicts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from recallr.store import Database, now_us
from recallr.store import conflicts as conflict_store
from recallr.store import messages as message_store
from recallr.store import projects as project_store
from recallr.store import sessions as session_store
from recallr.store import users as user_store
from recallr.store.proposals import ProposedMemory
from recallr.store.records import SessionRecord


@pytest.fixture
def db(tmp_path: Path, database_url: str | None) -> Iterator[Database]:
    database = Database(database_url or f"sqlite:///{tmp_path / 'r.db'}")
    database.migrate()
    with database.write() as tx:
        project_store.insert_project(tx, "p", "project")
        for n, (name, email) in enumerate([("alice", "alice@example.org"), ("bob_50%", None)]):
            user_store.insert_user(tx, user_id=f"u{n}", project_id="p", custom_user_id=name, metadata={"n": n},
                                   email=email, first_name=None, last_name="Smith" if n else None,
                                   merge_conflict_enabled=None)
    yield database
    database.close()


def _session(db: Database, session_id: str, *, metadata: dict[str, object] | None = None,
             auto: int | None = None, offset_us: int = 0) -> SessionRecord:
    with db.write() as tx:
        return session_store.insert_session(tx, session_id=session_id, user_id="u0", metadata=metadata or {},
                                            auto_process_after_seconds=auto, created_at_us=now_us() + offset_us,
                                            clock_offset_us=offset_us)


def test_user_search_is_literal_and_case_insensitive(db: Database) -> None:
    with db.read() as tx:
        def found(search: str) -> list[str]:
            users, total = user_store.list_users(tx, "p", offset=0, limit=10, metadata_filter=None, search=search)
            assert total == len(users)
            return [u.custom_user_id for u in users]

        assert found("ALICE@") == ["alice"]
        assert found("smith") == ["bob_50%"]
        assert found("50%") == ["bob_50%"]
        assert found("_") == ["bob_50%"]  # LIKE wildcards are matched literally
        assert found("%") == ["bob_50%"]
        users, total = user_store.list_users(tx, "p", offset=0, limit=10, metadata_filter={"n": 1})
        assert ([u.custom_user_id for u in users], total) == (["bob_50%"], 1)


def test_messages_go_only_into_pending_sessions_in_order(db: Database) -> None:
    _session(db, "s1")
    with db.write() as tx:
        for n in range(3):
            message = message_store.append_message(tx, session_id="s1", user_id="u0", role="user",
                                                   content=f"m{n}", timestamp_us=now_us(), activity_us=now_us())
            assert message is not None and message.position == n
        assert session_store.queue_for_processing(tx, "s1")
        assert not session_store.queue_for_processing(tx, "s1")  # only a pending session is queued
        assert message_store.append_message(tx, session_id="s1", user_id="u0", role="user", content="late",
                                            timestamp_us=now_us(), activity_us=now_us()) is None
    with db.read() as tx:
        page, total = message_store.list_messages(tx, "s1", offset=1, limit=5)
        assert ([m.content for m in page], total) == (["m1", "m2"], 3)
        assert [m.content for m in message_store.last_messages(tx, "u0", 2)] == ["m1", "m2"]


def test_sessions_filter_by_status_and_metadata(db: Database) -> None:
    _session(db, "s1", metadata={"topic": "food"})
    _session(db, "s2", metadata={"topic": "travel"})
    with db.write() as tx:
        session_store.queue_for_processing(tx, "s2")
    with db.read() as tx:
        def ids(metadata: dict[str, str] | None = None, statuses: list[str] | None = None) -> list[str]:
            found, total = session_store.list_sessions(tx, "u0", offset=0, limit=10, metadata_filter=metadata,
                                                       statuses=statuses)
            assert total == len(found)
            return sorted(s.id for s in found)

        assert ids() == ["s1", "s2"]
        assert ids(statuses=["processing"]) == ["s2"]
        assert ids(metadata={"topic": "food"}) == ["s1"]
        assert ids(metadata={"topic": "food"}, statuses=["processing"]) == []


def test_idle_sessions_with_messages_are_queued_after_their_delay(db: Database) -> None:
    _session(db, "idle", auto=600)
    _session(db, "empty", auto=600)
    _session(db, "manual", auto=None)
    long_ago = now_us() - 700 * 1_000_000
    with db.write() as tx:
        for session_id in ("idle", "manual"):
            message_store.append_message(tx, session_id=session_id, user_id="u0", role="user", content="hi",
                                         timestamp_us=long_ago, activity_us=long_ago)
        assert session_store.queue_idle_sessions(tx, min_seconds=600) == 1
        assert session_store.queue_idle_sessions(tx, min_seconds=600) == 0
    with db.read() as tx:
        sessions = {s: session_store.get_session_by_id(tx, s) for s in ("idle", "empty", "manual")}
    assert {s: r.status if r else None for s, r in sessions.items()} == {
        "idle": "processing", "empty": "pending", "manual": "pending"}


def test_a_claimed_session_is_finished_only_by_its_lease_holder(db: Database) -> None:
    backdated = _session(db, "s1", offset_us=-86_400_000_000)
    with db.write() as tx:
        session_store.queue_for_processing(tx, "s1")
        claimed = session_store.claim_session(tx, owner="a", lease_seconds=30)
        assert claimed is not None and (claimed.id, claimed.attempts) == ("s1", 1)
        assert claimed.clock_offset_us == backdated.clock_offset_us == -86_400_000_000
        assert not session_store.finish_session(tx, "s1", "b")
        assert session_store.finish_session(tx, "s1", "a")
        done = session_store.get_session_by_id(tx, "s1")
    assert done is not None and (done.status, done.error) == ("processed", None) and done.processed_at is not None


def test_merge_conflicts_queue_once_page_and_resolve(db: Database) -> None:
    _session(db, "s1")
    with db.write() as tx:
        for n in range(3):
            conflict_store.insert(tx, conflict_id=f"c{n}", user_id="u0", session_id="s1",
                                  proposed=ProposedMemory(f"fact {n}", ()),
                                  conflicting=[{"memory_id": "m", "reason": "r"}],
                                  questions=[{"question": "q?", "options": ["a", "b"]}], created_at_us=n)
        assert conflict_store.queue(tx, "c1", [{"question": "q?", "answer": "a"}])
        assert not conflict_store.queue(tx, "c1", [{"question": "q?", "answer": "b"}])  # answered once
        claimed = conflict_store.claim(tx, owner="w", lease_seconds=30)
        assert claimed is not None and (claimed.id, claimed.status, claimed.answers) == (
            "c1", "RESOLVING", [{"question": "q?", "answer": "a"}])
        assert claimed.proposed == ProposedMemory("fact 1", ())  # handed out typed, as it was stored
        conflict_store.resolve(tx, "c1", resolution={"chosen": "a"}, new_memory_ids=["m2"])
    with db.read() as tx:
        newest, total = conflict_store.page(tx, "u0", offset=0, limit=2, status=None, sort_by="created_at",
                                            descending=True)
        assert ([c.id for c in newest], total) == (["c2", "c1"], 3)
        resolved, _ = conflict_store.page(tx, "u0", offset=0, limit=5, status="RESOLVED", sort_by="resolved_at",
                                          descending=False)
        assert [(c.id, c.new_memory_ids, c.resolution_data) for c in resolved] == [("c1", ["m2"], {"chosen": "a"})]
        assert conflict_store.get(tx, "u1", "c1") is None  # another user's id finds nothing
