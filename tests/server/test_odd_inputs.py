"""Every odd input is a 4xx naming the problem, never a 500, on both backends; the connection stays usable."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from urllib.parse import quote, urlencode

import pytest

from recallr.engine import Engine

from ..conftest import LiveServer, _postgres_schema, make_settings, shared_embedder


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One live server per backend for the whole module (odd inputs change nothing, so cases can share it)."""
    urls = _postgres_schema() if request.param == "postgres" else iter([None])
    url = next(urls)
    engine = Engine(make_settings(tmp_path_factory.mktemp("odd"), database_url=url), embedder=shared_embedder())
    try:
        with LiveServer(engine) as live:
            yield live
    finally:
        engine.close()
        for _ in urls:  # drops the schema
            pass

DEEP_33 = '{"a":' * 33 + "1" + "}" * 33  # metadata nested 33 levels (the object itself is level 1)


def _filter(text: str) -> str:
    return "?" + urlencode({"metadata_filter": text})


# (method, path with {sid} for the session, raw JSON body or None, status, a piece of the detail)
CASES = [
    pytest.param("POST", "/api/v1/users", '{"custom_user_id":"n","metadata":{"a":NaN}}', 422, "finite", id="nan"),
    pytest.param("POST", "/api/v1/users", '{"custom_user_id":"n","metadata":{"a":[-Infinity]}}', 422, "finite",
                 id="minus-infinity"),
    pytest.param("POST", "/api/v1/users/u/sessions", '{"metadata":{"a":Infinity}}', 422, "finite",
                 id="session-infinity"),
    pytest.param("PUT", "/api/v1/users/u", '{"new_metadata":{"x":{"y":NaN}}}', 422, "finite", id="update-nan"),
    pytest.param("PUT", "/api/v1/users/u/sessions/{sid}", '{"new_metadata":{"x":"a\\u0000b"}}', 422, "NUL",
                 id="session-update-nul"),
    pytest.param("POST", "/api/v1/users", '{"custom_user_id":"n","metadata":{"k\\u0000":1}}', 422, "NUL",
                 id="nul-key"),
    pytest.param("POST", "/api/v1/users", '{"custom_user_id":"a\\u0000b"}', 422, "NUL", id="nul-id"),
    pytest.param("POST", "/api/v1/users/u/sessions/{sid}/add-message", '{"message":"hi\\u0000","role":"user"}', 422,
                 "NUL", id="nul-content"),
    pytest.param("POST", "/api/v1/users", '{"custom_user_id":"x\\ud800"}', 422, "surrogate", id="surrogate-id"),
    pytest.param("POST", "/api/v1/users/u/sessions/{sid}/add-message", '{"message":"\\udc00 hi","role":"user"}',
                 422, "surrogate", id="surrogate-content"),
    pytest.param("POST", "/api/v1/users", '{"custom_user_id":"n","metadata":{"\\ud83d":1}}', 422, "surrogate",
                 id="surrogate-key"),
    pytest.param("POST", "/api/v1/users", '{"custom_user_id":"n","first_name":"\\udfff"}', 422, "surrogate",
                 id="surrogate-name"),
    pytest.param("POST", "/api/v1/categories", '{"name":"pets","description":"\\ud800"}', 422, "surrogate",
                 id="surrogate-category"),
    pytest.param("POST", "/api/v1/users", '{"custom_user_id":"n","metadata":{"a":18446744073709551616}}', 422,
                 "64 bits", id="int-65-bits"),
    pytest.param("POST", "/api/v1/users", '{"custom_user_id":"n","metadata":{"a":' + "7" * 5000 + "}}", 422,
                 "digits", id="huge-digits-body"),
    pytest.param("POST", "/api/v1/users", '{"custom_user_id":"n","metadata":' + DEEP_33 + "}", 422, "nested",
                 id="deep-metadata"),
    pytest.param("POST", "/api/v1/users", '{"custom_user_id":"n","metadata":' + "[" * 50_000 + "]" * 50_000 + "}",
                 422, "nested", id="very-deep-body"),
    pytest.param("GET", "/api/v1/users" + _filter('{"a":"\\ud800"}'), None, 422, "surrogate", id="filter-surrogate"),
    pytest.param("GET", "/api/v1/users" + _filter('{"a":"\\u0000"}'), None, 422, "NUL", id="filter-nul"),
    pytest.param("GET", "/api/v1/users" + _filter(f'{{"a":{2**64}}}'), None, 422, "64 bits", id="filter-big-int"),
    pytest.param("GET", "/api/v1/users" + _filter('{"a":' + "9" * 5000 + "}"), None, 422, "digits",
                 id="filter-huge-digits"),
    pytest.param("GET", "/api/v1/users" + _filter('{"a":NaN}'), None, 422, "finite", id="filter-nan"),
    pytest.param("GET", "/api/v1/users" + _filter(DEEP_33), None, 422, "nested", id="filter-deep"),
    pytest.param("GET", "/api/v1/users" + _filter("[" * 5000 + "]" * 5000), None, 422, "nested",
                 id="filter-very-deep"),
    pytest.param("GET", "/api/v1/users" + _filter(json.dumps({f"k{i}": i for i in range(65)})), None, 422, "keys",
                 id="filter-wide"),
    pytest.param("GET", "/api/v1/users/u/sessions" + "?" + urlencode({"user_metadata_filter": '{"a":1e999}'}), None,
                 422, "finite", id="user-filter-overflowing-float"),
    pytest.param("GET", "/api/v1/users/u/memories?" + urlencode({"session_metadata_filter": '{"\\udc00":1}'}), None,
                 422, "surrogate", id="memory-filter-surrogate"),
    pytest.param("GET", "/api/v1/users/u/sessions/{sid}/context?timezone=" + "A" * 256, None, 422, "timezone",
                 id="timezone-256"),
    pytest.param("GET", "/api/v1/users/u/sessions/{sid}/context?timezone=" + quote("../../etc/passwd"), None, 422,
                 "timezone", id="timezone-path"),
    pytest.param("POST", "/api/v1/users/u/sessions", '{"custom_created_at_utc":"0001-01-01T00:00:00Z"}', 422,
                 "custom_created_at_utc", id="clock-year-1"),
    pytest.param("POST", "/api/v1/users/u/sessions", '{"custom_created_at_utc":"9999-12-31T23:59:59Z"}', 422,
                 "custom_created_at_utc", id="clock-year-9999"),
    pytest.param("GET", "/api/v1/users/u/sessions/{sid}/context?include_system_prompt=yes", None, 422,
                 "include_system_prompt", id="query-bool-yes"),
    pytest.param("GET", "/api/v1/users/u/memories?include_previous_versions=on", None, 422,
                 "include_previous_versions", id="query-bool-on"),
    pytest.param("POST", "/api/v1/users", '{"custom_user_id":"n","merge_conflict_enabled":"yes"}', 422,
                 "merge_conflict_enabled", id="body-bool-string"),
    pytest.param("PUT", "/api/v1/project", '{"merge_conflicts_enabled":1}', 422, "merge_conflicts_enabled",
                 id="body-bool-int"),
    pytest.param("GET", "/api/v1/users?offset=" + "9" * 5000, None, 422, "offset", id="offset-huge-digits"),
    pytest.param("POST", "/api/v1/users", b'{"custom_user_id":"\xff"}', 422, "UTF-8", id="invalid-utf8"),
    pytest.param("POST", "/api/v1/users", b'{"custom_user_id":"\xed\xa0\x80"}', 422, "surrogate",
                 id="encoded-surrogate"),
    pytest.param("PUT", "/api/v1/project/llm", '{"never_remember":["\\ud800"]}', 422, "surrogate",
                 id="surrogate-llm-rule"),
    pytest.param("GET", "/api/v1/users/a%00b", None, 422, "NUL", id="nul-in-path"),
    pytest.param("DELETE", "/api/v1/users/u/sessions/{sid}%00", None, 422, "NUL", id="nul-in-session-id"),
    pytest.param("GET", "/api/v1/users/u/memory/x%00", None, 422, "NUL", id="nul-in-memory-id"),
    pytest.param("GET", "/api/v1/users/u/memories?session_id_filter=a%00", None, 422, "NUL", id="nul-in-query"),
    pytest.param("GET", "/api/v1/project/llm/usage?session_id=%00", None, 422, "NUL", id="nul-in-usage-query"),
    pytest.param("GET", "/api/v1/users/u/merge-conflicts/a%00", None, 422, "NUL", id="nul-in-conflict-id"),
]


@pytest.mark.parametrize(("method", "path", "body", "status", "detail"), CASES)
def test_odd_input_is_a_4xx_and_the_connection_survives(server: LiveServer, method: str, path: str,
                                                        body: str | bytes | None, status: int, detail: str) -> None:
    live_server = server
    headers = {"X-Recallr-Api-Key": live_server.api_key, "X-Recallr-Project-Id": live_server.project.id,
               "Content-Type": "application/json"}
    conn = http.client.HTTPConnection("127.0.0.1", live_server.port, timeout=30)
    try:
        conn.request("POST", "/api/v1/users", body='{"custom_user_id":"u"}', headers=headers)
        created = conn.getresponse()
        assert created.read() and created.status in (201, 409)  # one user "u" for every case of the module
        conn.request("POST", "/api/v1/users/u/sessions", body="{}", headers=headers)
        sid = json.loads(conn.getresponse().read())["session_id"]
        sock = conn.sock
        raw = body.encode() if isinstance(body, str) else body
        conn.request(method, path.replace("{sid}", sid), body=raw, headers=headers)
        response = conn.getresponse()
        payload = json.loads(response.read())
        assert response.status == status, payload
        assert set(payload) >= {"detail", "code"} and detail in str(payload["detail"])
        conn.request("GET", "/api/v1/users/u", headers=headers)  # same socket, next request answered
        again = conn.getresponse()
        assert again.status == 200 and json.loads(again.read())["custom_user_id"] == "u"
        assert conn.sock is sock
    finally:
        conn.close()


@pytest.mark.parametrize("value", [
    pytest.param("TRUE", id="upper"), pytest.param("true", id="lower"), pytest.param("False", id="capitalised"),
])
def test_true_and_false_are_still_booleans(live_server: LiveServer, value: str) -> None:
    headers = {"X-Recallr-Api-Key": live_server.api_key, "X-Recallr-Project-Id": live_server.project.id,
               "Content-Type": "application/json"}
    conn = http.client.HTTPConnection("127.0.0.1", live_server.port, timeout=30)
    try:
        conn.request("POST", "/api/v1/users", body='{"custom_user_id":"u","merge_conflict_enabled":true}',
                     headers=headers)
        created = conn.getresponse()
        assert (created.status, json.loads(created.read())["merge_conflict_enabled"]) == (201, True)
        conn.request("GET", f"/api/v1/users/u/memories?include_previous_versions={value}", headers=headers)
        listed = conn.getresponse()
        assert (listed.status, json.loads(listed.read())["total"]) == (200, 0)
    finally:
        conn.close()


def test_limits_at_their_edge_are_accepted(live_server: LiveServer) -> None:
    headers = {"X-Recallr-Api-Key": live_server.api_key, "X-Recallr-Project-Id": live_server.project.id,
               "Content-Type": "application/json"}
    conn = http.client.HTTPConnection("127.0.0.1", live_server.port, timeout=30)
    try:
        deep_31 = '{"a":' * 31 + "1" + "}" * 31  # under the metadata object: 32 levels in all, the limit
        body = (f'{{"custom_user_id":"u","metadata":{{"deep":{deep_31},"big":{2**63 - 1},"small":{-(2**63)},'
                '"f":1.5e308}}')
        conn.request("POST", "/api/v1/users", body=body, headers=headers)
        created = conn.getresponse()
        payload = json.loads(created.read())
        assert created.status == 201 and payload["metadata"]["big"] == 2**63 - 1, payload
        conn.request("POST", "/api/v1/users/u/sessions", body='{"custom_created_at_utc":"1900-01-01T00:00:00Z"}',
                     headers=headers)
        session = conn.getresponse()
        assert (session.status, json.loads(session.read())["created_at"][:10]) == (201, "1900-01-01")
        wide = json.dumps({f"k{i}": i for i in range(64)})
        conn.request("GET", "/api/v1/users" + _filter(wide), headers=headers)
        assert json.loads(conn.getresponse().read())["total"] == 0
    finally:
        conn.close()
