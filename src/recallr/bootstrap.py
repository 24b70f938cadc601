"""Builds the engine from ``Settings`` with the LLM mode plugged in: the one place that knows both.

The engine (:mod:`recallr.engine`) runs offline by itself and never imports :mod:`recallr.llm`; this
module hands it the LLM service as its adapter (formation steps, query planner, conflict resolver,
endpoint embedder). The service decides per project: a project without a model keeps the offline steps
(with its never/always-remember rules). The server, the CLI and the embedded client build their engine here.

Example::

    from recallr.bootstrap import Engine
    from recallr.settings import Settings

    engine = Engine(Settings(data_dir="./data"))
    engine.llm.usage(project_id)  # the LLM service: settings, usage, retries
"""

from __future__ import annotations

from .embedding import Embedder
from .engine import Engine as OfflineEngine
from .llm import LLMService
from .settings import Settings

__all__ = ["Engine"]


class Engine(OfflineEngine):
    """The engine with :class:`recallr.llm.LLMService` as its adapter, reachable as ``engine.llm``."""

    llm: LLMService

    def __init__(self, settings: Settings, *, embedder: Embedder | None = None) -> None:
        super().__init__(settings, embedder=embedder, adapters=LLMService)
        assert isinstance(self.adapters, LLMService)
        self.llm = self.adapters
        self.llm.on_usage = self.telemetry.llm_usage  # token usage reaches the metrics observer, if any
