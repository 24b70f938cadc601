"""/api/v1/categories and /api/v1/project: the project's memory categories and settings (Recallr extensions)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from ...wire import Category, CategoryIn, CategoryListOut, CategoryUpdate, ProjectSettings, ProjectUpdate
from ..deps import BlockingDep, EngineDep, ProjectDep
from ..openapi import errors

router = APIRouter(tags=["project"])


@router.get("/categories", response_model=CategoryListOut)
async def list_categories(engine: EngineDep, project_id: ProjectDep, run: BlockingDep) -> CategoryListOut:
    found = await run(engine.categories.all, project_id)
    return CategoryListOut(categories=[Category(name=c.name, description=c.description) for c in found])


@router.post("/categories", status_code=201, response_model=Category, responses=errors(409))
async def create_category(body: CategoryIn, engine: EngineDep, project_id: ProjectDep,
                          run: BlockingDep) -> Category:
    made = await run(engine.categories.create, project_id, body.name, body.description)
    return Category(name=made.name, description=made.description)


@router.put("/categories/{name}", response_model=Category)
async def update_category(name: str, body: CategoryUpdate, engine: EngineDep, project_id: ProjectDep,
                          run: BlockingDep) -> Category:
    changed = await run(engine.categories.update, project_id, name, body.description)
    return Category(name=changed.name, description=changed.description)


@router.delete("/categories/{name}", status_code=204)
async def delete_category(name: str, engine: EngineDep, project_id: ProjectDep, run: BlockingDep) -> Response:
    await run(engine.categories.delete, project_id, name)
    return Response(status_code=204)


@router.get("/project", response_model=ProjectSettings)
async def get_project(engine: EngineDep, project_id: ProjectDep, run: BlockingDep) -> ProjectSettings:
    project = await run(engine.projects.require, project_id)
    return ProjectSettings(project_id=project.id, name=project.name,
                           merge_conflicts_enabled=project.merge_conflicts_enabled)


@router.put("/project", response_model=ProjectSettings)
async def update_project(body: ProjectUpdate, engine: EngineDep, project_id: ProjectDep,
                         run: BlockingDep) -> ProjectSettings:
    if body.merge_conflicts_enabled is not None:
        await run(engine.projects.set_merge_conflicts, project_id, body.merge_conflicts_enabled)
    return await get_project(engine, project_id, run)
