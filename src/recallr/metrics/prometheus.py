"""The Prometheus observer of the engine, and the collector that reads queue sizes from the database.

Imported only once ``prometheus_client`` is known to be installed (``recallr.metrics.load_prometheus``).
Every metric and label is listed in the README's "Monitoring" section; keep the two in step.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Mapping
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from ..store import Database, now_us
from ..store import sessions as session_store

log = logging.getLogger("recallr.metrics")

#: How long the database's counts are reused between scrapes: however often /metrics is fetched, the database
#: answers at most one pair of counting queries per this many seconds.
QUERY_CACHE_SECONDS = 5.0
_REQUEST_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_RECALL_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_PROCESSING_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0)
_LLM_KINDS = (("retries", "retry"), ("fallbacks", "fallback"), ("failures", "failure"))
_MAX_LABEL = 64


def _bounded(value: str) -> str:
    return value[:_MAX_LABEL]


class PrometheusTelemetry:
    """``recallr.engine.telemetry.Telemetry`` as Prometheus counters and histograms in its own registry.

    In multiprocess mode the values live in files shared by the host's processes, whatever the registry.
    """

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self._request_children: dict[tuple[str, str, int], tuple[Any, Any]] = {}
        r = self.registry
        self.requests = Counter("recallr_http_requests", "HTTP requests answered, by method, route template and "
                                "status.", ["method", "route", "status"], registry=r)
        self.request_seconds = Histogram("recallr_http_request_duration_seconds", "Time from a request's arrival "
                                         "to the end of its response, by method, route template and status.",
                                         ["method", "route", "status"], buckets=_REQUEST_BUCKETS, registry=r)
        self.attempts = Counter("recallr_processing_attempts", "Processing attempts of sessions and merge "
                                "conflicts, by kind and outcome.", ["kind", "outcome"], registry=r)
        self.attempt_seconds = Histogram("recallr_processing_duration_seconds", "Duration of processing attempts, "
                                         "by kind and outcome.", ["kind", "outcome"], buckets=_PROCESSING_BUCKETS,
                                         registry=r)
        self.failures = Counter("recallr_processing_failures", "Failed processing attempts, by kind and reason "
                                "(the error's class name).", ["kind", "reason"], registry=r)
        self.messages = Counter("recallr_messages_processed", "Messages of sessions processed successfully.",
                                registry=r)
        self.failed_sessions = Counter("recallr_sessions_failed", "Sessions that used up their attempts and "
                                       "became failed.", registry=r)
        self.recall_seconds = Histogram("recallr_recall_duration_seconds", "get_context latency, by requested "
                                        "strategy.", ["strategy"], buckets=_RECALL_BUCKETS, registry=r)
        self.recall_errors = Counter("recallr_recall_errors", "get_context calls that ended in an error, by "
                                     "requested strategy.", ["strategy"], registry=r)
        self.llm_calls = Counter("recallr_llm_calls", "LLM requests answered, by task.", ["task"], registry=r)
        self.llm_tokens = Counter("recallr_llm_tokens", "LLM tokens, by task and kind (prompt, completion).",
                                  ["task", "kind"], registry=r)
        self.llm_errors = Counter("recallr_llm_errors", "LLM trouble by task and kind: retry (a request sent "
                                  "again), fallback (the step ran offline), failure (the step failed its work).",
                                  ["task", "kind"], registry=r)

    # -- Telemetry ------------------------------------------------------------------------------------------
    def request(self, method: str, route: str, status: int, seconds: float) -> None:
        # The labelled children are kept: ``labels()`` costs a lock and a lookup on every request otherwise.
        # Bounded: methods, route templates and status codes are small fixed sets.
        children = self._request_children.get((method, route, status))
        if children is None:
            code = str(status)
            children = (self.requests.labels(method, route, code), self.request_seconds.labels(method, route, code))
            self._request_children[(method, route, status)] = children
        children[0].inc()
        children[1].observe(seconds)

    def attempt(self, kind: str, outcome: str, seconds: float, *, reason: str | None = None) -> None:
        self.attempts.labels(kind, outcome).inc()
        self.attempt_seconds.labels(kind, outcome).observe(seconds)
        if reason is not None:
            self.failures.labels(kind, _bounded(reason)).inc()

    def messages_processed(self, count: int) -> None:
        self.messages.inc(count)

    def sessions_failed(self, count: int) -> None:
        self.failed_sessions.inc(count)

    def recall(self, strategy: str, seconds: float, *, ok: bool) -> None:
        self.recall_seconds.labels(strategy).observe(seconds)
        if not ok:
            self.recall_errors.labels(strategy).inc()

    def llm_usage(self, counts: Mapping[str, Mapping[str, int]]) -> None:
        for task, usage in counts.items():
            name = _bounded(task)
            if usage.get("calls"):
                self.llm_calls.labels(name).inc(usage["calls"])
            for kind in ("prompt", "completion"):
                if usage.get(f"{kind}_tokens"):
                    self.llm_tokens.labels(name, kind).inc(usage[f"{kind}_tokens"])
            for field, kind in _LLM_KINDS:
                if usage.get(field):
                    self.llm_errors.labels(name, kind).inc(usage[field])


class DatabaseCollector(Collector):
    """Scrape-time gauges: sessions by status and the processing queue (global: read from the database) and this
    process's database connections. A database that does not answer makes ``recallr_database_up`` 0, not an error.
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        self._lock = threading.Lock()
        self._cached: tuple[float, list[GaugeMetricFamily]] | None = None

    def describe(self) -> list[Any]:
        return []  # computed at scrape time: nothing to check at registration

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield from self._queue()
        open_connections, in_use = self.db.stats()
        yield GaugeMetricFamily("recallr_db_connections_open", "Database connections this process holds open "
                                "(one per thread that used the database).", value=open_connections)
        yield GaugeMetricFamily("recallr_db_connections_in_use", "Of those, connections inside a transaction at "
                                "scrape time.", value=in_use)

    def _queue(self) -> list[GaugeMetricFamily]:
        with self._lock:
            now = time.monotonic()
            if self._cached is None or now - self._cached[0] >= QUERY_CACHE_SECONDS:
                self._cached = (now, self._read())
            return self._cached[1]

    def _read(self) -> list[GaugeMetricFamily]:
        up = GaugeMetricFamily("recallr_database_up", "1 if the database answered the scrape's queries, else 0.")
        try:
            with self.db.read() as tx:
                by_status = session_store.count_by_status(tx)
                waiting, held, oldest = session_store.queue_depth(tx)
        except Exception as error:  # a scrape must answer even when the database does not
            log.warning("metrics: the database did not answer (%s)", type(error).__name__)
            up.add_metric([], 0)
            return [up]
        up.add_metric([], 1)
        sessions = GaugeMetricFamily("recallr_sessions", "Sessions by status.", labels=["status"])
        for status in ("pending", "processing", "processed", "failed"):
            sessions.add_metric([status], by_status.get(status, 0))
        age = 0.0 if oldest is None else max(0.0, (now_us() - oldest) / 1e6)
        return [up, sessions,
                GaugeMetricFamily("recallr_queue_depth", "Sessions queued for processing that no worker holds.",
                                  value=waiting),
                GaugeMetricFamily("recallr_sessions_in_progress", "Sessions a worker is processing now.", value=held),
                GaugeMetricFamily("recallr_queue_oldest_age_seconds", "How long the longest-waiting queued session "
                                  "has waited (0 if none waits).", value=age)]
