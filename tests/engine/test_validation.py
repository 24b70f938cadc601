"""JSON values every backend stores alike, metadata and filter limits, the session clock and timezone bounds."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from recallr.engine import validation
from recallr.exceptions import ValidationError
from recallr.settings import Settings

SETTINGS = Settings()


@pytest.mark.parametrize(("value", "message"), [
    pytest.param({"a": float("nan")}, "m.a must be a finite number", id="nan"),
    pytest.param({"a": [1, {"b": float("-inf")}]}, "m.a.1.b must be a finite number", id="nested-infinity"),
    pytest.param({"a": 2**63}, "m.a must be an integer within 64 bits", id="int-above"),
    pytest.param({"a": -(2**63) - 1}, "m.a must be an integer within 64 bits", id="int-below"),
    pytest.param({"a": "x\x00"}, "m.a must not contain NUL", id="nul-value"),
    pytest.param({"a\x00": 1}, "m (a key) must not contain NUL", id="nul-key"),
    pytest.param({"a": ["ok", "\ud800"]}, "m.a.1 must be valid Unicode", id="surrogate-value"),
    pytest.param({"x": {"\udfff": 1}}, "m.x (a key) must be valid Unicode", id="surrogate-key"),
])
def test_values_no_backend_stores_alike_are_named(value: Any, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validation.json_value(value, field="m")
    assert message in caught.value.message
    caught.value.message.encode("utf-8")  # the message itself is always sendable


@pytest.mark.parametrize("value", [
    pytest.param({"a": True, "b": None, "c": 2**63 - 1, "d": -(2**63), "e": 1.5e308, "f": "😀 ok"}, id="edges"),
    pytest.param([], id="empty-list"), pytest.param("text", id="scalar"), pytest.param({"é": {"ü": ["x"]}}, id="utf8"),
])
def test_ordinary_values_pass(value: Any) -> None:
    assert validation.json_value(value, field="m") is value


def test_a_problem_key_is_echoed_short_and_escaped() -> None:
    with pytest.raises(ValidationError) as caught:
        validation.json_value({"\u2028" * 100: {"k": float("nan")}}, field="m")
    assert "\\u2028" not in caught.value.message and "\\x2028" in caught.value.message
    assert len(caught.value.message) < 250


def test_metadata_depth_counts_the_object_itself() -> None:
    def nested(levels: int) -> dict[str, Any]:
        value: dict[str, Any] = {}
        for _ in range(levels - 1):
            value = {"a": value}
        return value

    limit = SETTINGS.max_metadata_depth
    assert validation.metadata(nested(limit), SETTINGS)
    with pytest.raises(ValidationError, match=f"nested more than {limit} levels"):
        validation.metadata(nested(limit + 1), SETTINGS)


@pytest.mark.parametrize(("raw", "message"), [
    pytest.param("[1]", "must be a JSON object", id="not-object"),
    pytest.param("{bad", "not valid JSON", id="syntax"),
    pytest.param('{"a":' + "1" * 5000 + "}", "too many digits", id="digits"),
    pytest.param("[" * 100_000 + "]" * 100_000, "too long", id="longer-than-allowed"),
    pytest.param("[" * 10_000 + "]" * 10_000, "nested too deeply", id="recursion"),
    pytest.param(json.dumps({f"k{i}": {"x": i} for i in range(40)}), "more than 64 keys", id="wide-counting-levels"),
    pytest.param('{"a": 1e400}', "finite", id="overflowing-float"),
])
def test_filters_are_refused_with_a_reason(raw: str, message: str) -> None:
    settings = Settings(max_metadata_bytes=16384)
    if message == "too long":
        settings = Settings(max_metadata_bytes=1024)
        message = "the limit is 6144"
    with pytest.raises(ValidationError, match=message):
        validation.metadata_filter(raw, settings)


@pytest.mark.parametrize("when", [
    pytest.param(datetime(1, 1, 1, tzinfo=UTC), id="year-1"),
    pytest.param(datetime(1899, 12, 31, 23, 59, tzinfo=UTC), id="before-1900"),
    pytest.param(datetime(2200, 1, 1, tzinfo=UTC), id="2200"),
    pytest.param(datetime(9999, 12, 31, tzinfo=UTC), id="year-9999"),
])
def test_session_clocks_far_from_now_are_refused(when: datetime) -> None:
    with pytest.raises(ValidationError, match="custom_created_at_utc must be between"):
        validation.session_clock(when)


@pytest.mark.parametrize("name", [pytest.param("A" * 256, id="long"), pytest.param("", id="empty")])
def test_timezone_names_are_bounded(name: str) -> None:
    with pytest.raises(ValidationError, match="timezone"):
        validation.timezone_name(name)
