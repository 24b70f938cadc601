"""What the LLM steps of one unit of work (a session's processing, a recall) share.

``StepRunner`` carries the model caller, the usage meter, the fallback policy, the unit of work's time budget
(``deadline``) and a thread pool for parallel requests. ``failed`` is the one place that decides what a failed
step does: count a fallback (the caller then runs the offline stage) or, with ``llm_fallback = fail``, re-raise
so the session fails with the reason kept and can be retried. A spent time budget or an endpoint backlog is
never a failure: the step and every later one run offline (counted as ``over_budget`` or ``backlog``, and
logged once), and the session is processed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, wait
from dataclasses import dataclass
from typing import TypeVar

from .errors import EndpointBusy, LLMError, LLMUnavailableError, OverBudget
from .structured import StructuredCaller
from .usage import UsageMeter

log = logging.getLogger("recallr.llm")

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class StepRunner:
    caller: StructuredCaller
    meter: UsageMeter
    fallback: str  # "offline" | "fail"
    pool: Executor
    context_window: int
    max_output_tokens: int
    flush: Callable[[], None] = lambda: None  # hands the meter's counts to the store
    label: str = ""  # "session <id>", for logs
    down: LLMError | None = None  # the model was unreachable: later steps go offline without trying
    deadline: float | None = None  # time.monotonic() when the LLM time budget of this unit of work ends
    parallel: int = 64  # requests of this unit of work in flight at once: the endpoint's slots
    compact: bool = False  # ask in the prompts' short forms (a small or slow model; ``LLMService.compact``)

    def failed(self, task: str, error: LLMError) -> None:
        """A step's model work failed: raise (fail mode, after recording it) or count a fallback."""
        if isinstance(error, OverBudget | EndpointBusy):
            self._offline_from_now(task, "over_budget" if isinstance(error, OverBudget) else "backlog", error)
            return
        if self.fallback == "fail":
            self.meter.failure(task)
            log.warning("%s: LLM %s failed, the session fails: %s", self.label, task, error.message)
            self.flush()
            raise error
        if isinstance(error, LLMUnavailableError):
            self.down = error
        self.meter.fallback(task)
        log.warning("%s: LLM %s failed, running it offline: %s", self.label, task, error.message)

    def available(self, task: str) -> bool:
        """False (counting a fallback) once the model proved unreachable in this unit of work: its retries and
        timeouts are not paid again for every later step."""
        if self.down is None and self.deadline is not None and time.monotonic() >= self.deadline:
            self._offline_from_now(task, "over_budget", OverBudget("the LLM time budget was spent"))
            return False
        if self.down is None:
            return True
        self.meter.fallback(task)
        if isinstance(self.down, OverBudget | EndpointBusy):
            self.meter.count(task, "over_budget" if isinstance(self.down, OverBudget) else "backlog")
        return False

    def _offline_from_now(self, task: str, counter: str, error: LLMError) -> None:
        """This step and every later one run offline (the budget is spent or the endpoint is backed up)."""
        first = self.down is None
        self.down = self.down or error
        self.meter.fallback(task)
        self.meter.count(task, counter)
        if first:
            log.warning("%s: LLM %s and the later steps run offline: %s", self.label, task, error.message)

    @property
    def input_budget(self) -> int:
        """Tokens a request's input may use: the window minus the room kept for the answer."""
        return max(512, self.context_window - self.max_output_tokens)

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """``fn`` over ``items``, ``parallel`` at a time, in order: a session's own batches never wait for a slot
        behind each other (which would read as a backlog), only behind other sessions.

        Every call finishes before the first error (if any) is raised, so no work outlives its session.
        """
        if len(items) <= 1 or self.parallel <= 1:
            return [fn(item) for item in items]
        futures: list[Future[R]] = []
        for start in range(0, len(items), self.parallel):
            wave = [self.pool.submit(fn, item) for item in items[start:start + self.parallel]]
            wait(wave)
            futures.extend(wave)
        return [f.result() for f in futures]
