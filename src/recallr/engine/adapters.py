"""What the engine receives from outside: its formation steps, query planner, conflict resolver and embedder.

The engine is complete offline. A mode that runs a model (``recallr.llm``) is an adapter that the bootstrap
(:mod:`recallr.bootstrap`) plugs in; the engine never imports it, the way an httpx client never imports the
transport it is given. An adapter is built from the engine's database and settings by a factory, because the
engine opens the database.

Example::

    class Quiet(OfflineAdapters):
        def planner(self, project_id: str) -> QueryPlanner | None:
            return None

    engine = Engine(settings, adapters=Quiet)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from ..embedding import Embedder
from ..settings import Settings
from ..store import Database
from ..store.conflicts import ConflictRecord
from .formation.consolidation import OfflineConsolidator
from .formation.stage import FormationSteps, OfflineExtractor
from .formation.summaries import OfflineSummarizer
from .processing.pipeline import ProcessingContext
from .recall.service import QueryPlanner
from .resources.conflicts import Resolution

__all__ = ["AdapterFactory", "Adapters", "OfflineAdapters"]


class Adapters(Protocol):
    """The engine's outside-provided parts, each consulted per project or per session."""

    def formation_steps(self, ctx: ProcessingContext) -> FormationSteps:
        """Extractor, consolidator and summariser for this session."""
        ...

    def planner(self, project_id: str) -> QueryPlanner | None:
        """The query planner of agentic, deep and auto recall (None: the engine's own query)."""
        ...

    def resolve(self, conflict: ConflictRecord) -> Resolution | None:
        """How to apply a merge conflict's answers (None: the engine's built-in rules)."""
        ...

    def embedder(self) -> Embedder | None:
        """An embedding model to use instead of ``settings.embedder`` (None: the configured local one)."""
        ...

    def close(self) -> None:
        """Release what the adapter holds (threads, connections); called by ``Engine.close``."""
        ...


AdapterFactory = Callable[[Database, Settings], Adapters]


class OfflineAdapters:
    """The defaults: rule-based formation, no planner, built-in conflict rules, the configured embedder."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self._steps = FormationSteps(OfflineExtractor(), OfflineConsolidator(), OfflineSummarizer())

    def formation_steps(self, ctx: ProcessingContext) -> FormationSteps:
        return self._steps

    def planner(self, project_id: str) -> QueryPlanner | None:
        return None

    def resolve(self, conflict: ConflictRecord) -> Resolution | None:
        return None

    def embedder(self) -> Embedder | None:
        return None

    def close(self) -> None:
        return None
