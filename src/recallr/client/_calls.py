"""Requests as data, and the two runners that carry them out (sync and async).

Every SDK method is written once as an *operation*: a generator that yields ``Call``s and
receives ``httpx.Response``s, then returns the method's result. ``SyncRunner`` drives it
with an ``httpx.Client``, ``AsyncRunner`` with an ``httpx.AsyncClient``; nothing else differs.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import time
from collections.abc import AsyncIterator, Callable, Generator, Iterator
from dataclasses import dataclass, field
from typing import IO, Any, TypeVar

import httpx

from .. import exceptions as errors
from ..exceptions import RecallrAIError, from_response

T = TypeVar("T")


@dataclass(frozen=True)
class Call:
    """One HTTP request an operation wants made, and the statuses that mean success."""

    method: str
    path: str
    params: dict[str, Any] | None = None
    json: dict[str, Any] | None = None
    ok: tuple[int, ...] = (200,)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Sleep:
    """An operation's request to wait before its next call (``time.sleep`` or ``asyncio.sleep``)."""

    seconds: float


Op = Generator[Call | Sleep, Any, T]  # sends back an httpx.Response after a Call, None after a Sleep


def _params(params: dict[str, Any] | None) -> dict[str, Any] | None:
    if not params:
        return None
    out: dict[str, Any] = {}
    for key, value in params.items():
        if value is None:
            continue
        out[key] = ("true" if value else "false") if isinstance(value, bool) else value
    return out


def build(client: httpx.Client | httpx.AsyncClient, call: Call) -> httpx.Request:
    return client.build_request(call.method, call.path, params=_params(call.params), json=call.json,
                                headers=call.headers or None)


def check(call: Call, response: httpx.Response) -> httpx.Response:
    """Raise the exception tree's error for an unexpected status."""
    if response.status_code in call.ok:
        return response
    try:
        body: Any = response.json()
    except ValueError:
        body = {"detail": response.text or f"HTTP {response.status_code}"}
    error = from_response(response.status_code, body)
    retry_after = response.headers.get("Retry-After")
    if retry_after and "retry_after" not in error.extra:
        with contextlib.suppress(ValueError):
            error.extra["retry_after"] = float(retry_after)
    raise error


Destination = str | os.PathLike[str] | IO[bytes] | None


class Download:
    """Where a streamed response body goes: a file path (written whole or removed), a binary file object, or
    memory (``destination=None``: the result is the bytes)."""

    def __init__(self, destination: Destination) -> None:
        self.destination = destination
        self.size = 0
        self._file: IO[bytes] | None = None
        self._owned = isinstance(destination, (str, os.PathLike))

    def open(self) -> None:
        if self.destination is None:
            self._file = io.BytesIO()
        elif isinstance(self.destination, (str, os.PathLike)):
            self._file = open(self.destination, "wb")  # noqa: SIM115 - closed in finish()
        else:
            self._file = self.destination

    def write(self, chunk: bytes) -> None:
        assert self._file is not None
        self._file.write(chunk)
        self.size += len(chunk)

    def finish(self, ok: bool) -> Any:
        """The result (bytes for memory, else the number of bytes written); a failed file download is removed."""
        file, self._file = self._file, None
        if isinstance(file, io.BytesIO) and self.destination is None:
            return file.getvalue()
        if self._owned and file is not None:
            file.close()
            if not ok:
                with contextlib.suppress(OSError):
                    os.remove(self.destination)  # type: ignore[arg-type]
        return self.size


def network_error(error: httpx.HTTPError) -> RecallrAIError:
    if isinstance(error, httpx.TimeoutException):
        return errors.TimeoutError(f"Request timed out: {error}", 0)
    return errors.ConnectionError(f"Failed to connect to the API: {error}", 0)


class SyncRunner:
    """Runs operations over an ``httpx.Client``."""

    is_async = False

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def send(self, call: Call) -> httpx.Response:
        try:
            response = self.client.send(build(self.client, call))
        except httpx.HTTPError as error:
            raise network_error(error) from error
        return check(call, response)

    def run(self, op: Op[T]) -> T:
        try:
            step = next(op)
            while True:
                if isinstance(step, Sleep):
                    time.sleep(step.seconds)
                    step = op.send(None)
                else:
                    step = op.send(self.send(step))
        except StopIteration as done:
            return done.value

    def events(self, call: Call, parse: Callable[[str], Any]) -> Iterator[Any]:
        """Server-Sent Events of a streaming call, each ``data:`` payload parsed."""
        request = build(self.client, call)
        try:
            response = self.client.send(request, stream=True)
        except httpx.HTTPError as error:
            raise network_error(error) from error
        try:
            if response.status_code not in call.ok:
                response.read()
                check(call, response)
            for line in response.iter_lines():
                if line.startswith("data:") and line[5:].strip():
                    yield parse(line[5:].strip())
        finally:
            response.close()

    def download(self, call: Call, destination: Destination) -> Any:
        """Stream the response body of ``call`` into ``destination`` (see ``Download``)."""
        sink = Download(destination)
        ok = False
        try:
            with self.client.stream(call.method, call.path, params=_params(call.params)) as response:
                if response.status_code not in call.ok:
                    response.read()
                    check(call, response)
                sink.open()
                for chunk in response.iter_bytes():
                    sink.write(chunk)
            ok = True
        except httpx.HTTPError as error:
            raise network_error(error) from error
        finally:
            result = sink.finish(ok)
        return result

    def pages(self, fetch: Callable[[int], Op[Any]], first_offset: int = 0) -> Iterator[list[Any]]:
        offset: int | None = first_offset
        while offset is not None:
            page = self.run(fetch(offset))
            items = page.items_list()
            if items:
                yield items
            offset = page.next_offset()

    def close(self) -> None:
        self.client.close()


class AsyncRunner:
    """Runs operations over an ``httpx.AsyncClient``."""

    is_async = True

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def send(self, call: Call) -> httpx.Response:
        try:
            response = await self.client.send(build(self.client, call))
        except httpx.HTTPError as error:
            raise network_error(error) from error
        return check(call, response)

    async def run(self, op: Op[T]) -> T:
        try:
            step = next(op)
            while True:
                if isinstance(step, Sleep):
                    await asyncio.sleep(step.seconds)
                    step = op.send(None)
                else:
                    step = op.send(await self.send(step))
        except StopIteration as done:
            return done.value

    async def events(self, call: Call, parse: Callable[[str], Any]) -> AsyncIterator[Any]:
        """Server-Sent Events of a streaming call, each ``data:`` payload parsed."""
        request = build(self.client, call)
        try:
            response = await self.client.send(request, stream=True)
        except httpx.HTTPError as error:
            raise network_error(error) from error
        try:
            if response.status_code not in call.ok:
                await response.aread()
                check(call, response)
            async for line in response.aiter_lines():
                if line.startswith("data:") and line[5:].strip():
                    yield parse(line[5:].strip())
        finally:
            await response.aclose()

    async def download(self, call: Call, destination: Destination) -> Any:
        """Stream the response body of ``call`` into ``destination`` (see ``Download``)."""
        sink = Download(destination)
        ok = False
        try:
            async with self.client.stream(call.method, call.path, params=_params(call.params)) as response:
                if response.status_code not in call.ok:
                    await response.aread()
                    check(call, response)
                sink.open()
                async for chunk in response.aiter_bytes():
                    sink.write(chunk)
            ok = True
        except httpx.HTTPError as error:
            raise network_error(error) from error
        finally:
            result = sink.finish(ok)
        return result

    async def pages(self, fetch: Callable[[int], Op[Any]], first_offset: int = 0) -> AsyncIterator[list[Any]]:
        offset: int | None = first_offset
        while offset is not None:
            page = await self.run(fetch(offset))
            items = page.items_list()
            if items:
                yield items
            offset = page.next_offset()

    async def close(self) -> None:
        await self.client.aclose()
