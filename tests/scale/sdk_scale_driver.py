"""Load driver run by the *official* ``recallrai`` SDK's interpreter (never imported by pytest).

    python sdk_scale_driver.py CONFIG.json RESULT.json

CONFIG: ``{"base_urls": [url_a, url_b], "project_id", "api_key", "users", "sessions", "prefix",
"concurrency"}``. For each user (``concurrency`` users at a time, ``AsyncRecallrAI``): create it through one
server, fetch it through the other, then for each session create it through one server and fetch it through
the other, add its messages alternating between the two, and queue it with ``process()``. So every request
alternates between the two ``recallr serve`` processes and each one reads what the other wrote.

RESULT: ``{"sessions": {session_id: {"user", "messages": [[role, content], ...]}}, "errors": [...],
"requests", "seconds"}``: exactly what the servers acknowledged. Exit status 1 if any call failed.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import traceback
from typing import Any

from recallrai import AsyncRecallrAI
from recallrai.models import MessageRole

#: Facts the offline extractor turns into memories; sessions of one user repeat some (consolidation must
#: then add no second memory), none contradicts another.
STATEMENTS = ["I live in Paris.", "I love sushi.", "My dog is Rex.", "I work as a nurse.",
              "I'm allergic to peanuts.", "My sister Anna lives in Berlin.", "I play tennis on Sundays.",
              "My favourite book is Dune."]
REPLY = "Got it, thanks for telling me."


def session_messages(user: int, session: int, per_session: int) -> list[tuple[str, str]]:
    """``per_session`` messages: user statements with an assistant reply in the middle."""
    out: list[tuple[str, str]] = []
    for k in range(per_session):
        if k == 1:
            out.append(("assistant", REPLY))
        else:
            out.append(("user", STATEMENTS[(user + 2 * session + k) % len(STATEMENTS)]))
    return out


class Driver:
    def __init__(self, config: dict[str, Any], clients: list[AsyncRecallrAI]) -> None:
        self.config = config
        self.clients = clients
        self.sessions: dict[str, dict[str, Any]] = {}
        self.errors: list[str] = []
        self.requests = 0

    def pair(self, n: int) -> tuple[AsyncRecallrAI, AsyncRecallrAI]:
        return self.clients[n % 2], self.clients[(n + 1) % 2]

    async def user(self, n: int) -> None:
        uid = f"{self.config['prefix']}-user-{n:05d}"
        first, second = self.pair(n)
        users = [await first.create_user(uid, metadata={"n": n}), None]
        users[1] = await second.get_user(uid)  # written by one server, read by the other
        self.requests += 2
        for s in range(self.config["sessions"]):
            creator, other = users[s % 2], users[(s + 1) % 2]
            session = await creator.create_session(metadata={"s": s})
            twin = await other.get_session(session.session_id)
            self.requests += 2
            acked: list[list[str]] = []
            self.sessions[session.session_id] = {"user": uid, "messages": acked}
            for k, (role, text) in enumerate(session_messages(n, s, self.config["messages"])):
                await (session, twin)[k % 2].add_message(MessageRole(role), text)
                acked.append([role, text])
                self.requests += 1
            await twin.process()
            self.requests += 1

    async def guarded(self, n: int, gate: asyncio.Semaphore) -> None:
        async with gate:
            try:
                await self.user(n)
            except Exception as error:
                self.errors.append(f"user {n}: {type(error).__name__}: {error}\n{traceback.format_exc()}")


async def main(config_path: str, result_path: str) -> int:
    with open(config_path) as f:
        config = json.load(f)
    clients = [AsyncRecallrAI(api_key=config["api_key"], project_id=config["project_id"], base_url=url, timeout=60)
               for url in config["base_urls"]]
    for client in clients:
        await client.__aenter__()
    driver = Driver(config, clients)
    gate = asyncio.Semaphore(config["concurrency"])
    start = time.perf_counter()
    try:
        await asyncio.gather(*(driver.guarded(n, gate) for n in range(config["users"])))
    finally:
        for client in clients:
            await client.close()
    seconds = time.perf_counter() - start
    with open(result_path, "w") as f:
        json.dump({"sessions": driver.sessions, "errors": driver.errors, "requests": driver.requests,
                   "seconds": seconds}, f)
    print(f"{driver.requests} requests in {seconds:.1f} s ({driver.requests / seconds:.0f}/s), "
          f"{len(driver.errors)} errors")
    return 1 if driver.errors else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1], sys.argv[2])))
