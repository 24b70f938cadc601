"""LLM-mode ingestion cost and speed against a fake model with a fixed latency per call.

    python benchmarks/llm_ingest.py [--sample conv-42] [--latency 0.3] [--concurrency 1 4 16] [--remote-embeddings]
    python benchmarks/llm_ingest.py --real [llama-cpp-python] [llama-server] [--sessions 1]   # a real model
    python benchmarks/llm_ingest.py --base-url URL --model NAME [--sessions 1]                # any endpoint

The real-model mode (``--real``, ``--base-url``) is described in benchmarks/_real_llm.py. What follows is the
fake-model mode.

Processes one ~600-turn LoCoMo dev conversation (sessions at their dates, turns as "Name: text") through the
SDK, embedded, in LLM mode against the test suite's fake OpenAI-compatible server (tests/llm/fake_openai.py),
which answers every call after ``--latency`` seconds with one memory per message and "add" verdicts. For each
concurrency limit (RECALLR_LLM_MAX_CONCURRENCY; the worker runs 16 sessions at once so the limit binds) it
reports LLM calls by task, tokens, wall time, messages per second, Recallr's own CPU time per message, and
how busy the model was: ``model busy = calls x latency / (wall x limit)`` (1.0: Recallr never kept the model
waiting). Embeddings are local MiniLM (CPU, as offline), or with ``--remote-embeddings`` the fake server's
``/embeddings`` (same latency), which leaves Recallr only its own bookkeeping.

Targets (exit 1 when missed): at most one extraction call per 20 messages on average, and processing
dominated by the model: at limit 1 the model is busy >= 80% of the wall time.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import REPO, table
from _locomo import ingest, load
from formation import wait_processed

sys.path.insert(0, str(REPO))  # the fake server lives in the test suite

from tests.llm.fake_openai import FakeLLM, Recorded, Reply

from recallr import RecallrAI

WORKER_CONCURRENCY = 16


def respond(request: Recorded) -> Reply:
    """A cheap stand-in model: one memory per message, a summary per batch, every new memory added."""
    task = request.task
    if task == "extraction":
        memories = []
        for index, _role, content in request.lines():
            speaker, _, text = content.partition(": ")
            memories.append({"content": f"{speaker} said: {' '.join(text.split()[:16])}.", "sources": [index],
                             "categories": ["events"], "subject": speaker})
        return Reply(json={"memories": memories, "summary": "They caught up on recent events."})
    if task == "consolidation":
        numbers = [line.split(":", 1)[0][1:] for line in request.user_text.splitlines() if line.startswith("N")]
        return Reply(json={"decisions": [{"new": int(n), "action": "add"} for n in numbers if n.isdigit()]})
    if task == "summary":
        return Reply(json={"summary": "They caught up."})
    return Reply(json={})


def run(sample: dict[str, Any], fake: FakeLLM, limit: int, *, remote_embeddings: bool) -> dict[str, Any]:
    fake.requests.clear()
    extra = {"llm_embedding_model": "fake-embed"} if remote_embeddings else {}
    with tempfile.TemporaryDirectory() as tmp, RecallrAI.embedded(
            Path(tmp), llm_base_url=fake.url, llm_model="fake-model", llm_max_concurrency=limit,
            llm_endpoint_concurrency=limit,  # the fake is on loopback: it would get one slot otherwise
            worker_concurrency=WORKER_CONCURRENCY, worker_poll_seconds=0.02, **extra) as client:
        engine = client._embedded.engine
        engine.embedder.embed(["warm up"])  # load the embedding model before timing
        data = ingest(client, sample, sample["sample_id"], process=False)
        fake.requests.clear()
        started, cpu = time.perf_counter(), time.process_time()
        for session_id in data.session_of.values():
            data.user.get_session(session_id).process()
        wait_processed(data.user, len(data.session_of))
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        usage = engine.llm.usage(engine.projects.all()[0].id)
    calls = usage["total"]["calls"]
    embeddings = sum(1 for r in fake.requests if r.path.endswith("/embeddings"))
    return {"limit": limit, "messages": data.messages, "sessions": len(data.session_of), "wall": wall, "cpu": cpu,
            "calls": calls, "embed_calls": embeddings, "by_task": {t: c["calls"] for t, c in usage["by_task"].items()},
            "prompt": usage["total"]["prompt_tokens"], "completion": usage["total"]["completion_tokens"],
            "fallbacks": usage["total"]["fallbacks"], "busy": (calls + embeddings) * fake.latency / (wall * limit),
            "max_in_flight": fake.max_in_flight}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sample", default="conv-42")
    parser.add_argument("--latency", type=float, default=0.3)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--remote-embeddings", action="store_true", help="embeddings from the fake endpoint too")
    parser.add_argument("--real", nargs="*", choices=["llama-cpp-python", "llama-server"],
                        help="a real model: SmolLM2-135M served by these (default both); see _real_llm.py")
    parser.add_argument("--base-url", help="a real model at this OpenAI-compatible endpoint (with --model)")
    parser.add_argument("--model", help="the model to ask at --base-url")
    parser.add_argument("--sessions", type=int, default=1, help="real mode: copies of the chat queued at once")
    parser.add_argument("--context-window", type=int, default=8192, help="real mode: the server's context")
    parser.add_argument("--llm-timeout", type=float, default=60.0, help="real mode: RECALLR_LLM_TIMEOUT_SECONDS")
    parser.add_argument("--prompt-style", choices=["auto", "full", "compact"], default="compact",
                        help="real mode: RECALLR_LLM_PROMPT_STYLE (compact: what docs/llm.md advises for small models)")
    parser.add_argument("--session-budget", type=float, default=45.0,
                        help="real mode: RECALLR_LLM_SESSION_BUDGET_SECONDS")
    args = parser.parse_args()
    if args.real is not None or args.base_url:
        import _real_llm

        settings = {"llm_context_window": args.context_window, "llm_max_concurrency": 1,
                    "llm_timeout_seconds": args.llm_timeout, "worker_concurrency": max(1, args.sessions),
                    "llm_prompt_style": args.prompt_style, "llm_session_budget_seconds": args.session_budget}
        return _real_llm.main(args.real or ["llama-cpp-python", "llama-server"], base_url=args.base_url,
                              model=args.model, sessions=args.sessions, settings=settings)
    sample = next(s for s in load() if s["sample_id"] == args.sample)
    results = []
    with FakeLLM(latency=args.latency, responder=respond) as fake:
        for limit in args.concurrency:
            fake.max_in_flight = 0
            results.append(run(sample, fake, limit, remote_embeddings=args.remote_embeddings))
    rows = [[r["limit"], r["messages"], r["calls"], r["by_task"].get("extraction", 0),
             r["by_task"].get("consolidation", 0), r["by_task"].get("summary", 0), r["embed_calls"], r["prompt"],
             r["completion"], r["wall"], r["messages"] / r["wall"], r["cpu"] * 1000 / r["messages"], r["busy"],
             r["max_in_flight"]] for r in results]
    print(f"{args.sample}: {results[0]['messages']} messages in {results[0]['sessions']} sessions; fake model latency "
          f"{args.latency * 1000:.0f} ms per call; embeddings {'remote' if args.remote_embeddings else 'local MiniLM'}")
    print(table(["limit", "msgs", "chat calls", "extract", "consol", "summary", "embed calls", "prompt tok",
                 "compl tok", "wall s", "msg/s", "cpu ms/msg", "model busy", "max in flight"], rows))
    first = results[0]
    per_call = first["messages"] / max(1, first["by_task"].get("extraction", 0))
    checks = [(f"<= 1 extraction call per 20 messages ({per_call:.1f} messages per call)", per_call >= 20),
              (f"no step fell back offline ({sum(r['fallbacks'] for r in results)})",
               all(r["fallbacks"] == 0 for r in results))]
    if first["limit"] == 1:
        checks.append((f"model-bound at limit 1: busy >= 0.80 ({first['busy']:.2f})", first["busy"] >= 0.8))
    for name, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
