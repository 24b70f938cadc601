"""An idle connection outlives clients' own idle limit, so a client never reuses one the server is closing."""

from __future__ import annotations

import http.client
import time

from tests.conftest import LiveServer


def test_an_idle_connection_stays_open_past_httpx_keepalive_expiry(live_server: LiveServer) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", live_server.port, timeout=5)
    try:
        conn.request("GET", "/api/v1/health")
        first = conn.getresponse()
        assert (first.status, first.read()) == (200, b'{"status":"ok"}')
        sock = conn.sock
        time.sleep(6)  # httpx keeps an idle connection for 5 s; uvicorn's own default closes it at 5 s
        conn.request("GET", "/api/v1/health")  # on the same socket: it raises if the server closed it
        second = conn.getresponse()
        assert (second.status, second.read()) == (200, b'{"status":"ok"}') and conn.sock is sock
    finally:
        conn.close()
