"""Recall through a user's own HNSW index against exact in-process search, on real embeddings (PostgreSQL).

    python benchmarks/ann.py [--memories 30000] [--questions 60] [--keep] [--postgres-url postgresql://...]

One user gets ``--memories`` memories whose texts are sentences of LongMemEval's haystack conversations
(``../shared/data``; the sessions holding the answers first) and whose vectors are the engine's MiniLM embeddings
of them (cached in ``~/.cache/recallr/``), beside 50 background users with 1,000 random-vector memories each.
The LongMemEval questions are asked with every strategy twice, in process: first with exact search (the user's
vectors loaded into the process, as for every user below ``RECALLR_ANN_MIN_MEMORIES``), then through the user's
own HNSW index, which the engine builds as ``recallr vector-indexes`` does. Reported:

* dense recall: the share of exact centred similarity's top ``pool`` memories (the strategy's candidate pool)
  that the index returns for the same query (``hnsw.ef_search`` as recall sets it);
* memories shared: the share of the exact context's memories that the context built through the index has too;
* latency: the first call (cold: exact search loads the user's vectors) and p50 / p95 of the others; the build.

Targets (exit status 1 when one is missed): memories shared >= 0.95 and dense recall >= 0.95 for every strategy,
and a first call through the index faster than exact search's (which loads the user's vectors). Warm latency is
reported, not targeted here: both paths share the full-text search, and ``scale.py`` holds the latency target.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from _common import DATA, percentile, table
from recallr import RecallrAI
from recallr.bootstrap import Engine
from recallr.embedding import load_embedder
from recallr.engine.recall.strategies import RECIPES
from recallr.engine.recall.windows import ef_search
from recallr.models import MessageRole
from recallr.settings import Settings
from recallr.store.vector_indexes import MEMORIES
from recallr.types import RecallStrategy
from scale import database, populate, step, vector_indexes

LONGMEMEVAL = DATA / "longmemeval" / "longmemeval_s_dev60.json.gz"
STRATEGIES = ["low_latency", "balanced", "agentic", "deep"]
SHARED_TARGET, DENSE_TARGET = 0.95, 0.95
CACHE = Path.home() / ".cache" / "recallr"


def sentences(items: list[dict[str, Any]], n: int) -> list[str]:
    """``n`` distinct sentences of 30-300 characters: those of answer sessions first, then the rest."""
    sessions = [s for it in items for sid, s in zip(it["haystack_session_ids"], it["haystack_sessions"], strict=True)
                if sid in it["answer_session_ids"]]
    sessions += [s for it in items for s in it["haystack_sessions"]]
    seen: dict[str, None] = {}
    for session in sessions:
        for turn in session:
            for part in re.split(r"(?<=[.!?])\s+|\n+", turn["content"]):
                part = part.strip()
                if 30 <= len(part) <= 300:
                    seen.setdefault(part)
                    if len(seen) == n:
                        return list(seen)
    return list(seen)


def embeddings(texts: list[str]) -> np.ndarray:
    """The engine's embeddings of ``texts``, computed once and cached on disk."""
    digest = hashlib.sha1("\n".join(texts).encode()).hexdigest()[:16]
    path = CACHE / f"ann-{len(texts)}-{digest}.npy"
    if path.exists():
        return np.load(path)  # type: ignore[no-any-return]
    model, parts, start = load_embedder("minilm"), [], time.perf_counter()
    for lo in range(0, len(texts), 512):
        parts.append(model.embed(texts[lo:lo + 512]))
        print(f"\r  embedded {lo + len(parts[-1]):,}/{len(texts):,} ({time.perf_counter() - start:.0f} s)", end="",
              flush=True)
    print()
    vectors = np.vstack(parts).astype(np.float32)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


Asked = dict[str, tuple[list[float], list[list[str]]]]  # strategy -> (ms per call, memory ids per call)


def ask(data: Path, url: str, uid: str, questions: list[str]) -> tuple[float, Asked]:
    """(the first call's ms, per strategy: later calls' ms and memory ids per question), in a new process."""
    out: Asked = {}
    with RecallrAI.embedded(data, database_url=url, run_worker=False) as client:
        warm = client.get_user("bg-1").create_session(auto_process_after_seconds=None)
        warm.add_message(MessageRole.USER, questions[0])
        warm.get_context()  # loads the model and another user's index: not part of the measured user's first call
        user = client.get_user(uid)
        for strategy in STRATEGIES:
            session, times, found = user.create_session(auto_process_after_seconds=None), [], []
            for text in questions:
                session.add_message(MessageRole.USER, text)
                started = time.perf_counter()
                meta = session.get_context(recall_strategy=strategy, include_metadata_ids=True,
                                           include_system_prompt=False).metadata
                times.append((time.perf_counter() - started) * 1000)
                found.append(meta.memory_ids)
            out[strategy] = (times, found)
    cold = out[STRATEGIES[0]][0].pop(0)  # the process's first call: exact search loads the user's vectors here
    out[STRATEGIES[0]][1].pop(0)
    return cold, out


def dense_recall(data: Path, url: str, uid: str, questions: list[str]) -> tuple[dict[str, float], list[list[Any]]]:
    """Per strategy, how much of exact centred similarity's top pool the user's index returns at the breadth
    recall uses; and the same for other breadths (pool, breadth, recall, p50 ms of the index query alone)."""
    engine = Engine(Settings(data_dir=data, database_url=url))
    try:
        with engine.db.read() as tx:
            user_id = tx.scalar("SELECT id FROM users WHERE custom_user_id = ?", [uid])
            rows = tx.all("SELECT id, embedding FROM memories WHERE user_id = ? AND expired_at IS NULL", [user_id])
        ids = np.array([r["id"] for r in rows])
        matrix = np.frombuffer(b"".join(r["embedding"] for r in rows), np.float32).reshape(len(rows), -1)
        centred = engine.embedder.embed(questions) - matrix.mean(0)
        orders = [np.argsort(-(matrix @ query))[:1000] for query in centred]  # exact search, best first

        def measure(pool: int, breadth: int) -> tuple[float, float]:
            shares, times = [], []
            for query, order in zip(centred, orders, strict=True):
                top = set(ids[order[:pool]])
                with engine.db.read() as tx:
                    started = time.perf_counter()
                    found = tx.dialect.nearest(tx, f"SELECT t.id AS id FROM memories t WHERE {MEMORIES.where}",
                                               [user_id], column="t.vec", vector=query, limit=pool, ef_search=breadth)
                    times.append((time.perf_counter() - started) * 1000)
                shares.append(len(top & {row["id"] for row in found}) / pool)
            return float(np.mean(shares)), percentile(times, 50)

        used = {s: measure(p, ef_search(p, engine.settings.ann_ef_search))[0]
                for s, p in ((s, RECIPES[RecallStrategy(s)].pool) for s in STRATEGIES)}
        sweep = [[pool, breadth, *measure(pool, breadth)] for pool in (100, 200, 400)
                 for breadth in sorted({pool, pool * 3 // 2, 2 * pool, min(1000, 4 * pool)})]
        return used, sweep
    finally:
        engine.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--memories", type=int, default=30_000, help="memories of the measured user")
    parser.add_argument("--questions", type=int, default=60, help="LongMemEval questions asked per strategy")
    parser.add_argument("--keep", action="store_true", help="keep the database (its name is printed)")
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    uid = f"probe-{args.memories}"
    with gzip.open(LONGMEMEVAL) as file:
        items = json.loads(file.read())
    questions = [it["question"] for it in items][: args.questions]
    texts = sentences(items, args.memories)
    vectors = step(f"embeddings of {len(texts):,} sentences", lambda: embeddings(texts))
    with tempfile.TemporaryDirectory() as tmp, database(args.postgres_url, args.keep, None) as url:
        data = Path(tmp) / "data"
        engine = Engine(Settings(data_dir=data, database_url=url))
        project, _ = engine.projects.create("ann")
        engine.close()
        populate(url, project.id, 50, 50_000, [args.memories], corpus=(texts, vectors))
        exact_cold, exact = ask(data, url, uid, questions)
        started = time.perf_counter()
        vector_indexes(data, url, min(args.memories, Settings().ann_min_memories))
        build = time.perf_counter() - started
        index_cold, indexed = ask(data, url, uid, questions)
        recall, sweep = dense_recall(data, url, uid, questions)
    rows, ok = [], index_cold < exact_cold
    for strategy in STRATEGIES:
        (e, e_ids), (i, i_ids) = exact[strategy], indexed[strategy]
        shared = float(np.mean([len(set(a) & set(b)) / max(1, len(b)) for a, b in zip(i_ids, e_ids, strict=True)]))
        ok &= shared >= SHARED_TARGET and recall[strategy] >= DENSE_TARGET
        rows.append([strategy, RECIPES[RecallStrategy(strategy)].pool, recall[strategy], shared,
                     percentile(e, 50), percentile(e, 95), percentile(i, 50), percentile(i, 95)])
    print(f"\n{args.memories:,} memories of real sentences (MiniLM), {len(questions)} LongMemEval questions per "
          f"strategy, in process; the user's indexes built in {build:.1f} s; first call (cold) {exact_cold:.0f} ms "
          f"exact, {index_cold:.0f} ms through the index")
    print(table(["strategy", "pool", "dense recall", "memories shared", "exact p50", "exact p95", "index p50",
                 "index p95"], rows))
    print("\ndense recall by HNSW search breadth (hnsw.ef_search; recall uses twice the pool, at least 200)")
    print(table(["pool", "ef_search", "dense recall", "index query p50 ms"], sweep))
    print(f"targets: dense recall and memories shared >= {SHARED_TARGET}, first call through the index faster than "
          f"exact: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
