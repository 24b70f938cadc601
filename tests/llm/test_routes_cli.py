"""Per-project LLM settings, usage and retries over real HTTP (/api/v1/project/llm) and through the CLI."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from recallr.bootstrap import Engine
from recallr.cli import main
from recallr.models import MessageRole, SessionStatus
from tests.conftest import LiveServer, make_settings, shared_embedder, wait_for

from .conftest import MODEL
from .fake_openai import FakeLLM, Reply
from .scripted import ScriptedModel


@pytest.fixture
def server(tmp_path: Path, database_url: str | None, fake_llm: FakeLLM) -> Iterator[tuple[LiveServer, httpx.Client]]:
    settings = make_settings(tmp_path / "data", database_url=database_url, llm_base_url=fake_llm.url,
                             llm_model=MODEL, llm_max_retries=0, llm_fallback="fail", max_attempts=1,
                             llm_project_models=["bigger-model"])
    engine = Engine(settings, embedder=shared_embedder())
    with LiveServer(engine) as live, httpx.Client(base_url=f"{live.base_url}/api/v1", headers={
            "X-Recallr-Api-Key": live.api_key, "X-Recallr-Project-Id": live.project.id}) as http:
        yield live, http
    engine.close()


def test_settings_round_trip(server: tuple[LiveServer, httpx.Client]) -> None:
    _, http = server
    initial = http.get("/project/llm").json()
    assert initial["mode"] == "inherit" and initial["api_key_set"] is False
    # a project sees that LLM mode is on, not the server's model or endpoint
    assert initial["effective"] == {"llm_enabled": True, "endpoint": "server", "model": None, "base_url": None,
                                    "refused": None}
    assert initial["allowed"] == {"project_endpoints": False, "models": ["bigger-model"]}
    changed = http.put("/project/llm", json={
        "model": "bigger-model", "api_key": "sk-project-secret", "never_remember": ["salary"],
        "extraction_instructions": "Keep project names.",
        "examples": [{"message": "lol", "memories": []},
                     {"message": "My boss is Tom.", "memories": ["User's boss is Tom."]}]})
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert body["model"] == "bigger-model" and body["api_key_set"] is True
    assert body["effective"]["model"] == "bigger-model" and body["never_remember"] == ["salary"]
    assert "sk-project-secret" not in changed.text and "sk-project-secret" not in http.get("/project/llm").text
    offline = http.put("/project/llm", json={"mode": "offline"}).json()
    assert offline["effective"]["llm_enabled"] is False and offline["model"] == "bigger-model"  # other fields stay
    reset = http.put("/project/llm", json={"mode": "inherit", "model": None, "api_key": None}).json()
    assert (reset["mode"], reset["model"], reset["api_key_set"]) == ("inherit", None, False)
    assert reset["effective"]["model"] is None and reset["effective"]["llm_enabled"] is True
    assert reset["examples"][1]["memories"] == ["User's boss is Tom."]


@pytest.mark.parametrize(("body", "field"), [
    pytest.param({"mode": "turbo"}, "mode", id="mode"),
    pytest.param({"base_url": "ftp://example.com"}, "base_url", id="url"),
    pytest.param({"never_remember": ["ok", " "]}, "never_remember", id="blank-rule"),
    pytest.param({"examples": [{"message": ""}]}, "examples", id="empty-example"),
    pytest.param({"temperature": 2}, "temperature", id="unknown-field"),
    pytest.param({"extraction_instructions": "x" * 4001}, "extraction_instructions", id="too-long"),
])
def test_invalid_settings_are_422(server: tuple[LiveServer, httpx.Client], body: dict[str, Any], field: str) -> None:
    _, http = server
    response = http.put("/project/llm", json=body)
    assert response.status_code == 422 and field in response.json()["detail"]
    assert response.json()["code"] == "validation_error"


def test_usage_and_retrying_failed_sessions(server: tuple[LiveServer, httpx.Client], fake_llm: FakeLLM) -> None:
    _live, http = server
    fake_llm.responder = lambda _: Reply(status=500)
    assert http.post("/users", json={"custom_user_id": "u", "metadata": {}}).status_code == 201
    sid = http.post("/users/u/sessions", json={"auto_process_after_seconds": None, "metadata": {}}).json()["session_id"]
    http.post(f"/users/u/sessions/{sid}/add-message", json={"message": "I like tea.", "role": "user"})
    http.post(f"/users/u/sessions/{sid}/process")
    wait_for(lambda: http.get(f"/users/u/sessions/{sid}").json()["status"] == SessionStatus.FAILED.value)
    assert "HTTP 500" in http.get(f"/users/u/sessions/{sid}").json()["error"]
    usage = http.get("/project/llm/usage", params={"session_id": sid}).json()
    assert usage["by_task"]["extraction"]["failures"] == 1 and usage["session_id"] == sid
    scripted = ScriptedModel()
    scripted.remember("tea", "User likes tea.")
    fake_llm.responder = scripted
    assert http.post("/project/llm/retry-failed", json={"session_ids": ["nope"]}).json() == {"queued": 0}
    assert http.post("/project/llm/retry-failed", json={}).json() == {"queued": 1}
    wait_for(lambda: http.get(f"/users/u/sessions/{sid}").json()["status"] == SessionStatus.PROCESSED.value)
    totals = http.get("/project/llm/usage").json()
    assert totals["total"]["calls"] == 1 and totals["total"]["failures"] == 1
    assert totals["sessions"][0]["session_id"] == sid and set(totals["by_task"]) == {"extraction"}


def test_routes_need_a_key(server: tuple[LiveServer, httpx.Client]) -> None:
    live, _ = server
    assert httpx.get(f"{live.base_url}/api/v1/project/llm").status_code == 401


def test_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_llm: FakeLLM) -> None:
    monkeypatch.setenv("RECALLR_LLM_MODEL", MODEL)
    monkeypatch.setenv("RECALLR_LLM_BASE_URL", fake_llm.url)
    runner = CliRunner()
    data = str(tmp_path / "data")
    assert runner.invoke(main, ["init", "--data-dir", data]).exit_code == 0
    shown = runner.invoke(main, ["llm", "show", "--data-dir", data])
    assert shown.exit_code == 0 and f"mode: inherit  (LLM on: {MODEL} at {fake_llm.url})" in shown.output
    examples = tmp_path / "examples.json"
    examples.write_text(json.dumps([{"message": "My boss is Tom.", "memories": ["User's boss is Tom."]}]))
    changed = runner.invoke(main, ["llm", "set", "--data-dir", data, "--never-remember", "salary", "--never-remember",
                                   "password", "--examples", str(examples), "--api-key", "sk-x", "--json"])
    assert changed.exit_code == 0, changed.output
    view = json.loads(changed.output)
    assert view["never_remember"] == ["salary", "password"] and view["api_key_set"] is True
    assert "sk-x" not in changed.output
    offline = runner.invoke(main, ["llm", "set", "--data-dir", data, "--mode", "offline", "--reset", "api_key"])
    assert "LLM off" in offline.output and "api_key_set: False" in offline.output
    bad = runner.invoke(main, ["llm", "set", "--data-dir", data, "--base-url", "not a url"])
    assert bad.exit_code != 0 and "base_url" in bad.output
    usage = runner.invoke(main, ["llm", "usage", "--data-dir", data])
    assert usage.exit_code == 0 and "total" in usage.output
    assert json.loads(runner.invoke(main, ["llm", "usage", "--data-dir", data, "--json"]).output)["total"]["calls"] == 0
    retried = runner.invoke(main, ["llm", "retry-failed", "--data-dir", data])
    assert retried.exit_code == 0 and "queued 0 failed session(s)" in retried.output


def test_without_the_openai_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_llm: FakeLLM) -> None:
    """`recallr llm set` says how to install it; a session never fails for it when the fallback is offline."""
    monkeypatch.setitem(sys.modules, "openai", None)  # what `import openai` does when it is not installed
    monkeypatch.setenv("RECALLR_LLM_BASE_URL", fake_llm.url)
    runner = CliRunner()
    data = str(tmp_path / "data")
    assert runner.invoke(main, ["init", "--data-dir", data]).exit_code == 0
    for args in (["--model", "some-model"], ["--mode", "llm", "--model", "m"], ["--api-key", "sk-x"]):
        result = runner.invoke(main, ["llm", "set", "--data-dir", data, *args])
        assert result.exit_code == 1 and "pip install 'openai>=1.30'" in result.output, result.output
        assert isinstance(result.exception, SystemExit)  # a message, not a traceback
    rules = runner.invoke(main, ["llm", "set", "--data-dir", data, "--never-remember", "salary"])
    assert rules.exit_code == 0, rules.output  # rules work offline: no package needed
    settings = make_settings(tmp_path / "embedded", llm_base_url=fake_llm.url, llm_model=MODEL)
    engine = Engine(settings, embedder=shared_embedder())
    try:
        pid = engine.projects.create("p")[0].id
        engine.users.create(pid, "u")
        sid = engine.sessions.create(pid, "u").id
        engine.sessions.add_message(pid, "u", sid, role=MessageRole.USER, content="I like tea.")
        engine.sessions.process(pid, "u", sid)
        assert engine.worker().run_once()
        assert engine.sessions.get(pid, "u", sid).status == SessionStatus.PROCESSED
        assert fake_llm.requests == []
    finally:
        engine.close()
