"""Structured output: a ``Prompt`` in, a validated response model out, whatever the server supports.

The answer format goes JSON schema -> JSON mode -> plain text (``auto``), stepping down when the endpoint
rejects a ``response_format`` and remembering the step per endpoint and model. The text is read tolerantly
(``parsing``); if it still does not fit the response model, the model is asked once more with the error
shown to it. After that the caller gets ``LLMOutputError`` and runs the step's fallback.

Example::

    caller = StructuredCaller(endpoint, "llama3.1", formats=FormatMemory(), options=CallOptions())
    plan = caller.ask(query_plan.prompt(ctx), meter)     # a QueryPlan
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from ..language.secrets import redact
from ..prompts._chat import ChatMessage, Prompt
from .errors import LLMOutputError
from .parsing import JSONParseError, parse_json
from .provider import ChatModel, ChatRequest, FormatRejected
from .usage import UsageMeter

log = logging.getLogger("recallr.llm")

T = TypeVar("T", bound=BaseModel)
FORMATS = ("json_schema", "json_object", "text")
_ECHO_CHARS = 3000  # how much of a bad answer is shown back to the model


@dataclass(frozen=True)
class CallOptions:
    max_tokens: int = 2048
    temperature: float = 0.0
    timeout: float = 60.0
    max_retries: int = 3
    structured_output: str = "auto"  # auto | json_schema | json_object | text


class FormatMemory:
    """The answer format each (endpoint, model) accepted last, shared by every caller in the process."""

    def __init__(self) -> None:
        self._formats: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str], preferred: str) -> str:
        if preferred != "auto":
            return preferred
        with self._lock:
            return self._formats.get(key, FORMATS[0])

    def step_down(self, key: tuple[str, str], rejected: str) -> str | None:
        """The next simpler format after ``rejected`` (remembered), or None when plain text was rejected."""
        index = FORMATS.index(rejected)
        if index + 1 >= len(FORMATS):
            return None
        with self._lock:
            self._formats[key] = FORMATS[index + 1]
        log.info("LLM %s/%s rejected %s answers; using %s", key[0], key[1], rejected, FORMATS[index + 1])
        return FORMATS[index + 1]


def response_format(fmt: str, prompt: Prompt[Any]) -> dict[str, Any] | None:
    if fmt == "json_schema":
        return {"type": "json_schema", "json_schema": {
            "name": f"recallr_{prompt.task}", "schema": prompt.response_model.model_json_schema(), "strict": False}}
    if fmt == "json_object":
        return {"type": "json_object"}
    return None


class StructuredCaller:
    """Asks one model for structured answers through a ``ChatModel`` (an ``Endpoint``)."""

    def __init__(self, chat: ChatModel, model: str, *, formats: FormatMemory, options: CallOptions,
                 endpoint_key: str = "") -> None:
        self.chat = chat
        self.model = model
        self.formats = formats
        self.options = options
        self.key = (endpoint_key, model)

    def ask(self, prompt: Prompt[T], meter: UsageMeter, *, options: CallOptions | None = None) -> T:
        """The validated answer to ``prompt``; LLMOutputError when two answers in a row are unusable."""
        opts = options or self.options
        messages = redacted(prompt.messages)
        for attempt in range(2):
            text, finish = self._send(prompt, messages, meter, opts)
            try:
                return read(text, prompt.response_model)
            except (JSONParseError, PydanticValidationError) as error:
                problem = describe(error)
                truncated = finish == "length"  # unbalanced JSON without it is just malformed: ask again
                log.warning("LLM %s answer unusable (attempt %d%s): %s", prompt.task, attempt + 1,
                            ", cut off" if truncated else "", problem)
                if truncated or attempt == 1:
                    raise LLMOutputError(f"{prompt.task}: {problem}", truncated=truncated) from error
                meter.retry(prompt.task)
                messages = [*redacted(prompt.messages), {"role": "assistant", "content": text[:_ECHO_CHARS]},
                            {"role": "user", "content": f"That answer could not be used: {problem}. Reply again "
                                                        "with only the JSON object, shaped as described above."}]
        raise AssertionError("unreachable")

    def _send(self, prompt: Prompt[Any], messages: list[ChatMessage], meter: UsageMeter,
              opts: CallOptions) -> tuple[str, str | None]:
        fmt: str | None = self.formats.get(self.key, opts.structured_output)
        while fmt is not None:
            request = ChatRequest(messages=messages, max_tokens=opts.max_tokens, temperature=opts.temperature,
                                  response_format=response_format(fmt, prompt), timeout=opts.timeout,
                                  max_retries=opts.max_retries)
            try:
                answer = self.chat.chat(self.model, request)
            except FormatRejected:
                if opts.structured_output != "auto":
                    raise
                fmt = self.formats.step_down(self.key, fmt)
                continue
            meter.call(prompt.task, prompt_tokens=answer.prompt_tokens, completion_tokens=answer.completion_tokens,
                       retries=answer.retries)
            return answer.text, answer.finish_reason
        raise AssertionError("plain text is never rejected as a format")


def redacted(messages: list[ChatMessage]) -> list[ChatMessage]:
    """The messages with every secret replaced by ``[redacted]``: whatever a prompt quotes (conversations,
    memories, project instructions), no password, key or card number is ever sent to a model."""
    return [{"role": m["role"], "content": redact(m["content"])} for m in messages]


def read(text: str, model: type[T]) -> T:
    """Tolerantly parse ``text`` into ``model``; a bare list fills the model's only list field."""
    value = parse_json(text)
    if isinstance(value, list):
        lists = [name for name, f in model.model_fields.items() if getattr(f.annotation, "__origin__", None) is list]
        if len(lists) == 1:
            value = {lists[0]: value}
    return model.model_validate(value)


def describe(error: Exception) -> str:
    """A short account of what was wrong with an answer, to log and to show the model."""
    if isinstance(error, PydanticValidationError):
        problems = [f"{'.'.join(str(p) for p in e['loc']) or 'answer'}: {e['msg']}" for e in error.errors()[:5]]
        more = f" (and {error.error_count() - 5} more)" if error.error_count() > 5 else ""
        return "; ".join(problems) + more
    return str(error)
