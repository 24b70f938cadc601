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
from .sessions import Sessions
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
        self.settings = settings
        self.db = Database(settings.resolved_database_url)
        self.db.migrate()
        self._embedder = embedder
        self._embedder_lock = threading.Lock()
        self.work_available = threading.Event()
        self.projects = Projects(self.db)
        self.users = Users(self.db, settings)
        self.sessions = Sessions(self.db, settings, work_available=self.work_available)
        self.memories = Memories(self.db)
        self.conflicts = MergeConflicts(self.db, on_queued=self.work_available.set)
        self.categories = Categories(self.db)
        self.recall = Recall(self.db, lambda: self.embedder)

    @property
    def embedder(self) -> Embedder:
        """The embedding model, loaded on first use."""
        if self._embedder is None:
            with self._embedder_lock:
                if self._embedder is None:
                    # Cached per text: repeated questions and re-processed sessions are not embedded twice.
                    self._embedder = CachedEmbedder(
                        load_embedder(self.settings.embedder, threads=self.settings.embedding_threads))
        return self._embedder

    def pipeline(self) -> Pipeline:
        return Pipeline([IndexMessages(lambda: self.embedder), FormMemories(lambda: self.embedder)])

    def worker(self, owner: str | None = None) -> Worker:
        return Worker(self.db, self.settings, self.pipeline(), wake=self.work_available, owner=owner,
                      embedder=lambda: self.embedder)

    def close(self) -> None:
        self.db.close()
