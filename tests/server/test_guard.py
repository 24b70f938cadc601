"""The request guard on a real uvicorn server: authentication before the body, body size and time limits, and
connections that stay usable after every refusal (http.client and raw sockets on one connection)."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from recallr.client.embedded import EmbeddedApp
from recallr.engine import Engine
from recallr.server import create_app

from ..conftest import LiveServer, free_port, make_settings, shared_embedder

LIMIT = 4096


@pytest.fixture
def small_server(tmp_path: Path) -> Iterator[LiveServer]:
    """A server with a 4 KiB body limit and a 1 s body timeout (SQLite: the guard does not touch the database
    beyond the key check)."""
    settings = make_settings(tmp_path / "data", max_body_bytes=LIMIT, body_timeout_seconds=1.0)
    engine = Engine(settings, embedder=shared_embedder())
    with LiveServer(engine) as server:
        yield server
    engine.close()


def _keyed(server: LiveServer) -> dict[str, str]:
    return {"X-Recallr-Api-Key": server.api_key, "X-Recallr-Project-Id": server.project.id,
            "Content-Type": "application/json"}


def _raw_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """One response read off ``sock``: status, lower-cased headers, body (by Content-Length)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed before a response: {data!r}"
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    while len(rest) < int(headers.get("content-length", "0")):
        rest += sock.recv(65536)
    return int(lines[0].split()[1]), headers, rest


def _health_on(conn: http.client.HTTPConnection) -> None:
    conn.request("GET", "/api/v1/health")
    response = conn.getresponse()
    assert (response.status, response.read()) == (200, b'{"status":"ok"}')


def test_a_huge_body_without_a_key_is_refused_before_it_is_read(small_server: LiveServer) -> None:
    """200 MB announced, 64 KiB sent: the 401 comes at once, says Connection: close, and nothing waits for the rest."""
    with socket.create_connection(("127.0.0.1", small_server.port), timeout=5) as sock:
        started = time.monotonic()
        sock.sendall(b"POST /api/v1/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 200000000\r\n\r\n" + b"[" * 65536)
        status, headers, body = _raw_response(sock)
        elapsed = time.monotonic() - started
    assert status == 401 and headers.get("connection") == "close"
    assert json.loads(body) == {"detail": "Invalid API key or project ID", "code": "authentication_failed"}
    assert elapsed < 2


@pytest.mark.parametrize("headers", [
    pytest.param({}, id="no-key"),
    pytest.param({"X-Recallr-Api-Key": "rai_wrong", "X-Recallr-Project-Id": "nope"}, id="wrong-key"),
])
def test_a_401_with_a_small_body_keeps_the_connection(small_server: LiveServer, headers: dict[str, str]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", small_server.port, timeout=5)
    try:
        _health_on(conn)
        sock = conn.sock
        conn.request("POST", "/api/v1/users", body=json.dumps({"custom_user_id": "x" * 200}),
                     headers={"Content-Type": "application/json", **headers})
        response = conn.getresponse()
        assert response.status == 401
        assert json.loads(response.read()) == {"detail": "Invalid API key or project ID",
                                               "code": "authentication_failed"}
        _health_on(conn)  # the unread body was discarded, not parsed as the next request
        assert conn.sock is sock
    finally:
        conn.close()


def test_a_far_too_large_content_length_is_413_before_reading(small_server: LiveServer) -> None:
    with socket.create_connection(("127.0.0.1", small_server.port), timeout=5) as sock:
        head = "".join(f"{k}: {v}\r\n" for k, v in _keyed(small_server).items())
        sock.sendall(f"POST /api/v1/users HTTP/1.1\r\nHost: x\r\n{head}Content-Length: 200000000\r\n\r\n".encode())
        status, headers, body = _raw_response(sock)  # no byte of the body sent: the answer comes anyway
    assert status == 413 and headers.get("connection") == "close"
    assert json.loads(body)["code"] == "request_too_large" and str(LIMIT) in json.loads(body)["detail"]


def test_a_slightly_too_large_body_is_413_and_the_connection_stays(small_server: LiveServer) -> None:
    """Clients that send the whole body before reading (http.client) get the 413; the body is discarded unread."""
    conn = http.client.HTTPConnection("127.0.0.1", small_server.port, timeout=5)
    try:
        _health_on(conn)
        sock = conn.sock
        body = json.dumps({"custom_user_id": "u", "metadata": {"a": "x" * LIMIT}})
        conn.request("POST", "/api/v1/users", body=body, headers=_keyed(small_server))
        response = conn.getresponse()
        assert response.status == 413 and json.loads(response.read())["code"] == "request_too_large"
        _health_on(conn)
        assert conn.sock is sock
    finally:
        conn.close()


def test_a_chunked_body_over_the_limit_is_413_and_the_client_carries_on(small_server: LiveServer) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", small_server.port, timeout=5)
    try:
        chunks = (b'{"custom_user_id": "u", "metadata": {"a": "' + b"x" * 1000 for _ in range(8))
        conn.request("POST", "/api/v1/users", body=chunks, headers=_keyed(small_server), encode_chunked=True)
        response = conn.getresponse()
        assert response.status == 413 and response.getheader("connection") == "close"
        assert json.loads(response.read())["code"] == "request_too_large"
        _health_on(conn)  # http.client reconnects, as the server said it would close
    finally:
        conn.close()


def test_a_body_at_the_limit_is_accepted(small_server: LiveServer) -> None:
    body = json.dumps({"custom_user_id": "u", "metadata": {"a": ""}})
    body = body.replace('"a": ""', '"a": "' + "x" * (LIMIT - len(body)) + '"')
    assert len(body) == LIMIT
    response = httpx.post(f"{small_server.base_url}/api/v1/users", content=body, headers=_keyed(small_server))
    # Within the body limit; the metadata limit (16 KiB) is larger, so the user is created.
    assert response.status_code == 201, response.text


def test_a_slow_body_gets_408_and_the_connection_closes(small_server: LiveServer) -> None:
    with socket.create_connection(("127.0.0.1", small_server.port), timeout=5) as sock:
        head = "".join(f"{k}: {v}\r\n" for k, v in _keyed(small_server).items())
        sock.sendall(f"POST /api/v1/users HTTP/1.1\r\nHost: x\r\n{head}Content-Length: 100\r\n\r\n{{".encode())
        started = time.monotonic()
        status, headers, body = _raw_response(sock)
        assert time.monotonic() - started < 4
        assert status == 408 and headers.get("connection") == "close"
        assert json.loads(body)["code"] == "request_timeout"
        assert sock.recv(1) == b""  # closed by the server


def test_routes_without_a_key_still_answer(small_server: LiveServer) -> None:
    assert httpx.get(f"{small_server.base_url}/api/v1/health").json() == {"status": "ok"}
    assert httpx.get(f"{small_server.base_url}/openapi.json").status_code == 200
    big = httpx.post(f"{small_server.base_url}/api/v1/health", content=b"x" * 70_000)
    assert big.status_code == 413


def test_only_served_paths_need_a_key(small_server: LiveServer) -> None:
    """A path no route serves is the plain 404 without a key; a served one, with any method, is 401 first."""
    unknown = httpx.post(f"{small_server.base_url}/api/v1/nothing-here", json={"a": 1})
    assert (unknown.status_code, unknown.text) == (404, "404 page not found")
    assert httpx.patch(f"{small_server.base_url}/api/v1/users/alice").status_code == 401
    too_big = httpx.post(f"{small_server.base_url}/api/v1/nothing-here", content=b"x" * 70_000)
    assert too_big.status_code == 413  # no key, no route: 64 KiB at most, like the health check


def test_the_embedded_app_has_the_same_body_limit(tmp_path: Path) -> None:
    embedded = EmbeddedApp.open(tmp_path / "embedded", run_worker=False, max_body_bytes=LIMIT)
    try:
        with httpx.Client(transport=embedded.sync_transport(), base_url=embedded.base_url) as http:
            assert http.post("/api/v1/users", json={"custom_user_id": "u"}).status_code == 201
            big = http.post("/api/v1/users", json={"custom_user_id": "v", "metadata": {"a": "x" * LIMIT}})
            assert big.status_code == 413 and big.json()["code"] == "request_too_large"
            assert http.get("/api/v1/users").json()["total"] == 1
    finally:
        embedded.close()


def _serve(app: object) -> tuple[uvicorn.Server, threading.Thread, int]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    return server, thread, port


def test_a_500_keeps_the_connection(engine: Engine) -> None:
    """An unexpected error is answered with the JSON 500 by the guard, so uvicorn keeps the connection."""
    app = create_app(engine, fixed_project_id=engine.projects.ensure_default().id)

    @app.get("/api/v1/broken")
    def broken() -> None:
        raise RuntimeError("a bug")

    server, thread, port = _serve(app)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        _health_on(conn)
        sock = conn.sock
        conn.request("GET", "/api/v1/broken")
        response = conn.getresponse()
        assert response.status == 500
        assert json.loads(response.read()) == {"detail": "Internal server error", "code": "internal_error"}
        _health_on(conn)
        assert conn.sock is sock
    finally:
        conn.close()
        server.should_exit = True
        thread.join(10)
