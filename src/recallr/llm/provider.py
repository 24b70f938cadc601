"""The one provider: an OpenAI-compatible endpoint through the ``openai`` package (imported on first use).

``Endpoint`` owns everything that touches the network: timeouts, retries with exponential backoff on 429,
5xx and refused connections (a ``Retry-After`` header wins), and two concurrency limits: the per-process one
and the endpoint's own slots (``slots``: what the server serves at once, 1 for a local server by default).
A request waits for a slot at most ``queue_wait`` seconds (then ``EndpointBusy``: the step runs offline
rather than queueing behind a backlog). A request that timed out is not sent again, and keeps its slot for
as long again, because the server is most likely still computing it: nothing is sent into that slot
meanwhile. Nothing waits past the request's ``deadline`` (the session's time budget): ``OverBudget``.

It also learns an endpoint's quirks once per model (``max_completion_tokens`` instead of ``max_tokens``, no
``temperature``) and reports a rejected ``response_format`` as ``FormatRejected`` at once, whether the server
says so with a 4xx or with a 500 whose body names the format (llama-cpp-python's server), so the caller can
step down to a simpler format. Failed requests, timeouts and retries are reported through ``request.report``.

Example::

    endpoint = Endpoint("http://127.0.0.1:11434/v1", "ollama", limiter=threading.BoundedSemaphore(4), slots=1)
    answer = endpoint.chat("llama3.1", ChatRequest([{"role": "user", "content": "Hi"}], max_tokens=64))
    answer.text, answer.prompt_tokens
"""

from __future__ import annotations

import email.utils
import ipaddress
import logging
import random
import threading
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from ..exceptions import ConfigurationError
from ..prompts._chat import ChatMessage
from .errors import EndpointBusy, LLMRequestError, LLMUnavailableError, OverBudget

log = logging.getLogger("recallr.llm")

T = TypeVar("T")
OPENAI_URL = "https://api.openai.com/v1"
MAX_RETRY_AFTER = 60.0  # seconds: a longer Retry-After is capped (the lease must outlive the wait)
MAX_TIMEOUT_HOLD = 120.0  # seconds a timed-out request's slot stays taken at most
_BACKOFF_BASE, _BACKOFF_CAP = 0.5, 20.0
_RETRYABLE_STATUS = frozenset({408, 409, 425, 429})
_FORMAT_WORDS = ("response_format", "json_schema", "json_object", "response format", "structured output")


class FormatRejected(LLMRequestError):
    """The endpoint does not accept the ``response_format`` that was sent."""

    code = "llm_format_rejected"


@dataclass(frozen=True)
class ChatRequest:
    messages: list[ChatMessage]
    max_tokens: int
    response_format: dict[str, Any] | None = None
    temperature: float = 0.0
    timeout: float = 60.0
    max_retries: int = 3
    deadline: float | None = None  # time.monotonic() after which nothing is sent or waited for
    queue_wait: float = 30.0  # seconds to wait for a free slot of the endpoint before giving up (backlog)
    report: Callable[[str], None] | None = field(default=None, compare=False)  # "failed_requests", "timeouts", ...

    def remaining(self) -> float:
        """Seconds left before the deadline (infinite without one)."""
        return float("inf") if self.deadline is None else self.deadline - time.monotonic()

    def note(self, counter: str) -> None:
        if self.report is not None:
            self.report(counter)


@dataclass(frozen=True)
class ChatAnswer:
    text: str
    prompt_tokens: int
    completion_tokens: int
    finish_reason: str | None
    retries: int = 0  # transport retries it took
    seconds: float = 0.0  # wall time of the attempt that answered (for the endpoint's learned speed)


class ChatModel(Protocol):
    """What the structured-output layer needs from a provider."""

    def chat(self, model: str, request: ChatRequest) -> ChatAnswer: ...


def load_openai() -> Any:
    """The ``openai`` module, or a ConfigurationError saying how to install it."""
    try:
        import openai
    except ImportError as error:
        raise ConfigurationError("LLM mode needs the openai package (the llm extra of recallr-memory): "
                                 "pip install 'openai>=1.30'") from error
    return openai


def is_local(base_url: str | None) -> bool:
    """Whether ``base_url`` names a server on this machine or network (loopback, private address, ``localhost``, a
    one-word host such as a Compose service): such servers usually compute one request at a time."""
    host = (urllib.parse.urlsplit(base_url).hostname or "") if base_url else ""
    if not host:
        return False
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")) or "." not in host.strip("[]"):
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local


def estimate_tokens(text: str) -> int:
    """A tokenizer-free estimate (about four characters a token), for budgets and servers that report no usage."""
    return len(text) // 4 + 1


class Endpoint:
    """One OpenAI-compatible server (base URL and key), shared by every model and project that uses it."""

    def __init__(self, base_url: str | None, api_key: str | None, *, limiter: threading.Semaphore,
                 slots: int = 4, sleep: Callable[[float], None] = time.sleep) -> None:
        self.base_url = base_url
        self.api_key = api_key or "not-needed"  # local servers ignore it; the client refuses an empty key
        self.limiter = limiter
        self.slots = threading.BoundedSemaphore(slots)
        self.slot_count = slots
        self.sleep = sleep
        self._client: Any = None
        self._openai: Any = None
        self._quirks: dict[str, set[str]] = {}
        self._lock = threading.Lock()

    def _connect(self) -> Any:
        with self._lock:
            if self._client is None:
                self._openai = load_openai()
                # explicit URL and key: the client would otherwise read OPENAI_* variables behind our back
                self._client = self._openai.OpenAI(base_url=self.base_url or OPENAI_URL, api_key=self.api_key,
                                                   max_retries=0)
            return self._client

    def close(self) -> None:
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()

    # -- chat -----------------------------------------------------------------------------------------------
    def chat(self, model: str, request: ChatRequest) -> ChatAnswer:
        """One chat completion, retried on transient failures; the answer's text and token counts."""
        client = self._connect()
        for _ in range(3):  # at most one retry per quirk learned
            with self._lock:
                quirks = set(self._quirks.get(model, ()))
            kwargs = self._chat_arguments(model, request, quirks)
            try:
                response, retries, seconds = self._chat_with_retries(client, kwargs, request)
            except LLMRequestError as error:
                said = error.provider_message
                if self._learn(model, said):
                    continue
                if request.response_format is not None and any(w in said.lower() for w in _FORMAT_WORDS):
                    raise FormatRejected("the LLM endpoint does not accept this response_format",
                                         provider_message=said) from error
                raise
            return _answer(response, request, retries, seconds)
        raise LLMRequestError("the LLM endpoint keeps rejecting the request")

    @staticmethod
    def _chat_arguments(model: str, request: ChatRequest, quirks: set[str]) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"model": model, "messages": request.messages, "timeout": request.timeout}
        kwargs["max_completion_tokens" if "max_completion_tokens" in quirks else "max_tokens"] = request.max_tokens
        if "no_temperature" not in quirks:
            kwargs["temperature"] = request.temperature
        if request.response_format is not None:
            kwargs["response_format"] = request.response_format
        return kwargs

    def _chat_with_retries(self, client: Any, kwargs: dict[str, Any], request: ChatRequest
                           ) -> tuple[Any, int, float]:
        took = [0.0]

        def call(timeout: float) -> Any:
            started = time.monotonic()
            response = client.chat.completions.create(**{**kwargs, "timeout": timeout})
            took[0] = time.monotonic() - started
            return response

        response, retries = self._with_retries(call, max_retries=request.max_retries, request=request,
                                               format_sent=request.response_format is not None)
        return response, retries, took[0]

    def _learn(self, model: str, message: str) -> bool:
        """Remember a quirk the error names; False when it names none not already known."""
        low = message.lower()
        learned = None
        if "max_tokens" in low and "max_completion_tokens" in low:
            learned = "max_completion_tokens"
        elif "temperature" in low and ("unsupported" in low or "not support" in low or "only the default" in low):
            learned = "no_temperature"
        with self._lock:
            known = self._quirks.setdefault(model, set())
            if learned is None or learned in known:
                return False
            known.add(learned)
        log.info("LLM endpoint %s: model %s needs %s", self.base_url or "OpenAI", model, learned)
        return True

    # -- embeddings -----------------------------------------------------------------------------------------
    def embed(self, model: str, texts: Sequence[str], *, dimensions: int | None, timeout: float,
              max_retries: int) -> tuple[list[list[float]], int]:
        """Embedding vectors for ``texts`` (in order) and the prompt tokens they cost."""
        client = self._connect()
        kwargs: dict[str, Any] = {"model": model, "input": list(texts), "timeout": timeout,
                                  "encoding_format": "float"}
        if dimensions is not None:
            kwargs["dimensions"] = dimensions
        # embeddings (short, and recall's query needs one at once) do not queue behind chat answers in the slots
        response, _ = self._with_retries(lambda _timeout: client.embeddings.create(**kwargs), max_retries=max_retries,
                                         request=ChatRequest([], 0, timeout=timeout), use_slots=False)
        rows = sorted(response.data, key=lambda item: item.index)
        usage = getattr(response, "usage", None)
        tokens = int(getattr(usage, "prompt_tokens", 0) or 0) or sum(estimate_tokens(t) for t in texts)
        return [list(row.embedding) for row in rows], tokens

    # -- retries --------------------------------------------------------------------------------------------
    def _with_retries(self, call: Callable[[float], T], *, max_retries: int, request: ChatRequest,
                      format_sent: bool = False, use_slots: bool = True) -> tuple[T, int]:
        """``call(timeout)`` in a free slot, retried with backoff within the deadline; (result, retries taken)."""
        openai = self._openai
        for attempt in range(max_retries + 1):
            timeout = min(request.timeout, request.remaining())
            if timeout <= 0:
                raise OverBudget("the LLM time budget was spent before the request could be sent")
            if use_slots:
                self._take_slot(request)
            hold, failure = 0.0, None
            try:
                with self.limiter:
                    return call(timeout), attempt
            except openai.APITimeoutError as error:
                request.note("failed_requests")
                request.note("timeouts")
                hold = min(timeout, MAX_TIMEOUT_HOLD)  # the server is most likely still computing it
                if timeout < request.timeout:  # cut short by the deadline: the budget is spent, not the endpoint down
                    raise OverBudget(f"the LLM time budget ran out during a request ({timeout:.1f}s)",
                                     timed_out_after=timeout) from error
                raise LLMUnavailableError(f"the LLM request timed out after {timeout:.1f}s (not sent again while "
                                          "the server may still be computing it)", timed_out_after=timeout) from error
            except openai.APIStatusError as error:
                request.note("failed_requests")
                said = _message(error)
                format_said = format_sent and any(w in said.lower() for w in _FORMAT_WORDS)
                if (error.status_code < 500 and error.status_code not in _RETRYABLE_STATUS) or format_said:
                    log.warning("LLM endpoint %s rejected a request: HTTP %d: %s", self.base_url or "OpenAI",
                                error.status_code, said)
                    raise LLMRequestError(f"the LLM endpoint rejected the request (HTTP {error.status_code})",
                                          502, provider_message=said) from error
                failure = error
            except openai.APIConnectionError as error:
                request.note("failed_requests")
                failure = error
            except openai.OpenAIError as error:
                request.note("failed_requests")
                log.warning("LLM endpoint %s: %s", self.base_url or "OpenAI", _clip(str(error)))
                raise LLMUnavailableError(
                    f"the LLM endpoint's answer could not be read ({type(error).__name__})") from error
            finally:
                if use_slots:
                    self._free_slot(hold)
            assert failure is not None
            self._before_retry(failure, attempt, max_retries, request)
        raise AssertionError("unreachable")

    def _before_retry(self, failure: Exception, attempt: int, max_retries: int, request: ChatRequest) -> None:
        """Wait before the next attempt, or raise when there is none (attempts or time spent)."""
        if attempt == max_retries:
            raise LLMUnavailableError(f"gave up after {attempt + 1} attempts: {_describe(failure)}") from failure
        delay = _retry_after(failure)
        if delay is None:
            delay = min(_BACKOFF_CAP, _BACKOFF_BASE * 2**attempt) * random.uniform(0.75, 1.25)
        if delay >= request.remaining():
            raise OverBudget(f"no time left to retry after {attempt + 1} attempts: {_describe(failure)}") from failure
        log.warning("LLM request failed (%s); retry %d/%d in %.2fs", _describe(failure), attempt + 1,
                    max_retries, delay)
        request.note("retries")
        self.sleep(delay)

    def _take_slot(self, request: ChatRequest) -> None:
        """One of the endpoint's slots, waiting at most ``queue_wait`` seconds (and never past the deadline)."""
        wait = min(request.queue_wait, request.remaining())
        if wait <= 0 and request.remaining() <= 0:
            raise OverBudget("the LLM time budget was spent waiting for the endpoint")
        if self.slots.acquire(timeout=max(0.0, min(wait, threading.TIMEOUT_MAX))):
            return
        if request.remaining() <= 0:
            raise OverBudget("the LLM time budget was spent waiting for the endpoint")
        log.warning("LLM endpoint %s: no free slot after %.1fs (a backlog); running the step offline",
                    self.base_url or "OpenAI", wait)
        raise EndpointBusy(f"the LLM endpoint stayed busy for {wait:.1f}s")

    def _free_slot(self, hold: float) -> None:
        """Give the slot back, at once or (after a timeout) once the server has likely finished the request."""
        if hold <= 0:
            self.slots.release()
            return
        timer = threading.Timer(hold, self.slots.release)
        timer.daemon = True
        timer.start()


def _answer(response: Any, request: ChatRequest, retries: int, seconds: float = 0.0) -> ChatAnswer:
    choice = response.choices[0] if getattr(response, "choices", None) else None
    text = (choice.message.content if choice is not None and choice.message is not None else None) or ""
    usage = getattr(response, "usage", None)
    prompt_tokens = int(getattr(usage, "prompt_tokens", 0) or 0)
    completion_tokens = int(getattr(usage, "completion_tokens", 0) or 0)
    if not prompt_tokens:  # the server reports no usage: count something rather than nothing
        prompt_tokens = sum(estimate_tokens(m["content"]) + 4 for m in request.messages)
        completion_tokens = completion_tokens or estimate_tokens(text)
    return ChatAnswer(text, prompt_tokens, completion_tokens, getattr(choice, "finish_reason", None), retries,
                      seconds)


def _message(error: Any) -> str:
    """The provider's error message, clipped (it is logged and matched against quirks, never shown to projects)."""
    body = getattr(error, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return _clip(str(inner["message"]))
        if isinstance(inner, str):
            return _clip(inner)
    return _clip(str(getattr(error, "message", error)))


def _clip(text: str, limit: int = 500) -> str:
    return " ".join(text[:limit].split())


def _describe(error: Exception) -> str:
    status = getattr(error, "status_code", None)
    return f"HTTP {status}" if status else type(error).__name__


def _retry_after(error: Exception) -> float | None:
    """Seconds the server asked to wait (``retry-after-ms``, ``Retry-After`` seconds or date), capped."""
    response = getattr(error, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    millis = headers.get("retry-after-ms")
    value = headers.get("retry-after")
    seconds: float | None = None
    try:
        if millis is not None:
            seconds = float(millis) / 1000
        elif value is not None:
            seconds = float(value)
    except ValueError:
        try:
            seconds = email.utils.parsedate_to_datetime(value).timestamp() - time.time() if value else None
        except (TypeError, ValueError):
            seconds = None
    return None if seconds is None else max(0.0, min(seconds, MAX_RETRY_AFTER))
