"""The one provider: an OpenAI-compatible endpoint through the ``openai`` package (imported on first use).

``Endpoint`` owns everything that touches the network: timeouts, retries with exponential backoff on 429,
5xx, timeouts and refused connections (a ``Retry-After`` header wins), and the per-process concurrency
limit, which is released while a retry waits. It also learns an endpoint's quirks once per model
(``max_completion_tokens`` instead of ``max_tokens``, no ``temperature``) and reports a rejected
``response_format`` as ``FormatRejected`` so the caller can fall back to a simpler answer format.

Example::

    endpoint = Endpoint("http://127.0.0.1:11434/v1", "ollama", limiter=threading.BoundedSemaphore(4))
    answer = endpoint.chat("llama3.1", ChatRequest([{"role": "user", "content": "Hi"}], max_tokens=64))
    answer.text, answer.prompt_tokens
"""

from __future__ import annotations

import email.utils
import functools
import logging
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from ..exceptions import ConfigurationError
from ..prompts._chat import ChatMessage
from .errors import LLMRequestError, LLMUnavailableError

log = logging.getLogger("recallr.llm")

T = TypeVar("T")
OPENAI_URL = "https://api.openai.com/v1"
MAX_RETRY_AFTER = 60.0  # seconds: a longer Retry-After is capped (the lease must outlive the wait)
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


@dataclass(frozen=True)
class ChatAnswer:
    text: str
    prompt_tokens: int
    completion_tokens: int
    finish_reason: str | None
    retries: int = 0  # transport retries it took


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


def estimate_tokens(text: str) -> int:
    """A tokenizer-free estimate (about four characters a token), for budgets and servers that report no usage."""
    return len(text) // 4 + 1


class Endpoint:
    """One OpenAI-compatible server (base URL and key), shared by every model and project that uses it."""

    def __init__(self, base_url: str | None, api_key: str | None, *, limiter: threading.Semaphore,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.base_url = base_url
        self.api_key = api_key or "not-needed"  # local servers ignore it; the client refuses an empty key
        self.limiter = limiter
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
                response, retries = self._with_retries(functools.partial(client.chat.completions.create, **kwargs),
                                                       max_retries=request.max_retries)
            except LLMRequestError as error:
                said = error.provider_message
                if self._learn(model, said):
                    continue
                if request.response_format is not None and any(w in said.lower() for w in _FORMAT_WORDS):
                    raise FormatRejected("the LLM endpoint does not accept this response_format",
                                         provider_message=said) from error
                raise
            return _answer(response, request, retries)
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
        response, _ = self._with_retries(lambda: client.embeddings.create(**kwargs), max_retries=max_retries)
        rows = sorted(response.data, key=lambda item: item.index)
        usage = getattr(response, "usage", None)
        tokens = int(getattr(usage, "prompt_tokens", 0) or 0) or sum(estimate_tokens(t) for t in texts)
        return [list(row.embedding) for row in rows], tokens

    # -- retries --------------------------------------------------------------------------------------------
    def _with_retries(self, call: Callable[[], T], *, max_retries: int) -> tuple[T, int]:
        """``call()`` under the concurrency limit, retried with backoff; (result, retries taken)."""
        openai = self._openai
        for attempt in range(max_retries + 1):
            with self.limiter:
                try:
                    return call(), attempt
                except openai.APIStatusError as error:
                    if error.status_code < 500 and error.status_code not in _RETRYABLE_STATUS:
                        said = _message(error)
                        log.warning("LLM endpoint %s rejected a request: HTTP %d: %s", self.base_url or "OpenAI",
                                    error.status_code, said)
                        raise LLMRequestError(f"the LLM endpoint rejected the request (HTTP {error.status_code})",
                                              502, provider_message=said) from error
                    failure: Exception = error
                except openai.APIConnectionError as error:  # includes APITimeoutError
                    failure = error
                except openai.OpenAIError as error:
                    log.warning("LLM endpoint %s: %s", self.base_url or "OpenAI", _clip(str(error)))
                    raise LLMUnavailableError(
                        f"the LLM endpoint's answer could not be read ({type(error).__name__})") from error
            if attempt == max_retries:
                raise LLMUnavailableError(f"gave up after {attempt + 1} attempts: {_describe(failure)}") from failure
            delay = _retry_after(failure)
            if delay is None:
                delay = min(_BACKOFF_CAP, _BACKOFF_BASE * 2**attempt) * random.uniform(0.75, 1.25)
            log.warning("LLM request failed (%s); retry %d/%d in %.2fs", _describe(failure), attempt + 1,
                        max_retries, delay)
            self.sleep(delay)
        raise AssertionError("unreachable")


def _answer(response: Any, request: ChatRequest, retries: int) -> ChatAnswer:
    choice = response.choices[0] if getattr(response, "choices", None) else None
    text = (choice.message.content if choice is not None and choice.message is not None else None) or ""
    usage = getattr(response, "usage", None)
    prompt_tokens = int(getattr(usage, "prompt_tokens", 0) or 0)
    completion_tokens = int(getattr(usage, "completion_tokens", 0) or 0)
    if not prompt_tokens:  # the server reports no usage: count something rather than nothing
        prompt_tokens = sum(estimate_tokens(m["content"]) + 4 for m in request.messages)
        completion_tokens = completion_tokens or estimate_tokens(text)
    return ChatAnswer(text, prompt_tokens, completion_tokens, getattr(choice, "finish_reason", None), retries)


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
