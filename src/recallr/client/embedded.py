"""The in-process transport: the same FastAPI app, called without sockets or keys."""

from __future__ import annotations

import asyncio
import atexit
import threading
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx

from ..server.deps import INLINE_SCOPE_KEY


class EmbeddedApp:
    """An engine, its worker thread and its app over one data directory.

    ``close()`` stops the worker cleanly: it stops claiming, finishes or gives back the session in flight (queued
    again at once, no attempt used) and waits for its threads, then closes the database. It also runs at
    interpreter exit for an app never closed, before Python finalises: native threads (onnxruntime) still running
    then would abort the host program.

    Example::

        app = EmbeddedApp.open("./recallr-data")
        client = httpx.Client(transport=app.sync_transport(), base_url=app.base_url)
    """

    base_url = "http://recallr.embedded"

    def __init__(self, engine: Any, app: Any, worker: Any | None) -> None:
        self.engine = engine
        self.app = app
        self.worker = worker
        self._close_lock = threading.Lock()
        self._closed = False
        atexit.register(self.close)

    @classmethod
    def open(cls, data_dir: str | Path | None = None, *, settings: Any | None = None, **overrides: Any) -> EmbeddedApp:
        from ..bootstrap import Engine
        from ..server import create_app
        from ..settings import Settings

        if settings is None:
            if data_dir is not None:
                overrides["data_dir"] = Path(data_dir)
            settings = Settings(**overrides)
        engine = Engine(settings)
        project = engine.projects.ensure_default()
        app = create_app(engine, fixed_project_id=project.id)
        worker = engine.worker() if settings.run_worker else None
        if worker is not None:
            worker.start()
        return cls(engine, app, worker)

    def async_transport(self) -> httpx.AsyncBaseTransport:
        return httpx.ASGITransport(app=self.app)

    def sync_transport(self) -> httpx.BaseTransport:
        return _SyncASGITransport(self)

    def close(self) -> None:
        """Stop the worker (finishing or giving back its session) and close the database; idempotent."""
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
        atexit.unregister(self.close)
        if self.worker is not None and not self.worker.stop():
            return  # a loop is still busy (a hung LLM call): leave it its database; its lease runs out
        self.engine.close()


class _SyncASGITransport(httpx.BaseTransport):
    """Sync requests into the ASGI app on the caller's own thread (one event loop per thread).

    The scope carries ``recallr.inline`` so routes call the engine directly instead of hopping to a
    worker thread: the caller is blocked anyway, and each hop would cost scheduling latency.
    """

    def __init__(self, embedded: EmbeddedApp) -> None:
        self.embedded = embedded
        self._local = threading.local()
        self._loops: list[asyncio.AbstractEventLoop] = []

    def _loop(self) -> asyncio.AbstractEventLoop:
        loop = getattr(self._local, "loop", None)
        if loop is None:
            loop = asyncio.new_event_loop()
            self._local.loop = loop
            self._loops.append(loop)
        return loop

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        url = request.url
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": request.method,
            "scheme": url.scheme, "path": unquote(url.path), "raw_path": url.raw_path.split(b"?")[0],
            "query_string": url.query, "root_path": "", "server": (url.host, url.port or 80),
            "client": ("127.0.0.1", 0), "headers": [(k.lower(), v) for k, v in request.headers.raw],
            INLINE_SCOPE_KEY: True,
        }
        status = 500
        headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []
        sent = False
        finished = asyncio.Event()

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:  # the client stays connected until the whole response has been sent
                await finished.wait()
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status, headers = message["status"], list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    finished.set()

        self._loop().run_until_complete(self.embedded.app(scope, receive, send))
        return httpx.Response(status, headers=headers, content=b"".join(chunks), request=request)

    def close(self) -> None:
        for loop in self._loops:
            loop.close()
        self._loops.clear()
