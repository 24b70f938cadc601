"""Sessions end processed with memories whatever the model does: garbage that parses, cut-off answers, a slow
single-slot server, a spent time budget. Through the public SDK (embedded, both backends), counted in usage."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from recallr import RecallrAI
from recallr.models import SessionStatus
from tests.conftest import wait_for

from .conftest import conversation, llm_client, process
from .fake_openai import FakeLLM, Recorded, Reply

FACTS = ("I'm allergic to peanuts.", "Noted, no peanuts.", "I have two cats named Miso and Tofu.", "Cute!")
OFFLINE = {"User is allergic to peanuts.", "User has two cats named Miso and Tofu."}


def usage_of(client: RecallrAI, session_id: str) -> dict[str, Any]:
    engine = client._embedded.engine
    project = str(engine.projects.all()[0].id)
    return dict(engine.llm.usage(project, session_id))


def contents(user: Any) -> set[str]:
    return {m.content for m in user.list_memories().items}


@pytest.mark.parametrize("answer", [
    pytest.param(Reply(content="[1] user: Hi, I'm Alex and I'm allergic to peanuts."), id="transcript-line"),
    pytest.param(Reply(json={"memories": [1], "summary": "A chat."}), id="numbers-for-memories"),
    pytest.param(Reply(json={"memories": [{"content": "I think we should go"}, "..."], "summary": "A chat."}),
                 id="first-person-and-placeholder"),
    pytest.param(Reply(json={"memories": [], "summary": "A chat."}), id="nothing-from-facts"),
])
def test_garbage_that_parses_is_never_zero_memories_silently(client: RecallrAI, fake_llm: FakeLLM,
                                                             answer: Reply) -> None:
    fake_llm.responder = lambda _: answer
    user = client.create_user("u")
    session = process(conversation(user, *FACTS))
    assert session.status == SessionStatus.PROCESSED
    assert contents(user) == OFFLINE  # the offline extractor's, after one corrective retry
    extraction = fake_llm.chats("extraction")
    assert len(extraction) == 2 and "could not be used" in extraction[1].body["messages"][-1]["content"]
    used = usage_of(client, session.session_id)["by_task"]["extraction"]
    assert (used["calls"], used["unusable"], used["retries"], used["fallbacks"]) == (2, 2, 1, 1)


def test_the_corrective_retry_can_bring_the_models_memories(client: RecallrAI, fake_llm: FakeLLM) -> None:
    fake_llm.script(Reply(json={"memories": [], "summary": "Pets."}),
                    Reply(json={"memories": [{"content": "I'm allergic to peanuts.", "sources": [0]}],
                                "summary": "Peanuts and cats."}))
    fake_llm.responder = lambda _: Reply(json={"decisions": []})
    user = client.create_user("u")
    process(conversation(user, *FACTS))
    # the model's memory, repaired from the first person; what it left out of what the offline extractor finds
    # (the cats) is kept too: a weak answer never leaves fewer facts than offline
    assert contents(user) == {"User is allergic to peanuts.", "User has two cats named Miso and Tofu."}
    assert "messages state facts" in fake_llm.chats("extraction")[1].body["messages"][-1]["content"]


def test_a_model_that_finds_more_than_offline_is_not_padded(client: RecallrAI, fake_llm: FakeLLM) -> None:
    fake_llm.script(Reply(json={"memories": [
        {"content": "User is allergic to peanuts.", "sources": [0]},
        {"content": "User has two cats, Miso and Tofu.", "sources": [2]},
        {"content": "User likes cute pets.", "sources": [2]}], "summary": "Peanuts and cats."}))
    fake_llm.responder = lambda _: Reply(json={"decisions": []})
    user = client.create_user("u")
    process(conversation(user, *FACTS))
    assert contents(user) == {"User is allergic to peanuts.", "User has two cats, Miso and Tofu.",
                              "User likes cute pets."}


def test_nothing_to_remember_is_accepted_in_one_call(client: RecallrAI, fake_llm: FakeLLM) -> None:
    fake_llm.responder = lambda _: Reply(json={"memories": [], "summary": "Greetings."})
    user = client.create_user("u")
    session = process(conversation(user, "Hi!", "Hello, how can I help?"))
    assert contents(user) == set() and len(fake_llm.chats("extraction")) == 1
    assert usage_of(client, session.session_id)["by_task"]["extraction"]["unusable"] == 0


def test_no_request_is_sent_twice_after_a_length_stop(client: RecallrAI, fake_llm: FakeLLM) -> None:
    fake_llm.responder = lambda _: Reply(content='{"memories": [{"content": "User', finish_reason="length")
    user = client.create_user("u")
    session = process(conversation(user, *FACTS))
    assert session.status == SessionStatus.PROCESSED and contents(user) == OFFLINE
    bodies = [json.dumps(r.body, sort_keys=True) for r in fake_llm.chats()]
    assert len(bodies) == len(set(bodies))  # the batch was split, each piece asked once, then offline
    sizes = [len(r.lines()) for r in fake_llm.chats("extraction")]
    assert sorted(sizes) == [1, 1, 1, 1, 2, 2, 4]  # halves, then quarters: a single message falls back
    used = usage_of(client, session.session_id)["by_task"]["extraction"]
    assert used["truncated"] == used["unusable"] == len(sizes) and used["retries"] == 0


def test_max_tokens_is_sized_to_the_batch(client: RecallrAI, fake_llm: FakeLLM) -> None:
    fake_llm.responder = lambda _: Reply(json={"memories": [], "summary": "Greetings."})
    process(conversation(client.create_user("u"), "Hi!", "Hello!", "How are you?"))
    (request,) = fake_llm.chats("extraction")
    assert request.body["max_tokens"] == 48 * 3 + 256  # not llm_max_output_tokens (2048)


def test_a_spent_session_budget_runs_the_rest_offline(tmp_path: Path, database_url: str | None,
                                                      fake_llm: FakeLLM) -> None:
    fake_llm.latency = 3.0  # far slower than the budget
    with llm_client(tmp_path / "d", database_url, fake_llm, llm_session_budget_seconds=1.0, llm_fallback="fail",
                    llm_endpoint_concurrency=4) as client:
        user = client.create_user("u")
        started = time.monotonic()
        session = process(conversation(user, *FACTS))
        assert time.monotonic() - started < 10
        assert session.status == SessionStatus.PROCESSED and session.error is None  # even with llm_fallback=fail
        assert contents(user) == OFFLINE
        used = usage_of(client, session.session_id)
        assert used["by_task"]["extraction"]["over_budget"] == 1
        assert used["by_task"]["extraction"]["timeouts"] == 1 and used["total"]["failures"] == 0
        assert used["by_task"]["summary"]["over_budget"] == 1  # later steps did not even ask
        assert len(fake_llm.chats()) == 1


def test_a_timed_out_request_is_not_resent_to_a_busy_single_slot_server(
        tmp_path: Path, database_url: str | None, fake_llm: FakeLLM) -> None:
    fake_llm.latency = 0.9  # each answer takes longer than the timeout; the server keeps computing it
    with llm_client(tmp_path / "d", database_url, fake_llm, llm_timeout_seconds=0.5, llm_queue_wait_seconds=0.2,
                    worker_concurrency=4) as client:
        users = [client.create_user(f"u{i}") for i in range(4)]
        sessions = [conversation(user, *FACTS) for user in users]
        started = time.monotonic()
        for session in sessions:
            session.process()
        wait_for(lambda: all(s.refresh() or s.status == SessionStatus.PROCESSED for s in sessions), timeout=30)
        assert time.monotonic() - started < 15
        assert all(contents(user) == OFFLINE for user in users)
        prompts = [json.dumps(r.body["messages"]) for r in fake_llm.chats()]
        assert len(prompts) == len(set(prompts))  # no request re-sent after its timeout
        assert fake_llm.max_in_flight == 1  # the single slot: never a second request behind the first
        totals = [usage_of(client, s.session_id)["total"] for s in sessions]
        assert sum(t["timeouts"] for t in totals) == len(prompts)
        assert sum(t["backlog"] for t in totals) >= len(sessions) - len(prompts)
        assert all(t["failures"] == 0 for t in totals)


def test_robustness_counters_are_stored(client: RecallrAI, fake_llm: FakeLLM) -> None:
    def server(request: Recorded) -> Reply:
        if (request.body.get("response_format") or {}).get("type") == "json_schema":
            return Reply(status=500, error="response_format json_schema is not supported")
        return Reply(json={"memories": [1]})

    fake_llm.responder = server
    user = client.create_user("u")
    session = process(conversation(user, "I'm allergic to peanuts."))
    used = usage_of(client, session.session_id)["by_task"]["extraction"]
    assert {k: used[k] for k in ("step_downs", "failed_requests", "unusable", "calls", "fallbacks")} == {
        "step_downs": 1, "failed_requests": 1, "unusable": 2, "calls": 2, "fallbacks": 1}
    assert contents(user) == {"User is allergic to peanuts."}


def test_a_model_looping_to_the_token_limit_is_not_split_again_and_again(client: RecallrAI,
                                                                         fake_llm: FakeLLM) -> None:
    """What llama-server does with a weak model and a JSON schema: loops inside the grammar until max_tokens."""
    loop = '{"memories": [{"content": "User' + ' likes it, and' * 200
    fake_llm.responder = lambda _: Reply(content=loop, finish_reason="length")
    user = client.create_user("u")
    session = process(conversation(user, *FACTS, *FACTS))
    assert session.status == SessionStatus.PROCESSED and contents(user) == OFFLINE
    assert [r.task for r in fake_llm.chats()] == ["extraction", "summary"]  # no split: a loop loops on any batch
    used = usage_of(client, session.session_id)["total"]
    assert (used["calls"], used["unusable"], used["truncated"], used["degenerate"]) == (2, 2, 2, 2)
    assert used["step_downs"] == 1  # two disobeyed answers under json_schema: json_object from now on
    process(conversation(user, "I'm a nurse."))
    assert fake_llm.chats()[-1].body["response_format"] == {"type": "json_object"}


def test_a_sessions_own_batches_take_turns_on_a_single_slot(tmp_path: Path, database_url: str | None,
                                                            fake_llm: FakeLLM) -> None:
    fake_llm.latency = 0.3
    fake_llm.responder = lambda _: Reply(json={"memories": [{"content": "User said a number."}], "summary": "Numbers."})
    with llm_client(tmp_path / "d", database_url, fake_llm, llm_context_window=1536, llm_max_output_tokens=512,
                    llm_queue_wait_seconds=0.2) as client:
        session = process(conversation(client.create_user("u"), *[f"Message number {i} about my day." for i in
                                                                     range(45)]))
        assert len(fake_llm.chats("extraction")) == 3 and fake_llm.max_in_flight == 1
        used = usage_of(client, session.session_id)["total"]
        assert used["backlog"] == 0 and used["fallbacks"] == 0  # one after another, not a backlog
