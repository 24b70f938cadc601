"""/api/v1/users/{user_id}/export: one user's data as a Recallr archive (JSON Lines), streamed.

The archive is read in one database snapshot on a thread of its own (a read transaction lives on one
connection, and Starlette would run each step of a sync iterator on whichever pool thread is free); chunks reach
the response through a small bounded queue, so memory stays bounded whatever the user's size, and a client that
goes away stops the reader.
"""

from __future__ import annotations

import functools
import logging
import queue
import threading
from collections.abc import AsyncIterator, Callable, Iterator

import anyio.to_thread
from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from ...engine import portability
from ..deps import BlockingDep, EngineDep, ProjectDep

router = APIRouter(tags=["users"])
log = logging.getLogger(__name__)

_CHUNK_BYTES = 64 * 1024
_QUEUE_CHUNKS = 16  # at most ~1 MB waiting for a slow client
_DONE = object()


@router.get(
    "/users/{user_id}/export",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-ndjson": {}},
                     "description": "The user's archive: JSON Lines, header first, end line last"}},
)
async def export_user(user_id: str, engine: EngineDep, project_id: ProjectDep, run: BlockingDep) -> StreamingResponse:
    """Everything stored about the user (sessions, messages, memories with every version, sources, connections,
    merge conflicts, summaries; their project and its categories), in the archive format of ``recallr export``.
    An archive without its end line was cut short."""
    scope = await run(portability.user_scope, engine.db, project_id, user_id)  # 404 before anything is sent

    def lines() -> Iterator[bytes]:
        try:
            yield from portability.export_lines(engine.db, scope)
        finally:
            engine.db.close_thread_connection()

    return StreamingResponse(_from_thread(lines), media_type="application/x-ndjson",
                             headers={"Content-Disposition": 'attachment; filename="recallr-user-export.jsonl"'})


async def _from_thread(lines: Callable[[], Iterator[bytes]]) -> AsyncIterator[bytes]:
    chunks: queue.Queue[object] = queue.Queue(maxsize=_QUEUE_CHUNKS)
    stop = threading.Event()

    def put(item: object) -> None:
        while not stop.is_set():
            try:
                chunks.put(item, timeout=0.2)
                return
            except queue.Full:
                continue

    def produce() -> None:
        buffer: list[bytes] = []
        size = 0
        try:
            for line in lines():
                if stop.is_set():
                    return
                buffer.append(line)
                size += len(line)
                if size >= _CHUNK_BYTES:
                    put(b"".join(buffer))
                    buffer, size = [], 0
            put(b"".join(buffer))
        except Exception:
            # The status line is sent already: the archive just ends without its end line, which import reports.
            log.exception("user export failed")
        finally:
            put(_DONE)

    threading.Thread(target=produce, name="recallr-export", daemon=True).start()
    try:
        while True:
            try:
                item = await anyio.to_thread.run_sync(functools.partial(chunks.get, timeout=0.5))
            except queue.Empty:
                continue
            if item is _DONE:
                return
            assert isinstance(item, bytes)
            yield item
    finally:
        stop.set()
