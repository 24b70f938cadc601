"""Projects cannot take the server's LLM key, endpoint or models: which host receives which key, over real HTTP.

Two fake OpenAI-compatible servers: ``fake_llm`` is the operator's endpoint, ``elsewhere`` one a project names.
"""

from __future__ import annotations

import stat
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest

from recallr.bootstrap import Engine
from recallr.llm.access import host_allowed
from recallr.models import SessionStatus
from recallr.settings import Settings
from recallr.store import llm as llm_store
from tests.conftest import LiveServer, make_settings, shared_embedder, wait_for

from .conftest import MODEL
from .fake_openai import FakeLLM, Reply
from .scripted import ScriptedModel

SERVER_KEY = "sk-operator-0123456789"
PROJECT_KEY = "sk-project-abcdef"


@pytest.fixture(scope="module")
def elsewhere() -> Iterator[FakeLLM]:
    with FakeLLM() as fake:
        yield fake


@pytest.fixture
def other(elsewhere: FakeLLM) -> Iterator[FakeLLM]:
    elsewhere.reset()
    scripted = ScriptedModel()
    scripted.remember("tea", "User likes tea.")
    elsewhere.responder = scripted
    yield elsewhere
    elsewhere.reset()


def serve(tmp_path: Path, database_url: str | None, fake: FakeLLM, **overrides: Any) -> tuple[Engine, LiveServer]:
    values: dict[str, Any] = {"database_url": database_url, "llm_base_url": fake.url, "llm_model": MODEL,
                              "llm_api_key": SERVER_KEY, "llm_max_retries": 0, "max_attempts": 1,
                              "secret_key": "test secret, long enough"}
    values.update(overrides)
    engine = Engine(make_settings(tmp_path / "data", **values), embedder=shared_embedder())
    return engine, LiveServer(engine)


Start = Callable[..., tuple[LiveServer, httpx.Client]]


@pytest.fixture
def start(tmp_path: Path, database_url: str | None, fake_llm: FakeLLM) -> Iterator[Start]:
    """Starts a server with the operator's endpoint and key (and the settings given); a client of its project."""
    with ExitStack() as stack:
        def started(**overrides: Any) -> tuple[LiveServer, httpx.Client]:
            engine, live = serve(tmp_path, database_url, fake_llm, **overrides)
            stack.callback(engine.close)
            stack.enter_context(live)
            http = stack.enter_context(httpx.Client(base_url=f"{live.base_url}/api/v1", headers={
                "X-Recallr-Api-Key": live.api_key, "X-Recallr-Project-Id": live.project.id}))
            return live, http
        yield started


def run_session(http: httpx.Client, user: str = "u") -> dict[str, Any]:
    """A one-message session processed to the end; the session as it ended."""
    assert http.post("/users", json={"custom_user_id": user, "metadata": {}}).status_code in (201, 409)
    sid = http.post(f"/users/{user}/sessions", json={"auto_process_after_seconds": None,
                                                     "metadata": {}}).json()["session_id"]
    http.post(f"/users/{user}/sessions/{sid}/add-message", json={"message": "I like tea a lot.", "role": "user"})
    http.post(f"/users/{user}/sessions/{sid}/process")
    ended = {SessionStatus.PROCESSED.value, SessionStatus.FAILED.value}
    wait_for(lambda: http.get(f"/users/{user}/sessions/{sid}").json()["status"] in ended)
    session: dict[str, Any] = http.get(f"/users/{user}/sessions/{sid}").json()
    return session


def keys_seen(fake: FakeLLM) -> set[str]:
    return {r.headers.get("authorization", "") for r in fake.requests}


def store_raw(engine: Engine, record: llm_store.ProjectLLMRecord) -> None:
    """Write a project's overrides as an older version (no checks, no encryption) would have."""
    with engine.db.write() as tx:
        llm_store.save_project_llm(tx, record)


# -- endpoints ------------------------------------------------------------------------------------------------
def test_projects_cannot_set_an_endpoint_by_default(start: Start, fake_llm: FakeLLM,
                                                    other: FakeLLM) -> None:
    live, http = start()
    refused = http.put("/project/llm", json={"base_url": other.url})
    assert refused.status_code == 422 and "base_url" in refused.json()["detail"]
    assert http.get("/project/llm").json()["base_url"] is None
    # a row an older version stored (the attack itself) is not used either: the project runs offline
    store_raw(live.engine, llm_store.ProjectLLMRecord(live.project.id, base_url=other.url))
    live.engine.llm._configs.clear()
    session = run_session(http)
    assert session["status"] == SessionStatus.PROCESSED.value
    assert other.requests == [] and fake_llm.requests == []
    view = http.get("/project/llm").json()["effective"]
    assert view["llm_enabled"] is False and "base_url" in view["refused"]


def test_an_own_endpoint_needs_an_own_key_and_gets_only_that(start: Start, fake_llm: FakeLLM, other: FakeLLM) -> None:
    live, http = start(llm_project_endpoints=True)
    keyless = http.put("/project/llm", json={"base_url": other.url})
    assert keyless.status_code == 422 and "api_key" in keyless.json()["detail"]
    changed = http.put("/project/llm", json={"base_url": other.url, "api_key": PROJECT_KEY, "model": "own-model"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["effective"] == {"llm_enabled": True, "endpoint": "project", "model": "own-model",
                                           "base_url": other.url, "refused": None}
    assert http.put("/project/llm", json={"api_key": None}).status_code == 422  # would leave the endpoint keyless
    session = run_session(http)
    assert session["status"] == SessionStatus.PROCESSED.value, session
    assert other.chats() and keys_seen(other) == {f"Bearer {PROJECT_KEY}"}
    assert {r.body["model"] for r in other.chats()} == {"own-model"}
    assert fake_llm.requests == []
    # back to the server's endpoint: the server's key goes to the server's endpoint only
    assert http.put("/project/llm", json={"base_url": None, "api_key": None, "model": None}).status_code == 200
    other.reset()
    live.engine.llm._configs.clear()
    fake_llm.responder = other_model()
    assert run_session(http)["status"] == SessionStatus.PROCESSED.value
    assert keys_seen(fake_llm) == {f"Bearer {SERVER_KEY}"} and other.requests == []


def other_model() -> ScriptedModel:
    scripted = ScriptedModel()
    scripted.remember("tea", "User likes tea.")
    return scripted


@pytest.mark.parametrize("url", [
    pytest.param("http://user:pw@127.0.0.1:9/v1", id="credentials"),
    pytest.param("http://127.0.0.1:99999/v1", id="bad-port"),
    pytest.param("http:///v1", id="no-host"),
    pytest.param("file:///etc/passwd", id="scheme"),
    pytest.param("http://127.0.0.1/v1?x=1", id="query"),
])
def test_odd_endpoint_urls_are_422(start: Start, url: str) -> None:
    _, http = start(llm_project_endpoints=True)
    response = http.put("/project/llm", json={"base_url": url, "api_key": PROJECT_KEY})
    assert response.status_code == 422 and "base_url" in response.json()["detail"]


def test_the_host_allow_list(start: Start, fake_llm: FakeLLM, other: FakeLLM) -> None:
    _, http = start(llm_project_endpoints=True, llm_project_endpoint_hosts=f"llm.example.com, 127.0.0.1:{other.port}")
    assert http.put("/project/llm", json={"base_url": fake_llm.url, "api_key": PROJECT_KEY}).status_code == 422
    assert http.put("/project/llm", json={"base_url": other.url, "api_key": PROJECT_KEY}).status_code == 200


@pytest.mark.parametrize(("url", "allowed", "ok"), [
    pytest.param("https://llm.example.com/v1", ["llm.example.com"], True, id="host"),
    pytest.param("https://LLM.example.com./v1", ["llm.example.com"], True, id="case-and-dot"),
    pytest.param("https://llm.example.com:8443/v1", ["llm.example.com:443"], False, id="other-port"),
    pytest.param("https://llm.example.com/v1", ["llm.example.com:443"], True, id="default-port"),
    pytest.param("https://a.b.example.com/v1", [".example.com"], True, id="subdomain"),
    pytest.param("https://example.com.evil.net/v1", [".example.com"], False, id="suffix-trick"),
    pytest.param("https://evil-example.com/v1", [".example.com"], False, id="no-dot"),
    pytest.param("http://169.254.169.254/latest", ["llm.example.com"], False, id="metadata"),
])
def test_host_allowed(url: str, allowed: list[str], ok: bool) -> None:
    assert host_allowed(url, allowed) is ok


# -- models ---------------------------------------------------------------------------------------------------
def test_models_on_the_server_endpoint_are_the_servers_choice(start: Start, fake_llm: FakeLLM) -> None:
    live, http = start(llm_project_models="small-model")
    expensive = http.put("/project/llm", json={"model": "gpt-expensive"})
    assert expensive.status_code == 422 and "gpt-expensive" in expensive.json()["detail"]
    # the project's own key on the server's endpoint does not unlock other models either
    assert http.put("/project/llm", json={"model": "gpt-expensive", "api_key": PROJECT_KEY}).status_code == 422
    assert http.put("/project/llm", json={"model": "small-model"}).status_code == 200
    assert http.put("/project/llm", json={"model": MODEL}).status_code == 200  # the server's own: always
    fake_llm.responder = other_model()
    http.put("/project/llm", json={"model": "small-model"})
    assert run_session(http)["status"] == SessionStatus.PROCESSED.value
    assert {r.body["model"] for r in fake_llm.chats()} == {"small-model"}
    # a model stored before the allow-list changed is not used: the project runs offline
    store_raw(live.engine, llm_store.ProjectLLMRecord(live.project.id, model="gpt-expensive"))
    live.engine.llm._configs.clear()
    fake_llm.requests.clear()
    assert run_session(http)["status"] == SessionStatus.PROCESSED.value and fake_llm.requests == []


# -- what projects see ----------------------------------------------------------------------------------------
def test_provider_errors_are_not_reflected(start: Start, fake_llm: FakeLLM) -> None:
    _, http = start(llm_fallback="fail")
    body = "Incorrect API key provided: sk-opera****6789 at internal-gateway.corp:8443"
    fake_llm.responder = lambda _: Reply(status=401, error=body)
    session = run_session(http)
    assert session["status"] == SessionStatus.FAILED.value
    assert "llm_request_rejected" in session["error"] and "HTTP 401" in session["error"]
    assert "sk-opera" not in session["error"] and "internal-gateway" not in session["error"]


def test_projects_do_not_see_the_servers_endpoint_or_model(start: Start,
                                                            fake_llm: FakeLLM) -> None:
    _, http = start()
    for response in (http.get("/project/llm"), http.put("/project/llm", json={"never_remember": ["salary"]})):
        assert response.status_code == 200
        assert fake_llm.url not in response.text and MODEL not in response.text and SERVER_KEY not in response.text
        assert response.json()["effective"]["llm_enabled"] is True


# -- keys at rest ---------------------------------------------------------------------------------------------
def stored_key(engine: Engine, project_id: str) -> str | None:
    with engine.db.read() as tx:
        return llm_store.get_project_llm(tx, project_id).api_key


def test_project_keys_are_encrypted_at_rest(start: Start, fake_llm: FakeLLM) -> None:
    live, http = start()
    assert http.put("/project/llm", json={"api_key": PROJECT_KEY}).json()["api_key_set"] is True
    stored = stored_key(live.engine, live.project.id)
    assert stored is not None and stored.startswith("fernet:v1:") and PROJECT_KEY not in stored
    fake_llm.responder = other_model()
    assert run_session(http)["status"] == SessionStatus.PROCESSED.value
    assert keys_seen(fake_llm) == {f"Bearer {PROJECT_KEY}"}  # the project's key, opened, on the server's endpoint


def test_secret_file_and_older_plaintext_keys(tmp_path: Path, database_url: str | None, fake_llm: FakeLLM) -> None:
    settings = make_settings(tmp_path / "data", database_url=database_url, llm_base_url=fake_llm.url,
                             llm_model=MODEL, llm_api_key=SERVER_KEY, run_worker=False)
    engine = Engine(settings, embedder=shared_embedder())
    project, _ = engine.projects.create("p")
    store_raw(engine, llm_store.ProjectLLMRecord(project.id, api_key=PROJECT_KEY))  # as an older version stored it
    assert engine.llm.config(project.id).api_key == PROJECT_KEY  # plaintext rows still read
    engine.close()
    engine = Engine(settings, embedder=shared_embedder())  # startup encrypts them
    try:
        stored = stored_key(engine, project.id)
        assert stored is not None and stored.startswith("fernet:v1:")
        assert engine.llm.config(project.id).api_key == PROJECT_KEY
        secret = settings.data_dir / "secret.key"
        assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    finally:
        engine.close()
    # another secret cannot open the key: the project runs offline, never with the server's key
    other_secret = Settings(**{**settings.model_dump(), "secret_key": "another secret entirely"})
    engine = Engine(other_secret, embedder=shared_embedder())
    try:
        config = engine.llm.config(project.id)
        assert config.enabled is False and config.api_key is None and "secret" in (config.refused or "")
        assert "decrypted" in engine.llm.project_settings(project.id)["effective"]["refused"]
    finally:
        engine.close()
