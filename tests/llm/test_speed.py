"""A slow endpoint: its speed is learned from its answers, requests are sized to the time left (or not sent when
they cannot fit), and extraction switches to the compact prompt. Through the public SDK, against the fake
server with real latency."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from recallr.llm.speed import EndpointSpeeds
from recallr.models import SessionStatus

from .conftest import conversation, llm_client, process
from .fake_openai import FakeLLM, Recorded, Reply

FACTS = ("I'm allergic to peanuts.", "Noted.", "My sister is visiting in June.", "Lovely!")
KEY = ("local", "tiny")


def test_speed_is_learned_from_answers_and_bounded_by_timeouts() -> None:
    speeds = EndpointSpeeds()
    assert speeds.seconds(KEY, prompt_tokens=100, completion_tokens=10) is None
    assert speeds.affordable_output(KEY, prompt_tokens=100, seconds=5) is None  # unknown: no limit
    speeds.observe(KEY, prompt_tokens=1000, completion_tokens=100, seconds=13.0)  # 1300 weighted tokens: 100/s
    assert speeds.seconds(KEY, prompt_tokens=500, completion_tokens=0) == pytest.approx(5.0)
    assert speeds.affordable_output(KEY, prompt_tokens=500, seconds=8.0) == 100  # (800 - 500) / 3
    # 600 prompt tokens allowed 100 answer tokens got no answer in 90 s: at most (600 + 300) / 90 = 10 a second
    speeds.timed_out(KEY, prompt_tokens=600, max_tokens=100, seconds=90.0)
    assert speeds.seconds(KEY, prompt_tokens=600, completion_tokens=0) == pytest.approx(60.0)
    speeds.observe(KEY, prompt_tokens=0, completion_tokens=0, seconds=1.0)  # nothing to learn from
    speeds.observe(KEY, prompt_tokens=100, completion_tokens=0, seconds=0.001)  # too fast to say anything
    assert speeds.rate(KEY) == pytest.approx(10.0)


def _extraction_answer(request: Recorded) -> Reply:
    if request.task == "extraction":
        who = "brother" if "brother" in request.user_text else "sister"
        return Reply(json={"memories": [{"content": "User is allergic to peanuts.", "sources": [0]},
                                        {"content": f"User's {who} is visiting in June 2027.", "sources": [2]}],
                           "summary": "Peanuts and a visit."}, usage=(1000, 100), delay=1.3)
    return Reply(json={"decisions": []}, usage=(200, 10))


def test_a_slow_endpoint_gets_the_compact_prompt_after_its_first_answer(tmp_path: Path, database_url: str | None,
                                                                         fake_llm: FakeLLM) -> None:
    fake_llm.responder = _extraction_answer
    with llm_client(tmp_path / "d", database_url, fake_llm, llm_timeout_seconds=6) as client:
        user = client.create_user("u")
        first = process(conversation(user, *FACTS))
        second = process(conversation(user, FACTS[0], FACTS[1], "My brother is visiting in June.", FACTS[3]))
        assert first.status == second.status == SessionStatus.PROCESSED
        visit = [m for m in user.list_memories().items if "brother" in m.content]
    asked = fake_llm.chats("extraction")
    assert len(asked) == 2
    # first: the full prompt (speed unknown); it took 1.3 s for 1,300 weighted tokens, so a full request
    # (2,500 + 3 x 500) would take ~4 s: more than a third of the 6 s timeout -> compact from then on
    assert "compact" not in asked[0].system_text and "Categories:\n- " in asked[0].system_text
    assert asked[1].system_text.splitlines()[0].endswith("compact")
    names = next(line for line in asked[1].system_text.splitlines() if line.startswith("- categories:"))
    assert "allergies" in names and "Categories:" not in asked[1].system_text  # names only, no descriptions
    assert len(asked[1].system_text) < len(asked[0].system_text) / 2
    schema = asked[1].body["response_format"]["json_schema"]["schema"]
    item = schema["$defs"]["CompactMemory"]
    assert set(item["properties"]) == {"content", "categories", "sources"}
    assert schema["properties"]["memories"]["maxItems"] > 0
    # the compact answer has no dates: they are read from the statement
    assert visit and visit[0].event_date_start.year == 2027 and visit[0].event_date_start.month == 6


def test_the_compact_style_can_be_chosen(tmp_path: Path, database_url: str | None, fake_llm: FakeLLM) -> None:
    fake_llm.responder = _extraction_answer
    with llm_client(tmp_path / "d", database_url, fake_llm, llm_prompt_style="compact") as client:
        process(conversation(client.create_user("u"), *FACTS))
    assert fake_llm.chats("extraction")[0].system_text.splitlines()[0].endswith("compact")


def _usage(client: Any, session_id: str) -> dict[str, Any]:
    engine = client._embedded.engine
    return dict(engine.llm.usage(str(engine.projects.all()[0].id), session_id))


def test_requests_are_sized_to_the_time_left_and_not_sent_when_they_cannot_fit(
        tmp_path: Path, database_url: str | None, fake_llm: FakeLLM) -> None:
    def slow(request: Recorded) -> Reply:
        if request.task == "extraction":  # ~1,300 weighted tokens in 2 s: 650 a second
            return Reply(json={"memories": [{"content": "User is allergic to peanuts.", "sources": [0]}],
                               "summary": "Peanuts."}, usage=(1000, 100), delay=2.0)
        return Reply(json={"decisions": [], "summary": "Peanuts."}, usage=(100, 10), delay=2.0)

    fake_llm.responder = slow
    with llm_client(tmp_path / "d", database_url, fake_llm, llm_session_budget_seconds=3.0,
                    llm_prompt_style="full") as client:
        user = client.create_user("u")
        first = process(conversation(user, *FACTS))
        asked_first = len(fake_llm.chats())
        second = process(conversation(user, *FACTS))
        assert first.status == second.status == SessionStatus.PROCESSED
        assert user.list_memories().items  # the model's or the offline extractor's: never none
        # second session: 3 s budget, and the endpoint needs ~2 s just to read a full request: the extraction
        # request cannot get even half its answer budget in time, so it is not sent; the step runs offline
        assert len(fake_llm.chats()) == asked_first
        used = _usage(client, second.session_id)["by_task"]["extraction"]
        assert used["over_budget"] >= 1 and used["calls"] == 0 and used["fallbacks"] >= 1
