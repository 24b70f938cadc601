"""``RecallrAI`` and ``AsyncRecallrAI``: the SDK, over HTTP or embedded in-process.

Example::

    from recallr import RecallrAI

    client = RecallrAI.embedded("./recallr-data")          # no server, no key
    # client = RecallrAI(api_key="rai_...", project_id="...", base_url="http://127.0.0.1:8000")
    user = client.create_user("alice", metadata={"plan": "pro"})
    session = user.create_session()
    session.add_message(role="user", content="I'm allergic to peanuts.")
    session.process()
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import httpx

from .. import __version__
from ._calls import AsyncRunner, Call, Op, SyncRunner
from ._surface import (
    AsyncRecallrAISurface,
    AsyncSessionSurface,
    AsyncUserSurface,
    RecallrAISurface,
    SessionSurface,
    UserSurface,
)
from .conflicts import AsyncMergeConflict, MergeConflict
from .memory_models import Category, ProjectSettings
from .models import UserList, page_of
from .resources import _SessionBase, _UserBase


class Session(SessionSurface, _SessionBase):
    """A session of the sync client (methods return results)."""


class AsyncSession(AsyncSessionSurface, _SessionBase):
    """A session of the async client (methods return coroutines)."""


class User(UserSurface, _UserBase):
    """A user of the sync client (methods return results)."""

    _session_cls = Session
    _conflict_cls = MergeConflict


class AsyncUser(AsyncUserSurface, _UserBase):
    """A user of the async client (methods return coroutines)."""

    _session_cls = AsyncSession
    _conflict_cls = AsyncMergeConflict


def _headers(api_key: str | None, project_id: str | None) -> dict[str, str]:
    headers = {"Accept": "application/json", "User-Agent": f"recallr-python/{__version__}"}
    if api_key is not None and project_id is not None:
        headers.update({"X-Recallr-Api-Key": api_key, "X-Recallr-Project-Id": project_id})
    return headers


def _check_key(api_key: str) -> None:
    if not api_key.startswith("rai_"):
        raise ValueError("API key must start with 'rai_'")


class _ClientBase:
    """Everything the two clients share: operations, no I/O."""

    _runner: Any
    _user_cls: type[_UserBase]
    _embedded: Any = None

    def _create_user_op(self, body: dict[str, Any]) -> Op[_UserBase]:
        response = yield Call("POST", "/api/v1/users", json=body, ok=(201,))
        return self._user_cls(self._runner, response.json())

    def _get_user_op(self, user_id: str) -> Op[_UserBase]:
        response = yield Call("GET", f"/api/v1/users/{quote(user_id, safe='')}")
        return self._user_cls(self._runner, response.json())

    def _list_users_op(self, offset: int, limit: int, metadata_filter: dict[str, Any] | None,
                       search: str | None = None, include_counts: bool = False) -> Op[UserList[_UserBase]]:
        params: dict[str, Any] = {"offset": offset, "limit": limit}
        if metadata_filter is not None:
            params["metadata_filter"] = json.dumps(metadata_filter)
        if search:
            params["search"] = search
        if include_counts:
            params["include_counts"] = "true"
        response = yield Call("GET", "/api/v1/users", params=params)
        data = response.json()
        users = [self._user_cls(self._runner, u) for u in data["users"]]
        return page_of(UserList, data, "users", users, offset)

    def _categories_op(self) -> Op[list[Category]]:
        response = yield Call("GET", "/api/v1/categories")
        return [Category.model_validate(c) for c in response.json()["categories"]]

    def _category_op(self, method: str, name: str, description: str | None) -> Op[Category | None]:
        if method == "POST":
            response = yield Call("POST", "/api/v1/categories", json={"name": name, "description": description},
                                  ok=(201,))
        elif method == "PUT":
            response = yield Call("PUT", f"/api/v1/categories/{quote(name, safe='')}",
                                  json={"description": description})
        else:
            yield Call("DELETE", f"/api/v1/categories/{quote(name, safe='')}", ok=(204,))
            return None
        return Category.model_validate(response.json())

    def _project_op(self, body: dict[str, Any] | None) -> Op[ProjectSettings]:
        response = yield (Call("GET", "/api/v1/project") if body is None else Call("PUT", "/api/v1/project", json=body))
        return ProjectSettings.model_validate(response.json())

    def list_categories(self) -> Any:
        """The project's memory categories."""
        return self._runner.run(self._categories_op())

    def create_category(self, name: str, description: str) -> Any:
        """Add a category (``lowercase_snake`` name); new memories may be filed under it."""
        return self._runner.run(self._category_op("POST", name, description))

    def update_category(self, name: str, description: str) -> Any:
        """Change a category's description."""
        return self._runner.run(self._category_op("PUT", name, description))

    def delete_category(self, name: str) -> Any:
        """Remove a category; memories filed under it keep it in their ``categories``."""
        return self._runner.run(self._category_op("DELETE", name, None))

    def get_project(self) -> Any:
        """The project's settings (``merge_conflicts_enabled``)."""
        return self._runner.run(self._project_op(None))

    def update_project(self, *, merge_conflicts_enabled: bool | None = None) -> Any:
        """Change project settings, e.g. turn merge conflicts on for every user who does not override it."""
        return self._runner.run(self._project_op({"merge_conflicts_enabled": merge_conflicts_enabled}))

    def create_user(self, user_id: str, metadata: dict[str, Any] | None = None,
                    merge_conflict_enabled: bool | None = None, *, email: str | None = None,
                    first_name: str | None = None, last_name: str | None = None) -> Any:
        """Create a user (409 ``UserAlreadyExistsError`` if the id is taken)."""
        body: dict[str, Any] = {"custom_user_id": user_id, "metadata": metadata or {}}
        extra = {"merge_conflict_enabled": merge_conflict_enabled, "email": email, "first_name": first_name,
                 "last_name": last_name}
        body.update({k: v for k, v in extra.items() if v is not None})
        return self._runner.run(self._create_user_op(body))

    def get_user(self, user_id: str) -> Any:
        """The user with that id (``UserNotFoundError`` otherwise)."""
        return self._runner.run(self._get_user_op(user_id))

    def list_users(self, offset: int = 0, limit: int = 10, metadata_filter: dict[str, Any] | None = None, *,
                   search: str | None = None, include_counts: bool = False) -> Any:
        """A page of users, oldest first: ``users``, ``total``, ``has_more``, ``next_offset()``.

        ``search`` keeps users whose id, email or name contains it (any case); ``include_counts`` fills each
        user's ``session_count`` and ``memory_count``.
        Example: ``client.list_users(search="smith", include_counts=True).users[0].memory_count``
        """
        return self._runner.run(self._list_users_op(offset, limit, metadata_filter, search, include_counts))

    def list_users_chunked(self, chunk_size: int = 100,
                           metadata_filter: dict[str, Any] | None = None,
                           ) -> Annotated[Any, "Iterator[list[_UserBase]] | AsyncIterator[list[_UserBase]]"]:
        """Every user, as successive lists of at most ``chunk_size`` (Zep's ``list_chunked``)."""
        return self._runner.pages(lambda offset: self._list_users_op(offset, chunk_size, metadata_filter))


class RecallrAI(RecallrAISurface, _ClientBase):
    """The sync client. ``RecallrAI(api_key, project_id, base_url)`` for a server, ``RecallrAI.embedded()`` for none."""

    _user_cls = User

    def __init__(self, api_key: str, project_id: str, base_url: str = "http://127.0.0.1:8000",
                 timeout: float = 30, *, transport: httpx.BaseTransport | None = None) -> None:
        _check_key(api_key)
        http = httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout, transport=transport,
                            headers=_headers(api_key, project_id))
        self._runner = SyncRunner(http)

    @classmethod
    def embedded(cls, data_dir: str | Path | None = None, **settings: Any) -> RecallrAI:
        """A client running Recallr in this process over a SQLite file in ``data_dir`` (default ./recallr-data)."""
        from .embedded import EmbeddedApp

        app = EmbeddedApp.open(data_dir, **settings)
        self = cls.__new__(cls)
        self._embedded = app
        self._runner = SyncRunner(httpx.Client(base_url=app.base_url, transport=app.sync_transport(), timeout=None,
                                               headers=_headers(None, None)))
        return self

    def close(self) -> None:
        """Close connections (and stop the embedded engine and worker)."""
        self._runner.close()
        if self._embedded is not None:
            self._embedded.close()

    def __enter__(self) -> RecallrAI:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class AsyncRecallrAI(AsyncRecallrAISurface, _ClientBase):
    """The async client: same methods as ``RecallrAI``, awaited."""

    _user_cls = AsyncUser

    def __init__(self, api_key: str, project_id: str, base_url: str = "http://127.0.0.1:8000",
                 timeout: float = 30, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        _check_key(api_key)
        http = httpx.AsyncClient(base_url=base_url.rstrip("/"), timeout=timeout, transport=transport,
                                 headers=_headers(api_key, project_id))
        self._runner = AsyncRunner(http)

    @classmethod
    def embedded(cls, data_dir: str | Path | None = None, **settings: Any) -> AsyncRecallrAI:
        """An async client running Recallr in this process (see ``RecallrAI.embedded``)."""
        from .embedded import EmbeddedApp

        app = EmbeddedApp.open(data_dir, **settings)
        self = cls.__new__(cls)
        self._embedded = app
        self._runner = AsyncRunner(httpx.AsyncClient(base_url=app.base_url, transport=app.async_transport(),
                                                     timeout=None, headers=_headers(None, None)))
        return self

    async def close(self) -> None:
        """Close connections (and stop the embedded engine and worker)."""
        await self._runner.close()
        if self._embedded is not None:
            self._embedded.close()

    async def __aenter__(self) -> AsyncRecallrAI:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()
