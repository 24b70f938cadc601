"""Repeated query parameters read the same as ``name=a&name=b``, ``name[]=a&name[]=b`` or ``name%5B%5D=a``.

The official Node SDK (axios) sends list parameters with ``[]`` appended to the key; before the fold such
keys were ignored and the filter matched everything.
"""

from __future__ import annotations

import http.client
import json
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import pytest

from recallr.server.query_arrays import fold_bracketed_keys

from ..conftest import LiveServer, wait_for


@pytest.mark.parametrize(
    ("query", "folded"),
    [
        pytest.param(b"status_filter%5B%5D=pending&status_filter%5B%5D=processed",
                     b"status_filter=pending&status_filter=processed", id="percent-encoded"),
        pytest.param(b"categories[]=pets&categories[]=work", b"categories=pets&categories=work", id="raw"),
        pytest.param(b"tags%5b%5d=x", b"tags=x", id="lowercase-escape"),
        pytest.param(b"ids=a&ids[]=b&ids%5B%5D=c", b"ids=a&ids=b&ids=c", id="mixed-spellings-keep-order"),
        pytest.param(b"offset=0&f[]=a+b&limit=5", b"offset=0&f=a+b&limit=5", id="others-untouched"),
        pytest.param(b"%E5%90%8D%5B%5D=x", b"%E5%90%8D=x", id="non-ascii-key"),
        pytest.param(b"flag[]", b"flag", id="no-value"),
        pytest.param(b"a[0]=x&a[b]=y", b"a[0]=x&a[b]=y", id="indexed-keys-untouched"),
        pytest.param(b"[]=x&%5B%5D=y", b"[]=x&%5B%5D=y", id="nameless-untouched"),
        pytest.param(b"metadata_filter=%7B%22k%22%3A%22v[]%22%7D", b"metadata_filter=%7B%22k%22%3A%22v[]%22%7D",
                     id="brackets-in-a-value-untouched"),
        pytest.param(b"", b"", id="empty"),
    ],
)
def test_fold_bracketed_keys(query: bytes, folded: bytes) -> None:
    assert fold_bracketed_keys(query) == folded


def test_fold_is_linear_on_a_long_hostile_query() -> None:
    hostile = b"&".join([b"%5B" * 50 + b"[]=" + b"[" * 50] * 2000)  # ~400 KB of brackets
    assert fold_bracketed_keys(hostile).count(b"&") == 1999


# --- against a live server -----------------------------------------------------------------------

def _headers(server: LiveServer) -> dict[str, str]:
    return {"X-Recallr-Api-Key": server.api_key, "X-Recallr-Project-Id": server.project.id}


def _raw_get(server: LiveServer, path: str, query: str) -> tuple[int, Any]:
    """GET with the query string sent byte for byte (httpx would percent-encode the brackets)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.request("GET", f"{path}?{query}", headers=_headers(server))
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def _spellings(name: str, values: list[str]) -> dict[str, str]:
    """The same list parameter as a query string, three ways."""
    return {
        "plain": urlencode([(name, v) for v in values]),
        "raw-brackets": "&".join(f"{name}[]={quote(v, safe='')}" for v in values),
        "encoded-brackets": urlencode([(f"{name}[]", v) for v in values]),
    }


def _conversation(http: httpx.Client, user: str, text: str, *, process: bool) -> str:
    sid = http.post(f"/api/v1/users/{user}/sessions", json={}).json()["session_id"]
    http.post(f"/api/v1/users/{user}/sessions/{sid}/add-message", json={"message": text, "role": "user"})
    if process:
        http.post(f"/api/v1/users/{user}/sessions/{sid}/process")
        wait_for(lambda: http.get(f"/api/v1/users/{user}/sessions/{sid}").json()["status"] == "processed")
    return str(sid)


@pytest.fixture
def history(live_server: LiveServer) -> dict[str, str]:
    """User ``u``: a processed session about a cat, one about work, and a pending one."""
    with httpx.Client(base_url=live_server.base_url, headers=_headers(live_server), timeout=30) as http:
        assert http.post("/api/v1/users", json={"custom_user_id": "u"}).status_code == 201
        return {"pets": _conversation(http, "u", "I have a cat named Milo.", process=True),
                "work": _conversation(http, "u", "I work as an architect.", process=True),
                "pending": _conversation(http, "u", "Hello there.", process=False)}


def test_status_filter_in_every_spelling(live_server: LiveServer, history: dict[str, str]) -> None:
    for spelling, query in _spellings("status_filter", ["pending"]).items():
        status, page = _raw_get(live_server, "/api/v1/users/u/sessions", query)
        assert status == 200, (spelling, page)
        assert [s["session_id"] for s in page["sessions"]] == [history["pending"]], spelling
    for spelling, query in _spellings("status_filter", ["pending", "processed"]).items():
        assert _raw_get(live_server, "/api/v1/users/u/sessions", query)[1]["total"] == 3, spelling
    for spelling, query in _spellings("status_filter", ["nonsense"]).items():
        status, body = _raw_get(live_server, "/api/v1/users/u/sessions", query)
        assert status == 422 and "status_filter" in body["detail"], (spelling, body)


def test_memory_filters_in_every_spelling(live_server: LiveServer, history: dict[str, str]) -> None:
    path = "/api/v1/users/u/memories"
    for spelling, query in _spellings("categories", ["pets"]).items():
        page = _raw_get(live_server, path, query)[1]
        assert [m["content"] for m in page["items"]] == ["User has a cat named Milo."], spelling
    for spelling, query in _spellings("session_id_filter", [history["work"]]).items():
        page = _raw_get(live_server, path, query)[1]
        assert [m["content"] for m in page["items"]] == ["User works as an architect."], spelling
    both = _spellings("session_id_filter", [history["pets"], history["work"]])
    assert {_raw_get(live_server, path, q)[1]["total"] for q in both.values()} == {2}


def test_unknown_category_is_rejected_in_every_spelling(live_server: LiveServer, history: dict[str, str]) -> None:
    for spelling, query in _spellings("categories", ["pets", "spaceships"]).items():
        status, body = _raw_get(live_server, "/api/v1/users/u/memories", query)
        assert status == 400, (spelling, body)
        assert body["code"] == "invalid_categories"
        assert body["detail"]["invalid_categories"] == ["spaceships"], spelling
