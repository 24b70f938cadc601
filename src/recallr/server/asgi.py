"""The ASGI entry point for ``recallr serve``: the app with MCP at ``/mcp``, its engine and an in-process worker."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from ..bootstrap import Engine
from ..mcp.http import mount as mount_mcp
from ..metrics import serve_separately
from ..settings import Settings
from .app import create_app

log = logging.getLogger("recallr.server")


def build(settings: Settings | None = None) -> FastAPI:
    """The served app; the worker thread runs for the app's lifetime when ``run_worker`` is set.

    uvicorn calls this as a factory (``recallr.server.asgi:build``), so each worker process builds its own.
    """
    settings = settings or Settings()
    engine = Engine(settings)
    app = create_app(engine, mounts=[mount_mcp])  # MCP over HTTP (README, "Use it from an AI assistant")
    worker = engine.worker() if settings.run_worker else None
    # The separate metrics port: served here by a single process; `recallr serve --workers N` serves it from the
    # parent process instead (one port cannot be bound by N processes).
    separate = app.state.metrics_registry is not None and settings.metrics_port is not None and settings.workers == 1

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        stop_metrics = serve_separately(settings, app.state.metrics_registry) if separate else None
        if worker is not None:
            worker.start()
        try:
            yield
        finally:
            await app.state.mcp.aclose()
            if worker is not None:
                worker.stop()
            if stop_metrics is not None:
                stop_metrics()
            engine.close()

    app.router.lifespan_context = lifespan
    return app
