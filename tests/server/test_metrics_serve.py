"""``recallr serve`` as an operator runs it: JSON logs, a separate metrics port, several worker processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx
import pytest

from ..conftest import free_port
from .test_metrics import value

SRC = str(Path(__file__).resolve().parents[2] / "src")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECALLR_")}
    env["PYTHONPATH"] = os.pathsep.join([SRC, os.environ.get("PYTHONPATH", "")])
    env.update(extra)
    return env


@contextmanager
def serving(data_dir: Path, *args: str, **env: str) -> Iterator[tuple[str, dict[str, str], subprocess.Popen[str]]]:
    """``recallr serve`` in a subprocess: (base URL, auth headers, process); stderr is read after it stops."""
    created = subprocess.run([sys.executable, "-m", "recallr", "init", "--data-dir", str(data_dir), "--json"],
                             check=True, capture_output=True, text=True, env=_env())
    creds = json.loads(created.stdout)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "recallr", "serve", "--data-dir", str(data_dir), "--port",
                             str(port), *args], env=_env(**env), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(f"recallr serve did not start: {proc.stderr.read() if proc.stderr else ''}")
            time.sleep(0.1)
        yield base, {"X-Recallr-Api-Key": creds["api_key"], "X-Recallr-Project-Id": creds["project_id"]}, proc
    finally:
        proc.terminate()
        proc.wait(20)
        if proc.stderr is not None:
            proc.stderr.close()


@pytest.mark.slow
def test_json_logs_and_a_separate_metrics_port(tmp_path: Path) -> None:
    metrics_port = free_port()
    with serving(tmp_path / "data", RECALLR_LOG_FORMAT="json", RECALLR_METRICS="true",
                 RECALLR_METRICS_PORT=str(metrics_port)) as (base, headers, proc):
        with httpx.Client(base_url=base, headers=headers) as http:
            assert http.post("/api/v1/users", json={"custom_user_id": "alice-private-id", "metadata": {}},
                             headers={"X-Request-Id": "trace-42"}).status_code == 201
            assert http.get("/api/v1/users/nobody-private").status_code == 404
        assert httpx.get(f"{base}/api/v1/users", headers={**headers, "X-Recallr-Api-Key": "rai_wrong"}
                         ).status_code == 401
        assert httpx.get(f"{base}/metrics").status_code == 404  # only on the metrics port
        scrape = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics").text
        proc.terminate()
        _, stderr = proc.communicate(timeout=20)
    assert value(scrape, "recallr_http_requests_total", method="POST", route="/api/v1/users", status="201") == 1
    assert value(scrape, "recallr_http_requests_total", route="/api/v1/users/{user_id}", status="404") == 1
    assert value(scrape, "recallr_database_up") == 1

    lines = [json.loads(line) for line in stderr.splitlines() if line.strip()]  # every line is one JSON object
    assert all({"time", "level", "logger", "message"} <= line.keys() for line in lines)
    access = [line for line in lines if line["logger"] == "recallr.access"]
    created = next(line for line in access if line.get("request_id") == "trace-42")
    assert created["project_id"] == headers["X-Recallr-Project-Id"]
    assert (created["method"], created["route"], created["status"]) == ("POST", "/api/v1/users", 201)
    assert created["duration_ms"] > 0
    refused = next(line for line in access if line["status"] == 401)
    assert "project_id" not in refused  # not authenticated: no project to name
    assert all(len(line["request_id"]) == 32 for line in access if line is not created)
    assert headers["X-Recallr-Api-Key"] not in stderr and "rai_wrong" not in stderr
    assert "alice-private-id" not in stderr and "nobody-private" not in stderr


@pytest.mark.slow
@pytest.mark.parametrize("separate_port", [pytest.param(False, id="api-port"), pytest.param(True, id="own-port")])
def test_several_worker_processes_are_counted_together(tmp_path: Path, separate_port: bool) -> None:
    metrics_port = free_port()
    args = ("--metrics-port", str(metrics_port)) if separate_port else ()
    with serving(tmp_path / "data", "--workers", "2", "--metrics", *args) as (base, _, _proc):
        # new connections, so both processes answer some of them
        answered = sum(httpx.get(f"{base}/api/v1/health").status_code == 200 for _ in range(30))
        url = f"http://127.0.0.1:{metrics_port}/metrics" if separate_port else f"{base}/metrics"
        scrapes = [httpx.get(url).text for _ in range(4)]
    for scrape in scrapes:  # whichever process answers the scrape reports every process's requests
        assert value(scrape, "recallr_http_requests_total", route="/api/v1/health", status="200") >= answered


def _run(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    block = "import sys; sys.modules['prometheus_client'] = None\n"  # as if prometheus-client were not installed
    return subprocess.run([sys.executable, "-c", block + textwrap.dedent(code)], env=_env(), cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)


def test_metrics_without_prometheus_client_say_what_to_install(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "recallr", "init", "--data-dir", "data"], cwd=tmp_path, env=_env(),
                   check=True, capture_output=True)
    done = _run("""
        import sys
        from recallr.cli import main
        sys.argv = ["recallr", "serve", "--data-dir", "data", "--metrics"]
        main()
    """, tmp_path)
    assert done.returncode == 1
    assert "pip install 'recallr-memory[metrics]'" in done.stderr and "Traceback" not in done.stderr


def test_the_api_needs_no_prometheus_client_when_metrics_are_off(tmp_path: Path) -> None:
    done = _run("""
        from fastapi.testclient import TestClient
        from recallr.bootstrap import Engine
        from recallr.server import create_app
        from recallr.settings import Settings

        from recallr import RecallrAI

        engine = Engine(Settings(data_dir="data", run_worker=False))
        with TestClient(create_app(engine)) as http:
            print(http.get("/api/v1/health").status_code, http.get("/metrics").status_code)
        engine.close()
        # The embedded client serves nobody: metrics on or off, it needs no prometheus-client.
        with RecallrAI.embedded("embedded", run_worker=False, metrics=True) as client:
            print(client.create_user("u").user_id)
    """, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["200", "404", "u"]


@pytest.mark.slow
def test_a_worker_process_serves_its_own_metrics(tmp_path: Path) -> None:
    from recallr import RecallrAI
    from recallr.models import MessageRole

    metrics_port = free_port()
    with serving(tmp_path / "data", "--no-worker") as (base, headers, _):
        with RecallrAI(headers["X-Recallr-Api-Key"], headers["X-Recallr-Project-Id"], base_url=base) as client:
            session = client.create_user("u").create_session()
            session.add_message(MessageRole.USER, "I moved to Lyon last spring.")
            session.process()
        worker = subprocess.Popen([sys.executable, "-m", "recallr", "worker", "--data-dir", str(tmp_path / "data"),
                                   "--metrics-port", str(metrics_port)], env=_env(RECALLR_METRICS="true"),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline, text = time.monotonic() + 60, ""
            while value(text, "recallr_messages_processed_total") < 1 and time.monotonic() < deadline:
                time.sleep(0.2)
                with suppress(httpx.HTTPError):
                    text = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics").text
        finally:
            worker.terminate()
            worker.wait(20)
    assert value(text, "recallr_messages_processed_total") == 1
    assert value(text, "recallr_processing_attempts_total", kind="session", outcome="succeeded") == 1
