"""The ASGI entry point for ``recallr serve``: the app, its engine and an in-process worker."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from ..bootstrap import Engine
from ..settings import Settings
from .app import create_app

log = logging.getLogger("recallr.server")


def build(settings: Settings | None = None) -> FastAPI:
    """The served app; the worker thread runs for the app's lifetime when ``run_worker`` is set.

    uvicorn calls this as a factory (``recallr.server.asgi:build``), so each worker process builds its own.
    """
    settings = settings or Settings()
    engine = Engine(settings)
    app = create_app(engine)
    worker = engine.worker() if settings.run_worker else None

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if worker is not None:
            worker.start()
        try:
            yield
        finally:
            await app.state.mcp.aclose()
            if worker is not None:
                worker.stop()
            engine.close()

    app.router.lifespan_context = lifespan
    return app
