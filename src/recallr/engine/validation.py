"""Documented limits on input; each breach is a ``ValidationError`` (HTTP 422) saying what is wrong.

Every check here is linear in the size of its input (no regex on user text, no recursion on user nesting).
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from ..exceptions import ValidationError
from ..settings import Settings

MAX_PAGE_LIMIT = 1000
MAX_OFFSET = 10_000_000
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
#: A custom session clock must start inside these years: processing works with dates years before and after it.
EARLIEST_CLOCK = datetime(1900, 1, 1, tzinfo=UTC)
LATEST_CLOCK = datetime(2200, 1, 1, tzinfo=UTC)
MAX_TIMEZONE_CHARS = 255
#: A JSON filter sent in the query may be this many times the metadata limit (``\\uXXXX`` escapes take 6 bytes).
FILTER_TEXT_FACTOR = 6
# Characters an id cannot hold: the official SDKs put the id into the URL path as it is, so these would change the
# path, start a query or fragment, be decoded, or vanish; the format characters make ids look like other ids.
_URL_SPECIAL = frozenset("/?#%")
_FORMAT_CHARS = frozenset("\u061c\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff")


def _text_problem(value: str) -> str | None:
    """Why no database can store ``value`` the same way, if it cannot: NUL (PostgreSQL refuses it) or a lone
    surrogate (not encodable as UTF-8)."""
    if "\x00" in value:
        return "must not contain NUL (U+0000) characters"
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "must be valid Unicode (it holds a lone surrogate)"
    return None


def text(value: str, *, field: str) -> str:
    """``value`` if every backend stores it faithfully; else a ValidationError naming ``field``."""
    problem = _text_problem(value)
    if problem is not None:
        raise ValidationError(f"{field} {problem}")
    return value


def user_id(value: str, settings: Settings, *, field: str = "user_id") -> str:
    """A user id every client can put in a URL path segment and get back unchanged (README "Limits")."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{field} must be a non-empty string")
    if len(value) > settings.max_user_id_length:
        raise ValidationError(f"{field} must be at most {settings.max_user_id_length} characters")
    text(value, field=field)
    if value in (".", ".."):
        raise ValidationError(f"{field} must not be '.' or '..' (URL path segments clients rewrite)")
    for ch in value:
        if ch in _URL_SPECIAL:
            raise ValidationError(f"{field} must not contain {ch!r} (clients put the id in the URL path unescaped)")
        if ch in _FORMAT_CHARS or unicodedata.category(ch) == "Cc":
            raise ValidationError(f"{field} must not contain control, line-separator or bidirectional-override "
                                  f"characters (found U+{ord(ch):04X})")
    return value


def _walk(value: Any) -> Iterator[tuple[Any, tuple[Any, ...], int]]:
    """Every value inside a JSON document with its path and depth (the top object or array is depth 1), without
    recursion, so a hostile nesting depth cannot exhaust the stack."""
    stack: list[tuple[Any, tuple[Any, ...], int]] = [(value, (), 1)]
    while stack:
        item, path, depth = stack.pop()
        yield item, path, depth
        if isinstance(item, dict):
            stack.extend((v, (*path, k), depth + 1) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((v, (*path, i), depth + 1) for i, v in enumerate(item))


def _shown(part: Any) -> str:
    """A path element safe to echo in an error: short, escaped, valid Unicode."""
    raw = str(part)[:40].encode("utf-8", "backslashreplace").decode()
    shown = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in raw)
    return shown if len(shown) <= 40 else shown[:40] + "..."


def _where(field: str, path: tuple[Any, ...]) -> str:
    parts = path if len(path) <= 6 else (*path[:3], "...", path[-1])
    return ".".join([name for name in (field, *(_shown(p) for p in parts)) if name]) or "body"


def json_value(value: Any, *, field: str, max_depth: int | None = None, max_keys: int | None = None) -> Any:
    """A JSON value every backend stores and compares alike: finite numbers, integers within 64 bits, strings and
    keys without NUL or lone surrogates; at most ``max_depth`` levels of nesting and ``max_keys`` object keys.

    One fast pass (about 0.1 µs a value: request bodies are checked on the event loop); only when it finds a
    problem does a second pass, with paths, say where."""
    depth, keys = _fast_scan(value)
    if max_depth is not None and depth > max_depth:
        raise ValidationError(f"{field} is nested more than {max_depth} levels deep")
    if max_keys is not None and keys > max_keys:
        raise ValidationError(f"{field} has more than {max_keys} keys")
    if keys >= 0:
        return value
    for item, path, _ in _walk(value):
        problem = _value_problem(item)
        if problem is None and isinstance(item, dict):
            problem = next((f"(a key) {p}" for p in map(_text_problem, item) if p is not None), None)
        if problem is not None:
            raise ValidationError(f"{_where(field, path)} {problem}")
    raise AssertionError("unreachable: the fast scan found a problem")  # pragma: no cover


def _fast_scan(value: Any) -> tuple[int, int]:
    """``(deepest nesting, number of keys)``; keys is -1 when some value or key is one json_value refuses."""
    deepest, keys = 0, 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    texts: list[str] = []
    while stack:
        item, depth = stack.pop()
        members: Iterable[Any]
        if isinstance(item, dict):
            keys += len(item)
            texts.extend(item)
            members = item.values()
        elif isinstance(item, list):
            members = item
        else:
            members = (item,)
            depth -= 1
        deepest = max(deepest, depth)
        for member in members:
            kind = type(member)
            if kind is str:
                texts.append(member)
            elif kind is int:
                if not INT64_MIN <= member <= INT64_MAX:
                    return deepest, -1
            elif kind is float:
                if member - member != 0.0:  # NaN or an infinity
                    return deepest, -1
            elif kind is dict or kind is list:
                stack.append((member, depth + 1))
            elif _value_problem(member) is not None:
                return deepest, -1
    joined = "".join(texts)  # one C-speed check over every string and key
    return deepest, (keys if _text_problem(joined) is None else -1)


def _value_problem(item: Any) -> str | None:
    if isinstance(item, str):
        return _text_problem(item)
    if isinstance(item, float) and not math.isfinite(item):
        return "must be a finite number (not NaN or Infinity)"
    if isinstance(item, int) and not isinstance(item, bool) and not INT64_MIN <= item <= INT64_MAX:
        return "must be an integer within 64 bits"
    return None


#: What ``parse_json(..., syntax_errors=False)`` returns for text that is not JSON at all.
UNPARSED = object()


def parse_json(raw: str | bytes, *, field: str, syntax_errors: bool = True) -> Any:
    """``json.loads`` whose every failure is a ValidationError (bad syntax, too many digits, too deep); with
    ``syntax_errors=False`` text that is not JSON gives ``UNPARSED`` instead (for a caller that lets another
    layer word that error)."""
    try:
        return json.loads(raw)
    except json.JSONDecodeError as error:
        if not syntax_errors:
            return UNPARSED
        raise ValidationError(f"{field} is not valid JSON: {error.msg} at position {error.pos}") from error
    except RecursionError as error:
        raise ValidationError(f"{field} is nested too deeply") from error
    except UnicodeDecodeError as error:
        raise ValidationError(f"{field} is not valid UTF-8 text") from error
    except ValueError as error:  # Python refuses integers of more than 4300 digits
        raise ValidationError(f"{field} holds a number with too many digits") from error


def metadata(value: Any, settings: Settings, *, field: str = "metadata") -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValidationError(f"{field} must be a JSON object")
    json_value(value, field=field, max_depth=settings.max_metadata_depth)
    size = len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())
    if size > settings.max_metadata_bytes:
        raise ValidationError(f"{field} is {size} bytes as JSON; the limit is {settings.max_metadata_bytes}")
    return value


def metadata_filter(raw: str | None, settings: Settings, *, field: str = "metadata_filter") -> dict[str, Any] | None:
    """Parse and check a metadata filter sent as a JSON string in the query."""
    if raw is None or raw == "":
        return None
    limit = settings.max_metadata_bytes * FILTER_TEXT_FACTOR
    if len(raw) > limit:
        raise ValidationError(f"{field} is {len(raw)} characters; the limit is {limit}")
    return filter_object(parse_json(raw, field=field), settings, field=field)


def filter_object(value: Any, settings: Settings, *, field: str = "metadata_filter") -> dict[str, Any] | None:
    """A metadata filter: a JSON object a stored metadata object could match, with at most ``max_filter_keys``."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValidationError(f"{field} must be a JSON object")
    json_value(value, field=field, max_depth=settings.max_metadata_depth, max_keys=settings.max_filter_keys)
    return value


def content(value: str, settings: Settings) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("message content must be a non-empty string")
    if len(value) > settings.max_message_chars:
        raise ValidationError(f"message content is {len(value)} characters; the limit is {settings.max_message_chars}")
    return text(value, field="message content")


def utc_datetime(value: datetime | None, *, field: str) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(f"{field} must be timezone-aware (UTC), e.g. 2025-01-01T12:00:00+00:00")
    if value.utcoffset() != timedelta(0):
        raise ValidationError(f"{field} must be in UTC (offset +00:00), got offset {value.utcoffset()}")
    return value


def session_clock(value: datetime | None, *, field: str = "custom_created_at_utc") -> datetime | None:
    """A custom session start: UTC, and far enough from year 1 and 9999 for processing's date arithmetic."""
    value = utc_datetime(value, field=field)
    if value is not None and not EARLIEST_CLOCK <= value < LATEST_CLOCK:
        raise ValidationError(f"{field} must be between {EARLIEST_CLOCK.date()} and {LATEST_CLOCK.date()} "
                              "(exclusive)")
    return value


def timezone_name(value: str | None) -> str | None:
    if value is not None and (len(value) > MAX_TIMEZONE_CHARS or not value):
        raise ValidationError(f"timezone must be 1-{MAX_TIMEZONE_CHARS} characters (an IANA name)")
    return value


def page(offset: int, limit: int, *, max_limit: int = MAX_PAGE_LIMIT) -> tuple[int, int]:
    if offset < 0 or offset > MAX_OFFSET:
        raise ValidationError(f"offset must be between 0 and {MAX_OFFSET}")
    if limit < 1 or limit > max_limit:
        raise ValidationError(f"limit must be between 1 and {max_limit}")
    return offset, limit


def auto_process_seconds(value: int | None, settings: Settings) -> int | None:
    if value is None:
        return None
    if value < settings.min_auto_process_seconds:
        raise ValidationError(f"auto_process_after_seconds must be at least {settings.min_auto_process_seconds}")
    if value > 365 * 86_400:
        raise ValidationError("auto_process_after_seconds must be at most one year (31536000)")
    return value
