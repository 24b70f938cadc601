"""get_context at scale on PostgreSQL: many users, a million memories, and single users with 1k-100k memories.

    python benchmarks/scale.py                                    # --users 1000 --memories 100000 (default)
    python benchmarks/scale.py --users 10000 --memories 1000000   # the full run
        [--probes 1000,10000,100000] [--n 100] [--ann-min-memories 10000] [--keep] [--postgres-url postgresql://...]

A new database is created on the server of ``--postgres-url`` (dropped afterwards unless ``--keep``) and
migrated by the engine. Then rows are written straight into the store's tables with binary COPY: ``--users``
background users sharing ``--memories`` memories, plus one probe user per ``--probes`` count. Every user has
processed sessions of 10 indexed messages (one session per 50 memories), a summary per session, and memories
with provenance, categories, entities, event dates, an embedding (random unit vectors: latency does not
depend on what they mean) and the pgvector column; full-text vectors are computed by PostgreSQL itself
(``to_tsvector('english', ...)``, as the store does). Secondary indexes are dropped during the load and
rebuilt after it, then VACUUM ANALYZE; then the engine builds the per-user vector indexes of every user past
``--ann-min-memories`` (``recallr vector-indexes``; those users are searched through their index, the others
exactly in process).

Measured per probe user and for one background user: the first ``get_context`` (cold: the user's index is
loaded), then ``--n`` balanced ``get_context`` calls on a fresh session, each after one new question, in
process (``RecallrAI.embedded``) and over HTTP (``recallr serve``). Target: p95 <= 50 ms over HTTP for the
10,000-memory user. Exits non-zero when it is missed. ``benchmarks/ann.py`` compares the two kinds of search
on real embeddings.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import struct
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import numpy as np

from _common import live_server, percentile, table, timed
from recall_latency import PEOPLE, QUESTIONS, TOPICS, unit
from recallr import RecallrAI
from recallr.bootstrap import Engine
from recallr.models import MessageRole
from recallr.settings import Settings

DIM = 384
MEMORIES_PER_SESSION = 50
MESSAGES_PER_SESSION = 10
TARGET_MS = 50.0
START = datetime(2021, 1, 1, tzinfo=UTC)
TABLES = ("users", "sessions", "messages", "message_vectors", "memories", "memory_sources", "session_summaries")
#: tables with a full-text vector (tsv), computed by PostgreSQL when the staged rows are inserted.
TEXT_TABLES = ("messages", "memories", "session_summaries")


def us(when: datetime) -> int:
    return int(when.timestamp() * 1_000_000)


class Vector:
    """A float32 vector to send as pgvector's binary format."""

    __slots__ = ("values",)

    def __init__(self, values: np.ndarray) -> None:
        self.values = values


def register_vector(conn: Any) -> None:
    from psycopg.adapt import Dumper
    from psycopg.pq import Format
    from psycopg.types import TypeInfo

    info = TypeInfo.fetch(conn, "vector")
    assert info is not None, "pgvector is not installed"
    info.register(conn)
    header = struct.pack(">HH", DIM, 0)

    class VectorDumper(Dumper):
        format = Format.BINARY
        oid = info.oid

        def dump(self, obj: Vector) -> bytes:
            return header + obj.values.astype(">f4").tobytes()

    conn.adapters.register_dumper(Vector, VectorDumper)


class Copier:
    """Binary COPY of generated rows (dicts: column -> value; other columns keep their defaults) into UNLOGGED
    staging copies of the tables, buffered into large batches; ``finish`` moves them into the real tables."""

    BATCH = 20_000

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.types: dict[str, dict[str, str]] = {}
        self.columns: dict[str, list[str]] = {}  # what was copied into each table
        self.buffers: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
        self.rows: dict[str, int] = dict.fromkeys(TABLES, 0)
        for name in TABLES:
            self.types[name] = dict(conn.execute(
                "SELECT a.attname, format_type(a.atttypid, NULL) FROM pg_attribute a WHERE a.attrelid = %s::regclass "
                "AND a.attnum > 0 AND NOT a.attisdropped", [name]).fetchall())
            conn.execute(f"CREATE UNLOGGED TABLE stage_{name} (LIKE {name} INCLUDING DEFAULTS)")

    def write(self, name: str, rows: Iterable[dict[str, Any]]) -> None:
        buffer = self.buffers[name]
        for row in rows:
            buffer.append(row)
            if len(buffer) >= self.BATCH:
                self.flush(name)

    def flush(self, name: str) -> None:
        buffer = self.buffers[name]
        if not buffer:
            return
        names = self.columns.setdefault(name, list(buffer[0]))
        statement = f"COPY stage_{name} ({', '.join(names)}) FROM STDIN (FORMAT BINARY)"
        with self.conn.cursor() as cur, cur.copy(statement) as cp:
            cp.set_types([self.types[name][c] for c in names])
            for row in buffer:
                cp.write_row([row[c] for c in names])
        self.rows[name] += len(buffer)
        buffer.clear()

    def finish(self) -> None:
        """Into the real tables in foreign-key order, with full-text vectors computed by PostgreSQL."""
        for name in TABLES:
            self.flush(name)
        for name in TABLES:
            cols = ", ".join(self.columns[name])
            if name in TEXT_TABLES:
                sql = (f"INSERT INTO {name} ({cols}, tsv) SELECT {cols}, to_tsvector('english', content) "
                       f"FROM stage_{name}")
            else:
                sql = f"INSERT INTO {name} ({cols}) SELECT {cols} FROM stage_{name}"
            step(f"INSERT {self.rows[name]:,} rows into {name}", partial(self.conn.execute, sql))
            self.conn.execute(f"DROP TABLE stage_{name}")


def indexes(conn: Any) -> list[tuple[str, str]]:
    """(name, definition) of every secondary index of the loaded tables (not primary keys or UNIQUE)."""
    return conn.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i JOIN pg_class c ON c.relname = i.indexname "
        "JOIN pg_index x ON x.indexrelid = c.oid WHERE i.schemaname = current_schema() "
        "AND i.tablename = ANY(%s) AND NOT x.indisunique AND NOT x.indisprimary ORDER BY i.indexname",
        [list(TABLES)]).fetchall()


class Generator:
    """Rows for one user: sessions, messages with vectors, summaries, memories with sources."""

    def __init__(self, project_id: str, seed: int = 7) -> None:
        self.project_id = project_id
        self.rng = np.random.default_rng(seed)
        self.pick = random.Random(seed)
        self.next_message = 1

    def user(self, custom_id: str, memories: int, copier: Copier,
             corpus: tuple[list[str], np.ndarray] | None = None) -> str:
        """Rows for one user; ``corpus`` (texts, unit vectors), if given, supplies real memory and message texts."""
        user_id = str(uuid.uuid4())
        n_sessions = max(1, math.ceil(memories / MEMORIES_PER_SESSION))
        now = us(datetime.now(UTC))
        copier.write("users", [{"id": user_id, "project_id": self.project_id, "custom_user_id": custom_id,
                                "metadata": "{}", "created_at": now, "last_active_at": now, "memory_rev": 1}])
        sessions = [(str(uuid.uuid4()), START + timedelta(hours=12 * s)) for s in range(n_sessions)]
        copier.write("sessions", ({"id": sid, "user_id": user_id, "status": "processed", "metadata": "{}",
                                   "created_at": us(when), "clock_offset": 0, "last_activity_at": us(when),
                                   "queued_at": us(when), "processed_at": us(when), "attempts": 1,
                                   "message_count": MESSAGES_PER_SESSION} for sid, when in sessions))
        first = self.next_message
        self.next_message += n_sessions * MESSAGES_PER_SESSION
        n_messages = n_sessions * MESSAGES_PER_SESSION
        texts = [f"{self.pick.choice(PEOPLE)} and I talked about {self.pick.choice(TOPICS)}."
                 for _ in range(n_messages)]
        vectors = unit(self.rng, n_messages)
        if corpus is not None:  # every fifth sentence of the corpus is also a message
            texts = [corpus[0][(5 * n) % len(corpus[0])] for n in range(n_messages)]
            vectors = np.stack([corpus[1][(5 * n) % len(corpus[0])] for n in range(n_messages)])

        def messages() -> Iterator[dict[str, Any]]:
            for n, text in enumerate(texts):
                sid, when = sessions[n // MESSAGES_PER_SESSION]
                yield {"id": first + n, "session_id": sid, "user_id": user_id, "position": n % MESSAGES_PER_SESSION,
                       "role": "user", "content": text, "timestamp": us(when) + n % MESSAGES_PER_SESSION,
                       "indexed": True}

        copier.write("messages", messages())
        copier.write("message_vectors", ({"message_id": first + n, "user_id": user_id,
                                          "embedding": vectors[n].tobytes(), "vec": Vector(vectors[n])}
                                         for n in range(len(texts))))
        vectors = unit(self.rng, n_sessions)
        copier.write("session_summaries", (
            {"id": str(uuid.uuid4()), "session_id": sid, "user_id": user_id,
             "content": f"Session on {when:%d %B %Y}: talked about {self.pick.choice(TOPICS)}.",
             "session_date": us(when), "sources": "[0, 1]", "created_at": us(when), "embedding": vectors[s].tobytes()}
            for s, (sid, when) in enumerate(sessions)))
        ids = [str(uuid.uuid4()) for _ in range(memories)]
        for lo in range(0, memories, 20_000):  # bounded memory for the 100k-memory user
            hi = min(memories, lo + 20_000)
            vectors = unit(self.rng, hi - lo) if corpus is None else corpus[1][lo:hi]
            copier.write("memories", (self._memory(ids[n], user_id, sessions[n // MEMORIES_PER_SESSION], n,
                                                   vectors[n - lo], corpus[0][n] if corpus else None)
                                      for n in range(lo, hi)))
        copier.write("memory_sources", ({"memory_id": ids[n], "session_id": sessions[n // MEMORIES_PER_SESSION][0],
                                         "message_index": n % MESSAGES_PER_SESSION} for n in range(memories)))
        return user_id

    def _memory(self, memory_id: str, user_id: str, session: tuple[str, datetime], n: int,
                vector: np.ndarray, text: str | None) -> dict[str, Any]:
        sid, when = session
        person = self.pick.choice(PEOPLE)
        return {"id": memory_id, "user_id": user_id, "session_id": sid, "chain_id": memory_id, "version_number": 1,
                "content": text or f"User went {self.pick.choice(TOPICS)} with {person} (note {n}).",
                "categories": '["events"]', "subject": "User", "entities": json.dumps([person.lower()]),
                "negated": False, "event_date_start": us(when), "event_date_end": us(when), "created_at": us(when),
                "merge_conflict_in_progress": False, "embedding": vector.tobytes(), "vec": Vector(vector)}


def step(label: str, fn: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    print(f"  {label} ...", end="", flush=True)
    result = fn()
    print(f" {time.perf_counter() - start:.1f} s", flush=True)
    return result


def populate(url: str, project_id: str, users: int, memories: int, probes: Sequence[int],
             corpus: tuple[list[str], np.ndarray] | None = None) -> None:
    """Load everything (``bg-<n>`` background users, ``probe-<memories>`` probe users, whose memories come from
    ``corpus`` if given)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        register_vector(conn)
        saved = indexes(conn)
        for name, _ in saved:
            conn.execute(f"DROP INDEX {name}")
        copier = Copier(conn)
        gen = Generator(project_id)
        start = time.perf_counter()
        base, extra = divmod(memories, users)
        for u in range(users):
            count = base + (1 if u < extra else 0)
            gen.user(f"bg-{u}", count, copier)
            if (u + 1) % max(1, users // 10) == 0:
                print(f"  background users: {u + 1}/{users} ({time.perf_counter() - start:.0f} s)", flush=True)
        for count in probes:
            gen.user(f"probe-{count}", count, copier, corpus)
        for name in TABLES:
            copier.flush(name)
        copied = time.perf_counter() - start
        print(f"  COPY: {sum(copier.rows.values()):,} rows in {copied:.1f} s "
              f"({sum(copier.rows.values()) / copied:,.0f} rows/s): {copier.rows}", flush=True)
        copier.finish()
        conn.execute("SELECT setval('messages_id_seq', (SELECT MAX(id) FROM messages))")
        for name, definition in saved:
            step(f"CREATE INDEX {name}", partial(conn.execute, definition))
        step("VACUUM ANALYZE", lambda: conn.execute("VACUUM ANALYZE"))
        size = conn.execute("SELECT pg_size_pretty(pg_database_size(current_database()))").fetchone()
        print(f"  database size: {size[0] if size else '?'}")


def vector_indexes(data: Path, url: str, min_rows: int) -> None:
    """What ``recallr vector-indexes`` does: an index of their own for every user past ``min_rows`` (and none for
    the others, in a kept database measured again with another threshold)."""
    engine = Engine(Settings(data_dir=data, database_url=url, ann_min_memories=min_rows))
    try:
        for line in step("vector indexes", engine.vector_indexes.sweep):
            print(f"    {line}")
    finally:
        engine.close()


def question(n: int) -> str:
    """A question never asked before: the engine caches embeddings per text, and a real user's next question
    is new (the tag is a token no memory contains, so the full-text search is not changed by it)."""
    return f"{QUESTIONS[n % len(QUESTIONS)]} (q{uuid.uuid4().hex[:8]})"


def measure(client: RecallrAI, uid: str, n: int) -> tuple[float, list[float]]:
    """(cold ms, n warm ms): balanced get_context after a new question each time."""
    session = client.get_user(uid).create_session(auto_process_after_seconds=None)
    session.add_message(MessageRole.USER, question(0))
    cold = timed(lambda: session.get_context(recall_strategy="balanced", include_system_prompt=False), 1)[0]
    samples: list[float] = []
    while len(samples) < n:
        session.add_message(MessageRole.USER, question(len(samples)))
        samples += timed(lambda: session.get_context(recall_strategy="balanced", include_system_prompt=False), 1)
    return cold, samples


@contextmanager
def database(postgres_url: str, keep: bool, reuse: str | None) -> Iterator[str]:
    import psycopg

    name = reuse or f"recallr_bench_{uuid.uuid4().hex[:10]}"
    if not reuse:
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
    try:
        yield urlunsplit(urlsplit(postgres_url)._replace(path=f"/{name}"))
    finally:
        if keep or reuse:
            print(f"kept database {name} (measure it again: --database {name})")
        else:
            with psycopg.connect(postgres_url, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def loaded_users(url: str) -> tuple[dict[str, int], int, int]:
    """In a database this script populated: ({measured user: memories}, users, memories)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute("SELECT u.custom_user_id, COUNT(m.id) FROM users u LEFT JOIN memories m "
                            "ON m.user_id = u.id WHERE u.custom_user_id = 'bg-0' OR u.custom_user_id LIKE %s "
                            "GROUP BY u.custom_user_id", ["probe-%"]).fetchall()
        totals = conn.execute("SELECT (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM memories)").fetchone()
    assert totals is not None
    measured: dict[str, int] = dict(sorted(rows, key=lambda r: (r[0] != "bg-0", r[1])))
    return measured, int(totals[0]), int(totals[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=1000, help="background users (at least 2)")
    parser.add_argument("--memories", type=int, default=100_000, help="memories shared by the background users")
    parser.add_argument("--probes", default="1000,10000,100000", help="memories of each single measured user")
    parser.add_argument("--n", type=int, default=100, help="timed get_context calls per user and transport")
    parser.add_argument("--ann-min-memories", type=int, default=Settings().ann_min_memories,
                        help="users with this many memories get their own vector index (0: every user exact)")
    parser.add_argument("--keep", action="store_true", help="keep the database (its name is printed)")
    parser.add_argument("--database", help="measure a database kept by an earlier --keep run (no loading)")
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    probes = [int(p) for p in args.probes.split(",") if p]
    with tempfile.TemporaryDirectory() as tmp, database(args.postgres_url, args.keep, args.database) as url:
        data = Path(tmp) / "data"
        engine = Engine(Settings(data_dir=data, database_url=url))
        if args.database:
            project = engine.projects.all()[0]
            key = engine.projects.create_key(project.id, name="scale benchmark")
            engine.close()
        else:
            total = args.memories + sum(probes)
            print(f"{args.users} background users with {args.memories:,} memories + probe users {probes}: "
                  f"{args.users + len(probes)} users, {total:,} memories")
            project, key = engine.projects.create("scale")
            engine.close()
            start = time.perf_counter()
            populate(url, project.id, args.users, args.memories, probes)
            print(f"loaded in {time.perf_counter() - start:.1f} s", flush=True)
        vector_indexes(data, url, args.ann_min_memories)
        measured, users, total = loaded_users(url)
        results: dict[str, dict[str, Any]] = {uid: {} for uid in measured}
        with RecallrAI.embedded(data, database_url=url, run_worker=False,
                                ann_min_memories=args.ann_min_memories) as client:
            measure(client, "bg-1", 30)  # warm: the model, numpy, the connection (not reported)
            for uid in measured:
                results[uid]["embedded"] = measure(client, uid, args.n)
        env = {"RECALLR_DATABASE_URL": url, "RECALLR_RUN_WORKER": "false", "RECALLR_LOG_LEVEL": "warning",
               "RECALLR_ANN_MIN_MEMORIES": str(args.ann_min_memories)}
        with live_server(data, extra_env=env, init=False) as (base, _, _), \
                RecallrAI(key.api_key, project.id, base_url=base) as client:
            measure(client, "bg-1", 30)
            for uid in measured:
                results[uid]["http"] = measure(client, uid, args.n)
    rows, ok = [], True
    for uid, count in measured.items():
        (e_cold, e), (h_cold, h) = results[uid]["embedded"], results[uid]["http"]
        verdict = ""
        if count == 10_000:
            verdict = "PASS" if percentile(h, 95) <= TARGET_MS else "FAIL"
            ok &= verdict == "PASS"
        search = "own index" if args.ann_min_memories and count >= args.ann_min_memories else "in process"
        rows.append([uid, count, search, e_cold, percentile(e, 50), percentile(e, 95), percentile(e, 99), h_cold,
                     percentile(h, 50), percentile(h, 95), percentile(h, 99), verdict])
    print(f"\nget_context (balanced), {args.n} calls per user; {users:,} users, {total:,} memories in the database")
    print(table(["user", "memories", "search", "emb cold", "emb p50", "emb p95", "emb p99", "http cold", "http p50",
                 "http p95", "http p99", f"p95<={TARGET_MS:.0f}"], rows))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
