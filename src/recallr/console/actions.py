"""The console's changes on a user: process or delete a session, delete a memory, answer a merge conflict, and
the context playground. Each is a POST with a CSRF token, made through the public API."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ..types import MergeConflictStatus
from .api import q
from .security import Account, ConsoleError, field
from .user_pages import _NOTICES, STRATEGIES, user_view
from .web import AccountDep, change, console_of, redirect, render, user_url

router = APIRouter(prefix="/console/users/{user_id}", include_in_schema=False)

MAX_QUESTION = 2000
MAX_RECALLED_SHOWN = 20
PLAYGROUND_METADATA = {"recallr_console": "context playground"}

for _status in MergeConflictStatus:
    _NOTICES[f"conflict-{_status.value.lower()}"] = f"Answer recorded: the merge conflict is now {_status.value}."


@router.post("/sessions/{session_id}/process")
async def process_session(request: Request, user_id: str, session_id: str, account: AccountDep) -> Response:
    await change(request, account)
    await console_of(request).api.call(account, "POST", f"/users/{q(user_id)}/sessions/{q(session_id)}/process")
    return redirect(user_url(user_id, "?notice=processing#sessions"))


@router.post("/sessions/{session_id}/delete")
async def delete_session(request: Request, user_id: str, session_id: str, account: AccountDep) -> Response:
    await change(request, account)
    await console_of(request).api.call(account, "DELETE", f"/users/{q(user_id)}/sessions/{q(session_id)}")
    return redirect(user_url(user_id, "?notice=session-deleted#sessions"))


@router.post("/memories/{memory_id}/delete")
async def delete_memory(request: Request, user_id: str, memory_id: str, account: AccountDep) -> Response:
    await change(request, account)
    await console_of(request).api.call(account, "DELETE", f"/users/{q(user_id)}/memory/{q(memory_id)}")
    return redirect(user_url(user_id, "?notice=memory-deleted#memories"))


@router.post("/merge-conflicts/{conflict_id}/resolve")
async def resolve_conflict(request: Request, user_id: str, conflict_id: str, account: AccountDep) -> Response:
    """Answers each clarifying question with the chosen option (the questions are read from the API, not the form)."""
    form = await change(request, account)
    api = console_of(request).api
    path = f"/users/{q(user_id)}/merge-conflicts/{q(conflict_id)}"
    conflict = await api.call(account, "GET", path)
    answers = []
    for number, question in enumerate(conflict["clarifying_questions"], start=1):
        answer = field(form, f"answer-{number}", max_chars=2000, label=f"The answer to question {number}")
        if question["options"] and answer not in question["options"]:
            raise ConsoleError(422, f"The answer to question {number} must be one of its options.")
        answers.append({"question": question["question"], "answer": answer})
    resolved = await api.call(account, "POST", f"{path}/resolve",
                              json={"answers": {"question_answers": answers}})
    return redirect(user_url(user_id, f"?notice=conflict-{resolved['status'].lower()}#conflicts"))


@router.post("/context")
async def context_playground(request: Request, user_id: str, account: AccountDep) -> HTMLResponse:
    """Recall for a question, as the SDK sees it: the question goes into a scratch session (not processed, deleted
    right after), whose context is asked with ``include_metadata_ids``."""
    form = await change(request, account)
    question = field(form, "question", max_chars=MAX_QUESTION, label="Question")
    strategy = field(form, "strategy", max_chars=20, label="Strategy")
    if strategy not in STRATEGIES:
        raise ConsoleError(422, f"Strategy must be one of: {', '.join(STRATEGIES)}.")
    timezone = field(form, "timezone", max_chars=64, label="Timezone", required=False).strip()
    result = await _recall(console_of(request).api, account, user_id, question, strategy, timezone)
    view = await user_view(request, account, user_id)
    view.update(playground=result, question=question, strategy=strategy)
    return render(request, "user.html", account=account, notice="", **view)


async def _recall(api: Any, account: Account, user_id: str, question: str, strategy: str,
                  timezone: str) -> dict[str, Any]:
    base = f"/users/{q(user_id)}"
    scratch = await api.call(account, "POST", f"{base}/sessions",
                             json={"auto_process_after_seconds": None, "metadata": PLAYGROUND_METADATA})
    session_path = f"{base}/sessions/{q(scratch['session_id'])}"
    try:
        await api.call(account, "POST", f"{session_path}/add-message", json={"message": question, "role": "user"})
        params = {"recall_strategy": strategy, "include_metadata_ids": "true"}
        if timezone:
            params["timezone"] = timezone
        answer, elapsed = await api.timed(account, "GET", f"{session_path}/context", params=params)
    finally:
        await api.call(account, "DELETE", session_path)
    metadata = answer.get("metadata") or {}
    ids = list(metadata.get("memory_ids") or [])[:MAX_RECALLED_SHOWN]
    recalled = await asyncio.gather(*[
        api.call(account, "GET", f"{base}/memory/{q(i)}", params={"include_previous_versions": "false",
                                                                    "include_connected_memories": "false"})
        for i in ids])
    scratch_id = scratch["session_id"]
    from_memories = {(s["session_id"], s["message_index"]) for m in recalled for s in m.get("sources", [])}
    other = [s for s in metadata.get("sources") or [] if s.get("session_id") != scratch_id
             and (s.get("session_id"), s.get("message_index")) not in from_memories]
    return {"context": answer.get("context") or "", "latency_ms": elapsed,
            "strategy_used": metadata.get("recall_strategy_used", strategy),
            "keywords": metadata.get("keywords") or [], "date_filters": metadata.get("date_range_filters") or [],
            "memories": recalled, "more_memories": max(0, len(metadata.get("memory_ids") or []) - len(ids)),
            "other_sources": other, "reasoning": metadata.get("agent_reasoning") or []}
