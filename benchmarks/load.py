"""Concurrent load over HTTP: N async clients against ``recallr serve --workers 2``, on SQLite and PostgreSQL.

    python benchmarks/load.py [--duration 20] [--clients 8,32,128] [--backends sqlite,postgres]
                              [--users 40] [--history 3] [--postgres-url postgresql://postgres@127.0.0.1:5432/test]

For each backend a fresh ``recallr serve --workers 2`` (two uvicorn processes, each with its worker thread)
on a temporary SQLite file or a new PostgreSQL database (created on the server of ``--postgres-url`` and
dropped afterwards). ``--users`` users are created first, each with ``--history`` processed sessions of four
messages. Then, for each N in ``--clients``, N clients (``recallr.AsyncRecallrAI``, one each, all on one
event loop) run for ``--duration`` seconds, each looping over a weighted mix:

* 60% ``add_message`` to the client's current session (a new session every 20 messages: ``create_session``),
* 25% ``get_context`` (balanced) on that session,
* 15% ``list_memories`` of the client's user.

Printed per backend and N: requests/s and p50/p95/p99 latency per operation (client-side, so with 128
clients on a small machine it includes the load generator's own queueing). Afterwards every session's
messages are read back and compared with what was acknowledged. Exits non-zero on any failed request or
lost (or unexpected) message.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from _common import live_server, percentile, table
from recallr import AsyncRecallrAI
from recallr.models import MessageRole, SessionStatus

MIX = {"add_message": 60, "get_context": 25, "list_memories": 15}
PER_SESSION = 20
HISTORY = ["I live in Paris.", "I love sushi.", "My dog is Rex.", "I work as a nurse.",
           "I'm allergic to peanuts.", "My sister Anna lives in Berlin.", "I play tennis on Sundays.",
           "My favourite book is Dune.", "I went hiking with Bob last weekend.", "I'm learning Spanish."]
TALK = ["What should I cook tonight?", "Remind me what my dog likes.", "I had a long day at the hospital.",
        "Any ideas for the weekend?", "Anna is visiting next month.", "I tried a new sushi place today.",
        "Can you suggest a book like Dune?", "My tennis match got cancelled."]


@dataclass
class Run:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    acked: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (user, session) -> contents
    seconds: float = 0.0


async def prepare(url: str, project_id: str, api_key: str, users: int, history: int) -> float:
    """Create the users and their processed history; seconds it took."""
    start = time.perf_counter()
    async with AsyncRecallrAI(api_key, project_id, base_url=url) as client:
        async def one(u: int) -> list[Any]:
            user = await client.create_user(f"load-{u}", metadata={"n": u})
            sessions = []
            for h in range(history):
                session = await user.create_session(auto_process_after_seconds=None)
                for k in range(4):
                    await session.add_message(MessageRole.USER, HISTORY[(u + 3 * h + k) % len(HISTORY)])
                await session.process()
                sessions.append(session)
            return sessions

        gate = asyncio.Semaphore(16)

        async def gated(u: int) -> list[Any]:
            async with gate:
                return await one(u)

        pending = [s for batch in await asyncio.gather(*(gated(u) for u in range(users))) for s in batch]
        deadline = time.monotonic() + 600
        while pending:
            await asyncio.sleep(0.5)
            for session in list(pending):
                await session.refresh()
                if session.status == SessionStatus.PROCESSED:
                    pending.remove(session)
                elif session.status == SessionStatus.FAILED or time.monotonic() > deadline:
                    raise RuntimeError(f"history session {session.session_id} is {session.status}")
    return time.perf_counter() - start


async def client_loop(n: int, url: str, project_id: str, api_key: str, users: int, deadline: float,
                      run: Run) -> None:
    rng = random.Random(n)
    ops, weights = list(MIX), list(MIX.values())
    async with AsyncRecallrAI(api_key, project_id, base_url=url, timeout=60) as client:
        uid = f"load-{n % users}"
        try:
            user = await client.get_user(uid)
            session = await user.create_session(auto_process_after_seconds=None)
        except Exception as error:
            run.errors.append(f"client {n} setup: {type(error).__name__}: {error}")
            return
        acked = run.acked.setdefault((uid, session.session_id), [])
        i = 0
        while time.perf_counter() < deadline:
            op = rng.choices(ops, weights)[0]
            start = time.perf_counter()
            try:
                if op == "add_message":
                    if len(acked) >= PER_SESSION:
                        session = await user.create_session(auto_process_after_seconds=None)
                        run.latencies["create_session"].append((time.perf_counter() - start) * 1000)
                        acked = run.acked.setdefault((uid, session.session_id), [])
                        start = time.perf_counter()
                    text = f"[{n}:{i}] {rng.choice(TALK)}"
                    await session.add_message(MessageRole.USER, text)
                    acked.append(text)
                    i += 1
                elif op == "get_context":
                    await session.get_context(recall_strategy="balanced")
                else:
                    await user.list_memories(limit=20)
            except Exception as error:
                run.errors.append(f"client {n} {op}: {type(error).__name__}: {error}")
                continue
            run.latencies[op].append((time.perf_counter() - start) * 1000)


async def load(url: str, project_id: str, api_key: str, users: int, clients: int, duration: float) -> Run:
    run = Run()
    start = time.perf_counter()
    await asyncio.gather(*(client_loop(n, url, project_id, api_key, users, start + duration, run)
                           for n in range(clients)))
    run.seconds = time.perf_counter() - start
    return run


async def lost_messages(url: str, project_id: str, api_key: str, run: Run) -> list[str]:
    """Sessions whose stored messages differ from what was acknowledged."""
    problems = []
    async with AsyncRecallrAI(api_key, project_id, base_url=url, timeout=60) as client:
        users: dict[str, Any] = {}
        for (uid, sid), acked in run.acked.items():
            if uid not in users:
                users[uid] = await client.get_user(uid)
            session = await users[uid].get_session(sid)
            stored: list[str] = []
            while True:
                page = await session.get_messages(offset=len(stored), limit=1000)
                stored += [m.content for m in page.messages]
                if not page.messages or len(stored) >= page.total:
                    break
            if stored != acked:
                problems.append(f"session {sid}: {len(acked)} acknowledged, {len(stored)} stored, "
                                f"{len(set(acked) - set(stored))} lost")
    return problems


@contextmanager
def backend(name: str, postgres_url: str, tmp: Path) -> Iterator[tuple[Path, dict[str, str], str | None]]:
    """(data dir, env for the server, database name to watch) for one backend."""
    if name == "sqlite":
        yield tmp / "sqlite", {}, None
        return
    import psycopg

    db = f"recallr_load_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {db}")
    try:
        url = urlunsplit(urlsplit(postgres_url)._replace(path=f"/{db}"))
        yield tmp / "postgres", {"RECALLR_DATABASE_URL": url}, db
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")


def connections(postgres_url: str, db: str | None) -> str:
    if db is None:
        return "-"
    import psycopg

    with psycopg.connect(postgres_url, autocommit=True) as conn:
        row = conn.execute("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = %s", [db]).fetchone()
    return str(row[0] if row else "?")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per backend and client count")
    parser.add_argument("--clients", default="8,32,128", help="comma-separated client counts")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--history", type=int, default=3, help="processed sessions per user beforehand")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/test",
                        help="server (and any database on it) where a fresh database is created")
    args = parser.parse_args()
    counts = [int(c) for c in args.clients.split(",")]
    env_base = {"RECALLR_WORKER_POLL_SECONDS": "0.1", "RECALLR_LOG_LEVEL": "warning",
                "RECALLR_MIN_AUTO_PROCESS_SECONDS": "0"}
    rows: list[list[Any]] = []
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.backends.split(","):
            with backend(name, args.postgres_url, Path(tmp)) as (data, env, db), \
                    live_server(data, extra_env={**env_base, **env}, args=("--workers", str(args.workers))) as (
                        url, project_id, api_key):
                took = asyncio.run(prepare(url, project_id, api_key, args.users, args.history))
                print(f"{name}: {args.users} users with {args.history} processed sessions each in {took:.1f} s",
                      flush=True)
                for clients in counts:
                    run = asyncio.run(load(url, project_id, api_key, args.users, clients, args.duration))
                    lost = asyncio.run(lost_messages(url, project_id, api_key, run))
                    total = sum(len(v) for v in run.latencies.values())
                    adds = sum(len(v) for v in run.acked.values())
                    print(f"{name} N={clients}: {total} requests in {run.seconds:.1f} s ({total / run.seconds:.0f}/s)"
                          f", {len(run.errors)} errors, {adds} messages acknowledged, {len(lost)} sessions with "
                          f"lost messages, database connections {connections(args.postgres_url, db)}", flush=True)
                    for problem in (run.errors + lost)[:10]:
                        print(f"  !! {problem}")
                    failed |= bool(run.errors or lost)
                    for op in [*MIX, "create_session"]:
                        values = run.latencies.get(op, [])
                        rows.append([name, clients, op, len(values), len(values) / run.seconds,
                                     percentile(values, 50), percentile(values, 95), percentile(values, 99)])
                    rows.append([name, clients, "all", total, total / run.seconds, "", "", ""])
    print()
    print(table(["backend", "clients", "operation", "requests", "per s", "p50 ms", "p95 ms", "p99 ms"], rows))
    print("\nFAIL: errors or lost messages (see above)" if failed else "\nPASS: no errors, no lost messages")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
