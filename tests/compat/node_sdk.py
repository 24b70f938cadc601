"""The official Node SDK (``recallrai`` 0.6.6, github.com/recallrai/sdk-node) as it behaves on the wire.

The SDK is not on npm and its source is not ours to vendor, so this is a *description* in Python of what it
sends and how it reads each answer, taken from its public source (``src/utils/http-client.ts``,
``client.ts``, ``user.ts``, ``session.ts``, ``merge-conflict.ts``) and from axios 1.x, which it uses with
default options (``lib/helpers/buildURL.js``, ``toFormData.js``, ``adapters/http.js``):

* every request carries ``X-Recallr-Api-Key``, ``X-Recallr-Project-Id``, ``Content-Type: application/json``,
  ``Accept: application/json`` (``text/event-stream`` for the context stream) and
  ``User-Agent: RecallrAI-Node-SDK/0.6.6``;
* query parameters whose value is null or undefined are dropped; an array is sent as ``key[]=v`` once per
  element, with the key percent-encoded (``status_filter%5B%5D=pending``); booleans as ``true``/``false``;
  spaces as ``+`` and ``: $ ,`` left unescaped;
* the body is ``JSON.stringify`` of the data without its null/undefined top-level entries, and GET and
  DELETE send one too (``{}``, with ``Content-Length: 2``): axios sends ``data`` whatever the method;
* every answer first goes through the client's status checks (422, 500, 401, 429, and a 404 whose body is
  exactly ``404 page not found`` become ``ValidationError``, ``InternalServerError``, ``AuthenticationError``,
  ``RateLimitError``, ``ConnectionError``), then through the method's own (404 split into user / session /
  merge conflict by the detail text, 400 by its text or, for memories, by ``detail.invalid_categories``).

``NodeSdk`` methods return the JSON the SDK would parse, after checking that every field its parser reads is
there; they raise ``NodeSdkError`` named like the SDK's error class where the SDK would throw.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

import httpx

USER_AGENT = "RecallrAI-Node-SDK/0.6.6"
USER_FIELDS = ("custom_user_id", "metadata", "created_at", "last_active_at")
SESSION_FIELDS = ("session_id", "status", "created_at", "metadata")
MEMORY_FIELDS = ("memory_id", "categories", "content", "event_date_start", "event_date_end", "created_at",
                 "version_number", "total_versions", "has_previous_versions", "merge_conflict_in_progress",
                 "session_id")
CONFLICT_FIELDS = ("id", "project_user_session_id", "conflicting_memories", "clarifying_questions", "status",
                   "created_at")


class NodeSdkError(Exception):
    """What the Node SDK throws: its class name, message and ``httpStatus``."""

    def __init__(self, name: str, message: Any, status: int, invalid_categories: list[str] | None = None) -> None:
        super().__init__(f"{name}: {message} ({status})")
        self.name, self.message, self.status = name, message, status
        self.invalid_categories = invalid_categories


def _encode(text: str) -> str:
    """axios' ``buildURL`` encoder: ``encodeURIComponent``, then ``: $ ,`` unescaped and spaces as ``+``."""
    encoded = quote(text, safe="-_.!~*'()")
    return encoded.replace("%3A", ":").replace("%24", "$").replace("%2C", ",").replace("%20", "+")


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def axios_query(params: Mapping[str, Any]) -> str:
    """The query string axios builds from ``params`` (after the SDK dropped null and undefined values)."""
    pairs: list[str] = []
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, list | tuple):
            pairs.extend(f"{_encode(key + '[]')}={_encode(_scalar(v))}" for v in value if v is not None)
        else:
            pairs.append(f"{_encode(key)}={_encode(_scalar(value))}")
    return "&".join(pairs)


def _json_body(data: Mapping[str, Any] | None) -> bytes:
    kept = {k: v for k, v in (data or {}).items() if v is not None}
    return json.dumps(kept, separators=(",", ":"), ensure_ascii=False).encode()


def _data(response: httpx.Response) -> Any:
    """axios' ``response.data``: the parsed JSON, else the text as it came."""
    try:
        return response.json()
    except ValueError:
        return response.text


def _detail(data: Any) -> Any:
    return data.get("detail") if isinstance(data, dict) else None


def _has(data: Any, fields: Iterable[str]) -> Any:
    missing = [f for f in fields if not isinstance(data, dict) or f not in data]
    assert not missing, f"the Node SDK's parser reads {missing}, absent from {data!r}"
    return data


class NodeSdk:
    """The Node SDK's requests and error handling, over a real HTTP connection."""

    def __init__(self, base_url: str, api_key: str, project_id: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.headers = {"X-Recallr-Api-Key": api_key, "X-Recallr-Project-Id": project_id,
                        "Content-Type": "application/json", "Accept": "application/json",
                        "User-Agent": USER_AGENT, "Accept-Encoding": "gzip, compress, deflate, br"}
        self.http = httpx.Client(timeout=30)
        self.sent: list[httpx.Request] = []  # every request, as it went out

    def close(self) -> None:
        self.http.close()

    # -- the HTTP layer (http-client.ts) -------------------------------------------------------------
    def _request(self, method: str, path: str, params: Mapping[str, Any] | None = None,
                 data: Mapping[str, Any] | None = None, *, stream: bool = False) -> httpx.Response:
        url = f"{self.base_url}{path}"
        if params:
            query = axios_query(params)
            url += f"?{query}" if query else ""
        headers = dict(self.headers, Accept="text/event-stream") if stream else self.headers
        request = self.http.build_request(method, url, headers=headers, content=_json_body(data))
        self.sent.append(request)
        return self.http.send(request, stream=stream)

    def request(self, method: str, path: str, params: Mapping[str, Any] | None = None,
                data: Mapping[str, Any] | None = None) -> tuple[int, Any]:
        response = self._request(method, path, params, data)
        status, data_ = response.status_code, _data(response)
        detail = _detail(data_)
        if status == 422:
            raise NodeSdkError("ValidationError", detail or "Validation error", status)
        if status == 500:
            raise NodeSdkError("InternalServerError", detail or "Internal server error", status)
        if status == 404 and data_ == "404 page not found":
            raise NodeSdkError("ConnectionError", "Resource not found", status)
        if status == 401:
            raise NodeSdkError("AuthenticationError", detail or "Authentication failed", status)
        if status == 429:
            raise NodeSdkError("RateLimitError", "429 Too Many Requests.", status)
        return status, data_

    def stream_lines(self, path: str, params: Mapping[str, Any]) -> list[str]:
        response = self._request("GET", path, params, stream=True)
        try:
            status = response.status_code
            for code, name in ((422, "ValidationError"), (500, "InternalServerError")):
                if status == code:
                    raise NodeSdkError(name, name, status)
            if status == 404:  # reads ~100 bytes; only the router's text is an error, else: no events at all
                head = b""
                for chunk in response.iter_bytes():
                    head += chunk
                    if len(head) > 100:
                        break
                if head.decode("utf-8", "replace").strip() == "404 page not found":
                    raise NodeSdkError("ConnectionError", "Resource not found", status)
                return []
            if status in (401, 429):
                raise NodeSdkError("AuthenticationError" if status == 401 else "RateLimitError", "", status)
            text = "".join(response.iter_text())
        finally:
            response.close()
        lines = text.split("\n")
        return [line for line in lines[:-1] if line]  # the SDK keeps an unterminated last line buffered

    def _expect(self, status: int, data: Any, ok: int, *, not_found: str = "UserNotFoundError",
                user_id: str | None = None) -> Any:
        """A method's own checks: 404 split by the detail text when ``user_id`` is given, else ``not_found``."""
        detail = _detail(data)
        if status == 404:
            if user_id is not None:
                name = "UserNotFoundError" if f"User {user_id} not found" in (detail or "") else not_found
            else:
                name = not_found
            raise NodeSdkError(name, detail, status)
        if status != ok:
            raise NodeSdkError("RecallrAIError", detail or "Unknown error", status)
        return data

    # -- client.ts ------------------------------------------------------------------------------------
    def create_user(self, user_id: str, metadata: dict[str, Any] | None = None,
                    merge_conflict_enabled: bool | None = None) -> Any:
        payload: dict[str, Any] = {"custom_user_id": user_id, "metadata": metadata}
        if merge_conflict_enabled is not None:
            payload["merge_conflict_enabled"] = merge_conflict_enabled
        status, data = self.request("POST", "/api/v1/users", data=payload)
        if status == 409:
            raise NodeSdkError("UserAlreadyExistsError", _detail(data), status)
        return _has(self._expect(status, data, 201), USER_FIELDS)

    def get_user(self, user_id: str) -> Any:
        return _has(self._expect(*self.request("GET", f"/api/v1/users/{user_id}"), 200), USER_FIELDS)

    def list_users(self, offset: int = 0, limit: int = 10, metadata_filter: dict[str, Any] | None = None) -> Any:
        params: dict[str, Any] = {"offset": offset, "limit": limit}
        if metadata_filter:
            params["metadata_filter"] = json.dumps(metadata_filter, separators=(",", ":"))
        data = self._expect(*self.request("GET", "/api/v1/users", params), 200, not_found="RecallrAIError")
        return [_has(u, USER_FIELDS) for u in data["users"]], data["total"], data["has_more"]

    # -- user.ts --------------------------------------------------------------------------------------
    def update_user(self, user_id: str, **changes: Any) -> Any:
        status, data = self.request("PUT", f"/api/v1/users/{user_id}", data=changes)
        if status == 409:
            raise NodeSdkError("UserAlreadyExistsError", _detail(data), status)
        return _has(self._expect(status, data, 200), USER_FIELDS)

    def delete_user(self, user_id: str) -> None:
        self._expect(*self.request("DELETE", f"/api/v1/users/{user_id}"), 204)

    def create_session(self, user_id: str, auto_process_after_seconds: int = 600,
                       metadata: dict[str, Any] | None = None) -> Any:
        payload = {"auto_process_after_seconds": auto_process_after_seconds, "metadata": metadata or {}}
        status, data = self.request("POST", f"/api/v1/users/{user_id}/sessions", data=payload)
        return _has(self._expect(status, data, 201), SESSION_FIELDS)

    def get_session(self, user_id: str, session_id: str) -> Any:
        status, data = self.request("GET", f"/api/v1/users/{user_id}/sessions/{session_id}")
        return _has(self._expect(status, data, 200, not_found="SessionNotFoundError", user_id=user_id),
                    SESSION_FIELDS)

    def list_sessions(self, user_id: str, *, status_filter: list[str] | None = None, offset: int = 0,
                      limit: int = 10) -> Any:
        params: dict[str, Any] = {"offset": offset, "limit": limit, "status_filter": status_filter}
        data = self._expect(*self.request("GET", f"/api/v1/users/{user_id}/sessions", params), 200)
        return [_has(s, SESSION_FIELDS) for s in data["sessions"]], data["total"], data["has_more"]

    def list_memories(self, user_id: str, *, categories: list[str] | None = None,
                      session_id_filter: list[str] | None = None, offset: int = 0, limit: int = 20) -> Any:
        params = {"offset": offset, "limit": limit, "include_previous_versions": True,
                  "include_connected_memories": True, "categories": categories,
                  "session_id_filter": session_id_filter}
        status, data = self.request("GET", f"/api/v1/users/{user_id}/memories", params)
        if status == 400:
            detail = _detail(data)  # the SDK reads detail.message and detail.invalid_categories
            raise NodeSdkError("InvalidCategoriesError", detail["message"], status, detail["invalid_categories"])
        data = self._expect(status, data, 200)
        return [_has(m, MEMORY_FIELDS) for m in data["items"]], data["total"], data["has_more"]

    def get_memory(self, user_id: str, memory_id: str) -> Any:
        params = {"include_previous_versions": True, "include_connected_memories": True}
        status, data = self.request("GET", f"/api/v1/users/{user_id}/memory/{memory_id}", params)
        return _has(self._expect(status, data, 200, not_found="RecallrAIError"), MEMORY_FIELDS)

    def delete_memory(self, user_id: str, memory_id: str, delete_previous_versions: bool = False) -> None:
        params = {"delete_previous_versions": delete_previous_versions}
        status, data = self.request("DELETE", f"/api/v1/users/{user_id}/memory/{memory_id}", params)
        self._expect(status, data, 204, not_found="RecallrAIError")

    def list_merge_conflicts(self, user_id: str, *, status: str | None = None, sort_by: str = "created_at",
                             sort_order: str = "desc") -> Any:
        params = {"offset": 0, "limit": 10, "sort_by": sort_by, "sort_order": sort_order, "status": status}
        data = self._expect(*self.request("GET", f"/api/v1/users/{user_id}/merge-conflicts", params), 200)
        return [_has(c, CONFLICT_FIELDS) for c in data["conflicts"]], data["total"], data["has_more"]

    def get_merge_conflict(self, user_id: str, conflict_id: str) -> Any:
        status, data = self.request("GET", f"/api/v1/users/{user_id}/merge-conflicts/{conflict_id}")
        return _has(self._expect(status, data, 200, not_found="MergeConflictNotFoundError", user_id=user_id),
                    CONFLICT_FIELDS)

    def last_n_messages(self, user_id: str, n: int) -> Any:
        data = self._expect(*self.request("GET", f"/api/v1/users/{user_id}/messages", {"limit": n}), 200)
        return [_has(m, ("role", "content", "timestamp", "session_id")) for m in data["messages"]]

    # -- merge-conflict.ts ------------------------------------------------------------------------------
    def resolve(self, user_id: str, conflict_id: str, answers: list[dict[str, str]]) -> Any:
        body = {"answers": {"question_answers": answers}}  # JSON.stringify drops an undefined ``message``
        status, data = self.request("POST", f"/api/v1/users/{user_id}/merge-conflicts/{conflict_id}/resolve",
                                    data=body)
        if status == 400:
            detail = _detail(data) or ""
            for text, name in (("already resolved", "MergeConflictAlreadyResolvedError"),
                               ("Invalid questions provided", "MergeConflictInvalidQuestionsError"),
                               ("Missing answers for the following questions", "MergeConflictMissingAnswersError")):
                if text in detail:
                    raise NodeSdkError(name, detail, status)
            if "Invalid answer" in detail and "for question" in detail:
                raise NodeSdkError("MergeConflictInvalidAnswerError", detail, status)
            raise NodeSdkError("RecallrAIError", detail, status)
        return _has(self._expect(status, data, 200, not_found="MergeConflictNotFoundError", user_id=user_id),
                    CONFLICT_FIELDS)

    # -- session.ts -----------------------------------------------------------------------------------
    def _session_call(self, method: str, user_id: str, session_id: str, tail: str, ok: int,
                      params: Mapping[str, Any] | None = None, data: Mapping[str, Any] | None = None) -> Any:
        status, body = self.request(method, f"/api/v1/users/{user_id}/sessions/{session_id}{tail}", params, data)
        if status == 400 and tail in ("/add-message", "/process"):
            raise NodeSdkError("InvalidSessionStateError", _detail(body), status)
        return self._expect(status, body, ok, not_found="SessionNotFoundError", user_id=user_id)

    def add_message(self, user_id: str, session_id: str, role: str, content: str) -> Any:
        return self._session_call("POST", user_id, session_id, "/add-message", 200,
                                  data={"message": content, "role": role})

    def process(self, user_id: str, session_id: str) -> Any:
        return self._session_call("POST", user_id, session_id, "/process", 200)

    def get_messages(self, user_id: str, session_id: str, offset: int = 0, limit: int = 50) -> Any:
        data = self._session_call("GET", user_id, session_id, "/messages", 200, {"offset": offset, "limit": limit})
        return [_has(m, ("role", "content", "timestamp")) for m in data["messages"]], data["total"]

    def update_session(self, user_id: str, session_id: str, new_metadata: dict[str, Any]) -> Any:
        return _has(self._session_call("PUT", user_id, session_id, "", 200, data={"new_metadata": new_metadata}),
                    SESSION_FIELDS)

    def delete_session(self, user_id: str, session_id: str) -> None:
        self._session_call("DELETE", user_id, session_id, "", 204)

    def system_prompt(self, strategy: str) -> str:
        data = self._expect(*self.request("GET", "/api/v1/system-prompt", {"recall_strategy": strategy}), 200)
        return str(data["system_prompt"])

    def _context_params(self, strategy: str, stream: bool) -> dict[str, Any]:
        params: dict[str, Any] = {"recall_strategy": strategy, "min_top_k": 15, "max_top_k": 50,
                                  "memories_threshold": 0.6, "summaries_threshold": 0.5,
                                  "include_system_prompt": False, "include_metadata_ids": True}
        return params | {"stream": True} if stream else params

    def get_context(self, user_id: str, session_id: str, strategy: str = "balanced") -> Any:
        """The SDK fetches the prompt itself, asks without it and prepends it for the strategy used."""
        prompt = self.system_prompt(strategy)
        data = self._session_call("GET", user_id, session_id, "/context", 200, self._context_params(strategy, False))
        _has(data, ("is_final", "context", "metadata"))
        if data["metadata"].get("recall_strategy_used"):
            data["context"] = f"{prompt}\n\n\n{data['context']}"
        return data

    def get_context_stream(self, user_id: str, session_id: str, strategy: str = "balanced") -> list[Any]:
        """The events the SDK yields: ``data:`` lines parsed as JSON, everything else skipped."""
        self.system_prompt(strategy)
        path = f"/api/v1/users/{user_id}/sessions/{session_id}/context"
        lines = self.stream_lines(path, self._context_params(strategy, True))
        payloads = [line[len("data:"):].strip() for line in lines if line.startswith("data:")]
        return [json.loads(p) for p in payloads if p]
