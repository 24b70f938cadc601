"""Memory hygiene: the share of offline-formed memories that break ``recallr.language.hygiene``'s rules.

    python benchmarks/hygiene.py [--lme-sessions N] [--examples 5] [--target 0.02] [--data DIR]

Forms memories offline, without a database, with the engine's own extraction step (``OfflineExtractor``:
extraction, then event dates written into the text), from:
  - LoCoMo dev (``locomo/locomo_dev5.json``, all five conversations): each session at its date, turns as
    "Name: text" user messages (the photo caption appended, as ``benchmarks/_locomo.py`` ingests them);
  - LongMemEval dev (``longmemeval/longmemeval_s_dev60.json.gz``): every distinct haystack session (by id)
    of the 60 questions, at its date, with its turns' roles; ``--lme-sessions N`` takes a fixed sample instead
    (the first N distinct sessions in file order), for a quick run.
Consolidation (merging repeats across sessions) is left out: it keeps or drops memories, never rewrites
their text, so it cannot change what the checker sees except by counting fewer.

Reports per data set and kind (``filler``, ``deictic``, ``broken``, ``greeting``) the share of memories
with that problem, and examples of each. Target: <= 2% for every kind and data set; exits 1 when missed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import count
from pathlib import Path

from _common import DATA, table
from _locomo import load, sessions, turn_text
from recallr.engine.formation.stage import OfflineExtractor
from recallr.language.categories import DEFAULT_CATEGORIES
from recallr.language.hygiene import hygiene_problems
from recallr.store.records import MessageRecord

KINDS = ("filler", "deictic", "broken", "greeting")
_Session = tuple[datetime, list[tuple[str, str]]]  # when, [(role, text)]
_IDS = count(1)


def locomo_sessions(data: Path) -> Iterator[_Session]:
    for sample in load(data / "locomo" / "locomo_dev5.json"):
        for _, when, turns in sessions(sample):
            yield when, [("user", turn_text(t)) for t in turns]


def longmemeval_sessions(data: Path, limit: int | None) -> Iterator[_Session]:
    with gzip.open(data / "longmemeval" / "longmemeval_s_dev60.json.gz") as f:
        items = json.loads(f.read())
    seen: set[str] = set()
    for item in items:
        for hid, when, turns in zip(item["haystack_session_ids"], item["haystack_dates"],
                                    item["haystack_sessions"], strict=True):
            if hid in seen:
                continue
            if limit is not None and len(seen) >= limit:
                return
            seen.add(hid)
            at = datetime.strptime(when.strip(), "%Y/%m/%d (%a) %H:%M").replace(tzinfo=UTC)
            yield at, [(t["role"], t["content"]) for t in turns if t["content"].strip()]


def form(source: Iterator[_Session]) -> tuple[list[str], int, float]:
    """Every memory text formed from ``source``, the number of messages read, and the seconds it took."""
    extractor = OfflineExtractor()
    texts: list[str] = []
    messages = 0
    started = time.perf_counter()
    for when, turns in source:
        session_id = f"s{next(_IDS)}"
        records = [MessageRecord(next(_IDS), session_id, i, role, text, when) for i, (role, text) in enumerate(turns)]
        messages += len(records)
        texts += [d.content for d in extractor.extract(records, DEFAULT_CATEGORIES)]
    return texts, messages, time.perf_counter() - started


def report(name: str, texts: list[str], examples: int) -> tuple[list[object], dict[str, list[str]]]:
    found: dict[str, list[str]] = defaultdict(list)
    for text in texts:
        for kind in hygiene_problems(text):
            found[kind].append(text)
    total = max(1, len(texts))
    row: list[object] = [name, len(texts)] + [f"{len(found[k]) / total:.2%}" for k in KINDS]
    return row, {k: found[k][:: max(1, len(found[k]) // examples)][:examples] for k in KINDS if found[k]}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lme-sessions", type=int, default=None,
                        help="a fixed sample: the first N distinct LongMemEval sessions (default: all)")
    parser.add_argument("--examples", type=int, default=5)
    parser.add_argument("--target", type=float, default=0.02)
    parser.add_argument("--data", type=Path, default=DATA,
                        help="the shared data directory (default ../shared/data; a git worktree passes its own)")
    args = parser.parse_args()
    rows: list[list[object]] = []
    shown: dict[str, dict[str, list[str]]] = {}
    for name, source in (("locomo", locomo_sessions(args.data)),
                         ("longmemeval", longmemeval_sessions(args.data, args.lme_sessions))):
        texts, messages, seconds = form(source)
        print(f"{name}: {messages} messages -> {len(texts)} memories in {seconds:.1f} s", file=sys.stderr)
        row, shown[name] = report(name, texts, args.examples)
        rows.append(row)
    print(table(["data", "memories", *KINDS], rows))
    for name, kinds in shown.items():
        for kind, samples in kinds.items():
            print(f"\n{name} / {kind}:")
            for text in samples:
                print(f"    {text[:160]}")
    missed = [f"{row[0]} {kind} {share}" for row in rows
              for kind, share in zip(KINDS, row[2:], strict=True) if float(str(share).rstrip("%")) / 100 > args.target]
    if missed:
        print(f"\nMISSED (target <= {args.target:.0%}): " + ", ".join(missed))
        return 1
    print(f"\nall shares <= {args.target:.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
