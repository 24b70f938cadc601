"""Prompts: one module per task, versioned, context -> chat messages, with a response model and its schema."""

from __future__ import annotations

from datetime import UTC, datetime
from types import ModuleType
from typing import Any

import pytest
from pydantic import ValidationError

from recallr.prompts import clarification, consolidation, extraction, query_plan, resolution, summary

WHEN = datetime(2023, 5, 8, 13, 56, tzinfo=UTC)

CONTEXTS: list[tuple[ModuleType, Any]] = [
    (extraction, extraction.ExtractionContext(WHEN, [extraction.Line(0, "user", "Caroline: I went out.")],
                                              [("events", "Things that happened.")])),
    (consolidation, consolidation.ConsolidationContext(
        [consolidation.NewMemory(1, "User moved to Berlin.", WHEN, ("E1",))],
        [consolidation.Existing("E1", "User lives in Paris.", WHEN)])),
    (clarification, clarification.ClarificationContext("User lives in Berlin.", ["User lives in Paris."], "Two homes")),
    (resolution, resolution.ResolutionContext("User lives in Berlin.", ["User lives in Paris."],
                                              [resolution.Answer("Where?", "Berlin")])),
    (summary, summary.SummaryContext(WHEN, ["Caroline went out."])),
    (query_plan, query_plan.QueryPlanContext(WHEN, "What did I do last week?", [], choose_strategy=False)),
]


@pytest.mark.parametrize(("module", "ctx"), [pytest.param(m, c, id=m.TASK) for m, c in CONTEXTS])
def test_every_prompt_is_versioned_and_names_its_task(module: ModuleType, ctx: Any) -> None:
    prompt = module.prompt(ctx)
    assert prompt.task == module.TASK and prompt.version == module.VERSION and module.VERSION.isdigit()
    assert [m["role"] for m in prompt.messages] == ["system", "user"]
    assert prompt.messages[0]["content"].startswith(f"Recallr task: {module.TASK} (v{module.VERSION})")
    assert "JSON" in prompt.messages[0]["content"]  # JSON mode needs the word in the prompt
    assert prompt.response_model.model_json_schema()["type"] == "object"


def test_extraction_gives_the_session_date_weekday_categories_and_project_rules() -> None:
    ctx = extraction.ExtractionContext(
        session_date=WHEN,
        messages=[extraction.Line(4, "user", "Caroline: I went to a support group yesterday."),
                  extraction.Line(5, "assistant", "That's great!", datetime(2023, 5, 9, tzinfo=UTC))],
        categories=[("events", "Things that happened."), ("health", "Health.")],
        earlier=[extraction.Line(3, "assistant", "How was your week?")],
        instructions="Remember the user's projects.", never_remember=["salary"], always_remember=["deadline"],
        examples=[extraction.Example("My boss is Tom.", ("User's boss is Tom.",)), extraction.Example("lol ok")])
    system, user = (m["content"] for m in extraction.messages(ctx))
    assert "Session date: Monday, 8 May 2023 (2023-05-08), 13:56 UTC." in user
    assert "[4] user: Caroline: I went to a support group yesterday." in user
    assert "[5] (Tuesday, 9 May 2023) assistant: That's great!" in user
    assert "for context only" in user and "[3] assistant: How was your week?" in user
    assert user.index("How was your week?") < user.index("Messages:")
    assert "- events: Things that happened.\n- health: Health." in system
    assert "Remember the user's projects." in system
    assert "Never remember anything about: salary" in system and "Always remember anything about: deadline" in system
    assert "Message: My boss is Tom.\nMemories: User's boss is Tom." in system
    assert "Message: lol ok\nMemories: (nothing to remember)" in system
    assert '"summary"' in system


def test_extraction_without_summary_does_not_ask_for_one() -> None:
    ctx = extraction.ExtractionContext(WHEN, [extraction.Line(0, "user", "hi")], [], with_summary=False)
    assert '"summary"' not in extraction.messages(ctx)[0]["content"]


def test_query_plan_asks_for_a_strategy_only_for_auto() -> None:
    plain = query_plan.messages(query_plan.QueryPlanContext(WHEN, "What did I do?", ["user: hi"], False))
    auto = query_plan.messages(query_plan.QueryPlanContext(WHEN, "What did I do?", ["user: hi"], True))
    assert "strategy" not in plain[0]["content"] and '"strategy"' in auto[0]["content"]
    assert "Current date: Monday, 8 May 2023 (2023-05-08)." in plain[1]["content"]
    assert "Earlier turns:\nuser: hi" in plain[1]["content"]


def test_consolidation_lists_each_existing_memory_once() -> None:
    ctx = consolidation.ConsolidationContext(
        [consolidation.NewMemory(1, "User moved to Berlin.", WHEN, ("E1",)),
         consolidation.NewMemory(2, "User works in Berlin.", WHEN, ("E1", "E2"))],
        [consolidation.Existing("E1", "User lives in Paris.", WHEN),
         consolidation.Existing("E2", "User works at a bakery.", WHEN)])
    user = consolidation.messages(ctx)[1]["content"]
    assert user.count("User lives in Paris.") == 1
    assert "N2: User works in Berlin. (said on Monday, 8 May 2023; may concern E1, E2)" in user


@pytest.mark.parametrize("options", [
    pytest.param([{"text": "Berlin", "outcome": "new"}, {"text": "Berlin too", "outcome": "both"}], id="no-existing"),
    pytest.param([{"text": "Berlin", "outcome": "new"}], id="one-option"),
    pytest.param([{"text": "Berlin", "outcome": "new"}, {"text": "Berlin", "outcome": "existing"}], id="same-text"),
])
def test_clarifying_questions_must_be_decidable(options: list[dict[str, str]]) -> None:
    with pytest.raises(ValidationError):
        clarification.ClarificationResponse.model_validate({"questions": [{"question": "Where?", "options": options}]})


def test_clarification_outcome_aliases() -> None:
    answer = clarification.ClarificationResponse.model_validate({"questions": [{"question": "Where?", "options": [
        {"text": "Berlin", "outcome": "Proposed"}, {"text": "Paris", "outcome": "old"}]}]})
    assert [o.outcome for o in answer.questions[0].options] == ["new", "existing"]
