"""The console's only way to the data: the public REST API v1, called in-process over httpx's ASGI transport.

Every read and change the console makes is an ordinary ``/api/v1`` request with the signed-in key, so the console
behaves the same on SQLite and PostgreSQL, across replicas, and never sees more than the key allows.

Example::

    api = ConsoleAPI(app)
    page = await api.call(account, "GET", "/users", params={"limit": 20})
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

import httpx
from fastapi import FastAPI

from .security import Account, ConsoleError, SignInRequired


def q(value: str) -> str:
    """A path segment, escaped (user ids may hold any character but controls)."""
    return quote(value, safe="")


class ConsoleAPI:
    """Calls ``/api/v1`` on ``app`` with the signed-in account's headers; errors become console errors."""

    def __init__(self, app: FastAPI) -> None:
        self._http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://console.internal",
                                       timeout=120.0)

    async def call(self, account: Account, method: str, path: str, *, params: dict[str, Any] | None = None,
                   json: Any = None) -> Any:
        """The JSON answer (None for 204); 401 asks to sign in again, other errors carry the API's message."""
        data, _ = await self.timed(account, method, path, params=params, json=json)
        return data

    async def timed(self, account: Account, method: str, path: str, *, params: dict[str, Any] | None = None,
                    json: Any = None) -> tuple[Any, float]:
        """``call``, with how long the API took in milliseconds."""
        headers = {"X-Recallr-Project-Id": account.project_id, "X-Recallr-Api-Key": account.api_key}
        started = time.perf_counter()
        response = await self._http.request(method, f"/api/v1{path}", params=params, json=json, headers=headers)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code == 401:
            raise SignInRequired("Your API key was not accepted (revoked?): sign in again.")
        if response.status_code >= 400:
            raise ConsoleError(response.status_code if response.status_code < 500 else 502, _message(response))
        return (response.json() if response.content else None), elapsed

    async def check_key(self, project_id: str, api_key: str) -> bool:
        """Whether the pair is accepted (the sign-in check: one read of the project)."""
        response = await self._http.get("/api/v1/project", headers={"X-Recallr-Project-Id": project_id,
                                                                    "X-Recallr-Api-Key": api_key})
        return response.status_code == 200

    async def aclose(self) -> None:
        await self._http.aclose()


def _message(response: httpx.Response) -> str:
    try:
        detail = response.json().get("detail")
    except ValueError:
        return response.text[:300] or f"HTTP {response.status_code}"
    if isinstance(detail, str):
        return detail[:500]
    if isinstance(detail, dict) and isinstance(detail.get("message"), str):
        return str(detail["message"])[:500]
    return str(detail)[:500]
