"""API latency and indexing throughput, embedded and over HTTP loopback.

    python benchmarks/api.py [--n 300]
    python benchmarks/api.py --metrics [--n 2000]   # the cost of RECALLR_METRICS on add_message

Targets (issue 2): add_message p95 <= 5 ms embedded, <= 10 ms over HTTP; indexing >= 300 messages/s.
Issue 15: metrics on adds < 0.3 ms to add_message p95 over HTTP (two servers, metrics off and on, called in strict
alternation in one run so that load from other processes falls on both alike).
Exits non-zero when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from _common import live_server, percentile, table, timed  # benchmarks/ is sys.path[0] when run as a script
from recallr import RecallrAI
from recallr.engine.processing.pipeline import IndexMessages, ProcessingContext
from recallr.models import MessageRole
from recallr.store import messages as message_store
from recallr.store import sessions as session_store
from recallr.store import users as user_store

SENTENCE = "I went hiking with my sister near Lake Tahoe last weekend and we saw two black bears."


def measure(client: RecallrAI, n: int) -> dict[str, list[float]]:
    user = client.create_user(f"bench-{time.time_ns()}")
    for _ in range(20):
        user.create_session(metadata={"k": "v"})
    session = user.create_session()
    for _ in range(20):  # warm up connections, caches, the thread pool
        session.add_message(MessageRole.USER, SENTENCE)
        session.refresh()
    return {
        "add_message": timed(lambda: session.add_message(MessageRole.USER, SENTENCE), n),
        "get_session": timed(lambda: user.get_session(session.session_id), n),
        "list_sessions": timed(lambda: user.list_sessions(limit=10), n),
    }


def indexing_rate(client: RecallrAI, messages: int = 1000) -> float:
    """Messages per second of the worker's indexing step (embeddings + full-text index, one transaction)."""
    engine = client._embedded.engine  # type: ignore[attr-defined]
    session = client.create_user(f"index-{time.time_ns()}").create_session()
    for i in range(messages):
        session.add_message(MessageRole.USER if i % 2 == 0 else MessageRole.ASSISTANT, f"{SENTENCE} ({i})")
    project = engine.projects.all()[0]
    with engine.db.read() as tx:
        row = tx.one("SELECT user_id FROM sessions WHERE id = ?", [session.session_id])
        user = user_store.get_user_by_id(tx, row["user_id"])
        record = session_store.get_session_by_id(tx, session.session_id)
        rows = message_store.all_messages(tx, session.session_id)
    stage = IndexMessages(lambda: engine.embedder)
    ctx = ProcessingContext(project=project, user=user, session=record, messages=rows)  # type: ignore[arg-type]
    start = time.perf_counter()
    stage.prepare(ctx)
    with engine.db.write() as tx:
        stage.write(tx, ctx)
    return messages / (time.perf_counter() - start)


def metrics_cost(n: int, batch: int = 1) -> int:
    """add_message p50/p95 over HTTP with metrics off and on, alternating ``batch`` calls; the middleware's own cost."""
    from recallr.metrics.prometheus import PrometheusTelemetry

    times: dict[str, list[float]] = {"off": [], "on": []}
    with tempfile.TemporaryDirectory() as tmp, \
            live_server(Path(tmp) / "off") as (url_off, pid_off, key_off), \
            live_server(Path(tmp) / "on", extra_env={"RECALLR_METRICS": "true"}) as (url_on, pid_on, key_on), \
            RecallrAI(key_off, pid_off, base_url=url_off) as off, RecallrAI(key_on, pid_on, base_url=url_on) as on:
        sessions = {}
        for name, client in (("off", off), ("on", on)):
            sessions[name] = client.create_user(f"bench-{name}").create_session()
            for _ in range(50):  # warm up connections, caches, the thread pool
                sessions[name].add_message(MessageRole.USER, SENTENCE)
        while len(times["on"]) < n:
            for name in ("off", "on"):
                session = sessions[name]
                times[name] += timed(lambda s=session: s.add_message(MessageRole.USER, SENTENCE), batch)
        assert "recallr_http_requests_total" in httpx.get(f"{url_on}/metrics").text
        assert httpx.get(f"{url_off}/metrics").status_code == 404
    rows = [[name, len(v), percentile(v, 50), percentile(v, 95)] for name, v in times.items()]
    print(table(["metrics", "calls", "add_message p50 ms", "add_message p95 ms"], rows))
    delta = percentile(times["on"], 95) - percentile(times["off"], 95)
    off_us, on_us = (middleware_cost(PrometheusTelemetry() if on else None) for on in (False, True))
    print(f"\np95 on - off: {delta:+.3f} ms; in process, the request middleware costs {off_us:.1f} us a request "
          f"with metrics off, {on_us:.1f} us with them on; load average {os.getloadavg()[0]:.2f} on "
          f"{os.cpu_count()} cores")
    ok = delta < 0.3
    print(f"{'PASS' if ok else 'FAIL'}  metrics add < 0.3 ms to add_message p95 (http)")
    return 0 if ok else 1


def middleware_cost(observer: Any, calls: int = 20_000) -> float:
    """Microseconds ``ObserveRequests`` adds to one request (an app that answers at once), with ``observer``."""
    import asyncio

    from recallr.engine.telemetry import NoTelemetry
    from recallr.server.observe import ObserveRequests

    async def answer(scope: Any, receive: Any, send: Any) -> None:
        scope["state"]["recallr.route"] = "/api/v1/users/{user_id}/sessions/{session_id}/add-message"
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def ignore(message: Any) -> None:
        pass

    async def run(app: Any) -> float:
        start = time.perf_counter()
        for _ in range(calls):
            await app({"type": "http", "method": "POST", "headers": [], "state": {}}, None, ignore)
        return (time.perf_counter() - start) / calls * 1e6

    bare = asyncio.run(run(answer))
    observed = ObserveRequests(answer, telemetry=observer or NoTelemetry(), log_requests=False)
    return asyncio.run(run(observed)) - bare


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--metrics", action="store_true", help="measure the cost of metrics (off vs on) instead")
    args = parser.parse_args()
    if args.metrics:
        return metrics_cost(args.n)
    rows: list[list[Any]] = []
    results: dict[tuple[str, str], float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        with RecallrAI.embedded(Path(tmp) / "embedded", run_worker=False) as client:
            client._embedded.engine.embedder.embed(["warm up the model"])  # type: ignore[attr-defined]
            for op, values in measure(client, args.n).items():
                rows.append(["embedded", op, percentile(values, 50), percentile(values, 95)])
                results[("embedded", op)] = percentile(values, 95)
            rate = indexing_rate(client)
        env = {"RECALLR_WORKER_POLL_SECONDS": "0.02"}
        with live_server(Path(tmp) / "http", extra_env=env) as (url, pid, key), RecallrAI(key, pid, base_url=url) as c:
            for op, values in measure(c, args.n).items():
                rows.append(["http", op, percentile(values, 50), percentile(values, 95)])
                results[("http", op)] = percentile(values, 95)
    print(table(["transport", "operation", "p50 ms", "p95 ms"], rows))
    print(f"\nindexing: {rate:.0f} messages/s (the worker's indexing step on a 1000-message session)")
    checks = [
        ("add_message p95 embedded <= 5 ms", results[("embedded", "add_message")] <= 5),
        ("add_message p95 http <= 10 ms", results[("http", "add_message")] <= 10),
        ("indexing >= 300 messages/s", rate >= 300),
    ]
    for name, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
