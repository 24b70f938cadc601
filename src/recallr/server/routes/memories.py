"""/api/v1/users/{user_id}/memories, /memory/{id} and /merge-conflicts."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from ...engine.resources import validation
from ...types import MergeConflictStatus
from ...wire import MemoryListOut, MergeConflictListOut, MergeConflictModel, ResolveIn, UserMemoryItem
from ..answers import conflict_answer, memory_answer
from ..deps import BlockingDep, EngineDep, ProjectDep, QueryBool
from ..openapi import errors

router = APIRouter(prefix="/users/{user_id}", tags=["memories"])


@router.get("/memories", response_model=MemoryListOut, responses=errors(400))
async def list_memories(
    user_id: str, engine: EngineDep, project_id: ProjectDep, run: BlockingDep,
    offset: Annotated[int, Query(ge=0)] = 0, limit: Annotated[int, Query(ge=1, le=200)] = 20,
    categories: Annotated[list[str] | None, Query()] = None,
    session_id_filter: Annotated[list[str] | None, Query()] = None,
    session_metadata_filter: Annotated[str | None, Query(description="JSON object, exact match")] = None,
    include_previous_versions: QueryBool = True, include_connected_memories: QueryBool = True,
) -> MemoryListOut:
    views, total = await run(
        engine.memories.page, project_id, user_id, offset=offset, limit=limit, categories=categories,
        session_ids=session_id_filter,
        session_metadata=validation.metadata_filter(session_metadata_filter, engine.settings,
                                                    field="session_metadata_filter"),
        include_previous_versions=include_previous_versions, include_connected_memories=include_connected_memories,
    )
    return MemoryListOut(items=[memory_answer(v) for v in views], total=total, has_more=offset + len(views) < total)


@router.get("/memory/{memory_id}", response_model=UserMemoryItem)
async def get_memory(user_id: str, memory_id: str, engine: EngineDep, project_id: ProjectDep, run: BlockingDep,
                     include_previous_versions: QueryBool = True,
                     include_connected_memories: QueryBool = True) -> UserMemoryItem:
    view = await run(engine.memories.get, project_id, user_id, memory_id,
                     include_previous_versions=include_previous_versions,
                     include_connected_memories=include_connected_memories)
    return memory_answer(view)


@router.delete("/memory/{memory_id}", status_code=204)
async def delete_memory(user_id: str, memory_id: str, engine: EngineDep, project_id: ProjectDep, run: BlockingDep,
                        delete_previous_versions: QueryBool = False) -> Response:
    await run(engine.memories.delete, project_id, user_id, memory_id,
              delete_previous_versions=delete_previous_versions)
    return Response(status_code=204)


@router.get("/merge-conflicts", response_model=MergeConflictListOut)
async def list_merge_conflicts(
    user_id: str, engine: EngineDep, project_id: ProjectDep, run: BlockingDep,
    offset: Annotated[int, Query(ge=0)] = 0, limit: Annotated[int, Query(ge=1, le=1000)] = 10,
    status: MergeConflictStatus | None = None,
    sort_by: Literal["created_at", "resolved_at"] = "created_at", sort_order: Literal["asc", "desc"] = "desc",
) -> MergeConflictListOut:
    views, total = await run(engine.conflicts.page, project_id, user_id, offset=offset, limit=limit,
                             status=status.value if status else None, sort_by=sort_by, sort_order=sort_order)
    return MergeConflictListOut(conflicts=[conflict_answer(v) for v in views], total=total,
                                has_more=offset + len(views) < total)


@router.get("/merge-conflicts/{conflict_id}", response_model=MergeConflictModel)
async def get_merge_conflict(user_id: str, conflict_id: str, engine: EngineDep, project_id: ProjectDep,
                             run: BlockingDep) -> MergeConflictModel:
    return conflict_answer(await run(engine.conflicts.get, project_id, user_id, conflict_id))


@router.post("/merge-conflicts/{conflict_id}/resolve", response_model=MergeConflictModel, responses=errors(400))
async def resolve_merge_conflict(user_id: str, conflict_id: str, body: ResolveIn, engine: EngineDep,
                                 project_id: ProjectDep, run: BlockingDep) -> MergeConflictModel:
    answers = [a.model_dump() for a in body.answers.question_answers]
    return conflict_answer(await run(engine.conflicts.answer, project_id, user_id, conflict_id, answers))
