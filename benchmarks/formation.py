"""Memory formation on LoCoMo: throughput, memories per turn, coverage of the observation facts.

    python benchmarks/formation.py [--samples 5]

Ingests each LoCoMo dev conversation through the SDK (embedded), sessions at their original dates,
turns as "Name: text", processes every session, then reports:
  - processing throughput in messages/s (target >= 100 offline on 2 cores),
  - memories per turn,
  - coverage: share of observation dia_ids that are a source of at least one memory (target >= 0.85),
  - share of memories whose sources all fall outside observation turns.
Exits non-zero when a target is missed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from _common import table
from _locomo import ingest, load, observation_dias
from recallr import RecallrAI
from recallr.models import SessionStatus


def wait_processed(user: object, expected: int, timeout: float = 1800) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = user.list_sessions(limit=1000, status_filter=[SessionStatus.PROCESSED, SessionStatus.FAILED])  # type: ignore[attr-defined]
        if done.total >= expected:
            failed = [s for s in done.sessions if s.status == SessionStatus.FAILED]
            if failed:
                raise RuntimeError(f"{len(failed)} sessions failed: {failed[0].error}")
            return
        time.sleep(0.1)
    raise TimeoutError("processing did not finish")


def all_memories(user: object) -> list[object]:
    items: list[object] = []
    offset = 0
    while True:
        page = user.list_memories(offset=offset, limit=200, include_connected_memories=False,  # type: ignore[attr-defined]
                                  include_previous_versions=False)
        items += page.items
        if not page.has_more:
            return items
        offset += len(page.items)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=5)
    args = parser.parse_args()
    rows = []
    totals = {"messages": 0, "seconds": 0.0, "memories": 0, "obs": 0, "covered": 0, "outside": 0}
    with tempfile.TemporaryDirectory() as tmp, RecallrAI.embedded(Path(tmp), worker_poll_seconds=0.02) as client:
        client.create_user("warmup").create_session().process(wait=True)
        for sample in load()[: args.samples]:
            started = time.perf_counter()
            data = ingest(client, sample, sample["sample_id"], process=False)
            add_seconds = time.perf_counter() - started
            started = time.perf_counter()
            for session_id in data.session_of.values():
                data.user.get_session(session_id).process()
            wait_processed(data.user, len(data.session_of))
            seconds = time.perf_counter() - started
            memories = all_memories(data.user)
            obs = observation_dias(sample)
            sourced = [{data.dia_of.get((s.session_id, s.message_index)) for s in m.sources} - {None}
                       for m in memories]
            covered = obs & set().union(*sourced) if sourced else set()
            outside = sum(1 for dias in sourced if not dias & obs)
            rows.append([sample["sample_id"], data.messages, len(memories), len(memories) / data.messages,
                         len(covered) / len(obs), outside / max(1, len(memories)), data.messages / seconds,
                         add_seconds * 1000 / data.messages])
            for key, value in (("messages", data.messages), ("seconds", seconds), ("memories", len(memories)),
                               ("obs", len(obs)), ("covered", len(covered)), ("outside", outside)):
                totals[key] += value
    rate = totals["messages"] / totals["seconds"]
    coverage = totals["covered"] / totals["obs"]
    rows.append(["all", totals["messages"], totals["memories"], totals["memories"] / totals["messages"], coverage,
                 totals["outside"] / max(1, totals["memories"]), rate, float("nan")])
    print(table(["sample", "turns", "memories", "mem/turn", "obs coverage", "outside obs", "msg/s processed",
                 "add ms/msg"], rows))
    checks = [(f"processing >= 100 messages/s ({rate:.0f})", rate >= 100),
              (f"observation coverage >= 0.85 ({coverage:.3f})", coverage >= 0.85)]
    for name, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
