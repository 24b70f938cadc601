"""One wire format for both ends: the server answers with ``recallr.wire``'s models and the SDK parses them."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, NamedTuple

import jsonschema_rs  # comes with schemathesis (dev extra)
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from recallr import models, schemas, wire
from recallr.bootstrap import Engine
from recallr.client import memory_models
from recallr.client import models as client_models
from recallr.server import create_app
from recallr.server.routes import context, memories, project

WHEN = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_the_wire_module_imports_nothing_of_the_engine_store_or_server() -> None:
    code = ("import sys, recallr.wire; "
            "print(sorted(m for m in sys.modules if m.startswith(('recallr.engine', 'recallr.store', "
            "'recallr.server', 'recallr.llm'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_sdk_result_types_are_the_wire_models() -> None:
    for name in wire.__all__:
        assert getattr(memory_models, name) is getattr(wire, name) is getattr(models, name), name
    assert client_models.Message is wire.Message
    assert issubclass(schemas.MessageOut, wire.Message)
    assert schemas.MessageOut.model_fields.keys() == wire.Message.model_fields.keys()


def _declared(router: Any) -> dict[str, Any]:
    return {f"{sorted(r.methods)[0]} {r.path}": r.response_model for r in router.routes
            if isinstance(r, APIRoute) and r.response_model is not None}


def test_the_server_answers_and_reads_with_the_wire_models() -> None:
    """No server twin of a wire model: the routes declare ``recallr.wire``'s classes themselves."""
    declared = {**_declared(memories.router), **_declared(project.router)}
    assert declared["GET /users/{user_id}/memory/{memory_id}"] is wire.UserMemoryItem
    assert declared["GET /users/{user_id}/memories"] is wire.MemoryListOut
    assert declared["GET /users/{user_id}/merge-conflicts/{conflict_id}"] is wire.MergeConflictModel
    assert declared["GET /users/{user_id}/merge-conflicts"] is wire.MergeConflictListOut
    assert declared["POST /categories"] is wire.Category
    assert declared["GET /project"] is wire.ProjectSettings
    assert all(vars(wire).get(model.__name__) is model for model in declared.values())
    documented = next(r for r in context.router.routes if isinstance(r, APIRoute)).responses[200]["model"]
    assert documented is wire.ContextResponse


def test_a_server_answer_round_trips_through_the_sdk_model() -> None:
    answer = wire.MergeConflictModel(
        id="c1", project_user_session_id="s1", proposed_memory_content="Lives in Porto", new_memories=None,
        conflicting_memories=[wire.MergeConflictConflictingMemory(
            memory_id="m1", content="Lives in Lisbon", reason="moved", event_date_start=WHEN, event_date_end=WHEN,
            created_at=WHEN)],
        clarifying_questions=[wire.MergeConflictQuestion(question="Which?", options=["a", "b"])],
        status="PENDING", resolution_data=None, created_at=WHEN, resolved_at=None)
    text = answer.model_dump_json()
    parsed = memory_models.MergeConflictModel.model_validate_json(text)
    assert parsed.model_dump_json() == text
    assert '"proposed_memory_content":"Lives in Porto"' in text and '"resolved_at":null' in text


class Served(NamedTuple):
    http: TestClient
    schema: dict[str, Any]  # the app's OpenAPI schema
    session_id: str


@pytest.fixture
def served(engine: Engine) -> Iterator[Served]:
    """The in-process app (one project, no key) with a processed session."""
    app = create_app(engine, fixed_project_id=engine.projects.ensure_default().id)
    with TestClient(app, base_url="http://test/api/v1") as http:
        http.post("/users", json={"custom_user_id": "u"})
        session = http.post("/users/u/sessions", json={}).json()["session_id"]
        http.post(f"/users/u/sessions/{session}/add-message",
                  json={"message": "I'm allergic to peanuts and I moved to Lyon last week.", "role": "user"})
        http.post(f"/users/u/sessions/{session}/process")
        assert engine.worker().run_once()
        yield Served(http, app.openapi(), session)


def _valid(schema: dict[str, Any], model: str, answer: Any) -> None:
    jsonschema_rs.validate({"$ref": f"#/components/schemas/{model}", "components": schema["components"]}, answer)


@pytest.mark.parametrize("query", [
    pytest.param({}, id="plain"),
    pytest.param({"include_metadata_ids": "true", "recall_strategy": "agentic"}, id="ids-and-reasoning"),
    pytest.param({"include_metadata_ids": "true", "stream": "true"}, id="stream"),
])
def test_real_context_answers_match_the_documented_model_and_parse_in_the_sdk(
        served: Served, query: dict[str, str]) -> None:
    http, schema, session_id = served
    answer = http.get(f"/users/u/sessions/{session_id}/context", params=query)
    assert answer.status_code == 200
    events = ([json.loads(line[len("data: "):]) for line in answer.text.splitlines() if line.startswith("data: ")]
              if "stream" in query else [answer.json()])
    for event in events:
        _valid(schema, "ContextResponse", event)
        parsed = models.ContextResponse.model_validate(event)
        assert parsed.is_final == event["is_final"]
    final = models.ContextResponse.model_validate(events[-1])
    assert final.is_final and final.context and "peanuts" in final.context
    assert final.metadata is not None and final.metadata.recall_strategy_used
    if "include_metadata_ids" in query:
        assert final.metadata.memory_ids and final.metadata.sources


def test_real_memory_answers_match_the_documented_models(served: Served) -> None:
    http, schema, _ = served
    listed = http.get("/users/u/memories").json()
    _valid(schema, "MemoryListOut", listed)
    assert listed["items"]
    one = http.get(f"/users/u/memory/{listed['items'][0]['memory_id']}").json()
    _valid(schema, "UserMemoryItem", one)
    assert memory_models.UserMemoryItem.model_validate(one).content == listed["items"][0]["content"]
    _valid(schema, "CategoryListOut", http.get("/categories").json())
    _valid(schema, "ProjectSettings", http.get("/project").json())
