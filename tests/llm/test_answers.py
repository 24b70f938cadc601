"""Answers that parse but cannot be used, cut-off and looping answers, and format negotiation, against the fake
server: each is retried once with the problem shown, or fails at once, and is counted, never a silent success."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from recallr.engine.recall.query import RecallQuery
from recallr.llm.errors import LLMOutputError
from recallr.llm.parsing import degenerate
from recallr.llm.planner import QueryPlanner
from recallr.llm.provider import Endpoint
from recallr.llm.structured import CallOptions, FormatMemory, StructuredCaller
from recallr.llm.usage import UsageMeter
from recallr.prompts import consolidation, extraction, query_plan
from recallr.types import RecallStrategy

from .conftest import MODEL
from .fake_openai import FakeLLM, Reply

NOW = datetime(2025, 11, 3, 9, 0, tzinfo=UTC)
PLAN = {"vector_queries": ["Lena's new job"], "keywords": ["lena"], "date_ranges": [], "reasoning": "Her job."}
FORMAT_500 = ("Value error, response_format: json_schema is not supported by this server; use json_object "
              "or a grammar")


@pytest.fixture
def endpoint(fake_llm: FakeLLM) -> Iterator[Endpoint]:
    ep = Endpoint(fake_llm.url, "sk-test", limiter=threading.BoundedSemaphore(4), sleep=lambda _: None)
    yield ep
    ep.close()


def caller(endpoint: Endpoint, formats: FormatMemory | None = None) -> StructuredCaller:
    return StructuredCaller(endpoint, MODEL, formats=formats or FormatMemory(),
                            options=CallOptions(max_tokens=1000, timeout=5.0, max_retries=3), endpoint_key="fake")


def plan_prompt(question: str = "Where does Lena work now?") -> query_plan.Prompt[query_plan.QueryPlan]:
    return query_plan.prompt(query_plan.QueryPlanContext(NOW, question, [], False))


def counts(meter: UsageMeter, task: str) -> dict[str, int]:
    return meter.by_task()[task]


# -- answers checked against the prompt's rules -------------------------------------------------------------------
@pytest.mark.parametrize(("given", "kept"), [
    pytest.param("I'm vegetarian since 2019.", "User is vegetarian since 2019.", id="i-am"),
    pytest.param("I collect vinyl records", "User collects vinyl records", id="i-verb"),
    pytest.param("My brother is a pilot.", "User's brother is a pilot.", id="my"),
    pytest.param("I think we should meet.", None, id="unrepairable"),
    pytest.param("[3] user: Hello there, I'm Priya", None, id="copied-line"),
    pytest.param("assistant: sure thing", None, id="copied-role"),
    pytest.param("...", None, id="placeholder"),
    pytest.param("string", None, id="placeholder-word"),
    pytest.param("Does the user like jazz?", None, id="question"),
    pytest.param("Priya plays the cello.", "Priya plays the cello.", id="fine"),
    pytest.param('Priya said "I will never give up".', 'Priya said "I will never give up".', id="quoted-speech"),
])
def test_memories_must_be_third_person_statements(given: str, kept: str | None) -> None:
    answer = extraction.ExtractionResponse.model_validate({"memories": [{"content": given}]})
    assert [m.content for m in answer.memories] == ([kept] if kept else [])
    assert answer.dropped == (0 if kept else 1)


def test_first_person_is_repaired_with_the_items_subject() -> None:
    answer = extraction.ExtractionResponse.model_validate(
        {"memories": [{"content": "I love hiking in the Alps.", "subject": "Jonas"}]})
    assert answer.memories[0].content == "Jonas loves hiking in the Alps."


def test_limits_are_in_the_schemas_sent() -> None:
    schema = extraction.ExtractionResponse.model_json_schema()
    assert schema["properties"]["memories"]["maxItems"] == extraction.MAX_MEMORIES
    assert schema["properties"]["summary"]["maxLength"] == extraction.MAX_SUMMARY
    assert schema["$defs"]["ExtractedMemory"]["properties"]["content"]["maxLength"] == extraction.MAX_CONTENT
    assert "dropped" not in schema["properties"]
    plan = query_plan.QueryPlan.model_json_schema()["properties"]
    assert plan["vector_queries"]["maxItems"] == 5 and plan["vector_queries"]["items"]["maxLength"] == 200
    decisions = consolidation.ConsolidationResponse.model_json_schema()["properties"]["decisions"]
    assert decisions["maxItems"] == consolidation.MAX_DECISIONS


def test_one_bad_decision_drops_that_decision_only() -> None:
    answer = consolidation.ConsolidationResponse.model_validate({"decisions": [
        {"new": 1, "action": "update", "target": "E1"}, {"new": 2, "target": "E2"}, {"action": "add"}, "x"]})
    assert [(d.new, d.action) for d in answer.decisions] == [(1, "update")] and answer.dropped == 3


def plan_with(**fields: object) -> Reply:
    return Reply(json={**PLAN, **fields})


def planner_result(endpoint: Endpoint, question: str) -> tuple[RecallQuery, list[str], dict[str, int]]:
    """The planned query, the reasoning notes and the plan's usage counts."""
    used: list[dict[str, dict[str, int]]] = []
    planner = QueryPlanner(caller(endpoint), lambda _sid, meter: used.append(meter.by_task()))
    query = RecallQuery(question, [], [], [], None, False, False, ["built-in"])
    planned, _strategy, notes = planner.plan(query, [], NOW, requested=RecallStrategy.AGENTIC,
                                             chosen=RecallStrategy.AGENTIC, session_id="s")
    return planned, notes, used[0]["query_plan"]


def test_placeholders_and_example_dates_in_a_plan_are_not_searched(fake_llm: FakeLLM, endpoint: Endpoint) -> None:
    fake_llm.script(plan_with(vector_queries=["...", "Lena job"], keywords=["..."],
                              date_ranges=[{"start": "2023-05-01", "end": "2023-05-07"}], reasoning="..."))
    planned, notes, _ = planner_result(endpoint, "Where does Lena work now?")
    assert planned.sub_questions == ["Lena job"] and planned.date_range is None and notes == []


def test_an_example_date_the_question_names_is_kept(fake_llm: FakeLLM, endpoint: Endpoint) -> None:
    fake_llm.script(plan_with(date_ranges=[{"start": "2023-05-01", "end": "2023-05-07"}]))
    planned, _, _ = planner_result(endpoint, "What did Lena do in early May 2023?")
    assert planned.date_range is not None and planned.date_range.start.date().isoformat() == "2023-05-01"


def test_a_plan_of_placeholders_is_retried_then_the_built_in_planner_is_used(
        fake_llm: FakeLLM, endpoint: Endpoint) -> None:
    placeholder = plan_with(vector_queries=["..."], keywords=["..."], date_ranges=[
        {"start": "2023-05-01", "end": "2023-05-07"}], reasoning="...")
    fake_llm.script(placeholder, placeholder)
    planned, notes, used = planner_result(endpoint, "Where does Lena work now?")
    assert "built-in planner" in notes[0] and planned.sub_questions == ["built-in"]
    assert "no search phrases" in fake_llm.chats()[1].body["messages"][-1]["content"]
    assert (used["calls"], used["unusable"], used["retries"], used["fallbacks"]) == (2, 2, 1, 1)


# -- cut off, looping ---------------------------------------------------------------------------------------------
LOOP = '{"memories": [' + '{"content": "User likes tea."}, ' * 40
WHITESPACE = '{"memories": [{"content": "User likes tea."}' + " \n" * 200 + "]}"


@pytest.mark.parametrize(("text", "why"), [
    pytest.param(LOOP, "repeated", id="repetition-loop"),
    pytest.param(WHITESPACE, "whitespace", id="whitespace-run"),
    pytest.param('{"keywords": ["' + "ha" * 300, "repeated", id="short-unit"),
])
def test_degenerate_text_is_spotted(text: str, why: str) -> None:
    assert why in (degenerate(text) or "")


@pytest.mark.parametrize("text", [
    json.dumps({"memories": [{"content": f"User visited city number {i}."} for i in range(40)]}),
    json.dumps({"memories": [{"content": "User likes tea."}]}, indent=4),
    '{"summary": "Hmm... ok!!!"}',
])
def test_sound_answers_are_not_degenerate(text: str) -> None:
    assert degenerate(text) is None


@pytest.mark.parametrize(("reply", "kind"), [
    pytest.param(Reply(content=WHITESPACE), "degenerate", id="whitespace-in-json"),
    pytest.param(Reply(content=LOOP + "]}"), "degenerate", id="closed-loop"),
    pytest.param(Reply(content='{"vector_queries": ["a"], "reasoning": "r"}', finish_reason="length"), "truncated",
                 id="length-even-if-it-parses"),
])
def test_a_cut_off_or_looping_answer_fails_at_once_and_is_counted(
        fake_llm: FakeLLM, endpoint: Endpoint, reply: Reply, kind: str) -> None:
    fake_llm.script(reply)
    meter = UsageMeter()
    with pytest.raises(LLMOutputError) as caught:
        caller(endpoint).ask(plan_prompt(), meter)
    assert len(fake_llm.requests) == 1  # never the same request again
    assert caught.value.truncated == (kind == "truncated")
    assert counts(meter, "query_plan")[kind] == 1 and counts(meter, "query_plan")["unusable"] == 1


def test_a_format_not_obeyed_twice_is_stepped_down_once(fake_llm: FakeLLM, endpoint: Endpoint) -> None:
    formats = FormatMemory()
    fake_llm.script(Reply(content=WHITESPACE), Reply(content="{}", finish_reason="length"))
    fake_llm.responder = lambda _: Reply(json=PLAN)
    meter = UsageMeter()
    for _ in range(2):
        with pytest.raises(LLMOutputError):
            caller(endpoint, formats).ask(plan_prompt(), meter)
    for _ in range(2):
        caller(endpoint, formats).ask(plan_prompt(), meter)
    sent = [(r.body.get("response_format") or {}).get("type") for r in fake_llm.requests]
    assert sent == ["json_schema", "json_schema", "json_object", "json_object"]
    assert counts(meter, "query_plan")["step_downs"] == 1


# -- format negotiation -------------------------------------------------------------------------------------------
def test_a_500_that_names_the_format_steps_down_at_once_and_is_learnt(fake_llm: FakeLLM, endpoint: Endpoint) -> None:
    def server(request: object) -> Reply:
        fmt = (getattr(request, "body", {}).get("response_format") or {}).get("type")
        return Reply(status=500, error=FORMAT_500) if fmt == "json_schema" else Reply(json=PLAN)

    fake_llm.responder = server  # type: ignore[assignment]
    formats = FormatMemory()
    meter = UsageMeter()
    for _ in range(3):
        assert caller(endpoint, formats).ask(plan_prompt(), meter).keywords == ["lena"]
    sent = [(r.body.get("response_format") or {}).get("type") for r in fake_llm.requests]
    assert sent == ["json_schema", "json_object", "json_object", "json_object"]  # no retries, probed once
    used = counts(meter, "query_plan")
    assert (used["step_downs"], used["failed_requests"], used["retries"], used["calls"]) == (1, 1, 0, 3)


def test_a_plain_500_is_still_retried_and_counted(fake_llm: FakeLLM, endpoint: Endpoint) -> None:
    fake_llm.script(Reply(status=500, error="CUDA out of memory"), Reply(json=PLAN))
    meter = UsageMeter()
    caller(endpoint).ask(plan_prompt(), meter)
    used = counts(meter, "query_plan")
    assert (used["failed_requests"], used["retries"], used["calls"], used["step_downs"]) == (1, 1, 1, 0)
    assert [(r.body.get("response_format") or {}).get("type") for r in fake_llm.requests] == ["json_schema"] * 2
