"""A real local model for the test suite: llama.cpp servers as subprocesses, and a recording proxy in front.

The servers and the model come from ``scripts/install_llama_server.py`` (built once, cached outside the repo).
``RecordingProxy`` sits on loopback between Recallr and the server and keeps every exchange (request body,
status, answer, the server's own ``usage`` and ``finish_reason``), so tests compare Recallr's counters with
what the server reported and see every request Recallr sent. The benchmark (benchmarks/llm_ingest.py
``--real``) uses the same pieces.

Example::

    paths = install()                         # {"python": ..., "model": ..., "llama_server": ...}
    with LlamaServer("llama-cpp-python", paths) as server, RecordingProxy(server.url) as proxy:
        ...  # RECALLR_LLM_BASE_URL=proxy.url, RECALLR_LLM_MODEL=server.model
"""

from __future__ import annotations

import http.client
import http.server
import importlib.util
import json
import re
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
INSTALLER = REPO / "scripts" / "install_llama_server.py"
MODEL_ALIAS = "smollm2-135m"
TASK = re.compile(r"Recallr task: ([a-z_]+)")
_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "proxy-connection", "upgrade"}


def installer() -> Any:
    """scripts/install_llama_server.py as a module (it is a script, not part of the package)."""
    spec = importlib.util.spec_from_file_location("install_llama_server", INSTALLER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def install(*, llama_server: bool = True) -> dict[str, str] | None:
    """Run the installer (fast when cached); None when this machine cannot build (no compiler or cmake)."""
    cmd = [sys.executable, str(INSTALLER), "--json", *(["--llama-server"] if llama_server else [])]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode == installer().NO_TOOLCHAIN:
        return None
    if done.returncode != 0:
        raise RuntimeError(f"install_llama_server.py failed ({done.returncode}): {done.stderr[-2000:]}")
    result: dict[str, str] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LlamaServer:
    """``llama-cpp-python``'s server or llama.cpp's ``llama-server`` on a loopback port, one slot, the GGUF."""

    def __init__(self, kind: str, paths: dict[str, str], *, n_ctx: int = 8192, threads: int = 2,
                 log_dir: Path | None = None) -> None:
        self.kind = kind
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/v1"
        self.model = MODEL_ALIAS
        host = ["--host", "127.0.0.1", "--port", str(self.port)]
        if kind == "llama-cpp-python":
            self.cmd = [paths["python"], "-m", "llama_cpp.server", "--model", paths["model"], *host,
                        "--n_ctx", str(n_ctx), "--n_threads", str(threads), "--model_alias", MODEL_ALIAS]
        elif kind == "llama-server":
            self.cmd = [paths["llama_server"], "-m", paths["model"], *host, "-c", str(n_ctx), "-np", "1",
                        "-t", str(threads), "-a", MODEL_ALIAS]
        else:
            raise ValueError(f"unknown server kind {kind!r}")
        self.log = (log_dir or Path(paths["model"]).parent) / f"{kind}-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> LlamaServer:
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(self.cmd, stdout=out, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = self.log.read_text(errors="replace")[-1500:]
                raise RuntimeError(f"{self.kind} exited with {self.process.returncode} "
                                   f"(-4 is SIGILL: built for other CPU features):\n{tail}")
            if self._ready():
                return self
            time.sleep(0.5)
        self.__exit__()
        raise RuntimeError(f"{self.kind} did not answer /v1/models within 180 s; log: {self.log}")

    def _ready(self) -> bool:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            conn.request("GET", "/v1/models")
            return conn.getresponse().status == 200
        except OSError:
            return False
        finally:
            conn.close()

    def __exit__(self, *_: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


@dataclass
class Exchange:
    """One request through the proxy and the server's answer."""

    method: str
    path: str
    body: bytes
    started: float
    status: int = 0
    answer: bytes = b""
    ended: float = 0.0
    error: str | None = None  # the proxy lost the client or the server mid-way

    @property
    def json(self) -> dict[str, Any]:
        try:
            value = json.loads(self.body or b"{}")
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    @property
    def task(self) -> str | None:
        for message in self.json.get("messages", []):
            if message.get("role") == "system":
                match = TASK.search(str(message.get("content", ""))[:200])
                return match.group(1) if match else None
        return None

    @property
    def is_chat(self) -> bool:
        return self.path.endswith("/chat/completions")

    def _answer_objects(self) -> list[dict[str, Any]]:
        text = self.answer.decode("utf-8", "replace")
        if text.lstrip().startswith("{"):
            try:
                return [json.loads(text)]
            except ValueError:
                return []
        objects = []  # server-sent events: data: {...}
        for line in text.splitlines():
            if line.startswith("data:") and line[5:].strip() not in ("", "[DONE]"):
                try:
                    objects.append(json.loads(line[5:]))
                except ValueError:
                    continue
        return objects

    @property
    def usage(self) -> tuple[int, int] | None:
        """(prompt, completion) tokens as the server reported them, if it answered with usage."""
        for obj in reversed(self._answer_objects()):
            usage = obj.get("usage")
            if isinstance(usage, dict) and "prompt_tokens" in usage:
                return int(usage["prompt_tokens"]), int(usage.get("completion_tokens") or 0)
        return None

    @property
    def finish_reason(self) -> str | None:
        for obj in reversed(self._answer_objects()):
            for choice in obj.get("choices") or []:
                if choice.get("finish_reason"):
                    return str(choice["finish_reason"])
        return None

    @property
    def seconds(self) -> float:
        return (self.ended or time.monotonic()) - self.started  # still running: so far


@dataclass
class _State:
    upstream: tuple[str, int]
    exchanges: list[Exchange] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    refusing: bool = False


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state: _State  # set on the subclass made per proxy

    def log_message(self, *_: Any) -> None:  # quiet
        return

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        exchange = Exchange(self.command, self.path, body, time.monotonic())
        with self.state.lock:
            self.state.exchanges.append(exchange)
            refusing = self.state.refusing
        if refusing:
            self.close_connection = True
            exchange.error, exchange.ended = "refused", time.monotonic()
            return
        conn = http.client.HTTPConnection(*self.state.upstream, timeout=3600)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP and k.lower() != "host"}
            conn.request(self.command, self.path, body=body or None, headers=headers)
            response = conn.getresponse()
            exchange.status = response.status
            self.send_response(response.status)
            for key, value in response.getheaders():
                if key.lower() not in _HOP:
                    self.send_header(key, value)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            while chunk := response.read1(65536):
                exchange.answer += chunk
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
        except OSError as error:  # the client gave up (timeout) or the server went away
            exchange.error = f"{type(error).__name__}: {error}"
            self.close_connection = True
        finally:
            exchange.ended = time.monotonic()
            conn.close()

    do_GET = do_POST = _forward


class RecordingProxy:
    """A loopback HTTP proxy to ``upstream`` (a ``http://host:port/v1`` URL) that records every exchange."""

    def __init__(self, upstream: str) -> None:
        host_port = upstream.split("://", 1)[1].split("/", 1)[0]
        host, _, port = host_port.partition(":")
        self.state = _State((host, int(port or 80)))
        handler = type("Handler", (_Handler,), {"state": self.state})
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True, name="llm-proxy")

    @property
    def exchanges(self) -> list[Exchange]:
        with self.state.lock:
            return list(self.state.exchanges)

    def chats(self) -> list[Exchange]:
        return [e for e in self.exchanges if e.is_chat]

    def clear(self) -> None:
        with self.state.lock:
            self.state.exchanges.clear()

    def refuse(self) -> None:
        """Answer nothing from now on (Recallr's requests fail at once), e.g. before shutting a client down."""
        with self.state.lock:
            self.state.refusing = True

    def __enter__(self) -> RecordingProxy:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.refuse()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)
