"""Prometheus metrics for ``recallr serve`` and ``recallr worker`` (optional: the ``metrics`` extra).

The engine reports events through ``recallr.engine.telemetry``; ``PrometheusTelemetry`` turns them into counters
and histograms, and ``DatabaseCollector`` reads the queue and session counts from the database at scrape time,
so those are global whatever number of processes runs. ``prometheus_client`` is imported only here, lazily.

Example::

    telemetry = attach(engine)                       # None unless settings.metrics
    registry = scrape_registry(engine.settings, engine.db, telemetry)
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from ..exceptions import ConfigurationError
from ..settings import Settings

INSTALL_HINT = ("metrics need the prometheus-client package (the metrics extra of recallr-memory): "
                "pip install 'recallr-memory[metrics]' or pip install 'prometheus-client>=0.20'")


def load_prometheus(settings: Settings) -> Any:
    """The ``prometheus_client`` module, in multiprocess mode when ``metrics_multiprocess_dir`` is set; a
    ``ConfigurationError`` with the install command when it is missing."""
    if settings.metrics_multiprocess_dir is not None:
        # prometheus_client picks its value store from this variable when first imported: set it before.
        settings.metrics_multiprocess_dir.mkdir(parents=True, exist_ok=True)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(settings.metrics_multiprocess_dir)
    try:
        import prometheus_client
    except ImportError as error:
        raise ConfigurationError(INSTALL_HINT) from error
    return prometheus_client


def attach(engine: Any) -> Any:
    """Plug a ``PrometheusTelemetry`` into ``engine`` when its settings enable metrics; returns it (or None)."""
    if not engine.settings.metrics:
        return None
    load_prometheus(engine.settings)
    from .prometheus import PrometheusTelemetry

    telemetry = PrometheusTelemetry()
    engine.telemetry.attach(telemetry)
    return telemetry


def scrape_registry(settings: Settings, db: Any, telemetry: Any) -> Any:
    """The registry a scrape reads: this process's metrics (or every process's, in multiprocess mode) and the
    database's queue and session counts."""
    prometheus_client = load_prometheus(settings)
    from .prometheus import DatabaseCollector

    if settings.metrics_multiprocess_dir is not None:
        from prometheus_client import multiprocess

        registry = prometheus_client.CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = telemetry.registry if telemetry is not None else prometheus_client.CollectorRegistry()
    registry.register(DatabaseCollector(db))
    return registry


def serve_separately(settings: Settings, registry: Any) -> Callable[[], None]:
    """Serve ``registry`` at ``http://metrics_host:metrics_port/metrics`` from a daemon thread; returns the
    function that stops it and frees the port."""
    prometheus_client = load_prometheus(settings)
    server, thread = prometheus_client.start_http_server(settings.metrics_port, addr=settings.metrics_host,
                                                         registry=registry)

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(5)

    return stop
