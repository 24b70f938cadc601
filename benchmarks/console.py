"""Console page response times for a user with 10,000 memories (paginated), over real HTTP.

    python benchmarks/console.py [--memories 10000] [--sessions 200] [--users 200] [--n 50]
                                 [--postgres-url postgresql://postgres@127.0.0.1:5432/test]

On SQLite by default; with ``--postgres-url``, on a new database created on that server (dropped afterwards) and
vacuumed after the writes, as autovacuum soon does: until then PostgreSQL checks every row an index finds in the table
itself (its visibility map is unset), and a page of the 10,000 memories takes ~100 ms (``--no-vacuum`` shows it).
The user is built as in recall_latency.py (store writes, random vectors); other users fill the users list.
Each page is fetched ``n`` times by a signed-in client (`recallr serve` in a subprocess, worker off) after a warm-up,
the pages in turn.
Target (issue 16): every page p95 under 100 ms. Exits non-zero when a page misses it.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from contextlib import nullcontext
from pathlib import Path

import httpx

from _common import fresh_postgres_database, live_server, percentile, table, timed
from recall_latency import populate
from recallr.bootstrap import Engine
from recallr.settings import Settings

TARGET_MS = 100.0


def sign_in(client: httpx.Client, project_id: str, api_key: str) -> None:
    form = client.get("/console/signin").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form)
    assert csrf is not None
    answer = client.post("/console/signin", data={"csrf": csrf.group(1), "project_id": project_id,
                                                  "api_key": api_key})
    assert answer.status_code == 303, answer.text[:300]


def pages(client: httpx.Client) -> dict[str, str]:
    user = client.get("/console/users/bench").text
    memory = re.search(r'href="(/console/users/bench/memories/[^"/]+)"', user)
    session = re.search(r'href="(/console/users/bench/sessions/[^"/?]+)"', user)
    assert memory and session, "the user page lists no memory or session"
    return {
        "users (page 1 of 201)": "/console/users",
        "users, search": "/console/users?search=ben",
        "users, page 5": "/console/users?offset=80",
        "user (10k memories)": "/console/users/bench",
        "user, category filter": "/console/users/bench?category=events",
        "user, memories page 250": "/console/users/bench?offset=5000",
        "user, category + page 250": "/console/users/bench?category=events&offset=5000",
        "user, session filter": "/console/users/bench?session=" + session.group(1).rsplit("/", 1)[1],
        "memory": memory.group(1),
        "session, source highlighted": session.group(1) + "?highlight=7",
        "project settings": "/console/settings",
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--memories", type=int, default=10_000)
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--n", type=int, default=50)
    parser.add_argument("--postgres-url", default=None, help="run on PostgreSQL (a new database on this server)")
    parser.add_argument("--no-vacuum", action="store_true", help="PostgreSQL: measure before any VACUUM")
    args = parser.parse_args()
    database = (fresh_postgres_database(args.postgres_url, "recallr_console") if args.postgres_url
                else nullcontext(None))
    with tempfile.TemporaryDirectory() as tmp, database as url:
        data = Path(tmp) / "data"
        engine = Engine(Settings(data_dir=data, database_url=url))
        project, key = engine.projects.create("bench")
        populate(engine, project.id, args.memories, args.sessions)
        for n in range(args.users):
            engine.users.create(project.id, f"user-{n:04d}", email=f"user{n}@example.com")
        if url and not args.no_vacuum:
            with engine.db.outside_transaction() as tx:
                tx.execute("VACUUM ANALYZE")
        engine.close()
        env = {"RECALLR_RUN_WORKER": "false", **({"RECALLR_DATABASE_URL": url} if url else {})}
        with live_server(data, extra_env=env, init=False) as (base, _, _), \
                httpx.Client(base_url=base, timeout=30) as client:
            sign_in(client, project.id, key.api_key)
            paths = pages(client)
            for path in paths.values():
                assert client.get(path).status_code == 200, path
            # Round robin, so a burst of load on a shared machine falls on every page alike.
            samples: dict[str, list[float]] = {name: [] for name in paths}
            for _ in range(args.n):
                for name, path in paths.items():
                    samples[name] += timed(lambda p=path: client.get(p).raise_for_status(), 1)
            rows, ok = [], True
            for name, times in samples.items():
                p95 = percentile(times, 95)
                ok &= p95 < TARGET_MS
                rows.append([name, percentile(times, 50), p95, TARGET_MS, "PASS" if p95 < TARGET_MS else "FAIL"])
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    backend = "SQLite" if not args.postgres_url else "PostgreSQL" + (" (not vacuumed)" if args.no_vacuum else "")
    print(f"console pages on {backend}, user with {args.memories} memories in {args.sessions} sessions, "
          f"{args.users + 1} users; "
          f"{args.n} requests each; load average {load} on {os.cpu_count()} cores")
    print(table(["page", "p50 ms", "p95 ms", "target p95", ""], rows))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
