"""The engine: one object composing the store, the services and the worker for a ``Settings``."""

from __future__ import annotations

import threading

from ..embedding import CachedEmbedder, Embedder, load_embedder
from ..settings import Settings
from ..store import Database
from .catalog import Categories
from .conflicts import MergeConflicts
from .formation import FormMemories
from .memories import Memories
from .pipeline import IndexMessages, Pipeline
from .projects import Projects
from .recall import Recall
from .recall.windows import VectorIndexes
from .sessions import Sessions
from .telemetry import Relay
from .users import Users
from .worker import Worker


class Engine:
    """All of Recallr's behaviour, behind the HTTP layer and the CLI.

    Example::

        engine = Engine(Settings(data_dir="./data"))
        project, key = engine.projects.create()
        engine.users.create(project.id, "alice")
    """

    def __init__(self, settings: Settings, *, embedder: Embedder | None = None) -> None:
        from ..llm.service import LLMService  # here, not at the top: recallr.llm imports engine modules

        self.settings = settings
        # SQLite in the data directory (no database_url): that directory is Recallr's own, kept 0700.
        self.db = Database(settings.resolved_database_url, own_directory=settings.database_url is None)
        try:
            self.db.migrate()
            self.llm = LLMService(self.db, settings)
        except BaseException:
            self.db.close()  # nobody else can: the caller never gets this engine
            raise
        self.telemetry = Relay()  # an observer (recallr.metrics) is attached from outside; default: none
        self.llm.on_usage = self.telemetry.llm_usage
        self._embedder = embedder
        self._embedder_lock = threading.Lock()
        self.work_available = threading.Event()
        self.projects = Projects(self.db)
        self.users = Users(self.db, settings)
        self.sessions = Sessions(self.db, settings, work_available=self.work_available)
        self.memories = Memories(self.db)
        self.conflicts = MergeConflicts(self.db, on_queued=self.work_available.set)
        self.categories = Categories(self.db)
        self.recall = Recall(self.db, lambda: self.embedder, planner=self.llm.planner,
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
                    inner = self.llm.embedder() or load_embedder(self.settings.embedder,
                                                                 threads=self.settings.embedding_threads or None)
                    self._embedder = CachedEmbedder(inner)
        return self._embedder

    def pipeline(self) -> Pipeline:
        index = IndexMessages(lambda: self.embedder)
        form = FormMemories(lambda: self.embedder, steps=self.llm.formation_steps)
        # In LLM mode the model's work starts first: other sessions' embeddings overlap with its calls.
        return Pipeline([form, index] if self.settings.llm_model else [index, form])

    def worker(self, owner: str | None = None) -> Worker:
        return Worker(self.db, self.settings, self.pipeline(), wake=self.work_available, owner=owner,
                      embedder=lambda: self.embedder, resolver=self.llm.resolve, vector_indexes=self.vector_indexes,
                      telemetry=self.telemetry)

    def close(self) -> None:
        self.llm.close()
        self.db.close()
