"""Projects and API keys: ``rai_`` keys, stored as SHA-256, checked in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass

from ...exceptions import AuthenticationError, RecallrAIError
from ...store import Database
from ...store import projects as store
from ...store.records import ApiKeyRecord, ProjectRecord
from .categories import install_defaults

KEY_PREFIX = "rai_"


def hash_key(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


@dataclass(frozen=True)
class NewKey:
    """A freshly created key: ``api_key`` is shown once and never stored."""

    project_id: str
    key_id: str
    api_key: str


class Projects:
    """Create projects and keys, authenticate requests."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def create(self, name: str = "default") -> tuple[ProjectRecord, NewKey]:
        """A new project with its first key."""
        project_id = str(uuid.uuid4())
        with self.db.write() as tx:
            project = store.insert_project(tx, project_id, name)
            install_defaults(tx, project_id)
        return project, self.create_key(project_id, name="initial")

    def get(self, project_id: str) -> ProjectRecord | None:
        with self.db.read() as tx:
            return store.get_project(tx, project_id)

    def require(self, project_id: str) -> ProjectRecord:
        with self.db.read() as tx:
            return self._require(tx, project_id)

    def all(self) -> list[ProjectRecord]:
        with self.db.read() as tx:
            return store.list_projects(tx)

    def ensure_default(self) -> ProjectRecord:
        """The first project, created if there is none (the embedded client's project)."""
        projects = self.all()
        return projects[0] if projects else self.create()[0]

    def set_merge_conflicts(self, project_id: str, enabled: bool) -> None:
        with self.db.write() as tx:
            store.set_merge_conflicts(tx, self._require(tx, project_id).id, enabled)

    def create_key(self, project_id: str, *, name: str | None = None) -> NewKey:
        api_key = KEY_PREFIX + secrets.token_urlsafe(32)
        key_id = str(uuid.uuid4())
        with self.db.write() as tx:
            self._require(tx, project_id)
            store.insert_key(tx, key_id=key_id, project_id=project_id, key_hash=hash_key(api_key),
                             prefix=api_key[:12], name=name)
        return NewKey(project_id, key_id, api_key)

    def list_keys(self, project_id: str) -> list[ApiKeyRecord]:
        with self.db.read() as tx:
            self._require(tx, project_id)
            return store.list_keys(tx, project_id)

    def revoke_key(self, project_id: str, key_id_or_prefix: str) -> None:
        with self.db.write() as tx:
            if not store.revoke_key(tx, project_id, key_id_or_prefix):
                raise RecallrAIError(f"No active key {key_id_or_prefix} in project {project_id}", 404)

    def authenticate(self, project_id: str | None, api_key: str | None) -> str:
        """The project id if ``api_key`` is an active key of it; else AuthenticationError (saying nothing more)."""
        if not project_id or not api_key or not api_key.startswith(KEY_PREFIX) or len(project_id) > 64:
            raise AuthenticationError()
        digest = hash_key(api_key)
        with self.db.read() as tx:
            hashes = store.active_key_hashes(tx, project_id)
        matched = False
        for stored in hashes:
            matched |= hmac.compare_digest(stored, digest)
        if not matched:
            raise AuthenticationError()
        return project_id

    @staticmethod
    def _require(tx: object, project_id: str) -> ProjectRecord:
        project = store.get_project(tx, project_id)  # type: ignore[arg-type]
        if project is None:
            raise RecallrAIError(f"Project {project_id} not found", 404)
        return project
