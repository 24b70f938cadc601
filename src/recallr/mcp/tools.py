"""The MCP tools and resources: each a short composition of the SDK's public operations.

``build_server(backend)`` returns the MCP SDK's ``MCPServer`` with every tool and resource registered;
the transports (``stdio.py``, ``http.py``) only decide which client and default user a call gets.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated, Any, Literal

import anyio
from mcp.server.mcpserver import Context, MCPServer
from mcp.types import ToolAnnotations
from pydantic import Field

from .. import __version__
from ..client.memory_models import MergeConflictAnswer
from ..exceptions import RecallrAIError, UserAlreadyExistsError, UserNotFoundError
from ..exceptions import TimeoutError as RecallrTimeoutError
from ..prompts.system_prompt import system_prompt
from ..types import MergeConflictStatus, MessageRole, RecallStrategy, SessionStatus
from .backend import Backend, tool_error
from .models import (
    AddedMemories,
    Answer,
    DeletedMemory,
    Memory,
    MemoryPage,
    MergeConflict,
    MergeConflictPage,
    SearchResult,
)

INSTRUCTIONS = """Long-term memory about the user, kept by Recallr.
Call search_memory before answering anything that may depend on what you know about the user (preferences,
health, places, people, plans, past events); call add_memory with what the user tells you about themselves,
in their words. Memories are per user: user_id may be left out to use the configured default user."""

UserId = Annotated[str | None, Field(min_length=1, description=(
    "Whose memories. Leave it out to use the default user; a new id is created on first use."))]
Strategy = Literal["low_latency", "balanced", "agentic", "deep", "auto"]
ConflictStatus = Literal["PENDING", "IN_QUEUE", "RESOLVING", "RESOLVED", "FAILED"]
_POLL_SECONDS = 0.1
_SEARCH_SESSION = {"recallr_mcp": "search"}  # marks the throwaway session a search query is recalled from


async def _user(client: Any, user_id: str) -> Any:
    """The user, created on first use."""
    try:
        return await client.get_user(user_id)
    except UserNotFoundError:
        try:
            return await client.create_user(user_id)
        except UserAlreadyExistsError:  # created meanwhile by a concurrent call
            return await client.get_user(user_id)


class RecallrTools:
    """The tools' implementations; ``register`` adds them to an ``MCPServer``."""

    def __init__(self, backend: Backend, *, wait_seconds: float) -> None:
        self.backend = backend
        self.wait_seconds = wait_seconds

    def _ids(self, ctx: Context, user_id: str | None) -> tuple[Any, str]:
        request = ctx.request_context.request
        return request, user_id if user_id is not None else self.backend.default_user_id(request)

    async def add_memory(
        self, text: Annotated[str, Field(min_length=1, description="What the user said, in their own words.")],
        ctx: Context, user_id: UserId = None,
    ) -> AddedMemories:
        """Remember what the user said about themselves (facts, preferences, plans, events).

        Stores the text as a user message, processes it into memories (waiting a bounded time) and returns
        the memories formed, or status "processing" if the work is not finished yet.
        """
        request, uid = self._ids(ctx, user_id)
        async with self.backend.client(request) as client:
            user = await _user(client, uid)
            session = await user.create_session(auto_process_after_seconds=None, metadata={"recallr_mcp": "add"})
            await session.add_message(MessageRole.USER, text)
            note = None
            try:
                await session.process(wait=True, timeout=self.wait_seconds, poll_interval=_POLL_SECONDS)
            except RecallrTimeoutError:
                note = f"Still processing after {self.wait_seconds:g} s; the memories will appear when it ends."
            if session.status == SessionStatus.FAILED:
                raise tool_error(RecallrAIError(f"Processing failed: {session.error or 'unknown error'}"))
            page = await user.list_memories(limit=200, session_id_filter=[session.session_id],
                                            include_previous_versions=False, include_connected_memories=False)
            conflicts = await user.list_merge_conflicts(limit=100, status=MergeConflictStatus.PENDING)
            return AddedMemories(
                user_id=uid, session_id=session.session_id, status=session.status.value,
                memories=[Memory.of(m) for m in page.items], note=note,
                merge_conflict_ids=[c.conflict_id for c in conflicts.conflicts if c.session_id == session.session_id])

    async def search_memory(
        self, query: Annotated[str, Field(min_length=1, description="The question or topic, in plain words.")],
        ctx: Context, user_id: UserId = None,
        recall_strategy: Annotated[Strategy, Field(description=(
            "low_latency: one quick search; balanced: default; agentic/deep: multi-part questions, slower; "
            "auto: chosen from the query."))] = "balanced",
    ) -> SearchResult:
        """Recall what is known about the user that bears on the query: a context text to answer from."""
        request, uid = self._ids(ctx, user_id)
        async with self.backend.client(request) as client:
            user = await _user(client, uid)
            # Recall works on a session's latest user message: a session that is never processed holds the query.
            session = await user.create_session(auto_process_after_seconds=None, metadata=_SEARCH_SESSION)
            try:
                await session.add_message(MessageRole.USER, query)
                response = await session.get_context(recall_strategy=recall_strategy, include_system_prompt=False,
                                                      include_metadata_ids=True)
            finally:
                with anyio.CancelScope(shield=True):  # a caller gone mid-search still leaves no session behind
                    await session.delete()
            metadata = response.metadata
            return SearchResult(user_id=uid, context=response.context or "",
                                memory_ids=list(metadata.memory_ids or []) if metadata else [],
                                recall_strategy_used=metadata.recall_strategy_used if metadata else None)

    async def list_memories(
        self, ctx: Context, user_id: UserId = None,
        categories: Annotated[list[str] | None, Field(description="Only memories in these categories.")] = None,
        limit: Annotated[int, Field(ge=1, le=200, description="At most this many memories.")] = 20,
        offset: Annotated[int, Field(ge=0, le=10_000_000, description="Skip this many (paging).")] = 0,
    ) -> MemoryPage:
        """List the user's current memories, newest first."""
        request, uid = self._ids(ctx, user_id)
        async with self.backend.client(request) as client:
            user = await _user(client, uid)
            page = await user.list_memories(offset=offset, limit=limit, categories=categories,
                                            include_previous_versions=False, include_connected_memories=False)
            return MemoryPage(user_id=uid, memories=[Memory.of(m) for m in page.items], total=page.total,
                              has_more=bool(page.has_more))

    async def delete_memory(
        self, memory_id: Annotated[str, Field(min_length=1, description="The memory's id (from list or search).")],
        ctx: Context, user_id: UserId = None,
        delete_previous_versions: Annotated[bool, Field(description=(
            "Also delete its earlier versions, so that none of them becomes current again."))] = True,
    ) -> DeletedMemory:
        """Forget a memory (for instance when the user asks you to)."""
        request, uid = self._ids(ctx, user_id)
        async with self.backend.client(request) as client:
            user = await _user(client, uid)
            await user.delete_memory(memory_id, delete_previous_versions=delete_previous_versions)
            return DeletedMemory(user_id=uid, memory_id=memory_id, deleted=True,
                                 previous_versions_deleted=delete_previous_versions)

    async def list_merge_conflicts(
        self, ctx: Context, user_id: UserId = None,
        status: Annotated[ConflictStatus | None, Field(description="Only conflicts in this status.")] = "PENDING",
        limit: Annotated[int, Field(ge=1, le=100)] = 10,
    ) -> MergeConflictPage:
        """New statements that contradict earlier memories, with the questions to ask the user to settle them."""
        request, uid = self._ids(ctx, user_id)
        async with self.backend.client(request) as client:
            user = await _user(client, uid)
            page = await user.list_merge_conflicts(limit=limit, status=MergeConflictStatus(status) if status else None)
            return MergeConflictPage(user_id=uid, conflicts=[MergeConflict.of(c) for c in page.conflicts],
                                     total=page.total, has_more=bool(page.has_more))

    async def resolve_merge_conflict(
        self, conflict_id: Annotated[str, Field(min_length=1, description="From list_merge_conflicts.")],
        answers: Annotated[list[Answer], Field(min_length=1, max_length=20, description=(
            "One answer per clarifying question, each one of that question's options."))],
        ctx: Context, user_id: UserId = None,
    ) -> MergeConflict:
        """Settle a merge conflict with the user's answers; returns it once applied (or still queued)."""
        request, uid = self._ids(ctx, user_id)
        async with self.backend.client(request) as client:
            user = await _user(client, uid)
            conflict = await user.get_merge_conflict(conflict_id)
            await conflict.resolve([MergeConflictAnswer(**a.model_dump()) for a in answers])
            waited = 0.0
            while conflict.status in (MergeConflictStatus.IN_QUEUE, MergeConflictStatus.RESOLVING) \
                    and waited < self.wait_seconds:
                await asyncio.sleep(_POLL_SECONDS)
                waited += _POLL_SECONDS
                await conflict.refresh()
            return MergeConflict.of(conflict)

    async def memories_resource(self, user_id: str, ctx: Context) -> str:
        """The user's current memories (the 200 newest) as JSON."""
        page = await self.list_memories(ctx, user_id=user_id, limit=200)
        return page.model_dump_json(indent=2)

    async def default_memories_resource(self) -> str:
        """The default user's current memories (the 200 newest) as JSON (transports without requests only)."""
        request = None
        uid = self.backend.default_user_id(request)
        async with self.backend.client(request) as client:
            page = await (await _user(client, uid)).list_memories(limit=200, include_previous_versions=False,
                                                                  include_connected_memories=False)
            return MemoryPage(user_id=uid, memories=[Memory.of(m) for m in page.items], total=page.total,
                              has_more=bool(page.has_more)).model_dump_json(indent=2)

    @staticmethod
    def system_prompt_resource(recall_strategy: str) -> str:
        """How a model should read search_memory's context, for that recall strategy."""
        try:
            return system_prompt(RecallStrategy(recall_strategy))
        except ValueError:
            choices = ", ".join(s.value for s in RecallStrategy)
            raise ValueError(f"Unknown recall strategy {recall_strategy[:64]!r}; one of: {choices}") from None

    @staticmethod
    def default_system_prompt_resource() -> str:
        """How a model should read search_memory's context (balanced strategy)."""
        return system_prompt(RecallStrategy.BALANCED)

def build_server(backend: Backend, *, wait_seconds: float) -> MCPServer:
    """An ``MCPServer`` named ``recallr`` with every tool and resource, served through ``backend``.

    Example::

        server = build_server(EmbeddedBackend(AsyncRecallrAI.embedded("./data"), user_id="alice"), wait_seconds=30)
        await server.run_stdio_async()
    """
    tools = RecallrTools(backend, wait_seconds=wait_seconds)
    server: MCPServer = MCPServer("recallr", title="Recallr memory", version=__version__, instructions=INSTRUCTIONS)
    sdk_log = logging.getLogger("mcp")
    if sdk_log.level == logging.NOTSET:  # the SDK logs every request at INFO; keep its warnings unless configured
        sdk_log.setLevel(logging.WARNING)
    read_only = ToolAnnotations(read_only_hint=True, open_world_hint=False)
    server.add_tool(tools.add_memory, annotations=ToolAnnotations(destructive_hint=False, open_world_hint=False))
    server.add_tool(tools.search_memory, annotations=read_only)
    server.add_tool(tools.list_memories, annotations=read_only)
    server.add_tool(tools.delete_memory, annotations=ToolAnnotations(destructive_hint=True, open_world_hint=False))
    server.add_tool(tools.list_merge_conflicts, annotations=read_only)
    server.add_tool(tools.resolve_merge_conflict, annotations=ToolAnnotations(open_world_hint=False))
    json_type = "application/json"
    if not backend.per_request:  # a static resource gets no request to find its caller's key in
        server.resource("recallr://memories", name="memories", mime_type=json_type)(tools.default_memories_resource)
    server.resource("recallr://users/{user_id}/memories", name="user_memories",
                    mime_type=json_type)(tools.memories_resource)
    server.resource("recallr://system-prompt", name="system_prompt",
                    mime_type="text/plain")(tools.default_system_prompt_resource)
    server.resource("recallr://system-prompt/{recall_strategy}", name="system_prompt_for_strategy",
                    mime_type="text/plain")(tools.system_prompt_resource)
    return server
