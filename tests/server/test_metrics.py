"""``/metrics`` after real traffic, request ids, and the metrics of processing, recall and LLM work.

Scrapes are parsed with prometheus-client's own parser; counters are asserted to have moved by what the test did.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from recallr import RecallrAI
from recallr.bootstrap import Engine
from recallr.engine.processing.pipeline import ProcessingContext
from recallr.exceptions import UserNotFoundError
from recallr.llm.usage import UsageMeter
from recallr.models import MessageRole

from ..conftest import LiveServer, make_settings, shared_embedder

USER = "user-7f3a9c1d-private"  # must never appear in a scrape or a label
ADD_MESSAGE = "/api/v1/users/{user_id}/sessions/{session_id}/add-message"


def samples(text: str) -> list[Any]:
    return [s for family in text_string_to_metric_families(text) for s in family.samples]


def value(text: str, name: str, **labels: str) -> float:
    """The sum of the samples called ``name`` whose labels include ``labels``."""
    return sum(s.value for s in samples(text) if s.name == name and labels.items() <= s.labels.items())


@pytest.fixture
def metered(tmp_path: Path, database_url: str | None) -> Iterator[LiveServer]:
    engine = Engine(make_settings(tmp_path / "data", database_url=database_url, metrics=True),
                    embedder=shared_embedder())
    with LiveServer(engine) as server:
        yield server
    engine.close()


def test_metrics_are_off_unless_enabled(live_server: LiveServer) -> None:
    response = httpx.get(f"{live_server.base_url}/metrics")
    assert response.status_code == 404
    assert response.text == "404 page not found"


def test_counters_move_with_real_traffic(metered: LiveServer) -> None:
    with RecallrAI(metered.api_key, metered.project.id, base_url=metered.base_url) as client:
        user = client.create_user(USER)
        session = user.create_session()
        for text in ("I live in Lyon and I'm allergic to peanuts.", "My sister Ana is a nurse in Porto."):
            session.add_message(MessageRole.USER, text)
        session.process(wait=True, poll_interval=0.05)
        assert session.status.value == "processed"
        session.get_context(recall_strategy="low_latency")
        session.get_context(recall_strategy="balanced")
        with pytest.raises(UserNotFoundError):
            client.get_user("nobody-here")
    scrape = httpx.get(f"{metered.base_url}/metrics")  # no key: metrics are not a tenant's
    assert scrape.status_code == 200
    assert scrape.headers["content-type"].startswith("text/plain; version=")
    text = scrape.text

    assert value(text, "recallr_http_requests_total", method="POST", route=ADD_MESSAGE, status="200") == 2
    assert value(text, "recallr_http_request_duration_seconds_count", route=ADD_MESSAGE) == 2
    assert value(text, "recallr_http_requests_total", route="/api/v1/users/{user_id}", status="404") == 1
    assert value(text, "recallr_messages_processed_total") == 2
    assert value(text, "recallr_processing_attempts_total", kind="session", outcome="succeeded") == 1
    assert value(text, "recallr_processing_duration_seconds_count", kind="session") == 1
    for strategy in ("low_latency", "balanced"):
        assert value(text, "recallr_recall_duration_seconds_count", strategy=strategy) == 1
    assert value(text, "recallr_sessions", status="processed") == 1
    assert value(text, "recallr_queue_depth") == 0
    assert value(text, "recallr_database_up") == 1
    assert value(text, "recallr_db_connections_open") >= 1

    routes = {s.labels["route"] for s in samples(text) if "route" in s.labels}
    assert ADD_MESSAGE in routes
    assert all(route.startswith("/") for route in routes), routes
    assert USER not in text and "nobody-here" not in text and metered.api_key not in text


def test_a_path_no_route_serves_is_one_label(metered: LiveServer) -> None:
    for path in ("/api/v2/users/a", "/api/v2/users/b", "/nothing/here"):
        assert httpx.get(f"{metered.base_url}{path}").status_code == 404
    text = httpx.get(f"{metered.base_url}/metrics").text
    assert value(text, "recallr_http_requests_total", route="unmatched", status="404") == 3
    assert "/api/v2" not in text and "/nothing" not in text


def test_refused_requests_keep_their_route(metered: LiveServer) -> None:
    wrong = {"X-Recallr-Api-Key": "rai_wrong", "X-Recallr-Project-Id": metered.project.id}
    assert httpx.get(f"{metered.base_url}/api/v1/users/{USER}", headers=wrong).status_code == 401
    text = httpx.get(f"{metered.base_url}/metrics").text
    assert value(text, "recallr_http_requests_total", method="GET", route="/api/v1/users/{user_id}",
                 status="401") == 1
    assert USER not in text


def test_odd_methods_do_not_become_labels(metered: LiveServer) -> None:
    response = httpx.request("BREW", f"{metered.base_url}/api/v1/health")
    assert response.status_code == 405
    text = httpx.get(f"{metered.base_url}/metrics").text
    assert value(text, "recallr_http_requests_total", method="OTHER", route="/api/v1/health", status="405") == 1
    assert "BREW" not in text


@pytest.mark.parametrize(("sent", "kept"), [
    pytest.param("req-123_abc.def:9", True, id="safe"),
    pytest.param("a" * 128, True, id="longest"),
    pytest.param("a" * 129, False, id="too-long"),
    pytest.param("two words", False, id="space"),
    pytest.param("x\"}{", False, id="quotes"),
    pytest.param("", False, id="empty"),
])
def test_request_ids_are_echoed_when_safe(live_server: LiveServer, sent: str, kept: bool) -> None:
    response = httpx.get(f"{live_server.base_url}/api/v1/health", headers={"X-Request-Id": sent})
    echoed = response.headers["x-request-id"]
    assert (echoed == sent) is kept
    if not kept:
        assert len(echoed) == 32 and all(c in "0123456789abcdef" for c in echoed)


def test_every_response_has_its_own_request_id(live_server: LiveServer) -> None:
    ids = {httpx.get(f"{live_server.base_url}/api/v1/health").headers["x-request-id"] for _ in range(3)}
    assert len(ids) == 3


class _FailingPipeline:
    def prepare(self, ctx: ProcessingContext) -> None:
        raise RuntimeError("the pipeline broke")

    def write(self, tx: Any, ctx: ProcessingContext) -> None:
        raise AssertionError("not reached")


def test_failed_attempts_are_counted_by_reason(tmp_path: Path) -> None:
    engine = Engine(make_settings(tmp_path / "data", metrics=True, max_attempts=2), embedder=shared_embedder())
    try:
        with LiveServer(engine) as server:
            server.worker.stop()  # this test drives its own worker
            with RecallrAI(server.api_key, server.project.id, base_url=server.base_url) as client:
                session = client.create_user("u").create_session()
                session.add_message(MessageRole.USER, "hello")
                session.process()
            worker = engine.worker()
            worker.pipeline = _FailingPipeline()  # type: ignore[assignment]
            for _ in range(2):
                worker.run_once()
                worker.maintain()
            text = httpx.get(f"{server.base_url}/metrics").text
    finally:
        engine.close()
    assert value(text, "recallr_processing_attempts_total", kind="session", outcome="failed") == 2
    assert value(text, "recallr_processing_failures_total", kind="session", reason="RuntimeError") == 2
    assert value(text, "recallr_sessions_failed_total") == 1
    assert value(text, "recallr_sessions", status="failed") == 1


def test_llm_usage_is_counted_by_task(metered: LiveServer) -> None:
    with RecallrAI(metered.api_key, metered.project.id, base_url=metered.base_url) as client:
        session = client.create_user("u").create_session()
    meter = UsageMeter()
    meter.call("extraction", prompt_tokens=800, completion_tokens=120, retries=1)
    meter.call("extraction", prompt_tokens=200, completion_tokens=30)
    meter.fallback("summary")
    metered.engine.llm.record(metered.project.id, session.session_id, meter, immediately=True)
    text = httpx.get(f"{metered.base_url}/metrics").text
    assert value(text, "recallr_llm_calls_total", task="extraction") == 2
    assert value(text, "recallr_llm_tokens_total", task="extraction", kind="prompt") == 1000
    assert value(text, "recallr_llm_tokens_total", task="extraction", kind="completion") == 150
    assert value(text, "recallr_llm_errors_total", task="extraction", kind="retry") == 1
    assert value(text, "recallr_llm_errors_total", task="summary", kind="fallback") == 1
