"""LLM mode end to end against a real local model (SmolLM2-135M-Instruct) through both llama.cpp servers: a
chat is processed within its time budget and ends with memories (the model's or the offline fallback's, never
none), Recallr's token counts are the server's, no request is repeated unchanged after a length stop, and
agentic and auto recall answer through the model."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from recallr import RecallrAI
from recallr.models import SessionStatus
from tests.conftest import shared_embedder

from .chat import CHAT, CHAT_DATE, QUESTION
from .conftest import real_settings
from .servers import Exchange, LlamaServer, RecordingProxy

SESSION_BUDGET_SECONDS = 60  # issue 14 "done means": the 8-message chat in <= 60 s on this machine
HARD_CAP_SECONDS = 240  # past this the proxy stops answering, so a slow run still ends (and fails the budget)
RECALL_BUDGET_SECONDS = 45


@dataclass
class Processed:
    client: RecallrAI
    user: Any
    session: Any
    seconds: float
    exchanges: list[Exchange]
    offline_memories: int
    proxy: RecordingProxy


def _offline_memories(data_dir: Path) -> int:
    with RecallrAI.embedded(data_dir, worker_poll_seconds=0.05, min_auto_process_seconds=0) as offline:
        offline._embedded.engine._embedder = shared_embedder()
        user = offline.create_user("priya")
        session = user.create_session(auto_process_after_seconds=None, custom_created_at_utc=CHAT_DATE)
        for role, text in CHAT:
            session.add_message(role, text)
        session.process(wait=True, timeout=60, poll_interval=0.05)
        return len(user.list_memories(limit=100).items)


@pytest.fixture(scope="module")
def processed(llama: LlamaServer, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The chat, processed once per server in LLM mode; what the proxy saw while it was processed."""
    offline = _offline_memories(tmp_path_factory.mktemp("offline"))
    with RecordingProxy(llama.url) as proxy:
        client = RecallrAI.embedded(tmp_path_factory.mktemp("real") / "data", **real_settings(proxy, llama))
        client._embedded.engine._embedder = shared_embedder()
        try:
            user = client.create_user("priya")
            session = user.create_session(auto_process_after_seconds=None, custom_created_at_utc=CHAT_DATE)
            for role, text in CHAT:
                session.add_message(role, text)
            started = time.monotonic()
            try:
                session.process(wait=True, timeout=HARD_CAP_SECONDS, poll_interval=0.1)
            except TimeoutError:
                proxy.refuse()  # the rest runs offline at once
                session.process(wait=True, timeout=180, poll_interval=0.1)
            seconds = time.monotonic() - started
            exchanges = proxy.chats()
            print(f"\n[{llama.kind}] chat of {len(CHAT)} messages: {seconds:.1f} s, {len(exchanges)} requests, "
                  f"{len(user.list_memories(limit=100).items)} memories (offline: {offline})")
            proxy.state.refusing = False
            yield Processed(client, user, session, seconds, exchanges, offline, proxy)
        finally:
            proxy.refuse()
            client.close()


def _usage(client: RecallrAI, session_id: str | None = None) -> dict[str, Any]:
    engine = client._embedded.engine
    result: dict[str, Any] = engine.llm.usage(str(engine.projects.all()[0].id), session_id)
    return result


def test_chat_ends_processed_with_memories_within_the_budget(processed: Processed) -> None:
    processed.session.refresh()
    assert processed.session.status == SessionStatus.PROCESSED, processed.session.error
    memories = processed.user.list_memories(limit=100).items
    assert processed.offline_memories > 0  # the chat states facts: offline finds them
    assert memories, "LLM mode formed no memories from a chat the offline extractor finds facts in"
    assert all(m.content.strip() for m in memories)
    assert processed.exchanges, "LLM mode never asked the model"
    statuses = sorted({e.status for e in processed.exchanges})
    if 200 not in statuses:  # a machine too busy for the model to answer in the budget: offline, by the budget
        spent = _usage(processed.client, processed.session.session_id)["total"]
        assert spent["over_budget"] >= 1, f"the server answered no request (HTTP {statuses}) and no budget ran out"
    assert processed.seconds <= SESSION_BUDGET_SECONDS, (
        f"processing took {processed.seconds:.0f} s (budget {SESSION_BUDGET_SECONDS} s) in "
        f"{len(processed.exchanges)} requests")


def test_recorded_tokens_are_the_servers(processed: Processed) -> None:
    answered = [e for e in processed.exchanges if e.status == 200 and e.error is None and e.usage is not None]
    usage = _usage(processed.client, processed.session.session_id)["total"]
    recorded = (usage["prompt_tokens"], usage["completion_tokens"])
    reported = (sum(e.usage[0] for e in answered if e.usage), sum(e.usage[1] for e in answered if e.usage))
    if any(e.error is not None for e in processed.exchanges):
        # Recallr ended some answers early (a timeout, a degenerate stream): it counts what it estimates for
        # those on top of what the server reported for the rest.
        assert recorded[0] >= reported[0] and recorded[1] >= reported[1]
    else:
        assert recorded == reported
    assert usage["calls"] >= len(answered)


def test_no_identical_request_after_a_length_stop(processed: Processed) -> None:
    for index, exchange in enumerate(processed.exchanges):
        if exchange.finish_reason == "length":
            repeats = [later for later in processed.exchanges[index + 1:] if later.body == exchange.body]
            assert not repeats, f"a {exchange.task} request cut off at the token limit was sent again unchanged"


@pytest.mark.parametrize("strategy", ["agentic", "auto"])
def test_agentic_and_auto_recall_through_the_model(processed: Processed, strategy: str) -> None:
    session = processed.user.create_session(auto_process_after_seconds=None)
    session.add_message("user", QUESTION)
    processed.proxy.clear()
    started = time.monotonic()
    result = session.get_context(recall_strategy=strategy, include_metadata_ids=True)
    seconds = time.monotonic() - started
    assert seconds <= RECALL_BUDGET_SECONDS, f"{strategy} recall took {seconds:.0f} s"
    assert result.metadata.recall_strategy_used in {"low_latency", "balanced", "agentic", "deep"}
    memories = {m.content for m in processed.user.list_memories(limit=100).items}
    assert any(content in result.context for content in memories), "recall found none of the user's memories"
    asked = [e.task for e in processed.proxy.chats()][:1]
    if not asked:
        # A busy machine: the endpoint's learned speed left no time for a plan, or its one slot is still held by
        # a request of the processing that timed out (the server is still computing it). Counted, never hidden.
        plan = _usage(processed.client, session.session_id)["by_task"].get("query_plan", {})
        assert plan.get("over_budget", 0) + plan.get("backlog", 0) >= 1, plan
    else:
        assert asked == ["query_plan"]  # the model planned the search
