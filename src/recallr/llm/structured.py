"""Structured output: a ``Prompt`` in, a validated and checked response model out, whatever the server supports.

The answer format goes JSON schema -> JSON mode -> plain text (``auto``), stepping down when the endpoint
rejects a ``response_format`` (a 4xx, or a 500 that names the format) and when it accepts the format but does
not obey it (two cut-off or looping answers in a row under it); the step is remembered per endpoint and model
and shared by every caller in the process, so a format is probed once, not per call.

Every answer is checked before it is used:

* ``finish_reason == "length"`` fails at once (never re-sent unchanged: the caller splits its batch or falls back);
* degenerate text (a long run of whitespace, a repetition loop) fails at once;
* the text is read tolerantly (``parsing``) into the response model, then through the caller's ``check``
  (what the task needs: statements, not placeholders); a malformed or failed answer is asked once more with
  the problem shown to the model.

After that the caller gets ``LLMOutputError`` and runs the step's fallback. The meter counts every answer
received (``calls``), the unusable ones, step-downs, failed requests, timeouts and retries.

Example::

    caller = StructuredCaller(endpoint, "llama3.1", formats=FormatMemory(), options=CallOptions())
    plan = caller.ask(query_plan.prompt(ctx), meter, max_tokens=300)     # a QueryPlan
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from ..language.secrets import redact
from ..prompts._chat import ChatMessage, Prompt
from .errors import LLMOutputError, LLMUnavailableError, OverBudget
from .parsing import JSONParseError, degenerate, parse_json
from .provider import ChatModel, ChatRequest, FormatRejected, estimate_tokens
from .speed import EndpointSpeeds
from .usage import UsageMeter

log = logging.getLogger("recallr.llm")

T = TypeVar("T", bound=BaseModel)
FORMATS = ("json_schema", "json_object", "text")
DISOBEYED_LIMIT = 2  # cut-off or looping answers in a row under one format before stepping down
_ECHO_CHARS = 3000  # how much of a bad answer is shown back to the model
SPEED_MARGIN = 0.85  # share of the time left that a request is sized to (the learned rate is an average)


@dataclass(frozen=True)
class CallOptions:
    max_tokens: int = 2048  # the most any request may ask for; each task asks for what it can need, up to this
    temperature: float = 0.0
    timeout: float = 60.0  # seconds per request
    max_retries: int = 3
    structured_output: str = "auto"  # auto | json_schema | json_object | text
    deadline: float | None = None  # time.monotonic() when the unit of work's LLM time budget ends
    queue_wait: float = 30.0  # seconds a request waits for a free slot of the endpoint


class FormatMemory:
    """The answer format each (endpoint, model) accepted and obeyed last, shared by every caller in the process."""

    def __init__(self) -> None:
        self._formats: dict[tuple[str, str], str] = {}
        self._disobeyed: dict[tuple[str, str], int] = {}
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
            current = self._formats.get(key, FORMATS[0])
            if FORMATS.index(current) <= index:
                self._formats[key] = FORMATS[index + 1]
            self._disobeyed.pop(key, None)
        log.info("LLM %s/%s: %s answers do not work; using %s", key[0], key[1], rejected, FORMATS[index + 1])
        return FORMATS[index + 1]

    def observe(self, key: tuple[str, str], fmt: str, *, obeyed: bool) -> bool:
        """Note whether an answer in ``fmt`` was sound; True when it was the last straw and the format stepped down."""
        with self._lock:
            if obeyed:
                self._disobeyed.pop(key, None)
                return False
            count = self._disobeyed[key] = self._disobeyed.get(key, 0) + 1
        return count >= DISOBEYED_LIMIT and self.step_down(key, fmt) is not None


def response_format(fmt: str, prompt: Prompt[Any]) -> dict[str, Any] | None:
    if fmt == "json_schema":
        return {"type": "json_schema", "json_schema": {
            "name": f"recallr_{prompt.task}", "schema": prompt.response_model.model_json_schema(), "strict": False}}
    if fmt == "json_object":
        return {"type": "json_object"}
    return None


class Unusable(ValueError):
    """An answer that cannot be used; ``kinds`` (truncated, degenerate) are also counted; ``final``: do not ask
    again."""

    def __init__(self, problem: str, *kinds: str, final: bool = False) -> None:
        super().__init__(problem)
        self.kinds = kinds
        self.final = final

    @property
    def splittable(self) -> bool:
        """Cut off for room, not looping: a smaller batch may fit (a looping model loops on any batch)."""
        return "truncated" in self.kinds and "degenerate" not in self.kinds


class StructuredCaller:
    """Asks one model for structured answers through a ``ChatModel`` (an ``Endpoint``)."""

    def __init__(self, chat: ChatModel, model: str, *, formats: FormatMemory, options: CallOptions,
                 endpoint_key: str = "", speeds: EndpointSpeeds | None = None) -> None:
        self.chat = chat
        self.model = model
        self.formats = formats
        self.options = options
        self.key = (endpoint_key, model)
        self.speeds = speeds or EndpointSpeeds()

    def expected_seconds(self, prompt_tokens: int, completion_tokens: int) -> float | None:
        """How long this endpoint and model are expected to take for such a request (None: not learned yet)."""
        return self.speeds.seconds(self.key, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens)

    def sized(self, messages: list[ChatMessage], opts: CallOptions, budget: int, min_tokens: int) -> int:
        """``budget`` cut to what the endpoint can write in the time left; OverBudget when not even
        ``min_tokens`` fit (the request is not sent: it would time out, and the step runs offline)."""
        prompt_tokens = sum(estimate_tokens(m["content"]) + 4 for m in messages)
        left = opts.timeout if opts.deadline is None else min(opts.timeout, opts.deadline - time.monotonic())
        fits = self.speeds.affordable_output(self.key, prompt_tokens=prompt_tokens, seconds=left * SPEED_MARGIN)
        if fits is None:
            return budget
        if fits < min(min_tokens, budget):
            need = self.expected_seconds(prompt_tokens, min(min_tokens, budget)) or 0.0
            raise OverBudget(f"the LLM endpoint needs about {need:.0f}s for this request and {max(0.0, left):.0f}s "
                             "are left")
        return min(budget, fits)

    def ask(self, prompt: Prompt[T], meter: UsageMeter, *, options: CallOptions | None = None,
            max_tokens: int | None = None, check: Callable[[T], str | None] | None = None,
            min_tokens: int | None = None) -> T:
        """The validated answer to ``prompt``; LLMOutputError when it is cut off or looping, or two answers in a row
        are unusable. ``max_tokens``: what the task can need (capped by the options'); ``check``: the task's own
        test of a parsed answer (a problem to show the model, or None); ``min_tokens``: the smallest answer
        budget worth sending when the endpoint's learned speed leaves less (default: half of ``max_tokens``)."""
        opts = options or self.options
        budget = min(opts.max_tokens, max_tokens) if max_tokens else opts.max_tokens
        messages = redacted(prompt.messages)
        for attempt in range(2):
            sized = self.sized(messages, opts, budget, min_tokens if min_tokens is not None else budget // 2)
            text, finish, fmt = self._send(prompt, messages, meter, opts, sized)
            try:
                answer = _usable(text, finish, prompt.response_model, check)
            except Unusable as error:
                meter.count(prompt.task, "unusable")
                for kind in error.kinds:
                    meter.count(prompt.task, kind)
                if error.final and opts.structured_output == "auto" and self.formats.observe(self.key, fmt,
                                                                                           obeyed=False):
                    meter.count(prompt.task, "step_downs")
                log.warning("LLM %s answer unusable (attempt %d): %s", prompt.task, attempt + 1, error)
                if error.final or attempt == 1:
                    raise LLMOutputError(f"{prompt.task}: {error}", truncated=error.splittable) from error
                meter.retry(prompt.task)
                messages = [*redacted(prompt.messages), {"role": "assistant", "content": text[:_ECHO_CHARS]},
                            {"role": "user", "content": f"That answer could not be used: {error}. Reply again "
                                                        "with only the JSON object, shaped as described above."}]
                continue
            self.formats.observe(self.key, fmt, obeyed=True)
            return answer
        raise AssertionError("unreachable")

    def _send(self, prompt: Prompt[Any], messages: list[ChatMessage], meter: UsageMeter, opts: CallOptions,
              max_tokens: int) -> tuple[str, str | None, str]:
        fmt: str | None = self.formats.get(self.key, opts.structured_output)
        while fmt is not None:
            request = ChatRequest(messages=messages, max_tokens=max_tokens, temperature=opts.temperature,
                                  response_format=response_format(fmt, prompt), timeout=opts.timeout,
                                  max_retries=opts.max_retries, deadline=opts.deadline, queue_wait=opts.queue_wait,
                                  report=lambda counter: meter.count(prompt.task, counter))
            try:
                answer = self.chat.chat(self.model, request)
            except FormatRejected:
                if opts.structured_output != "auto":
                    raise
                meter.count(prompt.task, "step_downs")
                fmt = self.formats.step_down(self.key, fmt)
                continue
            except LLMUnavailableError as error:
                if error.timed_out_after is not None:
                    self.speeds.timed_out(self.key, prompt_tokens=sum(estimate_tokens(m["content"]) for m in messages),
                                          max_tokens=max_tokens, seconds=error.timed_out_after)
                raise
            self.speeds.observe(self.key, prompt_tokens=answer.prompt_tokens,
                                completion_tokens=answer.completion_tokens, seconds=answer.seconds)
            meter.call(prompt.task, prompt_tokens=answer.prompt_tokens, completion_tokens=answer.completion_tokens)
            return answer.text, answer.finish_reason, fmt
        raise AssertionError("plain text is never rejected as a format")


def _usable(text: str, finish: str | None, model: type[T], check: Callable[[T], str | None] | None) -> T:
    """The answer read into ``model`` and checked; ``Unusable`` says what is wrong with it."""
    loop = degenerate(text)
    if finish == "length":
        if loop is not None:
            raise Unusable(f"the answer looped to the output-token limit ({loop})", "truncated", "degenerate",
                           final=True)
        raise Unusable("the answer was cut off at the output-token limit", "truncated", final=True)
    if loop is not None:
        raise Unusable(f"the answer is degenerate ({loop})", "degenerate", final=True)
    try:
        answer = read(text, model)
    except (JSONParseError, PydanticValidationError) as error:
        raise Unusable(describe(error)) from error
    problem = check(answer) if check is not None else None
    if problem is not None:
        raise Unusable(problem)
    return answer


def deadline_in(seconds: float) -> float:
    """The ``CallOptions.deadline`` ``seconds`` from now."""
    return time.monotonic() + seconds


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
