"""Sessions and messages: the session clock, the pending-only rules, queueing for processing."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ...exceptions import InvalidSessionStateError, SessionNotFoundError
from ...settings import Settings
from ...store import Database, Tx, now_us
from ...store import memories as memory_store
from ...store import messages as message_store
from ...store import sessions as store
from ...store import summaries as summary_store
from ...store import users as user_store
from ...store.records import MessageRecord, SessionRecord, UserRecord, to_us
from ...store.summaries import SummaryRecord
from ...types import MessageRole, SessionStatus
from . import validation
from .users import require_user


def require_session(tx: Tx, user: UserRecord, session_id: str) -> SessionRecord:
    session = store.get_session(tx, user.id, session_id)
    if session is None:
        raise SessionNotFoundError(f"Session {session_id} not found")
    return session


class Sessions:
    """Session and message operations, scoped to a project and user."""

    def __init__(self, db: Database, settings: Settings, *, work_available: threading.Event | None = None) -> None:
        self.db = db
        self.settings = settings
        self.work_available = work_available or threading.Event()

    def create(self, project_id: str, custom_user_id: str, *, metadata: dict[str, Any] | None = None,
               auto_process_after_seconds: int | None = None,
               custom_created_at_utc: datetime | None = None) -> SessionRecord:
        meta = validation.metadata(metadata, self.settings)
        auto = validation.auto_process_seconds(auto_process_after_seconds, self.settings)
        custom = validation.session_clock(custom_created_at_utc)
        real = now_us()
        created = to_us(custom) if custom is not None else real
        with self.db.write() as tx:
            user = require_user(tx, project_id, custom_user_id)
            user_store.touch_user(tx, user.id, real)
            return store.insert_session(tx, session_id=str(uuid.uuid4()), user_id=user.id, metadata=meta,
                                        auto_process_after_seconds=auto, created_at_us=created,
                                        clock_offset_us=created - real)

    def get(self, project_id: str, custom_user_id: str, session_id: str) -> SessionRecord:
        with self.db.read() as tx:
            return require_session(tx, require_user(tx, project_id, custom_user_id), session_id)

    def summary(self, project_id: str, custom_user_id: str, session_id: str) -> SummaryRecord | None:
        """The summary processing wrote for the session (None before processing or when it had nothing to say)."""
        with self.db.read() as tx:
            session = require_session(tx, require_user(tx, project_id, custom_user_id), session_id)
            return summary_store.for_session(tx, session.id)

    def page(self, project_id: str, custom_user_id: str, *, offset: int = 0, limit: int = 10,
             metadata_filter: dict[str, Any] | None = None, statuses: Sequence[SessionStatus] | None = None,
             user_metadata_filter: dict[str, Any] | None = None) -> tuple[list[SessionRecord], int]:
        validation.page(offset, limit)
        validation.filter_object(metadata_filter, self.settings)
        validation.filter_object(user_metadata_filter, self.settings, field="user_metadata_filter")
        with self.db.read() as tx:
            user = require_user(tx, project_id, custom_user_id)
            if user_metadata_filter and any(user.metadata.get(k) != v for k, v in user_metadata_filter.items()):
                return [], 0
            return store.list_sessions(tx, user.id, offset=offset, limit=limit, metadata_filter=metadata_filter,
                                       statuses=[s.value for s in statuses] if statuses else None)

    def update(self, project_id: str, custom_user_id: str, session_id: str, *,
               new_metadata: dict[str, Any] | None) -> SessionRecord:
        meta = validation.metadata(new_metadata, self.settings, field="new_metadata")
        with self.db.write() as tx:
            session = require_session(tx, require_user(tx, project_id, custom_user_id), session_id)
            store.update_metadata(tx, session.id, meta)
            return store.get_session_by_id(tx, session.id)  # type: ignore[return-value]

    def delete(self, project_id: str, custom_user_id: str, session_id: str) -> None:
        with self.db.write() as tx:
            user = require_user(tx, project_id, custom_user_id)
            session = require_session(tx, user, session_id)
            tx.dialect.lock_user(tx, user.id)
            memory_store.forget_session(tx, session.id)
            store.delete_session(tx, session.id)
            memory_store.bump_revision(tx, user.id)

    def add_message(self, project_id: str, custom_user_id: str, session_id: str, *, role: MessageRole,
                    content: str) -> MessageRecord:
        """Append a message; its timestamp follows the session's clock (custom start + real elapsed time)."""
        validation.content(content, self.settings)
        with self.db.write() as tx:
            user = require_user(tx, project_id, custom_user_id)
            session = require_session(tx, user, session_id)
            real = now_us()
            message = message_store.append_message(
                tx, session_id=session.id, user_id=user.id, role=role.value, content=content,
                timestamp_us=session.clock_us(real), activity_us=real,
            )
            if message is None:
                current = store.get_session_by_id(tx, session.id)
                raise InvalidSessionStateError(
                    f"Cannot add message to session {session_id} with status {current.status if current else '?'}: "
                    "messages can only be added while the session is pending"
                )
            user_store.touch_user(tx, user.id, real)
            return message

    def messages(self, project_id: str, custom_user_id: str, session_id: str, *, offset: int = 0,
                 limit: int = 50) -> tuple[list[MessageRecord], int]:
        validation.page(offset, limit)
        with self.db.read() as tx:
            session = require_session(tx, require_user(tx, project_id, custom_user_id), session_id)
            return message_store.list_messages(tx, session.id, offset=offset, limit=limit)

    def last_messages(self, project_id: str, custom_user_id: str, n: int) -> list[tuple[MessageRecord, str]]:
        """The user's ``n`` latest messages across all sessions, oldest first."""
        if not 1 <= n <= 100:
            from ...exceptions import ValidationError

            raise ValidationError("limit must be between 1 and 100")
        with self.db.read() as tx:
            user = require_user(tx, project_id, custom_user_id)
            return [(m, m.session_id) for m in message_store.last_messages(tx, user.id, n)]

    def process(self, project_id: str, custom_user_id: str, session_id: str) -> SessionRecord:
        """Queue a pending session for the worker (pending -> processing)."""
        with self.db.write() as tx:
            user = require_user(tx, project_id, custom_user_id)
            session = require_session(tx, user, session_id)
            if not store.queue_for_processing(tx, session.id):
                raise InvalidSessionStateError(
                    f"Cannot process session {session_id} with status {session.status}: "
                    "only pending sessions can be processed"
                )
            user_store.touch_user(tx, user.id)
            queued = store.get_session_by_id(tx, session.id)
        self.work_available.set()
        return queued  # type: ignore[return-value]
