"""Export and import rate (messages/s) and peak memory (RSS) for a large archive.

    python benchmarks/portability.py [--messages 100000] [--database-url postgresql://...]

Writes a synthetic archive (one project, 100 users, sessions of 50 messages, every message indexed with a
384-dimension embedding, one memory per 5 messages), imports it into an empty store (SQLite in a temporary
directory, or the PostgreSQL database given: use an empty schema), exports it back, and checks that the export
holds the same rows. Import and export each run in a fresh child process, which reports its own peak RSS
(``getrusage(RUSAGE_SELF).ru_maxrss``). Target (issue 15): both stay in bounded memory (peak RSS well under the
archive's size, flat as the archive grows).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
T0 = 1_700_000_000_000_000  # epoch µs
PER_SESSION = 50
USERS = 100


def _line(table: str, row: dict[str, object]) -> bytes:
    return json.dumps({"table": table, "row": row}, separators=(",", ":")).encode() + b"\n"


def write_archive(path: Path, messages: int) -> dict[str, int]:
    """A synthetic archive of ``messages`` messages, streamed to ``path``; returns its row counts."""
    rng = np.random.default_rng(7)
    sessions = max(1, messages // PER_SESSION)
    users = min(USERS, sessions)
    counts = {"projects": 1, "users": users, "sessions": sessions, "messages": sessions * PER_SESSION,
              "memories": sessions * (PER_SESSION // 5), "memory_sources": sessions * (PER_SESSION // 5)}
    header = {"format": "recallr-archive", "version": 1, "created_at": T0, "scope": {}, "secrets": False,
              "counts": counts}
    with open(path, "wb") as out:
        out.write(json.dumps(header).encode() + b"\n")
        out.write(_line("projects", {"id": "p", "name": "bench", "merge_conflicts_enabled": False,
                                     "created_at": T0}))
        for u in range(users):
            out.write(_line("users", {"id": f"u{u:05d}", "project_id": "p", "custom_user_id": f"user-{u}",
                                      "metadata": "{}", "email": None, "first_name": None, "last_name": None,
                                      "merge_conflict_enabled": None, "created_at": T0, "last_active_at": T0}))
        for s in range(sessions):
            out.write(_line("sessions", {
                "id": f"s{s:07d}", "user_id": f"u{s % users:05d}", "status": "processed", "metadata": "{}",
                "auto_process_after_seconds": None, "created_at": T0 + s, "clock_offset": 0,
                "last_activity_at": T0 + s, "queued_at": T0 + s, "processed_at": T0 + s, "attempts": 1,
                "lease_owner": None, "lease_expires_at": None, "error": None, "message_count": PER_SESSION}))
        n = 0
        for s in range(sessions):
            vectors = rng.standard_normal((PER_SESSION, 384), dtype=np.float32)
            for p in range(PER_SESSION):
                n += 1
                out.write(_line("messages", {
                    "id": n, "session_id": f"s{s:07d}", "user_id": f"u{s % users:05d}", "position": p,
                    "role": "user" if p % 2 == 0 else "assistant",
                    "content": f"Message {n}: I went hiking with my sister near Lake Tahoe and saw bears.",
                    "timestamp": T0 + n, "indexed": True,
                    "embedding": base64.b64encode(vectors[p].tobytes()).decode()}))
        m = 0
        for kind in ("memories", "memory_sources"):
            for s in range(sessions):
                for k in range(PER_SESSION // 5):
                    ident = f"m{s:07d}-{k:02d}"
                    if kind == "memory_sources":
                        out.write(_line(kind, {"memory_id": ident, "session_id": f"s{s:07d}", "message_index": k}))
                        continue
                    m += 1
                    out.write(_line(kind, {
                        "id": ident, "user_id": f"u{s % users:05d}", "session_id": f"s{s:07d}", "chain_id": ident,
                        "version_number": 1, "content": f"User went hiking near Lake Tahoe ({m}).",
                        "categories": '["hobbies"]', "subject": None, "slot": None, "value": None,
                        "entities": "[]", "negated": False, "event_date_start": T0, "event_date_end": T0,
                        "created_at": T0 + m, "expired_at": None, "expiration_reason": None,
                        "merge_conflict_id": None, "merge_conflict_in_progress": False,
                        "embedding": base64.b64encode(rng.standard_normal(384, dtype=np.float32).tobytes()).decode()}))
        out.write(json.dumps({"end": True, "counts": counts}).encode() + b"\n")
    return counts


CHILD = """
import sys, time
from recallr.engine.portability import export_lines, import_archive, read_lines
from recallr.store import Database
from recallr.store.archive import Scope
mode, url, path = sys.argv[1:4]
db = Database(url)
db.migrate()
start = time.perf_counter()
if mode == "import":
    with open(path, "rb") as f:
        import_archive(db, read_lines(f))
else:
    with open(path, "wb") as f:
        for line in export_lines(db, Scope()):
            f.write(line)
import resource
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
db.close()
"""


def run_child(mode: str, url: str, path: Path) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of an import or export in a fresh process."""
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    done = subprocess.run([sys.executable, "-c", CHILD, mode, url, str(path)], env=env, check=True,
                          capture_output=True, text=True)
    seconds, peak_kb = done.stdout.strip().splitlines()[-1].split()
    return float(seconds), int(peak_kb) / 1024  # Linux: ru_maxrss in KiB


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--database-url", default=None, help="An empty PostgreSQL schema (default: SQLite).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        archive = folder / "archive.jsonl"
        started = time.perf_counter()
        counts = write_archive(archive, args.messages)
        print(f"archive: {counts['messages']:,} messages, {sum(counts.values()):,} rows, "
              f"{archive.stat().st_size / 1e6:.0f} MB, written in {time.perf_counter() - started:.1f} s")
        url = args.database_url or f"sqlite:///{folder / 'db' / 'recallr.db'}"
        seconds, rss = run_child("import", url, archive)
        print(f"import: {seconds:.1f} s, {counts['messages'] / seconds:,.0f} messages/s "
              f"({sum(counts.values()) / seconds:,.0f} rows/s), peak RSS {rss:.0f} MB")
        out = folder / "export.jsonl"
        seconds, rss_export = run_child("export", url, out)
        print(f"export: {seconds:.1f} s, {counts['messages'] / seconds:,.0f} messages/s "
              f"({sum(counts.values()) / seconds:,.0f} rows/s), peak RSS {rss_export:.0f} MB")
        with open(out, "rb") as f:
            rows = sum(1 for _ in f) - 2
        same = rows == sum(counts.values())
        print(f"export holds {rows:,} rows: {'same as the archive' if same else 'DIFFERENT from the archive'}")
        return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
