"""What the engine tells an observer about its work: requests, processing attempts, recalls, LLM usage.

The engine never imports a metrics library. It reports events to a ``Telemetry`` (a ``Protocol``); the default
observer does nothing, and ``recallr.metrics`` plugs a Prometheus one in from outside (``engine.telemetry.attach``).
Every label an observer receives is drawn from a small fixed set (route templates, strategy names, task names,
exception class names), never from user input, so label cardinality stays bounded.

Example::

    engine.telemetry.attach(my_observer)      # anything with the methods of ``Telemetry``
    engine.telemetry.recall("balanced", 0.012, ok=True)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol


class Telemetry(Protocol):
    """An observer of the engine's work. Methods must be cheap and must not raise."""

    def request(self, method: str, route: str, status: int, seconds: float) -> None:
        """An HTTP request finished; ``route`` is the matched route's path template (never the raw path)."""

    def attempt(self, kind: str, outcome: str, seconds: float, *, reason: str | None = None) -> None:
        """A processing attempt (``kind``: ``session`` or ``merge_conflict``) ended: ``succeeded``, ``failed``
        (``reason``: the error's class name), ``released`` (the database went away; the attempt does not count)
        or ``lost`` (another worker took the lease over)."""

    def messages_processed(self, count: int) -> None:
        """A session's ``count`` messages were processed and its results written."""

    def sessions_failed(self, count: int) -> None:
        """``count`` sessions used up their attempts and became ``failed``."""

    def recall(self, strategy: str, seconds: float, *, ok: bool) -> None:
        """A ``get_context`` with the requested ``strategy`` ended (``ok``: without an error)."""

    def llm_usage(self, counts: Mapping[str, Mapping[str, int]]) -> None:
        """LLM work by task: ``{task: {calls, prompt_tokens, completion_tokens, retries, fallbacks, failures}}``."""


class NoTelemetry:
    """The default observer: ignores everything."""

    def request(self, method: str, route: str, status: int, seconds: float) -> None:
        pass

    def attempt(self, kind: str, outcome: str, seconds: float, *, reason: str | None = None) -> None:
        pass

    def messages_processed(self, count: int) -> None:
        pass

    def sessions_failed(self, count: int) -> None:
        pass

    def recall(self, strategy: str, seconds: float, *, ok: bool) -> None:
        pass

    def llm_usage(self, counts: Mapping[str, Mapping[str, int]]) -> None:
        pass


class Relay:
    """The engine's one ``Telemetry``: forwards every event to the observer attached last (none: ignored).

    Services keep a reference to the relay, so an observer attached after they were built still sees their events.
    """

    def __init__(self) -> None:
        self.observer: Telemetry = NoTelemetry()

    def attach(self, observer: Telemetry) -> None:
        self.observer = observer

    @property
    def active(self) -> bool:
        """Whether an observer is attached (callers may skip work whose only use is an event)."""
        return not isinstance(self.observer, NoTelemetry)

    def request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.observer.request(method, route, status, seconds)

    def attempt(self, kind: str, outcome: str, seconds: float, *, reason: str | None = None) -> None:
        self.observer.attempt(kind, outcome, seconds, reason=reason)

    def messages_processed(self, count: int) -> None:
        self.observer.messages_processed(count)

    def sessions_failed(self, count: int) -> None:
        if count:
            self.observer.sessions_failed(count)

    def recall(self, strategy: str, seconds: float, *, ok: bool) -> None:
        self.observer.recall(strategy, seconds, ok=ok)

    def llm_usage(self, counts: Mapping[str, Mapping[str, int]]) -> None:
        if counts:
            self.observer.llm_usage(counts)
