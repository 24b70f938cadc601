"""The engine: one object composing the store, the services and the worker for a ``Settings``."""

from __future__ import annotations

import threading

from ..embedding import CachedEmbedder, Embedder, load_embedder
from ..settings import Settings
from ..store import Database
from .adapters import AdapterFactory, Adapters, OfflineAdapters
from .formation.stage import FormMemories
from .processing.pipeline import IndexMessages, Pipeline
from .processing.vector_indexes import VectorIndexes
from .processing.worker import Worker
from .recall import Recall
from .resources.categories import Categories
from .resources.conflicts import MergeConflicts
from .resources.memories import Memories
from .resources.projects import Projects
from .resources.sessions import Sessions
from .resources.users import Users
from .telemetry import Relay


class Engine:
    """All of Recallr's behaviour, behind the HTTP layer and the CLI.

    Example::

        engine = Engine(Settings(data_dir="./data"))
        project, key = engine.projects.create()
        engine.users.create(project.id, "alice")

    ``adapters`` builds what the engine gets from outside (:mod:`.adapters`): offline by default;
    :class:`recallr.bootstrap.Engine` plugs in the LLM mode.
    """

    adapters: Adapters

    def __init__(self, settings: Settings, *, embedder: Embedder | None = None,
                 adapters: AdapterFactory = OfflineAdapters) -> None:
        self.settings = settings
        # SQLite in the data directory (no database_url): that directory is Recallr's own, kept 0700.
        self.db = Database(settings.resolved_database_url, own_directory=settings.database_url is None)
        try:
            self.db.migrate()
            self.adapters = adapters(self.db, settings)
        except BaseException:
            self.db.close()  # nobody else can: the caller never gets this engine
            raise
        self.telemetry = Relay()  # an observer (recallr.metrics) is attached from outside; default: none
        self._embedder = embedder
        self._embedder_lock = threading.Lock()
        self.work_available = threading.Event()
        self.projects = Projects(self.db)
        self.users = Users(self.db, settings)
        self.sessions = Sessions(self.db, settings, work_available=self.work_available)
        self.memories = Memories(self.db)
        self.conflicts = MergeConflicts(self.db, on_queued=self.work_available.set)
        self.categories = Categories(self.db)
        self.recall = Recall(self.db, lambda: self.embedder, planner=self.adapters.planner,
                             ef_search=self.settings.ann_ef_search, telemetry=self.telemetry)
        self.vector_indexes = VectorIndexes(self.db, min_rows=self.settings.ann_min_memories)

    @property
    def embedder(self) -> Embedder:
        """The embedding model, loaded on first use."""
        if self._embedder is None:
            with self._embedder_lock:
                if self._embedder is None:
                    # Cached per text: repeated questions and re-processed sessions are not embedded twice.
                    # In LLM mode with RECALLR_LLM_EMBEDDING_MODEL the model is the endpoint's.
                    inner = self.adapters.embedder() or load_embedder(self.settings.embedder,
                                                                 threads=self.settings.embedding_threads or None)
                    self._embedder = CachedEmbedder(inner)
        return self._embedder

    def pipeline(self) -> Pipeline:
        index = IndexMessages(lambda: self.embedder)
        form = FormMemories(lambda: self.embedder, steps=self.adapters.formation_steps)
        # In LLM mode the model's work starts first: other sessions' embeddings overlap with its calls.
        return Pipeline([form, index] if self.settings.llm_model else [index, form])

    def worker(self, owner: str | None = None) -> Worker:
        return Worker(self.db, self.settings, self.pipeline(), wake=self.work_available, owner=owner,
                      embedder=lambda: self.embedder, resolver=self.adapters.resolve,
                      vector_indexes=self.vector_indexes, telemetry=self.telemetry)

    def close(self) -> None:
        self.adapters.close()
        self.db.close()
