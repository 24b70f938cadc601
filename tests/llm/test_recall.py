"""Query planning through the public SDK: agentic, deep and auto recall search what the model planned, and its
reasoning is returned as ``agent_reasoning``; a failed plan never fails a recall."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from recallr import RecallrAI

from .conftest import conversation, process
from .fake_openai import FakeLLM, Reply
from .scripted import ScriptedModel

MAY_15 = datetime(2023, 5, 15, 9, tzinfo=UTC)  # a Monday


@pytest.fixture
def asked(client: RecallrAI, model: ScriptedModel) -> Any:
    """A user with memories, and a new session whose last message is a question."""
    model.remember("support group", "On 7 May 2023, Caroline went to an LGBTQ support group.", categories=["events"],
                   event_start="2023-05-07")
    model.remember("painting", "Caroline paints sunsets.", categories=["hobbies"])
    user = client.create_user("caroline")
    process(conversation(user, "I went to a support group yesterday.", "Great!", "I love painting sunsets.",
                         custom_created_at_utc=datetime(2023, 5, 8, 12, tzinfo=UTC)))
    return conversation(user, "Hi!", "Hello!", "What did I do last week, and what do I like?",
                        custom_created_at_utc=MAY_15)


def test_agentic_recall_runs_the_models_plan(asked: Any, fake_llm: FakeLLM, model: ScriptedModel) -> None:
    model.plan = {"vector_queries": ["Caroline support group", "Caroline hobbies"], "keywords": ["LGBTQ support"],
                  "date_ranges": [{"start": "2023-05-08", "end": "2023-05-14"}],
                  "reasoning": "Two questions: last week's events and what she likes."}
    fake_llm.requests.clear()
    result = asked.get_context(recall_strategy="agentic", include_metadata_ids=True, include_system_prompt=False)
    meta = result.metadata
    assert meta.recall_strategy_used == "agentic"
    assert meta.agent_reasoning.startswith("Two questions: last week's events and what she likes.")
    assert meta.vector_search_queries[1:3] == ["Caroline support group", "Caroline hobbies"]
    assert {"lgbtq", "support"} <= set(meta.keywords)
    (span,) = meta.date_range_filters
    assert (span.start_date, span.end_date.date()) == (datetime(2023, 5, 8, tzinfo=UTC), datetime(2023, 5, 14).date())
    assert "Caroline paints sunsets." in result.context
    (request,) = fake_llm.chats()
    assert request.task == "query_plan"
    assert "Latest message: What did I do last week, and what do I like?" in request.user_text
    assert "Current date: Monday, 15 May 2023 (2023-05-15)." in request.user_text
    assert "user: Hi!" in request.user_text and '"strategy"' not in request.system_text
    assert request.body["max_tokens"] == 400  # a plan is short: never the model's maximum


def test_auto_recall_takes_the_strategy_from_the_plan(asked: Any, fake_llm: FakeLLM, model: ScriptedModel) -> None:
    model.plan = {**model.plan, "strategy": "deep"}
    fake_llm.requests.clear()
    meta = asked.get_context(recall_strategy="auto", include_metadata_ids=True).metadata
    assert meta.recall_strategy_used == "deep"
    assert meta.agent_reasoning.startswith("Planner: searched what the user asked.")
    assert '"strategy"' in fake_llm.chats("query_plan")[0].system_text


def test_small_talk_and_fast_strategies_are_not_planned(client: RecallrAI, fake_llm: FakeLLM,
                                                        model: ScriptedModel) -> None:
    user = client.create_user("u")
    session = conversation(user, "hi")
    fake_llm.requests.clear()
    assert session.get_context(recall_strategy="auto", include_metadata_ids=True).metadata.recall_strategy_used == \
        "low_latency"
    session.get_context(recall_strategy="balanced")
    session.get_context(recall_strategy="low_latency")
    assert fake_llm.requests == []


def test_deep_recall_is_planned_too(asked: Any, fake_llm: FakeLLM) -> None:
    fake_llm.requests.clear()
    meta = asked.get_context(recall_strategy="deep", include_metadata_ids=True).metadata
    assert meta.recall_strategy_used == "deep" and "planned search" in meta.vector_search_queries
    assert len(fake_llm.chats("query_plan")) == 1


@pytest.mark.parametrize("failure", [
    pytest.param(Reply(status=400, error="model not found"), id="rejected"),
    pytest.param(Reply(content="I'd search for the support group."), id="no-json"),
])
def test_a_failed_plan_falls_back_to_the_built_in_planner(asked: Any, fake_llm: FakeLLM, model: ScriptedModel,
                                                          failure: Reply) -> None:
    model.overrides["query_plan"] = lambda _: failure
    result = asked.get_context(recall_strategy="agentic", include_metadata_ids=True)
    meta = result.metadata
    assert meta.agent_reasoning.startswith("The query planner was unavailable (llm_")
    assert "searched with the built-in planner" in meta.agent_reasoning
    assert "Caroline paints sunsets." in result.context
    (span,) = meta.date_range_filters  # the built-in planner's "last week"
    assert span.start_date.date().isoformat() == "2023-05-08"


def test_planning_tokens_count_for_the_session(client: RecallrAI, asked: Any) -> None:
    asked.get_context(recall_strategy="agentic")
    engine = client._embedded.engine
    usage = engine.llm.usage(engine.projects.all()[0].id, asked.session_id)
    assert usage["by_task"]["query_plan"]["calls"] == 1 and usage["total"]["prompt_tokens"] > 0


def test_streaming_recall_reports_the_planning_step(asked: Any) -> None:
    events = list(asked.get_context_stream(recall_strategy="agentic"))
    assert "Planning the search" in [e.status_update_message for e in events if not e.is_final]
    assert events[-1].is_final and events[-1].metadata.recall_strategy_used == "agentic"
