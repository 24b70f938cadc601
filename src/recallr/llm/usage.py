"""Token and call counters for one unit of work (a session's processing, a recall), by task.

Example::

    meter = UsageMeter()
    meter.call("extraction", prompt_tokens=812, completion_tokens=140)
    meter.totals().prompt_tokens   # 812
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass


@dataclass
class Usage:
    """What some LLM work cost: calls, tokens, retries, and steps that fell back or failed.

    ``calls`` counts answers received (their tokens were spent), ``unusable`` those of them that were not used
    (``truncated`` and ``degenerate`` say why, for two causes); ``failed_requests`` counts requests that got no
    answer at all (each attempt, ``timeouts`` among them). ``over_budget`` and ``backlog`` count steps that ran
    offline without asking: the session's time budget was spent, or the endpoint had no free slot in time.
    """

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    retries: int = 0
    fallbacks: int = 0
    failures: int = 0
    failed_requests: int = 0
    timeouts: int = 0
    step_downs: int = 0
    unusable: int = 0
    truncated: int = 0
    degenerate: int = 0
    over_budget: int = 0
    backlog: int = 0

    def add(self, other: Usage) -> None:
        for name, value in asdict(other).items():
            setattr(self, name, getattr(self, name) + value)

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


class UsageMeter:
    """Thread-safe counters by task; ``drain`` hands them over (to the store) and starts again."""

    def __init__(self) -> None:
        self._tasks: dict[str, Usage] = {}
        self._lock = threading.Lock()

    def _get(self, task: str) -> Usage:
        return self._tasks.setdefault(task, Usage())

    def call(self, task: str, *, prompt_tokens: int, completion_tokens: int, retries: int = 0) -> None:
        with self._lock:
            usage = self._get(task)
            usage.calls += 1
            usage.prompt_tokens += prompt_tokens
            usage.completion_tokens += completion_tokens
            usage.retries += retries

    def count(self, task: str, name: str, n: int = 1) -> None:
        """Add ``n`` to one of ``Usage``'s counters (``failed_requests``, ``step_downs``, ``unusable``...)."""
        with self._lock:
            usage = self._get(task)
            setattr(usage, name, getattr(usage, name) + n)

    def retry(self, task: str) -> None:
        with self._lock:
            self._get(task).retries += 1

    def fallback(self, task: str) -> None:
        """The step ran offline instead (the LLM failed or gave nothing usable)."""
        with self._lock:
            self._get(task).fallbacks += 1

    def failure(self, task: str) -> None:
        """The step failed and took its work with it (``llm_fallback = fail``)."""
        with self._lock:
            self._get(task).failures += 1

    def by_task(self) -> dict[str, dict[str, int]]:
        with self._lock:
            return {task: usage.as_dict() for task, usage in self._tasks.items()}

    def totals(self) -> Usage:
        total = Usage()
        with self._lock:
            for usage in self._tasks.values():
                total.add(usage)
        return total

    def drain(self) -> dict[str, dict[str, int]]:
        with self._lock:
            counts = {task: usage.as_dict() for task, usage in self._tasks.items()}
            self._tasks.clear()
        return counts
