"""The HTTP API itself: auth, project isolation, status codes, the one error shape."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from recallr.bootstrap import Engine

from ..conftest import LiveServer


def _client(server: LiveServer, key: str | None = None, project: str | None = None) -> httpx.Client:
    headers = {"X-Recallr-Api-Key": key if key is not None else server.api_key,
               "X-Recallr-Project-Id": project if project is not None else server.project.id}
    return httpx.Client(base_url=server.base_url, headers=headers)


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no-headers"),
        pytest.param({"X-Recallr-Api-Key": "rai_wrong"}, id="wrong-key"),
        pytest.param({"X-Recallr-Project-Id": "nope"}, id="wrong-project"),
        pytest.param({"X-Recallr-Api-Key": "not-a-rai-key"}, id="malformed-key"),
    ],
)
def test_bad_credentials_get_401_and_nothing_else(live_server: LiveServer, headers: dict[str, str]) -> None:
    base = {"X-Recallr-Api-Key": live_server.api_key, "X-Recallr-Project-Id": live_server.project.id}
    if headers:
        base.update(headers)
    else:
        base = {}
    response = httpx.get(f"{live_server.base_url}/api/v1/users", headers=base)
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid API key or project ID", "code": "authentication_failed"}


def test_revoked_key_and_other_projects_key(live_server: LiveServer, engine: Engine) -> None:
    other_project, other_key = engine.projects.create("other")
    with _client(live_server) as mine:
        assert mine.post("/api/v1/users", json={"custom_user_id": "alice"}).status_code == 201
    # The other project's key with our project id: 401. With its own id: sees nothing of ours.
    with _client(live_server, key=other_key.api_key) as crossed:
        assert crossed.get("/api/v1/users").status_code == 401
    with _client(live_server, key=other_key.api_key, project=other_project.id) as theirs:
        assert theirs.get("/api/v1/users").json()["total"] == 0
        assert theirs.get("/api/v1/users/alice").status_code == 404
        assert theirs.post("/api/v1/users", json={"custom_user_id": "alice"}).status_code == 201
        assert theirs.delete("/api/v1/users/alice").status_code == 204
    with _client(live_server) as mine:
        assert mine.get("/api/v1/users/alice").status_code == 200
    new_key = engine.projects.create_key(live_server.project.id)
    engine.projects.revoke_key(live_server.project.id, new_key.key_id)
    with _client(live_server, key=new_key.api_key) as revoked:
        assert revoked.get("/api/v1/users").status_code == 401


def test_sessions_of_another_project_are_invisible(live_server: LiveServer, engine: Engine) -> None:
    other_project, other_key = engine.projects.create("other")
    with _client(live_server) as mine:
        mine.post("/api/v1/users", json={"custom_user_id": "u"})
        session_id = mine.post("/api/v1/users/u/sessions", json={}).json()["session_id"]
    with _client(live_server, key=other_key.api_key, project=other_project.id) as theirs:
        theirs.post("/api/v1/users", json={"custom_user_id": "u"})
        response = theirs.get(f"/api/v1/users/u/sessions/{session_id}")
        assert response.status_code == 404 and response.json()["detail"] == f"Session {session_id} not found"
        add = theirs.post(f"/api/v1/users/u/sessions/{session_id}/add-message", json={"message": "x", "role": "user"})
        assert add.status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "detail"),
    [
        pytest.param("POST", "/api/v1/users", {"custom_user_id": 5}, 422, "custom_user_id", id="id-not-string"),
        pytest.param("POST", "/api/v1/users", {"custom_user_id": "x", "metadata": [1]}, 422, "metadata",
                     id="metadata-not-object"),
        pytest.param("GET", "/api/v1/users?limit=0", None, 422, "limit", id="limit-zero"),
        pytest.param("GET", "/api/v1/users?offset=-1", None, 422, "offset", id="offset-negative"),
        pytest.param("GET", "/api/v1/users?metadata_filter=[1]", None, 422, "metadata_filter must be a JSON object",
                     id="filter-not-object"),
        pytest.param("GET", "/api/v1/users?metadata_filter={bad", None, 422, "metadata_filter", id="filter-not-json"),
        pytest.param("POST", "/api/v1/users/u/sessions", {"custom_created_at_utc": "2023-05-08T10:00:00"}, 422,
                     "timezone-aware", id="naive-time"),
        pytest.param("POST", "/api/v1/users/u/sessions", {"custom_created_at_utc": "2023-05-08T10:00:00+02:00"}, 422,
                     "must be in UTC", id="non-utc-time"),
        pytest.param("POST", "/api/v1/users/u/sessions", {"auto_process_after_seconds": -5}, 422,
                     "auto_process_after_seconds", id="negative-auto"),
        pytest.param("GET", "/api/v1/users/u/messages?limit=101", None, 422, "limit", id="last-n-too-many"),
        pytest.param("GET", "/api/v1/users/nobody", None, 404, "User nobody not found", id="missing-user"),
        pytest.param("GET", "/api/v1/system-prompt?recall_strategy=fast", None, 422, "recall_strategy",
                     id="bad-strategy"),
    ],
)
def test_errors_have_one_shape(live_server: LiveServer, method: str, path: str, body: Any, status: int,
                               detail: str) -> None:
    with _client(live_server) as http:
        http.post("/api/v1/users", json={"custom_user_id": "u"})
        response = http.request(method, path, json=body)
    assert response.status_code == status, response.text
    payload = response.json()
    assert set(payload) >= {"detail", "code"}
    assert detail in payload["detail"]


def test_invalid_role_and_content(live_server: LiveServer) -> None:
    with _client(live_server) as http:
        http.post("/api/v1/users", json={"custom_user_id": "u"})
        sid = http.post("/api/v1/users/u/sessions", json={}).json()["session_id"]
        bad_role = http.post(f"/api/v1/users/u/sessions/{sid}/add-message", json={"message": "hi", "role": "robot"})
        assert bad_role.status_code == 422 and "role" in bad_role.json()["detail"]
        empty = http.post(f"/api/v1/users/u/sessions/{sid}/add-message", json={"message": "", "role": "user"})
        assert empty.status_code == 422 and "non-empty" in empty.json()["detail"]


def test_system_prompt_per_strategy_and_docs(live_server: LiveServer) -> None:
    with _client(live_server) as http:
        prompts = {s: http.get("/api/v1/system-prompt", params={"recall_strategy": s}).json()["system_prompt"]
                   for s in ("low_latency", "balanced", "agentic", "deep", "auto")}
        assert len(set(prompts.values())) >= 4 and all("date" in p for p in prompts.values())
        assert http.get("/docs").status_code == 200
        paths = http.get("/openapi.json").json()["paths"]
    assert "/api/v1/users/{user_id}/sessions/{session_id}/add-message" in paths


def test_status_codes(live_server: LiveServer) -> None:
    with _client(live_server) as http:
        assert http.post("/api/v1/users", json={"custom_user_id": "u"}).status_code == 201
        assert http.post("/api/v1/users", json={"custom_user_id": "u"}).status_code == 409
        session = http.post("/api/v1/users/u/sessions", json={"metadata": {"a": 1}})
        assert session.status_code == 201
        sid = session.json()["session_id"]
        assert http.post(f"/api/v1/users/u/sessions/{sid}/process").status_code == 200
        again = http.post(f"/api/v1/users/u/sessions/{sid}/process")
        assert again.status_code == 400 and again.json()["code"] == "invalid_session_state"
        assert http.delete(f"/api/v1/users/u/sessions/{sid}").status_code == 204
        assert http.delete("/api/v1/users/u").status_code == 204
        assert http.delete("/api/v1/users/u").status_code == 404
