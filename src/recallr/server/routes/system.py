"""/api/v1/system-prompt and /api/v1/health."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from ...prompts.system_prompt import system_prompt
from ...schemas import SystemPromptOut
from ...types import RecallStrategy
from ..deps import EngineDep, ProjectDep

router = APIRouter(tags=["system"])


@router.get("/system-prompt", response_model=SystemPromptOut)
def get_system_prompt(
    _: ProjectDep,
    recall_strategy: Annotated[RecallStrategy, Query()] = RecallStrategy.BALANCED,
) -> SystemPromptOut:
    return SystemPromptOut(recall_strategy=recall_strategy.value, system_prompt=system_prompt(recall_strategy))


@router.get("/health")
def health(engine: EngineDep) -> dict[str, str]:
    with engine.db.read() as tx:
        tx.scalar("SELECT 1")
    return {"status": "ok"}
