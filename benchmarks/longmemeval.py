"""Recall quality on LongMemEval-S: every strategy against plain-RAG baselines at the same context size.

    python benchmarks/longmemeval.py [--questions 12] [--types knowledge-update,temporal-reasoning]
                                     [--strategies balanced,agentic] [--show 5] [--keep DIR]

Each question is its own user: its haystack sessions are ingested through the embedded SDK in date order
at their ``haystack_dates`` (UTC) with the turns' roles (user/assistant), all are processed, then the
question is asked in a new session dated ``question_date`` (one user message) and
``get_context(include_metadata_ids=True, include_system_prompt=False)`` is called once per strategy
(after one unmeasured warm-up call per user that loads its index).

Per system and question type, and overall:
  - recall_any / recall_all: whether any / all of ``answer_session_ids`` are among the context's sessions
    (Recallr: ``metadata.session_ids`` mapped back to haystack session ids; a baseline: the sessions of
    the turns it included);
  - turn recall: share of the question's ``has_answer`` turns among the context's sources (questions
    without such turns are left out of this column);
  - answer-token recall: share of the answer's content tokens (lowercase, no punctuation, no stopwords)
    present in the context text;
  - context tokens: ``len(re.findall(r"\\w+|[^\\w\\s]", context))`` (see _baselines.count_tokens);
  - p50/p95 ms of get_context (baselines: ranking time, query embedding included).
Baselines over the question's raw haystack turns, filled best first up to the token size of the
question's ``balanced`` context (lines "[30 May 2023] user: ..."): BM25 Okapi (k1=1.2, b=0.75), dense
(the engine's MiniLM embedder, cosine) and their RRF fusion (k=60); a turn that does not fit in what is
left of the budget is skipped. Also printed: balanced's tokens per context section, why answer sessions
were missed (no memory from the session, or memories not recalled), and with ``--show N`` examples where
rrf's context has an answer session or answer tokens that balanced's lacks.

The 60 questions hold ~29,600 turns (~1,000 characters each) and processing is the slow part, so the
default is ``--questions 12`` (the first 2 of each of the 6 types); ``--questions 60`` runs them all, and
``--types`` keeps only the named question types (``--types knowledge-update,temporal-reasoning --questions 20``:
the 20 questions the targets are on), ``--haystack N`` keeps N sessions besides the answer sessions (quick and
easier: fewer distractors; the targets are for full haystacks). ``--keep DIR`` keeps the store in DIR and reuses
the users already processed there (to iterate on recall without processing again; a fresh DIR after a formation
change).

Targets (issue 13; exit 1 when one the run's question types allow is missed; see _lme_targets.py):
  - knowledge-update: answer-token recall of balanced >= 0.95, and no earlier value shown as current (an
    earlier value in the context must be under "Earlier versions (no longer current)" or a dated past message);
  - temporal-reasoning: answer-token recall of balanced >= the best raw-turn baseline + 0.10.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from _baselines import (
    Baselines,
    Result,
    Turn,
    aggregate,
    answer_token_recall,
    count_tokens,
    day_label,
    lost_answer_tokens,
    revision,
    section_summary,
)
from _common import DATA, table
from _lme_targets import EarlierValues, checks
from formation import all_memories, wait_processed
from recallr import RecallrAI
from recallr.embedding import load_embedder
from recallr.exceptions import UserNotFoundError
from recallr.models import MessageRole

LONGMEMEVAL = DATA / "longmemeval" / "longmemeval_s_dev60.json.gz"
STRATEGIES = ["low_latency", "balanced", "agentic", "deep", "auto"]
METRICS = ["recall_any", "recall_all", "turns", "answer_tokens", "tokens"]


def parse_date(text: str) -> datetime:
    """'2023/05/30 (Tue) 23:40' -> aware UTC datetime."""
    return datetime.strptime(text.strip(), "%Y/%m/%d (%a) %H:%M").replace(tzinfo=UTC)


def pick(items: list[dict[str, Any]], n: int, types: list[str] | None = None) -> list[dict[str, Any]]:
    """The first questions of each type in turn (round robin over types, file order within a type)."""
    by_type: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        if types and item["question_type"] not in types:
            continue
        by_type.setdefault(item["question_type"], []).append(item)
    out: list[dict[str, Any]] = []
    for i in range(max(len(v) for v in by_type.values())):
        for group in by_type.values():
            if i < len(group) and len(out) < n:
                out.append(group[i])
    return out


class Ingested:
    """One question's user: our ids mapped back to the haystack's."""

    def __init__(self, user: Any, item: dict[str, Any]) -> None:
        self.user = user
        self.item = item
        self.haystack_of: dict[str, str] = {}  # our session id -> haystack session id
        self.turn_of: dict[tuple[str, int], tuple[str, int]] = {}  # (session id, index) -> (haystack id, turn)
        self.sessions = 0
        self.messages = 0


def trim(item: dict[str, Any], others: int) -> dict[str, Any]:
    """The question with its answer sessions and only ``others`` other haystack sessions (evenly spread)."""
    gold = set(item["answer_session_ids"])
    rest = [i for i, hid in enumerate(item["haystack_session_ids"]) if hid not in gold]
    step = max(1, len(rest) // max(1, others))
    keep = sorted({i for i, hid in enumerate(item["haystack_session_ids"]) if hid in gold} | set(rest[::step][:others]))
    names = ("haystack_session_ids", "haystack_dates", "haystack_sessions")
    return {**item, **{name: [item[name][i] for i in keep] for name in names}}


def kept_turns(turns: list[dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
    return [(j, t) for j, t in enumerate(turns) if t["content"].strip()]


def reuse(client: Any, item: dict[str, Any]) -> Ingested | None:
    """The question's user from an earlier run kept with ``--keep``, or None when there is none."""
    try:
        user = client.get_user(f"lme-{item['question_id']}")
    except UserNotFoundError:
        return None
    out = Ingested(user, item)
    turns = dict(zip(item["haystack_session_ids"], item["haystack_sessions"], strict=True))
    for session in user.list_sessions(limit=1000).sessions:
        hid = (session.metadata or {}).get("haystack_session_id")
        if hid is None:
            continue
        out.haystack_of[session.session_id] = hid
        for index, (j, _) in enumerate(kept_turns(turns[hid])):
            out.turn_of[(session.session_id, index)] = (hid, j)
            out.messages += 1
        out.sessions += 1
    return out


def ingest(client: Any, item: dict[str, Any]) -> Ingested:
    if (again := reuse(client, item)) is not None:
        return again
    user = client.create_user(f"lme-{item['question_id']}")
    out = Ingested(user, item)
    order = sorted(range(len(item["haystack_sessions"])), key=lambda i: parse_date(item["haystack_dates"][i]))
    for i in order:
        turns, hid = item["haystack_sessions"][i], item["haystack_session_ids"][i]
        kept = kept_turns(turns)
        if not kept:
            continue
        session = user.create_session(custom_created_at_utc=parse_date(item["haystack_dates"][i]),
                                      metadata={"haystack_session_id": hid}, auto_process_after_seconds=None)
        out.haystack_of[session.session_id] = hid
        for index, (j, turn) in enumerate(kept):
            role = MessageRole.USER if turn["role"] == "user" else MessageRole.ASSISTANT
            session.add_message(role, turn["content"])
            out.turn_of[(session.session_id, index)] = (hid, j)
            out.messages += 1
        session.process()
        out.sessions += 1
    return out


def baseline_turns(item: dict[str, Any]) -> list[Turn]:
    turns = []
    for hid, when, session in zip(item["haystack_session_ids"], item["haystack_dates"], item["haystack_sessions"],
                                  strict=True):
        label = day_label(parse_date(when))
        for j, turn in enumerate(session):
            if turn["content"].strip():
                turns.append(Turn((hid, j), turn["content"], f"[{label}] {turn['role']}: {turn['content']}"))
    return turns


def scores(item: dict[str, Any], sessions: set[str], turns: set[tuple[str, int]], context: str) -> dict[str, Any]:
    gold = set(item["answer_session_ids"])
    gold_turns = {(hid, j) for hid, s in zip(item["haystack_session_ids"], item["haystack_sessions"], strict=True)
                  for j, t in enumerate(s) if t.get("has_answer")}
    return {"recall_any": float(bool(gold & sessions)), "recall_all": float(gold <= sessions),
            "turns": len(gold_turns & turns) / len(gold_turns) if gold_turns else None,
            "answer_tokens": answer_token_recall(item["answer"], context), "tokens": float(count_tokens(context))}


def _lost_tokens(item: dict[str, Any], context: str, metrics: dict[str, Any], rrf_text: str) -> str | None:
    """When rrf's context holds answer tokens that balanced's lacks: what is missing and where rrf had it."""
    missing, line = lost_answer_tokens(item["answer"], context, rrf_text)
    if not missing:
        return None
    return (f"[{item['question_id']} {item['question_type']}] Q: {item['question']}  A: {str(item['answer'])[:150]}\n"
            f"    balanced lacks {missing}; balanced turn recall {metrics['turns']}; rrf line: {line[:300]}")


def run_question(data: Ingested, baselines: Baselines, strategies: list[str], results: list[Result],
                 diag: dict[str, Counter[str]], examples: list[str], show: int, contexts: list[str],
                 losses: list[str], earlier: EarlierValues) -> None:
    item, user = data.item, data.user
    group = item["question_type"]
    memories: list[Any] = all_memories(user)
    memory_sessions = Counter(data.haystack_of.get(m.session_id) for m in memories)
    asked_at = parse_date(item["question_date"])
    warm = user.create_session(custom_created_at_utc=asked_at, auto_process_after_seconds=None)
    warm.add_message(MessageRole.USER, "Hello, how are you?")
    warm.get_context(include_metadata_ids=True, include_system_prompt=False)
    session = user.create_session(custom_created_at_utc=asked_at, auto_process_after_seconds=None)
    session.add_message(MessageRole.USER, item["question"])
    sizes: dict[str, int] = {}
    balanced: tuple[str, dict[str, Any]] | None = None
    found_by: dict[str, set[str]] = {}
    for strategy in strategies:
        started = time.perf_counter()
        out = session.get_context(recall_strategy=strategy, include_metadata_ids=True, include_system_prompt=False)
        ms = (time.perf_counter() - started) * 1000
        meta = out.metadata
        found = {data.haystack_of[s] for s in meta.session_ids or [] if s in data.haystack_of}
        turns = {data.turn_of[(s.session_id, s.message_index)] for s in meta.sources or []
                 if (s.session_id, s.message_index) in data.turn_of}
        found_by[strategy] = found
        metrics = scores(item, found, turns, out.context)
        if strategy == "balanced":
            balanced = (out.context, metrics)
        sizes[strategy] = int(metrics["tokens"])
        results.append(Result(strategy, group, metrics, ms))
        if strategy == "auto":
            diag["auto chose"][str(meta.recall_strategy_used)] += 1
        if strategy == "balanced":
            contexts.append(out.context)
            if group == "knowledge-update":
                earlier.add(item, out.context, memories, data.turn_of, parse_date)
            for hid in item["answer_session_ids"]:
                if hid in found:
                    diag["answer sessions"]["found"] += 1
                elif memory_sessions.get(hid):
                    diag["answer sessions"]["missed, has memories (not recalled)"] += 1
                else:
                    diag["answer sessions"]["missed, no memory formed from it"] += 1
    budget = sizes.get("balanced", sizes[strategies[0]])
    rankings, ms_of = baselines.rankings(item["question"])
    for name, ranking in rankings.items():
        chosen, text, _ = baselines.fill(ranking, budget)
        found = {t.key[0] for t in chosen}
        found_by[name] = found
        results.append(Result(name, group, scores(item, found, {t.key for t in chosen}, text), ms_of[name]))
        if name == "rrf" and balanced is not None:
            lost = _lost_tokens(item, balanced[0], balanced[1], text)
            if lost and len(losses) < show:
                losses.append(lost)
    if "balanced" in found_by:
        gold = set(item["answer_session_ids"])
        mine, theirs = len(gold & found_by["balanced"]), len(gold & found_by["rrf"])
        diag[f"balanced vs rrf: {group}"]["balanced better" if mine > theirs else
                                          "rrf better" if theirs > mine else "tie"] += 1
        if theirs > mine and len(examples) < show:
            lines = [f"[{item['question_id']} {group}] Q: {item['question']}  A: {str(item['answer'])[:200]}"]
            for hid in sorted(gold & found_by["rrf"] - found_by["balanced"]):
                k = item["haystack_session_ids"].index(hid)
                evidence = [t["content"][:200] for t in item["haystack_sessions"][k] if t.get("has_answer")]
                mems = [m.content for m in memories if data.haystack_of.get(m.session_id) == hid][:4]
                lines.append(f"    missed session {hid}: has_answer turns {evidence or 'none marked'}")
                lines.append(f"      memories from it ({memory_sessions.get(hid, 0)}): {mems}")
            examples.append("\n".join(lines))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=12, help="questions to run (default 12, at most 60)")
    parser.add_argument("--types", default="", help="comma-separated question types to keep (default: all)")
    parser.add_argument("--keep", type=Path, default=None,
                        help="keep the store in this directory and reuse the users already processed there")
    parser.add_argument("--haystack", type=int, default=None,
                        help="keep only N sessions besides the answer sessions per question (a quick, easier run)")
    parser.add_argument("--strategies", default=",".join(STRATEGIES))
    parser.add_argument("--show", type=int, default=0,
                        help="print N questions where rrf found an answer session (or answer tokens) balanced missed")
    args = parser.parse_args()
    strategies = [s.strip() for s in args.strategies.split(",") if s.strip()]
    systems = [*strategies, *Baselines.NAMES]
    types = [t.strip() for t in args.types.split(",") if t.strip()]
    items = pick(json.loads(gzip.decompress(LONGMEMEVAL.read_bytes())), args.questions, types)
    if args.haystack is not None:
        items = [trim(item, args.haystack) for item in items]
        print(f"note: haystacks cut to the answer sessions and {args.haystack} others (easier than the full run)")
    if args.questions < 60 and not types:
        print(f"note: {len(items)} of 60 questions (first of each type in turn); processing ~490 turns per question "
              "is the slow part, run with --questions 60 for all of them")
    results: list[Result] = []
    diag: dict[str, Counter[str]] = {"auto chose": Counter(), "answer sessions": Counter()}
    examples: list[str] = []
    contexts: list[str] = []  # balanced contexts, for the section breakdown
    losses: list[str] = []  # questions where rrf's context has answer tokens that balanced's lacks
    earlier = EarlierValues()
    print(f"engine revision {revision()}")
    embedder = load_embedder("minilm")
    with tempfile.TemporaryDirectory() as tmp, \
            RecallrAI.embedded(args.keep or Path(tmp), worker_poll_seconds=0.02) as client:
        client.create_user(f"warmup-{time.time_ns()}").create_session().process(wait=True)
        started = time.perf_counter()
        ingested = [ingest(client, item) for item in items]
        # the baselines' embeddings are computed while the worker processes (only ranking time is reported)
        baselines = [Baselines(baseline_turns(item), embedder) for item in items]
        for data in ingested:
            wait_processed(data.user, data.sessions, timeout=7200)
        seconds = time.perf_counter() - started
        messages = sum(d.messages for d in ingested)
        print(f"ingested and processed {len(ingested)} users, {messages} turns in {seconds:.0f} s "
              f"({messages / seconds:.0f} messages/s, baseline embeddings computed alongside)")
        for data, base in zip(ingested, baselines, strict=True):
            diag.setdefault(f"balanced vs rrf: {data.item['question_type']}", Counter())
            run_question(data, base, strategies, results, diag, examples, args.show, contexts, losses, earlier)
    print(f"{len(items)} questions, {len(strategies)} strategies + {len(Baselines.NAMES)} baselines; "
          "baselines filled to the balanced context's token count\n")
    headers = ["system", "n", "recall_any", "recall_all", "turn recall", "answer-token recall", "context tokens",
               "p50 ms", "p95 ms"]
    for group in sorted({r.group for r in results}):
        print(group)
        print(table(headers, aggregate(results, systems, METRICS, group)) + "\n")
    print("overall")
    print(table(headers, aggregate(results, systems, METRICS)) + "\n")
    print("balanced context, mean per question by section:", section_summary(contexts))
    for name, counts in diag.items():
        print(f"{name}: {dict(counts)}")
    for example in examples:
        print(example)
    if losses:
        print("\nanswer tokens in rrf's context but not in balanced's:")
        print("\n".join(losses))
    if earlier.unmarked and args.show:
        print("\nknowledge-update: earlier values shown as current:")
        print("\n".join(f"    {line}" for line in earlier.unmarked[: args.show * 3]))
    print()
    targets = checks(results, earlier)
    for statement, met in targets:
        print(f"{'PASS' if met else 'FAIL'}  {statement}")
    return 0 if all(met for _, met in targets) else 1


if __name__ == "__main__":
    sys.exit(main())
