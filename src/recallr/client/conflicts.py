"""Merge conflicts as objects: inspect, ``resolve(answers)``, ``refresh()`` (in place)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from ..exceptions import MergeConflictAlreadyResolvedError
from ..types import MergeConflictStatus
from ._calls import Call, Op
from ._surface import AsyncMergeConflictSurface, MergeConflictSurface
from .memory_models import MergeConflictAnswer, MergeConflictModel


class _MergeConflictBase:
    """A merge conflict: the proposed memory, the memories it contradicts, and questions to settle it."""

    def __init__(self, runner: Any, user_id: str, data: dict[str, Any]) -> None:
        self._runner = runner
        self.user_id = user_id
        self._apply(data)

    def _apply(self, data: dict[str, Any]) -> None:
        model = MergeConflictModel.model_validate(data)
        self._conflict_data = model
        self.conflict_id = model.id
        self.session_id = model.project_user_session_id
        self.status = model.status
        self.proposed_memory_content = model.proposed_memory_content
        self.new_memory_content = model.proposed_memory_content
        self.new_memories = model.new_memories
        self.conflicting_memories = model.conflicting_memories
        self.clarifying_questions = model.clarifying_questions
        self.created_at = model.created_at
        self.resolved_at = model.resolved_at
        self.resolution_data = model.resolution_data

    @property
    def _path(self) -> str:
        return f"/api/v1/users/{quote(self.user_id, safe='')}/merge-conflicts/{quote(self.conflict_id, safe='')}"

    def _resolve_op(self, answers: Sequence[MergeConflictAnswer]) -> Op[None]:
        if self.status in (MergeConflictStatus.RESOLVED, MergeConflictStatus.FAILED):
            raise MergeConflictAlreadyResolvedError(f"Merge conflict {self.conflict_id} is already resolved", 400)
        body = {"answers": {"question_answers": [a.model_dump() for a in answers]}}
        response = yield Call("POST", f"{self._path}/resolve", json=body)
        self._apply(response.json())

    def _refresh_op(self) -> Op[None]:
        response = yield Call("GET", self._path)
        self._apply(response.json())

    def resolve(self, answers: Sequence[MergeConflictAnswer]) -> Any:
        """Answer every clarifying question; the worker then applies the answers (status IN_QUEUE -> RESOLVED)."""
        return self._runner.run(self._resolve_op(answers))

    def refresh(self) -> Any:
        """Reload status, resolution and new memories from the server, in place."""
        return self._runner.run(self._refresh_op())

    def __repr__(self) -> str:
        return f"MergeConflict(id='{self.conflict_id}', status='{self.status.value}', user_id='{self.user_id}')"


class MergeConflict(MergeConflictSurface, _MergeConflictBase):
    """A merge conflict of the sync client."""


class AsyncMergeConflict(AsyncMergeConflictSurface, _MergeConflictBase):
    """A merge conflict of the async client (methods return coroutines)."""
