"""JSON log lines: one object per line, whatever the message or traceback holds."""

from __future__ import annotations

import json
import logging

from recallr.logs import JsonFormatter, logging_config, request_id
from recallr.settings import Settings


def _record(message: str, **extra: object) -> logging.LogRecord:
    record = logging.LogRecord("recallr.worker", logging.ERROR, __file__, 1, message, (), None)
    record.__dict__.update(extra)
    return record


def test_a_traceback_and_newlines_stay_on_one_line() -> None:
    try:
        raise ValueError("bad\nvalue")
    except ValueError:
        import sys

        record = logging.LogRecord("recallr", logging.ERROR, __file__, 1, "two\nlines", (), sys.exc_info())
    line = JsonFormatter().format(record)
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["message"] == "two\nlines" and "ValueError: bad" in parsed["exception"]
    assert parsed["level"] == "ERROR" and parsed["time"].endswith("Z")


def test_lines_written_while_serving_a_request_carry_its_id() -> None:
    token = request_id.set("req-1")
    try:
        inside = json.loads(JsonFormatter().format(_record("inside")))
    finally:
        request_id.reset(token)
    outside = json.loads(JsonFormatter().format(_record("outside")))
    assert inside["request_id"] == "req-1" and "request_id" not in outside


def test_access_fields_are_kept() -> None:
    line = json.loads(JsonFormatter().format(_record("GET", route="/api/v1/users/{user_id}", status=200,
                                                     duration_ms=1.5, project_id="p1", method="GET")))
    assert (line["route"], line["status"], line["duration_ms"], line["project_id"]) == \
        ("/api/v1/users/{user_id}", 200, 1.5, "p1")


def test_text_is_the_default_and_json_replaces_uvicorns_access_lines() -> None:
    assert "()" not in logging_config(Settings())["formatters"]["recallr"]
    config = logging_config(Settings(log_format="json"))
    assert config["formatters"]["recallr"]["()"].endswith("JsonFormatter")
    assert config["loggers"]["uvicorn.access"]["handlers"] == []
