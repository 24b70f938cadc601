"""A fake OpenAI-compatible server: a small ASGI app served for real by uvicorn on loopback, in a thread.

It answers ``POST /v1/chat/completions`` and ``POST /v1/embeddings`` with scripted replies (queued ones first,
then ``responder``), can reject answer formats, add latency, and records every request it got, so tests can
check what Recallr sent. Also used by ``benchmarks/llm_ingest.py``.

Example::

    with FakeLLM() as fake:
        fake.script(Reply(json={"memories": []}), Reply(status=429, headers={"retry-after": "1"}))
        ...  # point RECALLR_LLM_BASE_URL at fake.url
        fake.requests[0].body["model"]
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import uvicorn

TASK = re.compile(r"^Recallr task: (\w+) \(v(\d+)\)")
LINE = re.compile(r"^\[(\d+)\](?: \([^)]*\))? (user|assistant): (.*)$")


@dataclass
class Reply:
    """One scripted answer: JSON or text content, or an HTTP error, after an optional delay."""

    json: Any = None
    content: str | None = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    error: str = "scripted error"
    delay: float = 0.0
    finish_reason: str = "stop"
    usage: tuple[int, int] | None = None  # (prompt, completion); default: counted from the text

    def text(self) -> str:
        return self.content if self.content is not None else json.dumps(self.json)


@dataclass
class Recorded:
    path: str
    body: dict[str, Any]
    headers: dict[str, str]
    at: float

    @property
    def task(self) -> str | None:
        """The Recallr task named on the first line of the system message."""
        for message in self.body.get("messages", []):
            if message.get("role") == "system":
                match = TASK.match(message.get("content", ""))
                return match.group(1) if match else None
        return None

    @property
    def user_text(self) -> str:
        return next((m["content"] for m in reversed(self.body.get("messages", [])) if m["role"] == "user"), "")

    @property
    def system_text(self) -> str:
        return next((m["content"] for m in self.body.get("messages", []) if m["role"] == "system"), "")

    def lines(self) -> list[tuple[int, str, str]]:
        """The ``[n] role: content`` message lines of an extraction request (not the context-only ones)."""
        text = self.body["messages"][1]["content"]
        text = text.split("Messages:\n", 1)[-1]
        out: list[tuple[int, str, str]] = []
        for line in text.splitlines():
            m = LINE.match(line)
            if m is not None:
                out.append((int(m.group(1)), m.group(2), m.group(3)))
            elif out:  # a message of several lines (a list, a paragraph break) goes on
                index, role, content = out[-1]
                out[-1] = (index, role, f"{content}\n{line}")
        return out


Responder = Callable[[Recorded], Reply]


class FakeLLM:
    """The server. ``latency`` is added to every call; ``reject_formats`` answers 400 to those formats."""

    def __init__(self, *, latency: float = 0.0, responder: Responder | None = None, embedding_dim: int = 384) -> None:
        self.latency = latency
        self.responder = responder
        self.embedding_dim = embedding_dim
        self.reject_formats: set[str] = set()
        self.requests: list[Recorded] = []
        self.queue: deque[Reply] = deque()
        self.in_flight = 0
        self.max_in_flight = 0
        self._generation = 0  # requests from before a reset (a slow reply still sleeping) do not count
        self._lock = threading.Lock()
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}/v1"
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="error", lifespan="off",
                                interface="asgi3",
                                timeout_graceful_shutdown=1)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True, name="fake-openai")

    # -- control ------------------------------------------------------------------------------------------------
    def script(self, *replies: Reply) -> None:
        self.queue.extend(replies)

    def reset(self) -> None:
        self.queue.clear()
        self.requests.clear()
        self.responder = None
        self.reject_formats = set()
        self.latency = 0.0
        with self._lock:
            self.max_in_flight = self.in_flight = 0
            self._generation += 1

    def chats(self, task: str | None = None) -> list[Recorded]:
        return [r for r in self.requests if r.path.endswith("/chat/completions") and (task is None or r.task == task)]

    def __enter__(self) -> FakeLLM:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("fake LLM server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)

    # -- the ASGI app -------------------------------------------------------------------------------------------
    async def app(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = json.loads(b"".join(chunks) or b"{}")
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        recorded = Recorded(scope["path"], body, headers, time.monotonic())
        with self._lock:
            self.requests.append(recorded)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            generation = self._generation
        try:
            status, payload, extra = await self._answer(recorded)
        finally:
            with self._lock:
                if generation == self._generation:
                    self.in_flight -= 1
        data = json.dumps(payload).encode()
        head = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
        head += [(k.encode(), v.encode()) for k, v in extra.items()]
        await send({"type": "http.response.start", "status": status, "headers": head})
        await send({"type": "http.response.body", "body": data})

    async def _answer(self, recorded: Recorded) -> tuple[int, Any, dict[str, str]]:
        generation = self._generation
        if self.latency:
            await asyncio.sleep(self.latency)
        if generation != self._generation:  # an abandoned request of an earlier test: leave this test's script alone
            return 503, {"error": {"message": "stale request"}}, {}
        if recorded.path.endswith("/embeddings"):
            return 200, self._embeddings(recorded.body), {}
        if not recorded.path.endswith("/chat/completions"):
            return 404, {"error": {"message": f"no route {recorded.path}"}}, {}
        fmt = (recorded.body.get("response_format") or {}).get("type", "text")
        if fmt in self.reject_formats:
            return 400, {"error": {"message": f"response_format type '{fmt}' is not supported", "type":
                                   "invalid_request_error"}}, {}
        with self._lock:
            reply = self.queue.popleft() if self.queue else None
        if reply is None:
            reply = self.responder(recorded) if self.responder is not None else Reply(json={})
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.status != 200:
            return reply.status, {"error": {"message": reply.error, "type": "scripted"}}, reply.headers
        return 200, self._completion(recorded, reply), reply.headers

    @staticmethod
    def _completion(recorded: Recorded, reply: Reply) -> dict[str, Any]:
        text = reply.text()
        prompt_chars = sum(len(m.get("content") or "") for m in recorded.body.get("messages", []))
        prompt, completion = reply.usage or (prompt_chars // 4 + 1, len(text) // 4 + 1)
        return {
            "id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()),
            "model": recorded.body.get("model"),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                         "finish_reason": reply.finish_reason}],
            "usage": {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion},
        }

    def _embeddings(self, body: dict[str, Any]) -> dict[str, Any]:
        texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
        dim = int(body.get("dimensions") or self.embedding_dim)
        data = []
        for i, text in enumerate(texts):
            seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
            vector = np.random.default_rng(seed).standard_normal(dim)
            data.append({"object": "embedding", "index": i, "embedding": [round(float(x), 6) for x in vector]})
        tokens = sum(len(t) // 4 + 1 for t in texts)
        return {"object": "list", "data": data, "model": body.get("model"),
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}
