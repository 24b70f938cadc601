"""/api/v1/users/{user_id}/sessions: sessions, their messages and processing."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from ...engine import validation
from ...schemas import (
    Acknowledged,
    MessageCreate,
    MessageOut,
    SessionCreate,
    SessionListOut,
    SessionMessagesOut,
    SessionOut,
    SessionSummaryOut,
    SessionUpdate,
)
from ...types import SessionStatus
from ..deps import BlockingDep, EngineDep, ProjectDep
from ..openapi import errors

router = APIRouter(prefix="/users/{user_id}/sessions", tags=["sessions"])


@router.post("", status_code=201, response_model=SessionOut)
async def create_session(
    user_id: str, body: SessionCreate, engine: EngineDep, project_id: ProjectDep, run: BlockingDep
) -> SessionOut:
    session = await run(
        engine.sessions.create,
        project_id,
        user_id,
        metadata=body.metadata,
        auto_process_after_seconds=body.auto_process_after_seconds,
        custom_created_at_utc=body.custom_created_at_utc,
    )
    return SessionOut.of(session, user_id)


@router.get("", response_model=SessionListOut)
async def list_sessions(
    user_id: str,
    engine: EngineDep,
    project_id: ProjectDep,
    run: BlockingDep,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 10,
    metadata_filter: Annotated[str | None, Query(description="JSON object, exact match")] = None,
    user_metadata_filter: Annotated[str | None, Query(description="JSON object, exact match")] = None,
    status_filter: Annotated[list[SessionStatus] | None, Query()] = None,
) -> SessionListOut:
    sessions, total = await run(
        engine.sessions.page,
        project_id,
        user_id,
        offset=offset,
        limit=limit,
        statuses=status_filter,
        metadata_filter=validation.metadata_filter(metadata_filter, engine.settings),
        user_metadata_filter=validation.metadata_filter(user_metadata_filter, engine.settings,
                                                        field="user_metadata_filter"),
    )
    return SessionListOut(
        sessions=[SessionOut.of(s, user_id) for s in sessions], total=total, has_more=offset + len(sessions) < total
    )


@router.get("/{session_id}", response_model=SessionOut)
async def get_session(
    user_id: str, session_id: str, engine: EngineDep, project_id: ProjectDep, run: BlockingDep
) -> SessionOut:
    return SessionOut.of(await run(engine.sessions.get, project_id, user_id, session_id), user_id)


@router.get("/{session_id}/summary", response_model=SessionSummaryOut)
async def get_session_summary(
    user_id: str, session_id: str, engine: EngineDep, project_id: ProjectDep, run: BlockingDep
) -> SessionSummaryOut:
    found = await run(engine.sessions.summary, project_id, user_id, session_id)
    if found is None:
        return SessionSummaryOut(session_id=session_id)
    return SessionSummaryOut(session_id=session_id, summary=found.content, session_date=found.session_date,
                             sources=found.sources)


@router.put("/{session_id}", response_model=SessionOut)
async def update_session(
    user_id: str, session_id: str, body: SessionUpdate, engine: EngineDep, project_id: ProjectDep, run: BlockingDep
) -> SessionOut:
    session = await run(engine.sessions.update, project_id, user_id, session_id, new_metadata=body.new_metadata)
    return SessionOut.of(session, user_id)


@router.delete("/{session_id}", status_code=204)
async def delete_session(
    user_id: str, session_id: str, engine: EngineDep, project_id: ProjectDep, run: BlockingDep
) -> Response:
    await run(engine.sessions.delete, project_id, user_id, session_id)
    return Response(status_code=204)


@router.post("/{session_id}/add-message", response_model=Acknowledged, responses=errors(400))
async def add_message(
    user_id: str, session_id: str, body: MessageCreate, engine: EngineDep, project_id: ProjectDep, run: BlockingDep
) -> Acknowledged:
    message = await run(
        engine.sessions.add_message, project_id, user_id, session_id, role=body.role, content=body.message
    )
    return Acknowledged(status="ok", session_id=session_id, message_index=message.position)


@router.get("/{session_id}/messages", response_model=SessionMessagesOut)
async def get_messages(
    user_id: str,
    session_id: str,
    engine: EngineDep,
    project_id: ProjectDep,
    run: BlockingDep,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> SessionMessagesOut:
    messages, total = await run(engine.sessions.messages, project_id, user_id, session_id, offset=offset, limit=limit)
    return SessionMessagesOut(
        messages=[MessageOut.of(m) for m in messages], total=total, has_more=offset + len(messages) < total
    )


@router.post("/{session_id}/process", response_model=Acknowledged, responses=errors(400))
async def process_session(
    user_id: str, session_id: str, engine: EngineDep, project_id: ProjectDep, run: BlockingDep
) -> Acknowledged:
    session = await run(engine.sessions.process, project_id, user_id, session_id)
    return Acknowledged(status="queued", session_id=session_id, session_status=SessionStatus(session.status))
