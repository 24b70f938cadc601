"""get_context latency for a user with 10,000 memories and 200 sessions, embedded and over HTTP.

    python benchmarks/recall_latency.py [--memories 10000] [--sessions 200] [--n 100]

The user's history is written straight into the store (templated texts, random unit vectors: latency does
not depend on what the vectors mean), then each strategy is timed on questions in a fresh session.
Targets (issue 4): p95 embedded low_latency <= 15 ms, balanced <= 40 ms, agentic/deep <= 150 ms;
over HTTP at most 5 ms more. Exits non-zero when a target is missed.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from _common import live_server, percentile, table, timed
from recallr import RecallrAI
from recallr.bootstrap import Engine
from recallr.models import MessageRole
from recallr.settings import Settings
from recallr.store import memories as memory_store
from recallr.store import messages as message_store
from recallr.store import summaries as summary_store
from recallr.store.memories import MemoryRecord
from recallr.store.summaries import SummaryRecord

PEOPLE = ["Alice", "Bob", "Carol", "Dan", "Eve", "Frank", "Grace", "Heidi", "Ivan", "Judy"]
TOPICS = ["hiking in the Alps", "a pottery class", "the new job at the bakery", "a trip to Lisbon", "adopting a cat",
          "training for a marathon", "learning Spanish", "a jazz concert", "painting a sunrise", "moving to Berlin",
          "a peanut allergy", "a sushi dinner", "volunteering at the shelter", "a camping weekend", "a chess club"]
QUESTIONS = ["What did I do with Alice last weekend?", "When did I start learning Spanish?",
             "Which restaurants did you recommend to me?", "How is my marathon training going and who joined?",
             "Where did I travel in May?", "What do you remember about my cat?", "Did Bob come to the jazz concert?"]
STRATEGIES = ["low_latency", "balanced", "agentic", "deep"]
TARGETS = {"low_latency": 15.0, "balanced": 40.0, "agentic": 150.0, "deep": 150.0}


def unit(rng: np.random.Generator, n: int) -> np.ndarray:
    v = rng.standard_normal((n, 384)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def populate(engine: Engine, project_id: str, memories: int, sessions: int) -> None:
    """One user, ``sessions`` processed sessions of 10 messages, ``memories`` memories spread over them."""
    rng, pick = np.random.default_rng(7), random.Random(7)
    engine.users.create(project_id, "bench")
    start = datetime(2022, 1, 1, tzinfo=UTC)
    session_ids = []
    for s in range(sessions):
        when = start + timedelta(days=2 * s)
        session = engine.sessions.create(project_id, "bench", custom_created_at_utc=when,
                                         auto_process_after_seconds=None)
        for _ in range(10):
            engine.sessions.add_message(project_id, "bench", session.id, role=MessageRole.USER,
                                        content=f"{pick.choice(PEOPLE)} and I talked about {pick.choice(TOPICS)}.")
        session_ids.append((session.id, when))
    with engine.db.write() as tx:
        user = tx.one("SELECT id FROM users WHERE custom_user_id = 'bench'")["id"]
        for session_id, when in session_ids:
            tx.execute("UPDATE sessions SET status = 'processed' WHERE id = ?", [session_id])
            rows = message_store.all_messages(tx, session_id)
            message_store.index_messages(tx, user, rows, unit(rng, len(rows)))
            summary_store.upsert(tx, SummaryRecord(str(uuid.uuid4()), session_id, user,
                                                   f"Session on {when:%d %B %Y}: talked about {pick.choice(TOPICS)}.",
                                                   when, [0, 1], unit(rng, 1)[0]))
        vectors = unit(rng, memories)
        for n in range(memories):
            session_id, when = session_ids[n % len(session_ids)]
            memory_id = str(uuid.uuid4())
            memory_store.insert(tx, MemoryRecord(
                id=memory_id, user_id=user, session_id=session_id, chain_id=memory_id, version_number=1,
                content=f"User went {pick.choice(TOPICS)} with {pick.choice(PEOPLE)} (note {n}).",
                categories=["events"], event_date_start=when, event_date_end=when, created_at=when,
                subject="User", entities=[pick.choice(PEOPLE).lower()], embedding=vectors[n],
            ), [(session_id, n % 10)])
        memory_store.bump_revision(tx, user)


def measure(client: RecallrAI, n: int) -> dict[str, list[float]]:
    session = client.get_user("bench").create_session(auto_process_after_seconds=None)
    results = {}
    for strategy in STRATEGIES:
        session.add_message(MessageRole.USER, QUESTIONS[0])
        session.get_context(recall_strategy=strategy)  # warm: index cache, model
        samples: list[float] = []
        for i in range(n // len(QUESTIONS) + 1):
            for question in QUESTIONS:
                session.add_message(MessageRole.USER, f"{question} ({strategy} {i})")  # unique: no cache hits
                samples += timed(lambda s=strategy: session.get_context(recall_strategy=s,
                                                                         include_system_prompt=False), 1)
        results[strategy] = samples[:n]
    return results


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--memories", type=int, default=10_000)
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--n", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        engine = Engine(Settings(data_dir=data))
        project, key = engine.projects.create("bench")
        populate(engine, project.id, args.memories, args.sessions)
        engine.close()
        with RecallrAI.embedded(data, run_worker=False) as client:
            embedded = measure(client, args.n)
        env = {"RECALLR_RUN_WORKER": "false"}
        with live_server(data, extra_env=env, init=False) as (url, _, _), \
                RecallrAI(key.api_key, project.id, base_url=url) as client:
            http = measure(client, args.n)
    rows, ok = [], True
    for strategy in STRATEGIES:
        e95, h95 = percentile(embedded[strategy], 95), percentile(http[strategy], 95)
        passed = e95 <= TARGETS[strategy] and h95 <= e95 + 5
        ok &= passed
        rows.append([strategy, percentile(embedded[strategy], 50), e95, percentile(http[strategy], 50), h95,
                     TARGETS[strategy], "PASS" if passed else "FAIL"])
    print(f"user with {args.memories} memories, {args.sessions} sessions ({args.sessions * 10} indexed messages)")
    print(table(["strategy", "embedded p50", "embedded p95", "http p50", "http p95", "target p95", ""], rows))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
