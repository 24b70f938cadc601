"""An idle connection outlives clients' own idle limit, so a client never reuses one the server is closing."""

from __future__ import annotations

import socket
import time

from tests.conftest import LiveServer

REQUEST = b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def _exchange(sock: socket.socket) -> bytes:
    sock.sendall(REQUEST)
    return sock.recv(65536)


def test_an_idle_connection_stays_open_past_httpx_keepalive_expiry(live_server: LiveServer) -> None:
    with socket.create_connection(("127.0.0.1", live_server.port), timeout=5) as sock:
        assert _exchange(sock).startswith(b"HTTP/1.1 200")
        time.sleep(6)  # httpx keeps an idle connection for 5 s; uvicorn's own default would close it at 5 s
        assert _exchange(sock).startswith(b"HTTP/1.1 200")
