"""A user's page (memories, sessions, merge conflicts, context playground), a memory, a session's messages."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from ..types import RecallStrategy
from .api import q
from .security import Account
from .web import PAGE_SIZE, AccountDep, console_of, render, user_url

router = APIRouter(prefix="/console/users/{user_id}", include_in_schema=False)

Offset = Annotated[int, Query(ge=0, le=10_000_000)]
MESSAGES_PAGE = 50
STRATEGIES = [s.value for s in RecallStrategy]

_NOTICES = {
    "processing": "Session queued for processing: memories appear when the worker is done (reload the page).",
    "session-deleted": "Session deleted.",
    "memory-deleted": "Memory deleted.",
}


async def user_view(request: Request, account: Account, user_id: str, *, category: str = "", session: str = "",
                    offset: int = 0, sessions_offset: int = 0) -> dict[str, Any]:
    """Everything the user's page shows, read through the API in parallel."""
    api = console_of(request).api
    base = f"/users/{q(user_id)}"
    memory_params: dict[str, Any] = {"offset": offset, "limit": PAGE_SIZE}
    if category:
        memory_params["categories"] = [category]
    if session:
        memory_params["session_id_filter"] = [session]
    user = await api.call(account, "GET", base)  # first, alone: an unknown user is one clear 404
    memories, sessions, all_sessions, conflicts, categories = await asyncio.gather(
        api.call(account, "GET", f"{base}/memories", params=memory_params),
        api.call(account, "GET", f"{base}/sessions", params={"offset": sessions_offset, "limit": PAGE_SIZE}),
        api.call(account, "GET", f"{base}/sessions", params={"limit": 100}),
        api.call(account, "GET", f"{base}/merge-conflicts", params={"limit": 20, "sort_order": "desc"}),
        api.call(account, "GET", "/categories"),
    )
    return {"user": user, "memories": memories, "sessions": sessions, "session_choices": all_sessions["sessions"],
            "conflicts": conflicts, "categories": categories["categories"], "category": category,
            "session": session, "offset": offset, "sessions_offset": sessions_offset, "strategies": STRATEGIES,
            "user_url": user_url(user_id), "playground": None, "question": "", "strategy": "balanced"}


@router.get("")
async def user_page(request: Request, user_id: str, account: AccountDep, offset: Offset = 0,
                    sessions_offset: Offset = 0, category: Annotated[str, Query(max_length=64)] = "",
                    session: Annotated[str, Query(max_length=64)] = "",
                    notice: Annotated[str, Query(max_length=40)] = "") -> HTMLResponse:
    view = await user_view(request, account, user_id, category=category, session=session, offset=offset,
                           sessions_offset=sessions_offset)
    return render(request, "user.html", account=account, notice=_NOTICES.get(notice, ""), **view)


@router.get("/memories/{memory_id}")
async def memory_page(request: Request, user_id: str, memory_id: str, account: AccountDep) -> HTMLResponse:
    memory = await console_of(request).api.call(account, "GET", f"/users/{q(user_id)}/memory/{q(memory_id)}")
    return render(request, "memory.html", account=account, user_id=user_id, memory=memory,
                  user_url=user_url(user_id))


@router.get("/sessions/{session_id}")
async def session_page(request: Request, user_id: str, session_id: str, account: AccountDep,
                       highlight: Annotated[int | None, Query(ge=0, le=10_000_000)] = None,
                       offset: Annotated[int | None, Query(ge=0, le=10_000_000)] = None) -> HTMLResponse:
    """A session's messages; ``highlight`` is a message index (a memory's source), shown on its page and marked."""
    api = console_of(request).api
    base = f"/users/{q(user_id)}/sessions/{q(session_id)}"
    if offset is None:
        offset = 0 if highlight is None else highlight - highlight % MESSAGES_PAGE
    session, messages, summary = await asyncio.gather(
        api.call(account, "GET", base),
        api.call(account, "GET", f"{base}/messages", params={"offset": offset, "limit": MESSAGES_PAGE}),
        api.call(account, "GET", f"{base}/summary"),
    )
    return render(request, "session.html", account=account, user_id=user_id, session=session, messages=messages,
                  summary=summary, highlight=highlight, offset=offset, messages_page=MESSAGES_PAGE,
                  user_url=user_url(user_id))


@router.get("/sessions/{session_id}/delete")
async def confirm_session_delete(request: Request, user_id: str, session_id: str, account: AccountDep) -> HTMLResponse:
    session = await console_of(request).api.call(account, "GET", f"/users/{q(user_id)}/sessions/{q(session_id)}")
    return render(request, "confirm.html", account=account, title="Delete this session?",
                  what=f"Session {session['session_id']} and its {session['message_count']} messages will be deleted. "
                       "Memories formed from it stay.",
                  action=user_url(user_id, f"/sessions/{q(session_id)}/delete"), cancel=user_url(user_id))


@router.get("/memories/{memory_id}/delete")
async def confirm_memory_delete(request: Request, user_id: str, memory_id: str, account: AccountDep) -> HTMLResponse:
    memory = await console_of(request).api.call(account, "GET", f"/users/{q(user_id)}/memory/{q(memory_id)}",
                                                params={"include_previous_versions": "false",
                                                        "include_connected_memories": "false"})
    return render(request, "confirm.html", account=account, title="Delete this memory?",
                  what=f"\u201c{memory['content']}\u201d will be deleted; recall will no longer use it.",
                  action=user_url(user_id, f"/memories/{q(memory_id)}/delete"), cancel=user_url(user_id))
