"""GET /api/v1/users/{user_id}/sessions/{session_id}/context: recall, as JSON or Server-Sent Events."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from ...engine.recall import RecallParams, RecallResult, RecallTrace
from ...exceptions import RecallrAIError, to_body
from ...prompts.system_prompt import system_prompt
from ...types import DateRangeFilterType, RecallStrategy
from ...wire import ContextResponse
from ..deps import BlockingDep, EngineDep, ProjectDep, QueryBool

router = APIRouter(prefix="/users/{user_id}/sessions/{session_id}", tags=["context"])


# The answer is written as JSON by hand (``metadata`` has only the keys recall filled, in its own order), and
# documented as ``wire.ContextResponse``, the model the SDK parses it into.
_ANSWERS: dict[int | str, dict[str, Any]] = {200: {
    "model": ContextResponse,
    "description": "The context; with `stream=true`, Server-Sent Events whose `data:` lines are ContextResponse "
                   "objects, the last with `is_final: true`.",
    # OpenAPI 3.1: an event stream's schema describes one event; its data is a ContextResponse as JSON.
    "content": {"text/event-stream": {"schema": {
        "type": "object", "required": ["data"],
        "properties": {"data": {"type": "string", "contentMediaType": "application/json",
                                "contentSchema": {"$ref": "#/components/schemas/ContextResponse"}},
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

    def answer(result: RecallResult) -> dict[str, Any]:
        context = result.context
        if include_system_prompt:
            context = system_prompt(result.trace.strategy) + "\n\n\n" + context
        return {"is_final": True, "status_update_message": None, "error_message": None, "context": context,
                "metadata": wire_metadata(result.trace)}

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


def wire_metadata(trace: RecallTrace) -> dict[str, Any]:
    """The ``metadata`` of a context response (RecallrAI's field names) from recall's typed trace."""
    metadata: dict[str, Any] = {"recall_strategy_used": trace.strategy.value}
    found = trace.sources
    if found is None:
        return metadata
    span = found.date_range
    metadata.update({
        "memory_ids": found.memory_ids, "session_ids": found.session_ids, "keywords": found.keywords,
        "vector_search_queries": found.vector_search_queries,
        "session_summaries_search_queries": found.summary_search_queries,
        "date_range_filters": [] if span is None else [{
            "filter_type": DateRangeFilterType.EVENT_DATE.value, "start_date": span.start.isoformat(),
            "end_date": span.end.isoformat()}],
        "sources": [{"session_id": s, "message_index": i} for s, i in found.messages],
    })
    if found.reasoning is not None:
        metadata["agent_reasoning"] = found.reasoning
    return metadata
