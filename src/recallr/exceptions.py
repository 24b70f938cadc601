"""The one exception tree shared by the engine, the server and the SDK.

Names and shape follow the official RecallrAI SDK, so ``except`` clauses written
against it work unchanged::

    RecallrAIError                      base of everything Recallr raises
    ├── AuthenticationError             401: missing, wrong or revoked key
    ├── NetworkError
    │   ├── TimeoutError                also a builtins.TimeoutError
    │   └── ConnectionError             also a builtins.ConnectionError
    ├── ServerError
    │   ├── InternalServerError         500
    │   ├── ServiceUnavailableError     503: the database is unreachable
    │   └── RateLimitError              429
    ├── UserError
    │   ├── UserNotFoundError           404
    │   ├── UserAlreadyExistsError      409
    │   └── InvalidCategoriesError      400, carries ``invalid_categories``
    ├── SessionError
    │   ├── SessionNotFoundError        404
    │   └── InvalidSessionStateError    400
    ├── MemoryNotFoundError             404
    ├── CategoryError                   400/404/409 on category management
    ├── MergeConflictError
    │   ├── MergeConflictNotFoundError          404
    │   ├── MergeConflictAlreadyResolvedError   400
    │   ├── MergeConflictInvalidQuestionsError  400
    │   ├── MergeConflictMissingAnswersError    400
    │   └── MergeConflictInvalidAnswerError     400
    ├── ValidationError                 422
    ├── ArchiveError                    400: an export archive that cannot be imported
    │   └── ArchiveConflictError        409: its rows clash with the target's (--on-conflict)
    ├── RequestTooLargeError            413: a body over RECALLR_MAX_BODY_BYTES
    ├── RequestTimeoutError             408: a body slower than RECALLR_BODY_TIMEOUT_SECONDS
    └── ConfigurationError              a setting or optional dependency is missing

Every class carries the HTTP status it maps to and a stable ``code``; the server
writes ``{"detail": ..., "code": ...}`` from an exception (``to_body``) and the
SDK turns that body back into the same class (``from_response``).  Those two
functions are the only mapping in each direction.

Example::

    try:
        client.get_user("nobody")
    except UserNotFoundError as e:
        print(e.message, e.http_status)   # "User nobody not found" 404
"""

from __future__ import annotations

import builtins
from typing import Any, ClassVar


class RecallrAIError(Exception):
    """Base class of every error raised by Recallr."""

    status: ClassVar[int] = 500
    code: ClassVar[str] = "error"

    def __init__(self, message: str, http_status: int | None = None, **extra: Any) -> None:
        self.message = message
        self.http_status = self.status if http_status is None else http_status
        self.extra = extra
        super().__init__(message)

    def __str__(self) -> str:
        return f"{self.message}. HTTP Status: {self.http_status}."

    @property
    def detail(self) -> Any:
        """The value of ``detail`` in the JSON error body."""
        return self.message


class AuthenticationError(RecallrAIError):
    """The API key or project id is missing, wrong or revoked."""

    status, code = 401, "authentication_failed"

    def __init__(
        self, message: str = "Invalid API key or project ID", http_status: int | None = None, **extra: Any
    ) -> None:
        super().__init__(message, http_status, **extra)


class NetworkError(RecallrAIError):
    """The server could not be reached."""

    status, code = 0, "network_error"


class TimeoutError(NetworkError, builtins.TimeoutError):  # noqa: A001 - name fixed by the official SDK
    """A request took longer than the client's timeout."""

    code = "timeout"


class ConnectionError(NetworkError, builtins.ConnectionError):  # noqa: A001 - name fixed by the official SDK
    """No connection could be made to the server."""

    code = "connection_error"


class ServerError(RecallrAIError):
    """The server failed to answer the request."""

    status, code = 500, "server_error"


class InternalServerError(ServerError):
    """An unexpected error on the server (HTTP 500)."""

    status, code = 500, "internal_error"


class ServiceUnavailableError(ServerError):
    """The server is up but its database is not reachable (HTTP 503); retry later."""

    status, code = 503, "service_unavailable"


class RateLimitError(ServerError):
    """Too many requests (HTTP 429); ``retry_after`` is set when the server gave one."""

    status, code = 429, "rate_limited"

    @property
    def retry_after(self) -> float | None:
        return self.extra.get("retry_after")


class UserError(RecallrAIError):
    """Base class of user errors."""

    status, code = 400, "user_error"


class UserNotFoundError(UserError):
    """No user with that id in this project."""

    status, code = 404, "user_not_found"


class UserAlreadyExistsError(UserError):
    """A user with that id already exists in this project."""

    status, code = 409, "user_already_exists"


class InvalidCategoriesError(UserError):
    """Memories were filtered by categories the project does not have."""

    status, code = 400, "invalid_categories"

    def __init__(
        self, message: str, http_status: int | None = None, invalid_categories: list[str] | None = None, **extra: Any
    ) -> None:
        super().__init__(message, http_status, **extra)
        self.invalid_categories = list(invalid_categories or [])

    @property
    def detail(self) -> Any:
        return {"message": self.message, "invalid_categories": self.invalid_categories}


class SessionError(RecallrAIError):
    """Base class of session errors."""

    status, code = 400, "session_error"


class SessionNotFoundError(SessionError):
    """No session with that id for this user."""

    status, code = 404, "session_not_found"


class InvalidSessionStateError(SessionError):
    """The operation is not allowed in the session's current status."""

    status, code = 400, "invalid_session_state"


class MemoryNotFoundError(RecallrAIError):
    """No memory (of any version) with that id for this user."""

    status, code = 404, "memory_not_found"


class CategoryError(RecallrAIError):
    """A category could not be created, changed or deleted."""

    status, code = 400, "category_error"


class MergeConflictError(RecallrAIError):
    """Base class of merge conflict errors."""

    status, code = 400, "merge_conflict_error"


class MergeConflictNotFoundError(MergeConflictError):
    """No merge conflict with that id for this user."""

    status, code = 404, "merge_conflict_not_found"


class MergeConflictAlreadyResolvedError(MergeConflictError):
    """The conflict is no longer pending."""

    status, code = 400, "merge_conflict_already_resolved"


class MergeConflictInvalidQuestionsError(MergeConflictError):
    """Answers name questions the conflict does not ask."""

    status, code = 400, "merge_conflict_invalid_questions"

    @property
    def invalid_questions(self) -> list[str]:
        return list(self.extra.get("invalid_questions", []))


class MergeConflictMissingAnswersError(MergeConflictError):
    """Some clarifying questions were not answered."""

    status, code = 400, "merge_conflict_missing_answers"

    @property
    def missing_questions(self) -> list[str]:
        return list(self.extra.get("missing_questions", []))


class MergeConflictInvalidAnswerError(MergeConflictError):
    """An answer is not one of its question's options."""

    status, code = 400, "merge_conflict_invalid_answer"

    @property
    def question(self) -> str | None:
        return self.extra.get("question")

    @property
    def valid_options(self) -> list[str]:
        return list(self.extra.get("valid_options", []))


class ValidationError(RecallrAIError):
    """The request broke a documented limit (HTTP 422)."""

    status, code = 422, "validation_error"


class ArchiveError(RecallrAIError):
    """An export archive that cannot be read or imported (truncated, unknown version, malformed record)."""

    status, code = 400, "archive_error"


class ArchiveConflictError(ArchiveError):
    """An imported row's id is already in the target database (see ``--on-conflict``)."""

    status, code = 409, "archive_conflict"


class RequestTooLargeError(RecallrAIError):
    """The request body is larger than the server accepts (HTTP 413)."""

    status, code = 413, "request_too_large"


class RequestTimeoutError(RecallrAIError):
    """The client took too long to send the request body (HTTP 408)."""

    status, code = 408, "request_timeout"


class ConfigurationError(RecallrAIError):
    """A setting, a model file or an optional dependency is missing or wrong."""

    status, code = 500, "configuration_error"


def _all_classes() -> list[type[RecallrAIError]]:
    found: list[type[RecallrAIError]] = []
    pending: list[type[RecallrAIError]] = [RecallrAIError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


_BY_CODE: dict[str, type[RecallrAIError]] = {cls.code: cls for cls in _all_classes()}
_BY_STATUS: dict[int, type[RecallrAIError]] = {
    401: AuthenticationError,
    404: RecallrAIError,
    408: RequestTimeoutError,
    409: RecallrAIError,
    413: RequestTooLargeError,
    422: ValidationError,
    429: RateLimitError,
    500: InternalServerError,
    502: ServerError,
    503: ServiceUnavailableError,
    504: ServerError,
}


#: The body of a 404 for a path no route serves (plain text, not the JSON shape): both official SDKs map
#: exactly this text to ``ConnectionError``, so a mistyped base URL reads as a configuration problem and not
#: as ``UserNotFoundError``. It is the one error response that is not ``{"detail", "code"}``.
ROUTE_NOT_FOUND = "404 page not found"


def to_body(error: RecallrAIError) -> dict[str, Any]:
    """The JSON error body for ``error``: ``{"detail": ..., "code": ..., **extra}``."""
    body: dict[str, Any] = {"detail": error.detail, "code": error.code}
    body.update({k: v for k, v in error.extra.items() if k not in body})
    return body


def from_response(status: int, body: Any) -> RecallrAIError:
    """The exception for an error response, chosen by its ``code`` (else its status)."""
    if not isinstance(body, dict):
        body = {"detail": str(body) if body else f"HTTP {status}"}
    if status == 404 and body.get("detail") == ROUTE_NOT_FOUND and "code" not in body:
        return ConnectionError(f"{ROUTE_NOT_FOUND}: no such API route; check the base URL", status)
    detail = body.get("detail", f"HTTP {status}")
    code = body.get("code")
    cls = _BY_CODE.get(code) if isinstance(code, str) else None
    if cls is None:
        cls = _BY_STATUS.get(status, ServerError if status >= 500 else RecallrAIError)
    extra = {k: v for k, v in body.items() if k not in ("detail", "code")}
    if isinstance(detail, dict):
        extra.update({k: v for k, v in detail.items() if k != "message"})
        message = str(detail.get("message", detail))
    elif isinstance(detail, list):
        message = "; ".join(str(item.get("msg", item)) if isinstance(item, dict) else str(item) for item in detail)
    else:
        message = str(detail)
    return cls(message, status, **extra)
