"""/api/v1/users: create, list, get, update, delete; the user's last messages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from ...engine import validation
from ...schemas import MessageOut, UserCreate, UserListOut, UserMessagesOut, UserOut, UserUpdate
from ...store.users import UNSET
from ..deps import BlockingDep, EngineDep, ProjectDep
from ..openapi import errors

router = APIRouter(tags=["users"])


@router.post("/users", status_code=201, response_model=UserOut, responses=errors(409))
async def create_user(body: UserCreate, engine: EngineDep, project_id: ProjectDep, run: BlockingDep) -> UserOut:
    user = await run(
        engine.users.create,
        project_id,
        body.custom_user_id,
        metadata=body.metadata,
        email=body.email,
        first_name=body.first_name,
        last_name=body.last_name,
        merge_conflict_enabled=body.merge_conflict_enabled,
    )
    return UserOut.of(user)


@router.get("/users", response_model=UserListOut)
async def list_users(
    engine: EngineDep,
    project_id: ProjectDep,
    run: BlockingDep,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 10,
    metadata_filter: Annotated[str | None, Query(description="JSON object, exact match")] = None,
    search: Annotated[str | None, Query(max_length=200, description="Recallr extension: users whose id, email or "
                                        "name contains this text, in any case")] = None,
    include_counts: Annotated[bool, Query(description="Recallr extension: add `session_count` and "
                                          "`memory_count` to each user")] = False,
) -> UserListOut:
    users, total = await run(
        engine.users.page,
        project_id,
        offset=offset,
        limit=limit,
        metadata_filter=validation.metadata_filter(metadata_filter, engine.settings),
        search=search,
    )
    counts = await run(engine.users.counts, users) if include_counts else {}
    return UserListOut(users=[UserOut.of(u, counts.get(u.custom_user_id)) for u in users], total=total,
                       has_more=offset + len(users) < total)


@router.get("/users/{user_id}", response_model=UserOut)
async def get_user(user_id: str, engine: EngineDep, project_id: ProjectDep, run: BlockingDep) -> UserOut:
    return UserOut.of(await run(engine.users.get, project_id, user_id))


@router.put("/users/{user_id}", response_model=UserOut, responses=errors(409))
async def update_user(
    user_id: str, body: UserUpdate, engine: EngineDep, project_id: ProjectDep, run: BlockingDep
) -> UserOut:
    sent = body.model_fields_set
    user = await run(
        engine.users.update,
        project_id,
        user_id,
        new_custom_user_id=body.new_custom_user_id,
        new_metadata=body.new_metadata,
        **{
            name: getattr(body, name) if name in sent else UNSET
            for name in ("email", "first_name", "last_name", "merge_conflict_enabled")
        },
    )
    return UserOut.of(user)


@router.delete("/users/{user_id}", status_code=204)
async def delete_user(user_id: str, engine: EngineDep, project_id: ProjectDep, run: BlockingDep) -> Response:
    await run(engine.users.delete, project_id, user_id)
    return Response(status_code=204)


@router.get("/users/{user_id}/messages", response_model=UserMessagesOut)
async def last_messages(
    user_id: str,
    engine: EngineDep,
    project_id: ProjectDep,
    run: BlockingDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> UserMessagesOut:
    messages = await run(engine.sessions.last_messages, project_id, user_id, limit)
    return UserMessagesOut(messages=[MessageOut.of(m) for m, _ in messages])
