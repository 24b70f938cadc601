"""Reading and deleting a user's memories: current versions, version chains, connections, provenance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ...exceptions import InvalidCategoriesError, MemoryNotFoundError
from ...store import Database, Tx
from ...store import memories as store
from ...store.memories import MemoryRecord, Source
from . import validation
from .categories import project_categories
from .users import require_user

MAX_MEMORY_PAGE = 200


@dataclass
class MemoryView:
    """A memory version with what the API shows around it."""

    memory: MemoryRecord
    total_versions: int
    previous_versions: list[MemoryRecord] | None = None
    connected: list[MemoryRecord] | None = None
    sources: list[Source] = field(default_factory=list)


def views(tx: Tx, memories: Sequence[MemoryRecord], *, include_previous: bool,
          include_connected: bool) -> list[MemoryView]:
    chain_ids = list(dict.fromkeys(m.chain_id for m in memories))
    chains = store.chain(tx, chain_ids)
    links = store.connected(tx, chain_ids) if include_connected else {}
    sources = store.sources(tx, [m.id for m in memories])
    out = []
    for memory in memories:
        versions = chains.get(memory.chain_id, [])
        previous = [v for v in versions if v.version_number < memory.version_number]
        out.append(MemoryView(memory, total_versions=len(versions) or 1,
                              previous_versions=previous if include_previous else None,
                              connected=links.get(memory.chain_id, []) if include_connected else None,
                              sources=sources.get(memory.id, [])))
    return out


class Memories:
    """List, get and delete memories of a user."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def page(self, project_id: str, custom_user_id: str, *, offset: int = 0, limit: int = 20,
             categories: Sequence[str] | None = None, session_ids: Sequence[str] | None = None,
             session_metadata: dict[str, Any] | None = None, include_previous_versions: bool = True,
             include_connected_memories: bool = True) -> tuple[list[MemoryView], int]:
        validation.page(offset, limit, max_limit=MAX_MEMORY_PAGE)
        with self.db.read() as tx:
            user = require_user(tx, project_id, custom_user_id)
            if categories:
                known = {c.name for c in project_categories(tx, project_id)}
                invalid = [c for c in categories if c not in known]
                if invalid:
                    raise InvalidCategoriesError(f"Invalid categories: {', '.join(invalid)}",
                                                 invalid_categories=invalid)
            memories, total = store.page_current(tx, user.id, offset=offset, limit=limit, categories=categories,
                                                 session_ids=session_ids, session_metadata=session_metadata)
            return views(tx, memories, include_previous=include_previous_versions,
                         include_connected=include_connected_memories), total

    def get(self, project_id: str, custom_user_id: str, memory_id: str, *, include_previous_versions: bool = True,
            include_connected_memories: bool = True) -> MemoryView:
        """Any version by its id; an expired version shows its ``expired_at`` and ``expiration_reason``."""
        with self.db.read() as tx:
            user = require_user(tx, project_id, custom_user_id)
            memory = store.get(tx, user.id, memory_id)
            if memory is None:
                raise MemoryNotFoundError(f"Memory {memory_id} not found")
            return views(tx, [memory], include_previous=include_previous_versions,
                         include_connected=include_connected_memories)[0]

    def delete(self, project_id: str, custom_user_id: str, memory_id: str, *,
               delete_previous_versions: bool = False) -> None:
        """Delete one version (and, if asked, all before it). Deleting the current version makes the
        latest remaining one current again."""
        with self.db.write() as tx:
            user = require_user(tx, project_id, custom_user_id)
            memory = store.get(tx, user.id, memory_id)
            if memory is None:
                raise MemoryNotFoundError(f"Memory {memory_id} not found")
            versions = store.chain(tx, [memory.chain_id])[memory.chain_id]
            doomed = [v for v in versions if v.id == memory.id or
                      (delete_previous_versions and v.version_number < memory.version_number)]
            store.delete_versions(tx, [v.id for v in doomed])
            remaining = [v for v in versions if v not in doomed]
            if memory.expired_at is None and remaining:
                store.reinstate(tx, remaining[-1].id)
            store.bump_revision(tx, user.id)
