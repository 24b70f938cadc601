"""Killing `recallr serve` with SIGKILL mid-write loses nothing it acknowledged."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from ..conftest import free_port


@contextmanager
def serve(data_dir: Path, port: int) -> Iterator[subprocess.Popen[bytes]]:
    env = {**os.environ, "RECALLR_RUN_WORKER": "false"}
    proc = subprocess.Popen([sys.executable, "-m", "recallr", "serve", "--data-dir", str(data_dir), "--port",
                             str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert proc.poll() is None and time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(10)


def test_sigkill_during_writes_keeps_every_acknowledged_message(tmp_path: Path) -> None:
    data = tmp_path / "data"
    creds = json.loads(subprocess.run([sys.executable, "-m", "recallr", "init", "--data-dir", str(data), "--json"],
                                      check=True, capture_output=True, text=True).stdout)
    headers = {"X-Recallr-Api-Key": creds["api_key"], "X-Recallr-Project-Id": creds["project_id"]}
    port = free_port()
    base = f"http://127.0.0.1:{port}/api/v1"
    acknowledged: list[str] = []
    with serve(data, port) as proc:
        with httpx.Client(headers=headers) as http:
            http.post(f"{base}/users", json={"custom_user_id": "u"}).raise_for_status()
            sid = http.post(f"{base}/users/u/sessions", json={}).json()["session_id"]

        def writer(worker: int) -> None:
            with httpx.Client(headers=headers, timeout=5) as http:
                for i in range(100_000):
                    text = f"w{worker}-{i}"
                    try:
                        response = http.post(f"{base}/users/u/sessions/{sid}/add-message",
                                             json={"message": text, "role": "user"})
                    except httpx.HTTPError:
                        return
                    if response.status_code == 200:
                        acknowledged.append(text)

        threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
        for t in threads:
            t.start()
        time.sleep(1.5)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        for t in threads:
            t.join(10)
    assert len(acknowledged) > 20
    with serve(data, port), httpx.Client(headers=headers) as http:
        page = http.get(f"{base}/users/u/sessions/{sid}/messages", params={"limit": 1000, "offset": 0}).json()
        stored = [m["content"] for m in page["messages"]]
        offset = len(stored)
        while offset < page["total"]:
            more = http.get(f"{base}/users/u/sessions/{sid}/messages", params={"limit": 1000, "offset": offset})
            stored += [m["content"] for m in more.json()["messages"]]
            offset = len(stored)
    missing = set(acknowledged) - set(stored)
    assert not missing, f"{len(missing)} acknowledged messages lost"
    assert len(stored) <= len(acknowledged) + 4  # at most one in-flight, unacknowledged write per writer
    assert [int(m["message_index"]) for m in page["messages"]] == list(range(len(page["messages"])))
