"""Preamble of the driver scripts run by the *official* ``recallrai`` SDK's interpreter.

Never imported by pytest (it imports ``recallrai``, which lives only in the SDK's own
virtualenv). ``conftest.SdkRunner`` copies this file's text into a temporary script,
appends a scenario::

    async def scenario(client):
        user = await client.create_user(uid("alice"))
        emit(user=user_dict(user))

    run(scenario)

and runs it as ``python script.py sync|async``. For ``sync`` the scenario's ``async``/``await``
keywords are removed, so one scenario text exercises both ``RecallrAI`` and ``AsyncRecallrAI``.
``capture``, ``guard``, ``pause`` and ``wait_status`` are awaitable in async mode and plain
calls in sync mode. Whatever the scenario ``emit``s is printed as one JSON line after
``RESULT_MARKER``.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import sys
import time
import traceback
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import recallrai
from recallrai import AsyncRecallrAI, RecallrAI
from recallrai.models import MessageRole, SessionStatus

MODE = sys.argv[1]
if MODE not in ("sync", "async"):
    raise SystemExit(f"mode must be sync or async, not {MODE!r}")

BASE_URL = os.environ["RECALLR_COMPAT_BASE_URL"]
PROJECT_ID = os.environ["RECALLR_COMPAT_PROJECT_ID"]
API_KEY = os.environ["RECALLR_COMPAT_API_KEY"]
OTHER_PROJECT_ID = os.environ.get("RECALLR_COMPAT_OTHER_PROJECT_ID", "")
OTHER_API_KEY = os.environ.get("RECALLR_COMPAT_OTHER_API_KEY", "")
PREFIX = os.environ["RECALLR_COMPAT_PREFIX"]
RESULT_MARKER = "@@RECALLR-COMPAT-RESULT@@"

USER, ASSISTANT = MessageRole.USER, MessageRole.ASSISTANT
PENDING, PROCESSING, PROCESSED, FAILED = (
    SessionStatus.PENDING, SessionStatus.PROCESSING, SessionStatus.PROCESSED, SessionStatus.FAILED,
)

_results: dict[str, Any] = {"prefix": PREFIX, "mode": MODE, "sdk_version": recallrai.__version__}


def uid(name: str) -> str:
    """A user id unique to this script run (every run gets its own PREFIX)."""
    return f"{PREFIX}-{name}"


def new_id() -> str:
    return str(uuid.uuid4())


def emit(**values: Any) -> None:
    _results.update(values)


def make_client(api_key: str | None = None, project_id: str | None = None) -> Any:
    """A client of this run's flavour (RecallrAI or AsyncRecallrAI) for the live server."""
    cls = AsyncRecallrAI if MODE == "async" else RecallrAI
    return cls(api_key=API_KEY if api_key is None else api_key,
               project_id=PROJECT_ID if project_id is None else project_id, base_url=BASE_URL)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _value(value: Any) -> Any:
    return getattr(value, "value", value)


def user_dict(user: Any) -> dict[str, Any]:
    return {"type": type(user).__name__, "user_id": user.user_id, "metadata": user.metadata,
            "merge_conflict_enabled": user.merge_conflict_enabled, "created_at": _iso(user.created_at),
            "last_active_at": _iso(user.last_active_at)}


def session_dict(session: Any) -> dict[str, Any]:
    return {"type": type(session).__name__, "session_id": session.session_id, "status": _value(session.status),
            "created_at": _iso(session.created_at), "metadata": session.metadata}


def message_dict(message: Any) -> dict[str, Any]:
    out = {"type": type(message).__name__, "role": _value(message.role), "content": message.content,
           "timestamp": _iso(message.timestamp)}
    if hasattr(message, "session_id"):
        out["session_id"] = message.session_id
    return out


def page_dict(page: Any) -> dict[str, Any]:
    """A UserList, SessionList or SessionMessagesList as plain data."""
    if hasattr(page, "users"):
        items = [user_dict(u) for u in page.users]
    elif hasattr(page, "sessions"):
        items = [session_dict(s) for s in page.sessions]
    else:
        items = [message_dict(m) for m in page.messages]
    return {"type": type(page).__name__, "items": items, "total": page.total, "has_more": page.has_more}


def messages_dict(messages_list: Any) -> list[dict[str, Any]]:
    """A UserMessagesList (get_last_n_messages) as plain data."""
    return [message_dict(m) for m in messages_list.messages]


def error_dict(error: BaseException) -> dict[str, Any]:
    return {"type": type(error).__name__, "module": type(error).__module__,
            "message": getattr(error, "message", str(error)), "http_status": getattr(error, "http_status", None)}


# --- helpers awaitable in async mode, plain calls in sync mode ---------------------------------

def _capture_sync(call: Any) -> dict[str, Any] | None:
    """The error ``call()`` raises, as a dict; None when it raises nothing."""
    try:
        call()
    except Exception as error:
        return error_dict(error)
    return None


async def _capture_async(call: Any) -> dict[str, Any] | None:
    try:
        result = call()
        if inspect.isawaitable(result):
            await result
    except Exception as error:
        return error_dict(error)
    return None


def _guard_sync(case: Any) -> Any:
    """Run a batch case; a failure outside ``capture`` (broken setup) is reported, not fatal."""
    try:
        return case()
    except Exception as error:
        return {"type": "CASE-SETUP-FAILED", "message": f"{error_dict(error)}\n{traceback.format_exc()}",
                "http_status": None}


async def _guard_async(case: Any) -> Any:
    try:
        return await case()
    except Exception as error:
        return {"type": "CASE-SETUP-FAILED", "message": f"{error_dict(error)}\n{traceback.format_exc()}",
                "http_status": None}


def _wait_status_sync(session: Any, wanted: str, timeout: float) -> list[str]:
    """Refresh ``session`` until its status is ``wanted``; the distinct statuses seen, in order."""
    deadline = time.monotonic() + timeout
    session.refresh()
    seen = [_value(session.status)]
    while seen[-1] != wanted and time.monotonic() < deadline:
        time.sleep(0.05)
        session.refresh()
        if _value(session.status) != seen[-1]:
            seen.append(_value(session.status))
    return seen


async def _wait_status_async(session: Any, wanted: str, timeout: float) -> list[str]:
    deadline = time.monotonic() + timeout
    await session.refresh()
    seen = [_value(session.status)]
    while seen[-1] != wanted and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
        await session.refresh()
        if _value(session.status) != seen[-1]:
            seen.append(_value(session.status))
    return seen


async def _pause_async(seconds: float) -> None:
    await asyncio.sleep(seconds)


if MODE == "async":
    capture, guard, wait_status, pause = _capture_async, _guard_async, _wait_status_async, _pause_async
else:
    capture, guard, wait_status, pause = _capture_sync, _guard_sync, _wait_status_sync, time.sleep


def run(scenario: Any) -> None:
    """Run ``scenario(client)`` with a client of this run's flavour, then print the results."""
    if MODE == "async":
        async def main() -> None:
            async with make_client() as client:
                await scenario(client)

        asyncio.run(main())
    else:
        scenario(make_client())
    print(RESULT_MARKER + json.dumps(_results, default=str))


__all__ = [
    "ASSISTANT", "FAILED", "OTHER_API_KEY", "OTHER_PROJECT_ID", "PENDING", "PROCESSED", "PROCESSING", "USER",
    "UTC", "capture", "datetime", "emit", "guard", "make_client", "messages_dict", "new_id", "page_dict", "pause",
    "run", "session_dict", "timedelta", "timezone", "uid", "user_dict", "wait_status",
]
