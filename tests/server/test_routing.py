"""What the SDKs see for paths no route serves, and for a context stream of a user or session that is not there.

Both official SDKs map a 404 whose body is exactly ``404 page not found`` to ``ConnectionError`` and any
other 404 to ``UserNotFoundError`` (or ``SessionNotFoundError`` by its detail text). So an unknown route,
which is what a mistyped base URL produces, answers that text; a missing user answers the JSON shape.
"""

from __future__ import annotations

import json

import httpx
import pytest

from recallr import RecallrAI, exceptions
from recallr.exceptions import SessionNotFoundError, UserNotFoundError

from ..conftest import LiveServer


def _client(server: LiveServer) -> httpx.Client:
    headers = {"X-Recallr-Api-Key": server.api_key, "X-Recallr-Project-Id": server.project.id}
    return httpx.Client(base_url=server.base_url, headers=headers, timeout=30)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        pytest.param("GET", "/api/v1/no-such-thing", id="unknown-under-api-v1"),
        pytest.param("GET", "/api/api/v1/users/alice", id="base-url-with-api"),
        pytest.param("POST", "/v1/users", id="base-url-missing-api"),
        pytest.param("GET", "/api/v2/users/alice/sessions/x/context", id="other-version"),
        pytest.param("DELETE", "/api/v1/users/alice/sessions/x/y/z", id="too-deep"),
        pytest.param("GET", "/", id="root"),
    ],
)
def test_unknown_routes_answer_the_text_both_sdks_read_as_a_connection_problem(
        live_server: LiveServer, method: str, path: str) -> None:
    with _client(live_server) as http:
        response = http.request(method, path, json={})
        anonymous = httpx.request(method, f"{live_server.base_url}{path}")
    for answer in (response, anonymous):
        assert answer.status_code == 404
        assert answer.text == "404 page not found"
        assert answer.headers["content-type"].startswith("text/plain")


def test_known_routes_still_answer_json_404s(live_server: LiveServer) -> None:
    with _client(live_server) as http:
        response = http.get("/api/v1/users/alice")
    assert response.status_code == 404
    assert response.json() == {"detail": "User alice not found", "code": "user_not_found"}


def test_our_sdk_reads_a_wrong_base_url_as_a_connection_error(live_server: LiveServer) -> None:
    wrong = f"{live_server.base_url}/api"
    with RecallrAI(live_server.api_key, live_server.project.id, base_url=wrong) as client, \
            pytest.raises(exceptions.ConnectionError) as caught:
        client.get_user("alice")
    assert caught.value.http_status == 404
    assert "base URL" in caught.value.message
    with RecallrAI(live_server.api_key, live_server.project.id, base_url=live_server.base_url) as client, \
            pytest.raises(UserNotFoundError):
        client.get_user("alice")


# --- the context stream validates before it starts ----------------------------------------------

@pytest.mark.parametrize("missing", [pytest.param("user", id="unknown-user"),
                                     pytest.param("session", id="unknown-session")])
def test_context_stream_answers_404_before_streaming(live_server: LiveServer, missing: str) -> None:
    with _client(live_server) as http:
        http.post("/api/v1/users", json={"custom_user_id": "alice"})
        sid = http.post("/api/v1/users/alice/sessions", json={}).json()["session_id"]
        user, session = ("ghost", sid) if missing == "user" else ("alice", "00000000-0000-4000-8000-000000000000")
        with http.stream("GET", f"/api/v1/users/{user}/sessions/{session}/context",
                         params={"stream": "true"}, headers={"Accept": "text/event-stream"}) as response:
            body = response.read()
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    expected = f"User {user} not found" if missing == "user" else f"Session {session} not found"
    assert json.loads(body)["detail"] == expected


def test_our_sdk_raises_the_not_found_error_from_a_stream(live_server: LiveServer) -> None:
    with RecallrAI(live_server.api_key, live_server.project.id, base_url=live_server.base_url) as client:
        user = client.create_user("alice")
        session = user.create_session()
        client.get_user("alice").delete()
        with pytest.raises(UserNotFoundError, match="User alice not found"):
            list(session.get_context_stream())
        user = client.create_user("alice")
        session = user.create_session()
        session.delete()
        with pytest.raises(SessionNotFoundError, match=f"Session {session.session_id} not found"):
            list(session.get_context_stream())
