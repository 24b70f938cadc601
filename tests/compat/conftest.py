"""Fixtures that run the *official* ``recallrai`` SDK (PyPI, 0.6.6) against a real ``recallr serve``.

* ``official_sdk_python``: a virtualenv with ``recallrai==0.6.6``, cached in ``tests/.cache/recallrai-venv``
  (rebuilt only when its marker file is missing or the SDK no longer imports).
* ``live_server``: ``recallr init`` + ``recallr serve`` as subprocesses of this interpreter, on a free port.
* ``sdk``: runs scenario scripts with the SDK's interpreter (see ``sdk_driver.py``) and returns what they emit.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import httpx
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SDK_VERSION = "0.6.6"
CACHE_DIR = REPO_ROOT / "tests" / ".cache"
SDK_VENV = CACHE_DIR / "recallrai-venv"
SDK_MARKER = SDK_VENV / f".recallrai-{SDK_VERSION}-installed"
DRIVER_PREAMBLE = Path(__file__).with_name("sdk_driver.py")
RESULT_MARKER = "@@RECALLR-COMPAT-RESULT@@"
SERVER_ENV = {"RECALLR_WORKER_POLL_SECONDS": "0.1", "RECALLR_MIN_AUTO_PROCESS_SECONDS": "0"}


class LiveServer(NamedTuple):
    base_url: str
    project_id: str
    api_key: str


class Project(NamedTuple):
    project_id: str
    api_key: str


def _clean_env(**extra: str) -> dict[str, str]:
    """os.environ without RECALLR_* (e.g. a CI database URL) or PYTHON* variables, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RECALLR_", "PYTHONPATH", "PYTHONHOME"))}
    env.update(extra)
    return env


# --- the official SDK's virtualenv ----------------------------------------------------------------

def _venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _sdk_version(python: Path) -> str | None:
    if not python.exists():
        return None
    probe = subprocess.run([str(python), "-c", "import recallrai; print(recallrai.__version__)"],
                           capture_output=True, text=True, timeout=60, env=_clean_env(), check=False)
    return probe.stdout.strip() if probe.returncode == 0 else None


@contextlib.contextmanager
def _cache_lock() -> Iterator[None]:
    """Serialise venv creation between concurrent pytest processes (e.g. xdist workers) on POSIX."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    ignore = CACHE_DIR / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# created by tests/compat/conftest.py\n*\n")
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with (CACHE_DIR / ".recallrai-venv.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _run_checked(args: list[str], what: str, timeout: float) -> None:
    done = subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=_clean_env(), check=False)
    if done.returncode != 0:
        pytest.fail(f"{what} failed (exit {done.returncode}):\n{done.stdout}\n{done.stderr}", pytrace=False)


@pytest.fixture(scope="session")
def official_sdk_python() -> Path:
    """The python of a virtualenv holding the official ``recallrai==0.6.6`` (installed from PyPI once)."""
    python = _venv_python(SDK_VENV)
    with _cache_lock():
        if SDK_MARKER.exists() and _sdk_version(python) == SDK_VERSION:
            return python
        shutil.rmtree(SDK_VENV, ignore_errors=True)
        _run_checked([sys.executable, "-m", "venv", str(SDK_VENV)], "creating the SDK virtualenv", 300)
        _run_checked([str(python), "-m", "pip", "install", "--disable-pip-version-check", "--quiet",
                      f"recallrai=={SDK_VERSION}"], f"pip install recallrai=={SDK_VERSION}", 600)
        installed = _sdk_version(python)
        if installed != SDK_VERSION:
            pytest.fail(f"the SDK virtualenv imports recallrai {installed!r}, expected {SDK_VERSION}", pytrace=False)
        SDK_MARKER.write_text(f"recallrai=={SDK_VERSION}\n")
    return python


# --- the server -----------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def recallr_init(data_dir: Path) -> Project:
    """``recallr init --data-dir DIR --json`` with this interpreter: a new project and its key."""
    done = subprocess.run([sys.executable, "-m", "recallr", "init", "--data-dir", str(data_dir), "--json",
                           "--new-project"], capture_output=True, text=True, timeout=120, env=_clean_env(), check=False)
    if done.returncode != 0:
        pytest.fail(f"recallr init failed (exit {done.returncode}):\n{done.stdout}\n{done.stderr}", pytrace=False)
    created = json.loads(done.stdout.strip().splitlines()[-1])
    return Project(created["project_id"], created["api_key"])


@pytest.fixture(scope="session")
def compat_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("recallr-compat") / "data"


@pytest.fixture(scope="session")
def server_log(compat_data_dir: Path) -> Path:
    return compat_data_dir.parent / "server.log"


def _tail(path: Path, lines: int = 60) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no server log)"


def _wait_healthy(base_url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"recallr serve exited with {process.returncode}:\n{_tail(log)}", pytrace=False)
        try:
            if httpx.get(f"{base_url}/api/v1/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    pytest.fail(f"recallr serve did not answer /api/v1/health within {timeout:.0f} s:\n{_tail(log)}", pytrace=False)


@pytest.fixture(scope="session")
def live_server(compat_data_dir: Path, server_log: Path) -> Iterator[LiveServer]:
    """``recallr serve`` on 127.0.0.1:<free port> with fast polling and no auto-process minimum."""
    project = recallr_init(compat_data_dir)
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    args = [sys.executable, "-m", "recallr", "serve", "--data-dir", str(compat_data_dir),
            "--host", "127.0.0.1", "--port", str(port)]
    with server_log.open("wb") as log:
        process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=_clean_env(**SERVER_ENV))
        try:
            _wait_healthy(base_url, process, server_log)
            yield LiveServer(base_url, project.project_id, project.api_key)
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


@pytest.fixture(scope="session")
def other_project(live_server: LiveServer, compat_data_dir: Path) -> Project:
    """A second project in the same data directory (created while the server runs)."""
    return recallr_init(compat_data_dir)


# --- running scenarios with the official SDK ------------------------------------------------------

_AWAIT = re.compile(r"\bawait\s+")
_ASYNC = re.compile(r"\basync\s+(?=(?:def|with|for)\b)")


def to_sync(code: str) -> str:
    """The sync twin of an async scenario: the official sync and async SDKs differ only by await."""
    return _ASYNC.sub("", _AWAIT.sub("", code))


class SdkRunner:
    """Runs scenario code (the body of ``async def scenario(client)``) with the official SDK."""

    def __init__(self, python: Path, server: LiveServer, other: Project, workdir: Path, log: Path) -> None:
        self.python = python
        self.server = server
        self.other = other
        self.workdir = workdir
        self.log = log
        self.preamble = DRIVER_PREAMBLE.read_text()

    def script(self, mode: str, code: str) -> str:
        body = textwrap.indent(textwrap.dedent(code).strip("\n"), "    ")
        scenario = f"async def scenario(client):\n{body}\n\n\nrun(scenario)\n"
        return f"{self.preamble}\n\n# --- scenario ---\n{to_sync(scenario) if mode == 'sync' else scenario}"

    def run(self, mode: str, code: str, *, timeout: float = 120.0) -> dict[str, Any]:
        """Run ``code`` as a ``mode`` ("sync" or "async") scenario; what it emitted (plus ``prefix``)."""
        prefix = f"{mode}-{uuid.uuid4().hex[:10]}"
        path = self.workdir / f"{prefix}.py"
        path.write_text(self.script(mode, code))
        env = _clean_env(
            RECALLR_COMPAT_BASE_URL=self.server.base_url, RECALLR_COMPAT_PROJECT_ID=self.server.project_id,
            RECALLR_COMPAT_API_KEY=self.server.api_key, RECALLR_COMPAT_OTHER_PROJECT_ID=self.other.project_id,
            RECALLR_COMPAT_OTHER_API_KEY=self.other.api_key, RECALLR_COMPAT_PREFIX=prefix,
        )
        try:
            done = subprocess.run([str(self.python), str(path), mode], capture_output=True, text=True,
                                  timeout=timeout, env=env, cwd=self.workdir, check=False)
        except subprocess.TimeoutExpired as error:
            pytest.fail(f"driver {path} timed out after {timeout:.0f} s\n{error.stdout}\n{error.stderr}\n"
                        f"--- server log ---\n{_tail(self.log)}", pytrace=False)
        lines = [ln for ln in done.stdout.splitlines() if ln.startswith(RESULT_MARKER)]
        if done.returncode != 0 or not lines:
            pytest.fail(f"driver {path} failed (exit {done.returncode}):\n{done.stdout}\n{done.stderr}\n"
                        f"--- server log ---\n{_tail(self.log)}", pytrace=False)
        result: dict[str, Any] = json.loads(lines[-1][len(RESULT_MARKER):])
        return result


@pytest.fixture(scope="session")
def sdk(official_sdk_python: Path, live_server: LiveServer, other_project: Project, server_log: Path,
        tmp_path_factory: pytest.TempPathFactory) -> SdkRunner:
    return SdkRunner(official_sdk_python, live_server, other_project, tmp_path_factory.mktemp("sdk-scripts"),
                     server_log)
