"""Tolerant JSON parsing and lenient response models: what local models send back instead of clean JSON."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from recallr.llm.parsing import JSONParseError, parse_json
from recallr.llm.structured import read
from recallr.prompts.consolidation import ConsolidationResponse
from recallr.prompts.extraction import ExtractionResponse
from recallr.prompts.query_plan import QueryPlan


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param('{"a": 1}', {"a": 1}, id="clean"),
    pytest.param('```json\n{"a": [1, 2]}\n```', {"a": [1, 2]}, id="code-fence"),
    pytest.param('```\n{"a": 1}\n```\nHope that helps!', {"a": 1}, id="fence-without-language"),
    pytest.param('Sure! Here it is: {"a": 1} Let me know.', {"a": 1}, id="text-around"),
    pytest.param('{"a": 1}\n{"b": 2}', {"a": 1}, id="two-objects-first-wins"),
    pytest.param("{'a': 'User likes tea.', 'b': True, 'c': None}", {"a": "User likes tea.", "b": True, "c": None},
                 id="single-quotes-python-literals"),
    pytest.param("{'a': true, 'b': null}", {"a": True, "b": None}, id="single-quotes-json-literals"),
    pytest.param('{"a": [1, 2,], "b": 3,}', {"a": [1, 2], "b": 3}, id="trailing-commas"),
    pytest.param("{'content': \"User's dog is called Rex.\"}", {"content": "User's dog is called Rex."},
                 id="apostrophe-inside"),
    pytest.param('<think>The user wants {json}</think>{"a": 1}', {"a": 1}, id="think-block"),
    pytest.param('[{"content": "x"}]', [{"content": "x"}], id="bare-list"),
    pytest.param('{"text": "a } inside"}', {"text": "a } inside"}, id="brace-in-string"),
])
def test_parse_json_repairs(text: str, expected: Any) -> None:
    assert parse_json(text) == expected


@pytest.mark.parametrize(("text", "truncated"), [
    pytest.param('{"memories": [{"content": "User likes', True, id="cut-off"),
    pytest.param("I could not find anything to remember.", False, id="no-json"),
    pytest.param("<think>still thinking about {", True, id="unclosed-think"),
    pytest.param('{"memories": [{"text": "x"}], "summary": 3', True, id="inner-pieces-are-not-salvaged"),
])
def test_parse_json_failures(text: str, truncated: bool) -> None:
    with pytest.raises(JSONParseError) as caught:
        parse_json(text)
    assert caught.value.truncated is truncated


def test_extraction_response_keeps_usable_items() -> None:
    answer = read('{"memories": ["User likes tea.", {"content": "User moved to Berlin", "sources": ["3", "[4]"], '
                  '"event_start": "on 2023-05-07", "categories": "location, events", "changed": "yes"}, '
                  '{"no": "content"}, {"content": "x"}, 7], "summary": ""}', ExtractionResponse)
    assert [m.content for m in answer.memories] == ["User likes tea.", "User moved to Berlin"]
    moved = answer.memories[1]
    assert moved.sources == [3, 4]
    assert moved.event_start == date(2023, 5, 7)
    assert moved.categories == ["location", "events"]
    assert moved.changed is True
    assert answer.summary is None


def test_bare_list_fills_the_only_list_field() -> None:
    answer = read('[{"content": "User likes tea."}]', ExtractionResponse)
    assert answer.memories[0].content == "User likes tea."


def test_consolidation_verdicts_are_lenient() -> None:
    answer = read('{"decisions": [{"new": "N2", "action": "Replace", "target": "e1"}, {"new": 1, "action": "skip"},'
                  ' "junk"]}', ConsolidationResponse)
    assert [(v.new, v.action, v.target) for v in answer.decisions] == [(2, "update", "E1"), (1, "ignore", None)]


def test_a_missing_list_is_a_validation_error() -> None:
    with pytest.raises(ValueError, match="memories"):
        read('{"items": []}', ExtractionResponse)


def test_query_plan_ignores_unusable_dates_and_strategies() -> None:
    plan = read('{"vector_queries": "Caroline moved, why", "date_ranges": [{"start": "last week"}, '
                '{"start": "2023-05-01"}], "strategy": "Deep"}', QueryPlan)
    assert plan.vector_queries == ["Caroline moved", "why"]
    assert [(r.start, r.end) for r in plan.date_ranges] == [(date(2023, 5, 1), date(2023, 5, 1))]
    assert plan.strategy == "deep"
