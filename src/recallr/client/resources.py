"""Users and sessions as objects that update themselves in place.

Each public method builds an operation (a generator of ``Call``s) and hands it to the
runner: the sync classes return the result, the async ones (``AsyncUser``...) a coroutine.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote

from ..exceptions import TimeoutError as RecallrTimeoutError
from ..types import MergeConflictStatus, MessageRole, RecallStrategy, SessionStatus
from ._calls import Call, Destination, Op, Sleep
from .conflicts import _MergeConflictBase
from .memory_models import ContextResponse, MergeConflictList, UserMemoriesList, UserMemoryItem
from .models import Message, SessionList, SessionMessagesList, UserMessagesList, page_of

_UNSET: Any = object()


def _q(value: str) -> str:
    return quote(value, safe="")


def _check_utc(value: datetime | None) -> None:
    if value is None:
        return
    if value.tzinfo is None:
        raise ValueError("custom_created_at_utc must be a timezone-aware datetime. "
                         "Use datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc)")
    offset = value.utcoffset()
    if offset is None or offset.total_seconds() != 0:
        raise ValueError("custom_created_at_utc must be in UTC timezone. "
                         "Use datetime.astimezone(timezone.utc) to convert or create with tzinfo=timezone.utc")


class _Resource:
    _runner: Any

    def _run(self, op: Op[Any]) -> Any:
        return self._runner.run(op)


class _SessionBase(_Resource):
    """A conversation session: add messages, read them, process, update, refresh, delete."""

    def __init__(self, runner: Any, user_id: str, data: dict[str, Any]) -> None:
        self._runner = runner
        self._user_id = user_id
        self._apply(data)

    def _apply(self, data: dict[str, Any]) -> None:
        self.session_id: str = data["session_id"]
        self.status = SessionStatus(data["status"])
        self.created_at = datetime.fromisoformat(data["created_at"])
        self.metadata: dict[str, Any] = data.get("metadata") or {}
        processed = data.get("processed_at")
        self.processed_at = datetime.fromisoformat(processed) if processed else None
        self.auto_process_after_seconds: int | None = data.get("auto_process_after_seconds")
        self.error: str | None = data.get("error")

    @property
    def user_id(self) -> str:
        return self._user_id

    @property
    def _path(self) -> str:
        return f"/api/v1/users/{_q(self._user_id)}/sessions/{_q(self.session_id)}"

    def _refresh_op(self) -> Op[None]:
        response = yield Call("GET", self._path)
        self._apply(response.json())

    def _update_op(self, new_metadata: dict[str, Any] | None) -> Op[None]:
        response = yield Call("PUT", self._path, json={"new_metadata": new_metadata})
        self._apply(response.json())

    def _delete_op(self) -> Op[None]:
        yield Call("DELETE", self._path, ok=(204,))

    def _add_message_op(self, role: MessageRole | str, content: str) -> Op[None]:
        yield Call("POST", f"{self._path}/add-message", json={"message": content, "role": MessageRole(role).value})

    def _messages_op(self, offset: int, limit: int) -> Op[SessionMessagesList]:
        response = yield Call("GET", f"{self._path}/messages", params={"offset": offset, "limit": limit})
        data = response.json()
        return page_of(SessionMessagesList, data, "messages", [Message(**m) for m in data["messages"]], offset)

    def _summary_op(self) -> Op[str | None]:
        response = yield Call("GET", f"{self._path}/summary")
        summary: str | None = response.json().get("summary")
        return summary

    def _process_op(self, wait: bool, timeout: float, poll: float) -> Op[None]:
        response = yield Call("POST", f"{self._path}/process")
        self.status = SessionStatus(response.json().get("session_status") or SessionStatus.PROCESSING.value)
        waited = 0.0
        while wait and self.status == SessionStatus.PROCESSING:
            if waited >= timeout:
                raise RecallrTimeoutError(f"Session {self.session_id} still processing after {timeout} s", 0)
            yield Sleep(poll)
            waited += poll
            yield from self._refresh_op()

    def _context_call(self, recall_strategy: RecallStrategy | str, min_top_k: int, max_top_k: int,
                      memories_threshold: float, summaries_threshold: float, last_n_messages: int | None,
                      last_n_summaries: int | None, timezone: str | None, include_system_prompt: bool,
                      include_metadata_ids: bool, stream: bool) -> Call:
        params = {"recall_strategy": RecallStrategy(recall_strategy).value, "min_top_k": min_top_k,
                  "max_top_k": max_top_k, "memories_threshold": memories_threshold,
                  "summaries_threshold": summaries_threshold, "last_n_messages": last_n_messages,
                  "last_n_summaries": last_n_summaries, "timezone": timezone,
                  "include_system_prompt": include_system_prompt, "include_metadata_ids": include_metadata_ids,
                  "stream": stream or None}
        return Call("GET", f"{self._path}/context", params=params,
                    headers={"Accept": "text/event-stream"} if stream else {})

    def _context_op(self, call: Call) -> Op[ContextResponse]:
        response = yield call
        return ContextResponse.model_validate(response.json())

    def get_context(self, recall_strategy: RecallStrategy | str = RecallStrategy.BALANCED, min_top_k: int = 15,
                    max_top_k: int = 50, memories_threshold: float = 0.6, summaries_threshold: float = 0.5,
                    last_n_messages: int | None = None, last_n_summaries: int | None = None,
                    timezone: str | None = None, include_system_prompt: bool = True,
                    include_metadata_ids: bool = False) -> Any:
        """The context for the current turn: relevant memories with dates, summaries, messages.

        ``recall_strategy``: ``low_latency``, ``balanced`` (default), ``agentic``, ``deep`` or ``auto``.
        """
        call = self._context_call(recall_strategy, min_top_k, max_top_k, memories_threshold, summaries_threshold,
                                  last_n_messages, last_n_summaries, timezone, include_system_prompt,
                                  include_metadata_ids, False)
        return self._run(self._context_op(call))

    def get_context_stream(self, recall_strategy: RecallStrategy | str = RecallStrategy.BALANCED,
                           min_top_k: int = 15, max_top_k: int = 50, memories_threshold: float = 0.6,
                           summaries_threshold: float = 0.5, last_n_messages: int | None = None,
                           last_n_summaries: int | None = None, timezone: str | None = None,
                           include_system_prompt: bool = True, include_metadata_ids: bool = False,
                           ) -> Annotated[Any, "Iterator[ContextResponse] | AsyncIterator[ContextResponse]"]:
        """Like ``get_context``, as status events then the final one (``is_final``); an (async) iterator."""
        call = self._context_call(recall_strategy, min_top_k, max_top_k, memories_threshold, summaries_threshold,
                                  last_n_messages, last_n_summaries, timezone, include_system_prompt,
                                  include_metadata_ids, True)
        return self._runner.events(call, ContextResponse.model_validate_json)

    def refresh(self) -> Any:
        """Reload status, metadata and timestamps from the server, in place."""
        return self._run(self._refresh_op())

    def update(self, new_metadata: dict[str, Any] | None = None) -> Any:
        """Replace the session's metadata, in place."""
        return self._run(self._update_op(new_metadata))

    def delete(self) -> Any:
        """Delete the session with its messages and everything formed from it."""
        return self._run(self._delete_op())

    def add_message(self, role: MessageRole | str, content: str) -> Any:
        """Append a message (only while the session is pending)."""
        return self._run(self._add_message_op(role, content))

    def get_messages(self, offset: int = 0, limit: int = 50) -> Any:
        """A page of the session's messages, in order."""
        return self._run(self._messages_op(offset, limit))

    def get_summary(self) -> Any:
        """The summary processing wrote for this session, or None (Recallr extension).

        Example: ``session.process(wait=True); print(session.get_summary())``
        """
        return self._run(self._summary_op())

    def process(self, wait: bool = False, timeout: float = 120.0, poll_interval: float = 0.2) -> Any:
        """Queue the session for processing (pending -> processing -> processed).

        With ``wait=True`` return only once processing has ended (``status`` is then ``processed`` or
        ``failed``, see ``error``); ``TimeoutError`` after ``timeout`` seconds.
        """
        return self._run(self._process_op(wait, timeout, poll_interval))

    def __repr__(self) -> str:
        return f"<Session id={self.session_id} user_id={self._user_id} status={self.status.value}>"


class _UserBase(_Resource):
    """A user: update, refresh, delete; create, get and list sessions; the last messages."""

    _session_cls: type[_SessionBase]
    _conflict_cls: type[_MergeConflictBase]

    def __init__(self, runner: Any, data: dict[str, Any]) -> None:
        self._runner = runner
        self._apply(data)

    def _apply(self, data: dict[str, Any]) -> None:
        self.user_id: str = data["custom_user_id"]
        self.metadata: dict[str, Any] = data.get("metadata") or {}
        self.merge_conflict_enabled: bool | None = data.get("merge_conflict_enabled")
        self.email: str | None = data.get("email")
        self.first_name: str | None = data.get("first_name")
        self.last_name: str | None = data.get("last_name")
        self.created_at = datetime.fromisoformat(data["created_at"])
        self.last_active_at = datetime.fromisoformat(data["last_active_at"])
        self.session_count: int | None = data.get("session_count")  # with list_users(include_counts=True)
        self.memory_count: int | None = data.get("memory_count")

    @property
    def _path(self) -> str:
        return f"/api/v1/users/{_q(self.user_id)}"

    def _update_op(self, body: dict[str, Any]) -> Op[None]:
        response = yield Call("PUT", self._path, json=body)
        self._apply(response.json())

    def _refresh_op(self) -> Op[None]:
        response = yield Call("GET", self._path)
        self._apply(response.json())

    def _delete_op(self) -> Op[None]:
        yield Call("DELETE", self._path, ok=(204,))

    def _create_session_op(self, body: dict[str, Any]) -> Op[_SessionBase]:
        response = yield Call("POST", f"{self._path}/sessions", json=body, ok=(201,))
        return self._session_cls(self._runner, self.user_id, response.json())

    def _get_session_op(self, session_id: str) -> Op[_SessionBase]:
        response = yield Call("GET", f"{self._path}/sessions/{_q(session_id)}")
        return self._session_cls(self._runner, self.user_id, response.json())

    def _list_sessions_op(self, params: dict[str, Any], offset: int) -> Op[SessionList[_SessionBase]]:
        response = yield Call("GET", f"{self._path}/sessions", params=params)
        data = response.json()
        items = [self._session_cls(self._runner, self.user_id, s) for s in data["sessions"]]
        return page_of(SessionList, data, "sessions", items, offset)

    def _last_messages_op(self, n: int) -> Op[UserMessagesList]:
        response = yield Call("GET", f"{self._path}/messages", params={"limit": n})
        return UserMessagesList([Message(**m) for m in response.json()["messages"]])

    def _memories_op(self, params: dict[str, Any], offset: int) -> Op[UserMemoriesList]:
        response = yield Call("GET", f"{self._path}/memories", params=params)
        data = response.json()
        items = [UserMemoryItem.model_validate(i) for i in data["items"]]
        return page_of(UserMemoriesList, data, "items", items, offset)

    def _memory_op(self, memory_id: str, params: dict[str, Any]) -> Op[UserMemoryItem]:
        response = yield Call("GET", f"{self._path}/memory/{_q(memory_id)}", params=params)
        return UserMemoryItem.model_validate(response.json())

    def _delete_memory_op(self, memory_id: str, delete_previous_versions: bool) -> Op[None]:
        yield Call("DELETE", f"{self._path}/memory/{_q(memory_id)}",
                   params={"delete_previous_versions": delete_previous_versions}, ok=(204,))

    def _conflicts_op(self, params: dict[str, Any], offset: int) -> Op[MergeConflictList[_MergeConflictBase]]:
        response = yield Call("GET", f"{self._path}/merge-conflicts", params=params)
        data = response.json()
        items = [self._conflict_cls(self._runner, self.user_id, c) for c in data["conflicts"]]
        return page_of(MergeConflictList, data, "conflicts", items, offset)

    def _conflict_op(self, conflict_id: str) -> Op[_MergeConflictBase]:
        response = yield Call("GET", f"{self._path}/merge-conflicts/{_q(conflict_id)}")
        return self._conflict_cls(self._runner, self.user_id, response.json())

    def list_memories(self, offset: int = 0, limit: int = 20, categories: Sequence[str] | None = None,
                      session_id_filter: Sequence[str] | None = None,
                      session_metadata_filter: dict[str, Any] | None = None, include_previous_versions: bool = True,
                      include_connected_memories: bool = True) -> Any:
        """A page of the user's current memories, newest first (``InvalidCategoriesError`` for unknown ones)."""
        params: dict[str, Any] = {"offset": offset, "limit": limit,
                                  "include_previous_versions": include_previous_versions,
                                  "include_connected_memories": include_connected_memories,
                                  "categories": list(categories) if categories is not None else None,
                                  "session_id_filter": list(session_id_filter) if session_id_filter else None}
        if session_metadata_filter is not None:
            params["session_metadata_filter"] = json.dumps(session_metadata_filter)
        return self._run(self._memories_op(params, offset))

    def get_memory(self, memory_id: str, include_previous_versions: bool = True,
                   include_connected_memories: bool = True) -> Any:
        """One memory by the id of any of its versions (``MemoryNotFoundError`` otherwise)."""
        return self._run(self._memory_op(memory_id, {"include_previous_versions": include_previous_versions,
                                                     "include_connected_memories": include_connected_memories}))

    def delete_memory(self, memory_id: str, delete_previous_versions: bool = False) -> Any:
        """Delete a memory version (and, if asked, every earlier version)."""
        return self._run(self._delete_memory_op(memory_id, delete_previous_versions))

    def list_merge_conflicts(self, offset: int = 0, limit: int = 10, status: MergeConflictStatus | None = None,
                             sort_by: str = "created_at", sort_order: str = "desc") -> Any:
        """A page of merge conflicts, filtered by status, sorted by ``created_at``/``resolved_at``."""
        params = {"offset": offset, "limit": limit, "sort_by": sort_by, "sort_order": sort_order,
                  "status": MergeConflictStatus(status).value if status is not None else None}
        return self._run(self._conflicts_op(params, offset))

    def get_merge_conflict(self, conflict_id: str) -> Any:
        """One merge conflict (``MergeConflictNotFoundError`` otherwise)."""
        return self._run(self._conflict_op(conflict_id))

    def update(self, new_metadata: dict[str, Any] | None = None, new_user_id: str | None = None,
               merge_conflict_enabled: bool | None = _UNSET, *, email: str | None = _UNSET,
               first_name: str | None = _UNSET, last_name: str | None = _UNSET) -> Any:
        """Change metadata, id, merge-conflict override or names, in place (None for merge_conflict_enabled
        resets it to inherit the project's setting)."""
        body: dict[str, Any] = {}
        if new_metadata is not None:
            body["new_metadata"] = new_metadata
        if new_user_id is not None:
            body["new_custom_user_id"] = new_user_id
        for key, value in (("merge_conflict_enabled", merge_conflict_enabled), ("email", email),
                           ("first_name", first_name), ("last_name", last_name)):
            if value is not _UNSET:
                body[key] = value
        return self._run(self._update_op(body))

    def refresh(self) -> Any:
        """Reload the user from the server, in place."""
        return self._run(self._refresh_op())

    def delete(self) -> Any:
        """Delete the user and all its sessions, messages and memories."""
        return self._run(self._delete_op())

    def create_session(self, auto_process_after_seconds: int | None = 600, metadata: dict[str, Any] | None = None,
                       custom_created_at_utc: datetime | None = None) -> Any:
        """Start a session; ``custom_created_at_utc`` (aware, UTC) sets its clock for imported history."""
        _check_utc(custom_created_at_utc)
        body: dict[str, Any] = {"auto_process_after_seconds": auto_process_after_seconds, "metadata": metadata or {}}
        if custom_created_at_utc is not None:
            body["custom_created_at_utc"] = custom_created_at_utc.isoformat()
        return self._run(self._create_session_op(body))

    def get_session(self, session_id: str) -> Any:
        """An existing session of this user."""
        return self._run(self._get_session_op(session_id))

    def list_sessions(self, offset: int = 0, limit: int = 10, metadata_filter: dict[str, Any] | None = None,
                      status_filter: Sequence[SessionStatus] | None = None,
                      user_metadata_filter: dict[str, Any] | None = None) -> Any:
        """A page of sessions, newest first, optionally filtered by metadata and status."""
        params: dict[str, Any] = {"offset": offset, "limit": limit}
        if metadata_filter is not None:
            params["metadata_filter"] = json.dumps(metadata_filter)
        if user_metadata_filter is not None:
            params["user_metadata_filter"] = json.dumps(user_metadata_filter)
        if status_filter is not None:
            params["status_filter"] = [SessionStatus(s).value for s in status_filter]
        return self._run(self._list_sessions_op(params, offset))

    def export(self, destination: Destination = None) -> Annotated[Any, "bytes | int"]:
        """The user's archive (JSON Lines, the format of ``recallr export``), streamed from the server.

        ``destination`` is a file path (written, or removed if the download fails) or a binary file object: the
        result is then the number of bytes written. Without one the result is the archive's bytes.

        Example::

            client.get_user("alice").export("alice.jsonl")
            # recallr import alice.jsonl --data-dir ./elsewhere
        """
        return self._runner.download(Call("GET", f"{self._path}/export"), destination)

    def get_last_n_messages(self, n: int) -> Any:
        """The user's ``n`` (1-100) latest messages across all sessions, oldest first."""
        if not 1 <= n <= 100:
            raise ValueError("n must be between 1 and 100")
        return self._run(self._last_messages_op(n))

    def __repr__(self) -> str:
        return f"<User id={self.user_id} created_at={self.created_at} last_active_at={self.last_active_at}>"


