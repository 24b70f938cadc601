"""GET /api/v1/users/{user_id}/sessions/{session_id}/context: recall, as JSON or Server-Sent Events."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from ...engine.recall import RecallParams
from ...exceptions import RecallrAIError, to_body
from ...prompts.system_prompt import system_prompt
from ...types import RecallStrategy
from ..deps import BlockingDep, EngineDep, ProjectDep, QueryBool

router = APIRouter(prefix="/users/{user_id}/sessions/{session_id}", tags=["context"])


class ContextOut(BaseModel):
    """The answer of ``stream=false``, and the last event of ``stream=true`` (earlier events: progress only)."""

    is_final: bool
    status_update_message: str | None = None
    error_message: str | None = None
    context: str | None = None
    metadata: dict[str, Any] | None = Field(None, description="How recall ran: strategy used, counts, timings.")


_ANSWERS: dict[int | str, dict[str, Any]] = {200: {
    "model": ContextOut,
    "description": "The context; with `stream=true`, Server-Sent Events whose `data:` lines are ContextOut "
                   "objects, the last with `is_final: true`.",
    # OpenAPI 3.1: an event stream's schema describes one event; its data is a ContextOut as JSON.
    "content": {"text/event-stream": {"schema": {
        "type": "object", "required": ["data"],
        "properties": {"data": {"type": "string", "contentMediaType": "application/json",
                                "contentSchema": {"$ref": "#/components/schemas/ContextOut"}},
                       "event": {"type": "string"}, "id": {"type": "string"}},
    }}},
}}


@router.get("/context", response_model=None, responses=_ANSWERS)
async def get_context(
    user_id: str, session_id: str, engine: EngineDep, project_id: ProjectDep, run: BlockingDep,
    recall_strategy: RecallStrategy = RecallStrategy.BALANCED,
    min_top_k: Annotated[int, Query(ge=5, le=50)] = 15,
    max_top_k: Annotated[int, Query(ge=10, le=100)] = 50,
    memories_threshold: Annotated[float, Query(ge=0.2, le=0.8)] = 0.6,
    summaries_threshold: Annotated[float, Query(ge=0.2, le=0.8)] = 0.5,
    last_n_messages: Annotated[int | None, Query(ge=1, le=100)] = None,
    last_n_summaries: Annotated[int | None, Query(ge=1, le=20)] = None,
    timezone: Annotated[str | None, Query(description="IANA name, e.g. America/New_York")] = None,
    include_system_prompt: QueryBool = True,
    include_metadata_ids: QueryBool = False,
    stream: QueryBool = False,
) -> Any:
    params = RecallParams(recall_strategy, min_top_k, max_top_k, memories_threshold, summaries_threshold,
                          last_n_messages, last_n_summaries, timezone, include_metadata_ids)
    params.check()  # 422 before a stream starts

    def answer(result: Any) -> dict[str, Any]:
        context = result.context
        if include_system_prompt:
            context = system_prompt(RecallStrategy(result.metadata["recall_strategy_used"])) + "\n\n\n" + context
        return {"is_final": True, "status_update_message": None, "error_message": None, "context": context,
                "metadata": result.metadata}

    if not stream:
        return answer(await run(engine.recall.context, project_id, user_id, session_id, params))

    # 404 for an unknown user or session before the stream starts, as the official SDKs expect: once the
    # 200 and its headers are sent, an error can only travel as an event.
    await run(engine.sessions.get, project_id, user_id, session_id)

    async def events() -> AsyncIterator[str]:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

        def progress(message: str) -> None:
            loop.call_soon_threadsafe(queue.put_nowait, {"is_final": False, "status_update_message": message})

        task = asyncio.ensure_future(run(engine.recall.context, project_id, user_id, session_id, params, progress))
        yield _sse({"is_final": False, "status_update_message": "Understanding the conversation"})
        while not task.done() or not queue.empty():
            getter = asyncio.ensure_future(queue.get())
            done, _ = await asyncio.wait({getter, task}, return_when=asyncio.FIRST_COMPLETED)
            if getter in done:
                yield _sse(getter.result())
            else:
                getter.cancel()
        try:
            yield _sse(answer(task.result()))
        except RecallrAIError as error:
            yield _sse({"is_final": True, "error_message": error.message, "context": None, **to_body(error)})

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


def _sse(payload: dict[str, Any]) -> str:
    return f"data: {json.dumps(payload, default=str)}\n\n"
