"""Metrics across processes: ``recallr serve --workers N`` and ``recallr worker`` (see the README, "Monitoring").

Example::

    with metrics_for_processes(settings) as settings:   # pools N uvicorn processes' metrics when N > 1
        uvicorn.run(...)
    stop = worker_metrics(engine)                      # a worker process's own metrics port, or None
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..settings import Settings
from ..store import Database
from . import attach, load_prometheus, scrape_registry, serve_separately


@contextmanager
def metrics_for_processes(settings: Settings) -> Iterator[Settings]:
    """With metrics on, check prometheus-client is installed; for several uvicorn processes, pool their metrics in
    a multiprocess directory (a fresh one unless given) and serve a separate metrics port from this process."""
    if not settings.metrics or settings.workers == 1:
        if settings.metrics:
            load_prometheus(settings)  # the install hint now, not in the server's first log lines
        yield settings
        return
    own_dir = None
    if settings.metrics_multiprocess_dir is None:
        own_dir = Path(tempfile.mkdtemp(prefix="recallr-metrics-"))
        os.environ["RECALLR_METRICS_MULTIPROCESS_DIR"] = str(own_dir)  # read by the worker processes' Settings
        settings = settings.model_copy(update={"metrics_multiprocess_dir": own_dir})
    stop, db = None, None
    try:
        if settings.metrics_port is not None:
            db = Database(settings.resolved_database_url)  # for the queue and session counts
            stop = serve_separately(settings, scrape_registry(settings, db, None))
        yield settings
    finally:
        if stop is not None:
            stop()
        if db is not None:
            db.close()
        if own_dir is not None:
            shutil.rmtree(own_dir, ignore_errors=True)


def worker_metrics(engine: Any) -> Callable[[], None] | None:
    """A worker process's metrics: its own port, or the multiprocess directory a local server scrapes."""
    settings = engine.settings
    telemetry = attach(engine)
    if telemetry is None or settings.metrics_port is None:
        if telemetry is not None and settings.metrics_multiprocess_dir is None:
            logging.getLogger("recallr.worker").warning(
                "RECALLR_METRICS is on but this worker has nowhere to serve them: set RECALLR_METRICS_PORT")
        return None
    return serve_separately(settings, scrape_registry(settings, engine.db, telemetry))
