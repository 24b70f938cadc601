"""The real-model mode of llm_ingest.py: one small chat through LLM mode against a real local model.

    python benchmarks/llm_ingest.py --real                        # SmolLM2-135M via both llama.cpp servers
    python benchmarks/llm_ingest.py --real llama-server --sessions 8
    python benchmarks/llm_ingest.py --base-url http://127.0.0.1:11434/v1 --model qwen2.5:7b

Processes the real-model tier's 8-message chat (tests/llm_real/chat.py) ``--sessions`` times (one user each,
all queued at once), embedded on SQLite, with a recording proxy between Recallr and the server. Reports, per
server: wall time and seconds per message, requests by task with their HTTP statuses, answers cut off at the
token limit and requests Recallr abandoned (timeouts), tokens as the server reported them and as Recallr
counted them, Recallr's usage counters (calls, retries, fallbacks...), and the share of memories taken from
the model's answers vs the offline fallback (a memory whose text the offline pipeline also formed from the
chat counts as the fallback's). ``--real`` builds/installs the server and model once with
scripts/install_llama_server.py (cached in ~/.cache/recallr/llama).
"""

from __future__ import annotations

import os
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from tests.llm_real.chat import CHAT, CHAT_DATE
from tests.llm_real.servers import MODEL_ALIAS, LlamaServer, RecordingProxy, install

from _common import table
from formation import wait_processed
from recallr import RecallrAI


def _chat_sessions(client: RecallrAI, sessions: int) -> list[Any]:
    users = []
    for n in range(sessions):
        user = client.create_user(f"person-{n}")
        session = user.create_session(auto_process_after_seconds=None, custom_created_at_utc=CHAT_DATE)
        for role, text in CHAT:
            session.add_message(role, text)
        users.append((user, session))
    return users


def offline_memories(sessions: int) -> tuple[set[str], float]:
    """The memories the offline pipeline forms from the chat, and its seconds for ``sessions`` copies."""
    with tempfile.TemporaryDirectory() as tmp, RecallrAI.embedded(
            Path(tmp), worker_poll_seconds=0.05, min_auto_process_seconds=0) as client:
        client._embedded.engine.embedder.embed(["warm up"])
        users = _chat_sessions(client, sessions)
        started = time.monotonic()
        for _user, session in users:
            session.process()
        for user, _session in users:
            wait_processed(user, 1)
        seconds = time.monotonic() - started
        return {m.content for m in users[0][0].list_memories(limit=100).items}, seconds


def run_llm(url: str, model: str, *, sessions: int, settings: dict[str, Any]) -> dict[str, Any]:
    """The chat through LLM mode against ``url`` (behind a recording proxy); what happened."""
    with RecordingProxy(url) as proxy, tempfile.TemporaryDirectory() as tmp:
        client = RecallrAI.embedded(Path(tmp), llm_base_url=proxy.url, llm_model=model, llm_api_key="local",
                                    worker_poll_seconds=0.05, min_auto_process_seconds=0, **settings)
        try:
            engine = client._embedded.engine
            engine.embedder.embed(["warm up"])
            users = _chat_sessions(client, sessions)
            proxy.clear()
            started = time.monotonic()
            for _user, session in users:
                session.process()
            for user, _session in users:
                wait_processed(user, 1, timeout=3600)
            wall = time.monotonic() - started
            usage = engine.llm.usage(str(engine.projects.all()[0].id))
            memories = [m.content for user, _ in users for m in user.list_memories(limit=100).items]
            statuses = [s.status.value for user, _ in users for s in user.list_sessions(limit=10).sessions]
        finally:
            proxy.refuse()
            client.close()
        return {"wall": wall, "usage": usage, "memories": memories, "statuses": statuses,
                "exchanges": proxy.chats()}


def report(name: str, result: dict[str, Any], offline: set[str], offline_seconds: float, sessions: int) -> None:
    exchanges = result["exchanges"]
    messages = len(CHAT) * sessions
    by_task = Counter(f"{e.task}:{e.status or e.error}" for e in exchanges)
    answered = [e for e in exchanges if e.usage is not None and e.error is None]
    server_tokens = (sum(e.usage[0] for e in answered if e.usage), sum(e.usage[1] for e in answered if e.usage))
    total = result["usage"]["total"]
    from_offline = sum(1 for m in result["memories"] if m in offline)
    memories = len(result["memories"])
    load = os.getloadavg()
    print(f"\n== {name}: {sessions} x {len(CHAT)}-message chat, load average {load[0]:.1f} {load[1]:.1f} "
          f"{load[2]:.1f} ({os.cpu_count()} cores)")
    print(table(["wall s", "s/msg", "offline wall s", "requests", "cut off (length)", "abandoned",
                 "slowest request s", "server tokens p/c", "Recallr tokens p/c", "memories", "from model",
                 "from offline", "offline alone"],
                [[result["wall"], result["wall"] / messages, offline_seconds, len(exchanges),
                  sum(e.finish_reason == "length" for e in exchanges), sum(e.error is not None for e in exchanges),
                  max((e.seconds for e in exchanges), default=0.0), f"{server_tokens[0]}/{server_tokens[1]}",
                  f"{total['prompt_tokens']}/{total['completion_tokens']}", memories, memories - from_offline,
                  from_offline, len(offline) * sessions]]))
    print("requests by task:HTTP status:", dict(sorted(by_task.items())))
    print("Recallr usage by task:", {task: {k: v for k, v in counts.items() if v}
                                      for task, counts in result["usage"]["by_task"].items()})
    print("session statuses:", dict(Counter(result["statuses"])))
    used = memories - from_offline
    print(f"share of memories from the model's answers: {used}/{memories} "
          f"({(used / memories * 100) if memories else 0:.0f}%)")
    answers = total["calls"] - total.get("unusable", 0)  # counted separately once Recallr validates answers
    steps = answers + total["fallbacks"]
    print(f"steps that used the model's answer: {answers}/{steps} "
          f"({(answers / steps * 100) if steps else 0:.0f}%); steps that fell back offline: {total['fallbacks']}")


TARGET_SECONDS = 60.0  # issue 14: the 8-message chat in <= 60 s on this machine, never 0 memories


def checks(result: dict[str, Any], sessions: int) -> list[tuple[str, bool]]:
    """The targets (one chat: <= 60 s; every session processed with memories)."""
    out = [(f"every session processed ({dict(Counter(result['statuses']))})",
            all(s == "processed" for s in result["statuses"])),
           (f"memories formed in every session ({len(result['memories'])})", len(result["memories"]) >= sessions)]
    if sessions == 1:
        wall = result["wall"]
        out.append((f"the chat in <= {TARGET_SECONDS:.0f} s ({wall:.1f} s)", wall <= TARGET_SECONDS))
    return out


def verdict(results: list[tuple[str, dict[str, Any]]], sessions: int) -> int:
    failed = 0
    for name, result in results:
        for what, ok in checks(result, sessions):
            print(f"{'PASS' if ok else 'FAIL'}  {name}: {what}")
            failed += not ok
    return 1 if failed else 0


def main(kinds: list[str], *, base_url: str | None, model: str | None, sessions: int,
         settings: dict[str, Any]) -> int:
    offline, offline_seconds = offline_memories(sessions)
    if base_url:
        result = run_llm(base_url, model or MODEL_ALIAS, sessions=sessions, settings=settings)
        report(f"{model} at {base_url}", result, offline, offline_seconds, sessions)
        return verdict([(f"{model}", result)], sessions)
    paths = install(llama_server="llama-server" in kinds)
    if paths is None:
        print("no compiler or cmake: cannot build llama-cpp-python")
        return 1
    results = []
    for kind in kinds:
        with tempfile.TemporaryDirectory() as logs, LlamaServer(
                kind, paths, n_ctx=settings["llm_context_window"], log_dir=Path(logs)) as server:
            result = run_llm(server.url, server.model, sessions=sessions, settings=settings)
            report(f"SmolLM2-135M-Instruct Q4_1 via {kind}", result, offline, offline_seconds, sessions)
            results.append((kind, result))
    return verdict(results, sessions)
