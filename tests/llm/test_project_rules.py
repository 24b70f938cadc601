"""Project rules over real HTTP: unsupported or everything-matching rules are 422 when set; ReDoS rules are harmless."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from recallr.bootstrap import Engine
from tests.conftest import LiveServer, make_settings, shared_embedder, wait_for


@pytest.fixture
def http(tmp_path: Path) -> Iterator[httpx.Client]:
    engine = Engine(make_settings(tmp_path / "data"), embedder=shared_embedder())
    with LiveServer(engine) as live, httpx.Client(base_url=f"{live.base_url}/api/v1", timeout=60, headers={
            "X-Recallr-Api-Key": live.api_key, "X-Recallr-Project-Id": live.project.id}) as client:
        yield client
    engine.close()


@pytest.mark.parametrize(("field", "rule"), [
    pytest.param("never_remember", "(?<=my )salary", id="lookbehind"),
    pytest.param("never_remember", r"(\w+) \1", id="backreference"),
    pytest.param("always_remember", "[unclosed", id="unclosed"),
    pytest.param("always_remember", ".*", id="matches-every-sentence"),
])
def test_unsupported_rules_are_422(http: httpx.Client, field: str, rule: str) -> None:
    response = http.put("/project/llm", json={field: ["salary", rule]})
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "validation_error" and field in response.json()["detail"]
    assert http.get("/project/llm").json()[field] == []  # nothing was stored


def test_backtracking_rule_does_not_stall_the_server(http: httpx.Client) -> None:
    """(a+)+$ with a 176-character message blocked the server 24 s (doubling per character); now milliseconds."""
    assert http.put("/project/llm", json={"mode": "offline", "never_remember": ["(a+)+$"]}).status_code == 200
    assert http.post("/users", json={"custom_user_id": "u", "metadata": {}}).status_code == 201
    sid = http.post("/users/u/sessions", json={"auto_process_after_seconds": None, "metadata": {}}).json()["session_id"]
    for text in ("a" * 176 + "!", "a" * 5000 + "!", "I live in Paris. aaaa"):
        http.post(f"/users/u/sessions/{sid}/add-message", json={"message": text, "role": "user"})
    start = time.monotonic()
    http.post(f"/users/u/sessions/{sid}/process")
    wait_for(lambda: http.get(f"/users/u/sessions/{sid}").json()["status"] == "processed", timeout=60)
    assert time.monotonic() - start < 15
    assert http.get("/health").status_code == 200
    contents = [m["content"] for m in http.get("/users/u/memories").json()["items"]]
    assert contents == ["User lives in Paris."]  # rules apply per sentence: only the all-"a" ones are dropped
