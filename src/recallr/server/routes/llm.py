"""/api/v1/project/llm: the project's LLM overrides and extraction rules, token usage, retrying failed sessions.

Recallr extensions (docs/llm.md). The API key is write-only: reads say only whether one is set. Reads show
whether LLM mode is on, never the server's endpoint, key or default model.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from ..deps import BlockingDep, EngineDep, ProjectDep

router = APIRouter(prefix="/project/llm", tags=["llm"])


class ExampleIO(BaseModel):
    message: str = Field(..., description="A message as a user might write it.")
    memories: list[str] = Field(default_factory=list, description="What to remember from it; empty: nothing.")


class EffectiveOut(BaseModel):
    """Whether the project's work runs a model; the server's own endpoint and model are not shown."""

    llm_enabled: bool
    endpoint: Literal["server", "project"] | None = Field(
        None, description="Whose endpoint the project's work uses (null: LLM mode is off).")
    model: str | None = Field(None, description="The model, when the project chose it.")
    base_url: str | None = Field(None, description="The endpoint, when it is the project's own.")
    refused: str | None = Field(None, description="Why the server keeps the project's overrides offline, if it does.")


class AllowedOut(BaseModel):
    """What the server lets projects choose."""

    project_endpoints: bool = Field(..., description="Whether projects may set their own base_url (with own api_key).")
    models: list[str] = Field(..., description="Models a project may choose on the server's endpoint, besides the "
                                               "server's default.")


class ProjectLLMOut(BaseModel):
    mode: Literal["inherit", "llm", "offline"]
    model: str | None
    base_url: str | None
    api_key_set: bool
    extraction_instructions: str
    never_remember: list[str]
    always_remember: list[str]
    examples: list[ExampleIO]
    effective: EffectiveOut
    allowed: AllowedOut


class ProjectLLMUpdate(BaseModel):
    """Only the fields given change; null resets a field to the server's setting."""

    model_config = ConfigDict(extra="forbid")

    mode: Literal["inherit", "llm", "offline"] | None = None
    model: str | None = None
    base_url: str | None = None
    api_key: str | None = None
    extraction_instructions: str | None = None
    never_remember: list[str] | None = None
    always_remember: list[str] | None = None
    examples: list[ExampleIO] | None = None


class UsageCounts(BaseModel):
    calls: int
    prompt_tokens: int
    completion_tokens: int
    retries: int
    fallbacks: int
    failures: int
    failed_requests: int = Field(0, description="Requests that got no answer (HTTP errors, timeouts).")
    timeouts: int = Field(0, description="Requests abandoned at the per-call time limit (never re-sent).")
    step_downs: int = Field(0, description="Answer formats given up for a simpler one (learnt once per endpoint).")
    unusable: int = Field(0, description="Answers received but not used: unparseable, wrong shape, cut off, looping.")
    truncated: int = Field(0, description="Answers cut off at the output-token limit (finish_reason length).")
    degenerate: int = Field(0, description="Answers that looped or filled with whitespace.")
    over_budget: int = Field(0, description="Steps run offline because the session's LLM time budget was spent.")
    backlog: int = Field(0, description="Steps run offline because the endpoint was still busy (no free slot).")


class SessionUsage(UsageCounts):
    session_id: str


class UsageOut(BaseModel):
    project_id: str
    session_id: str | None
    total: UsageCounts
    by_task: dict[str, UsageCounts]
    sessions: list[SessionUsage]


class RetryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    session_ids: list[str] | None = Field(None, description="Failed sessions to retry; null retries them all.")


class RetryOut(BaseModel):
    queued: int


@router.get("", response_model=ProjectLLMOut)
async def get_llm_settings(engine: EngineDep, project_id: ProjectDep, run: BlockingDep) -> Any:
    return await run(engine.llm.project_settings, project_id)


@router.put("", response_model=ProjectLLMOut)
async def update_llm_settings(body: ProjectLLMUpdate, engine: EngineDep, project_id: ProjectDep,
                              run: BlockingDep) -> Any:
    changes = body.model_dump(include=body.model_fields_set)
    return await run(engine.llm.update_project_settings, project_id, changes)


@router.get("/usage", response_model=UsageOut)
async def get_llm_usage(engine: EngineDep, project_id: ProjectDep, run: BlockingDep,
                        session_id: Annotated[str | None, Query(max_length=64)] = None) -> Any:
    return await run(engine.llm.usage, project_id, session_id)


@router.post("/retry-failed", response_model=RetryOut)
async def retry_failed_sessions(body: RetryIn, engine: EngineDep, project_id: ProjectDep,
                                run: BlockingDep) -> RetryOut:
    return RetryOut(queued=await run(engine.llm.retry_failed, project_id, body.session_ids))
