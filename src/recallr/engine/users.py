"""Users of a project: create, read, rename, update, delete (with everything under them)."""

from __future__ import annotations

import uuid
from typing import Any

from ..exceptions import UserAlreadyExistsError, UserNotFoundError, ValidationError
from ..settings import Settings
from ..store import Database, Tx
from ..store import users as store
from ..store.records import UserRecord
from . import validation

UNSET = store.UNSET
MAX_SEARCH_CHARS = 200


def require_user(tx: Tx, project_id: str, custom_user_id: str) -> UserRecord:
    """The user, or ``UserNotFoundError`` with the detail text the official SDK matches."""
    user = store.get_user(tx, project_id, custom_user_id)
    if user is None:
        raise UserNotFoundError(f"User {custom_user_id} not found")
    return user


class Users:
    """User operations, scoped to a project."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings

    def create(self, project_id: str, custom_user_id: str, *, metadata: dict[str, Any] | None = None,
               email: str | None = None, first_name: str | None = None, last_name: str | None = None,
               merge_conflict_enabled: bool | None = None) -> UserRecord:
        validation.user_id(custom_user_id, self.settings, field="custom_user_id")
        meta = validation.metadata(metadata, self.settings)
        with self.db.write() as tx:
            if store.get_user(tx, project_id, custom_user_id) is not None:
                raise UserAlreadyExistsError(f"User with ID {custom_user_id} already exists")
            return store.insert_user(
                tx, user_id=str(uuid.uuid4()), project_id=project_id, custom_user_id=custom_user_id, metadata=meta,
                email=email, first_name=first_name, last_name=last_name, merge_conflict_enabled=merge_conflict_enabled,
            )

    def get(self, project_id: str, custom_user_id: str) -> UserRecord:
        with self.db.read() as tx:
            return require_user(tx, project_id, custom_user_id)

    def page(self, project_id: str, *, offset: int = 0, limit: int = 10,
             metadata_filter: dict[str, Any] | None = None, search: str | None = None) -> tuple[list[UserRecord], int]:
        """A page of users, oldest first; ``search`` (at most 200 characters) matches id, email and names."""
        validation.page(offset, limit)
        if search is not None and len(search) > MAX_SEARCH_CHARS:
            raise ValidationError(f"search must be at most {MAX_SEARCH_CHARS} characters")
        validation.filter_object(metadata_filter, self.settings)
        with self.db.read() as tx:
            return store.list_users(tx, project_id, offset=offset, limit=limit, metadata_filter=metadata_filter,
                                    search=search or None)

    def counts(self, users: list[UserRecord]) -> dict[str, tuple[int, int]]:
        """``{custom_user_id: (sessions, current memories)}`` for users of one page."""
        with self.db.read() as tx:
            found = store.user_counts(tx, [u.id for u in users])
        return {u.custom_user_id: found[u.id] for u in users}

    def update(self, project_id: str, custom_user_id: str, *, new_custom_user_id: str | None = None,
               new_metadata: dict[str, Any] | None = None, email: Any = UNSET, first_name: Any = UNSET,
               last_name: Any = UNSET, merge_conflict_enabled: Any = UNSET) -> UserRecord:
        """Change a user; renaming keeps every session, message and memory (they hang off the internal id)."""
        if new_custom_user_id is not None:
            validation.user_id(new_custom_user_id, self.settings, field="new_custom_user_id")
        if new_metadata is not None:
            validation.metadata(new_metadata, self.settings, field="new_metadata")
        with self.db.write() as tx:
            user = require_user(tx, project_id, custom_user_id)
            renamed = new_custom_user_id is not None and new_custom_user_id != custom_user_id
            if renamed and store.get_user(tx, project_id, new_custom_user_id) is not None:  # type: ignore[arg-type]
                raise UserAlreadyExistsError(f"User with ID {new_custom_user_id} already exists")
            store.update_user(tx, user.id, custom_user_id=new_custom_user_id, metadata=new_metadata, email=email,
                              first_name=first_name, last_name=last_name,
                              merge_conflict_enabled=merge_conflict_enabled)
            return store.get_user_by_id(tx, user.id)  # type: ignore[return-value]

    def delete(self, project_id: str, custom_user_id: str) -> None:
        with self.db.write() as tx:
            user = require_user(tx, project_id, custom_user_id)
            store.delete_user(tx, user.id)
