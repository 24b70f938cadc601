"""Errors of LLM mode. They stay inside the worker and recall (a step falls back or the session fails with the
message kept in its ``error``); none is ever an HTTP answer, so none needs a place in the wire mapping.

A session's ``error`` is shown to the project, and the endpoint may be anyone's: messages are short and fixed
(``llm_request_rejected: the LLM endpoint rejected the request (HTTP 401)``), never the provider's error body or
the model's answer. Those go to the server log only (``provider_message``).

    RecallrAIError
    └── LLMError
        ├── LLMUnavailableError     timeouts, refused connections, 429/5xx after every retry
        │   ├── EndpointBusy        no free slot on the endpoint in time (a backlog): run offline now
        │   └── OverBudget          the unit of work's LLM time budget is spent
        ├── LLMRequestError         the endpoint rejected the request (unknown model, bad key, too long)
        └── LLMOutputError          the answer was not usable JSON of the right shape, even after one retry
"""

from __future__ import annotations

from ..exceptions import RecallrAIError


class LLMError(RecallrAIError):
    """Base class of LLM-mode failures."""

    status, code = 502, "llm_error"

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class LLMUnavailableError(LLMError):
    """The model could not be reached or kept failing (timeouts, 429 and 5xx after every retry).

    ``timed_out_after``: the seconds a request ran without an answer, when that is what happened.
    """

    code = "llm_unavailable"

    def __init__(self, message: str, http_status: int | None = None, *, timed_out_after: float | None = None) -> None:
        super().__init__(message, http_status)
        self.timed_out_after = timed_out_after


class EndpointBusy(LLMUnavailableError):
    """Every request slot of the endpoint stayed taken (a backlog, or a timed-out request still computing)."""

    code = "llm_backlog"


class OverBudget(LLMUnavailableError):
    """The time budget of the unit of work (a session's processing, a recall) was spent."""

    code = "llm_over_budget"


class LLMRequestError(LLMError):
    """The endpoint rejected the request itself (unknown model, bad key, prompt too long)."""

    code = "llm_request_rejected"

    def __init__(self, message: str, http_status: int | None = None, *, provider_message: str = "") -> None:
        super().__init__(message, http_status)
        self.provider_message = provider_message  # the endpoint's own words: for the log and quirk learning only


class LLMOutputError(LLMError):
    """The answer was not usable JSON of the expected shape, even after the retry that showed the error."""

    code = "llm_bad_output"

    @property
    def truncated(self) -> bool:
        """Whether the answer was cut off at the output-token limit (a smaller batch may fit)."""
        return bool(self.extra.get("truncated"))
