"""The in-process transport: the same FastAPI app, called without sockets or keys."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import httpx


class EmbeddedApp:
    """An engine, its worker thread and its app over one data directory.

    Example::

        app = EmbeddedApp.open("./recallr-data")
        client = httpx.Client(transport=app.sync_transport(), base_url=app.base_url)
    """

    base_url = "http://recallr.embedded"

    def __init__(self, engine: Any, app: Any, worker: Any | None) -> None:
        self.engine = engine
        self.app = app
        self.worker = worker
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    @classmethod
    def open(cls, data_dir: str | Path | None = None, *, settings: Any | None = None, **overrides: Any) -> EmbeddedApp:
        from ..engine import Engine
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

    def _run(self, coro: Any) -> Any:
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
            self._thread = threading.Thread(target=self._loop.run_forever, name="recallr-embedded", daemon=True)
            self._thread.start()
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    def close(self) -> None:
        if self.worker is not None:
            self.worker.stop()
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            if self._thread is not None:
                self._thread.join(5)
            self._loop.close()
            self._loop = None
        self.engine.close()


class _SyncASGITransport(httpx.BaseTransport):
    """Sync requests into the ASGI app, run on the embedded app's event-loop thread."""

    def __init__(self, embedded: EmbeddedApp) -> None:
        self.embedded = embedded
        self.inner = httpx.ASGITransport(app=embedded.app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()

        async def call() -> httpx.Response:
            async_request = httpx.Request(request.method, request.url, headers=request.headers, content=body)
            response = await self.inner.handle_async_request(async_request)
            content = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=content)

        return self.embedded._run(call())  # type: ignore[no-any-return]
