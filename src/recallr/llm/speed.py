"""How fast an endpoint and model really answer, learned from their answers and shared by every caller.

A request's time is modelled as ``(prompt_tokens + COMPLETION_WEIGHT * completion_tokens) / rate``: producing
a token costs about as much as reading a few (CPU servers read prompts in batches and write one token at a
time). The rate is learned per (endpoint, model) from each answer's tokens and wall time (a moving average
that follows a server getting slower or faster), and a timeout teaches an upper bound (the server did not finish
the whole request in that time). With a known rate, a request is sized to the time it has left: its answer
budget (``max_tokens``) shrinks to what the server can write before the deadline, and a request that cannot
fit at all is not sent (the step runs offline, as when the session's budget is spent). Unknown endpoints are
not limited: the first answer teaches the rate.

Example::

    >>> speeds = EndpointSpeeds()
    >>> speeds.observe(("local", "smollm2"), prompt_tokens=600, completion_tokens=100, seconds=20.0)
    >>> round(speeds.seconds(("local", "smollm2"), prompt_tokens=600, completion_tokens=100), 1)
    20.0
    >>> speeds.affordable_output(("local", "smollm2"), prompt_tokens=600, seconds=10.0)
    0
"""

from __future__ import annotations

import threading

__all__ = ["COMPLETION_WEIGHT", "EndpointSpeeds"]

COMPLETION_WEIGHT = 3.0  # one written token costs about as much time as reading this many prompt tokens
_SMOOTHING = 0.5  # weight of the newest observation in the moving average
_MIN_SECONDS = 0.05  # answers faster than this say nothing about the rate (cached, or a tiny prompt)


class EndpointSpeeds:
    """Learned throughput (weighted tokens per second) per (endpoint key, model); thread-safe."""

    def __init__(self) -> None:
        self._rates: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def rate(self, key: tuple[str, str]) -> float | None:
        with self._lock:
            return self._rates.get(key)

    def observe(self, key: tuple[str, str], *, prompt_tokens: int, completion_tokens: int, seconds: float) -> None:
        """An answer took ``seconds`` for these tokens."""
        work = prompt_tokens + COMPLETION_WEIGHT * completion_tokens
        if seconds < _MIN_SECONDS or work <= 0:
            return
        observed = work / seconds
        with self._lock:
            known = self._rates.get(key)
            self._rates[key] = observed if known is None else (1 - _SMOOTHING) * known + _SMOOTHING * observed

    def timed_out(self, key: tuple[str, str], *, prompt_tokens: int, max_tokens: int, seconds: float) -> None:
        """No answer within ``seconds`` to a request of ``prompt_tokens`` allowed ``max_tokens``: the rate is below
        what that whole request would have needed (an upper bound: the answer may have been shorter)."""
        if seconds < _MIN_SECONDS or prompt_tokens <= 0:
            return
        bound = (prompt_tokens + COMPLETION_WEIGHT * max_tokens) / seconds
        with self._lock:
            known = self._rates.get(key)
            if known is None or known > bound:
                self._rates[key] = bound

    def seconds(self, key: tuple[str, str], *, prompt_tokens: int, completion_tokens: int) -> float | None:
        """The expected time of a request (None while the rate is unknown)."""
        rate = self.rate(key)
        if rate is None:
            return None
        return (prompt_tokens + COMPLETION_WEIGHT * completion_tokens) / rate

    def affordable_output(self, key: tuple[str, str], *, prompt_tokens: int, seconds: float) -> int | None:
        """How many answer tokens fit in ``seconds`` after reading the prompt (None: unknown, no limit)."""
        rate = self.rate(key)
        if rate is None:
            return None
        return max(0, int((seconds * rate - prompt_tokens) / COMPLETION_WEIGHT))
