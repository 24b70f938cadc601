"""Property-based test of the whole REST API: schemathesis generates requests from our own OpenAPI schema.

Every operation is called with bounded examples on a live server with a seeded project, with real keys.
Path parameters are either generated or the ids of rows that exist, so requests reach real users, sessions,
memories and categories as well as the 404 paths. Every response must be a non-5xx, with a documented status
code, content type and body shape.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS

from recallr.bootstrap import Engine
from recallr.exceptions import UserNotFoundError
from recallr.types import MessageRole

from ..conftest import LiveServer, wait_for

#: Examples per operation and backend; ~40 operations, so the two backends make ~2 x 40 x N requests.
MAX_EXAMPLES = int(os.environ.get("RECALLR_PROPERTY_EXAMPLES", "25"))
CHECK_NAMES = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
               "response_schema_conformance", "response_headers_conformance")
SEEDED_USER = "alice"
#: Valid requests, and requests that break the schema (each must be a documented 4xx, never a 5xx).
MODES = [GenerationMode(mode) for mode in os.environ.get("RECALLR_PROPERTY_MODES", "positive,negative").split(",")]


@dataclass
class World:
    """The seeded rows, recreated when a generated request deleted or renamed them."""

    server: LiveServer
    ids: dict[str, list[str]] = field(default_factory=dict)

    @property
    def engine(self) -> Engine:
        return self.server.engine

    def ensure(self) -> dict[str, list[str]]:
        project = self.server.project.id
        try:
            self.engine.users.get(project, SEEDED_USER)
        except UserNotFoundError:
            self._seed(project)
        return self.ids

    def _seed(self, project: str) -> None:
        engine = self.engine
        engine.users.create(project, SEEDED_USER, metadata={"plan": "pro"})
        done = engine.sessions.create(project, SEEDED_USER, metadata={"topic": "food"})
        for role, text in ((MessageRole.USER, "I'm allergic to peanuts and I live in Lisbon."),
                           (MessageRole.ASSISTANT, "Noted, no peanuts."),
                           (MessageRole.USER, "My sister Ana is a nurse.")):
            engine.sessions.add_message(project, SEEDED_USER, done.id, role=role, content=text)
        engine.sessions.process(project, SEEDED_USER, done.id)
        open_ = engine.sessions.create(project, SEEDED_USER)
        engine.sessions.add_message(project, SEEDED_USER, open_.id, role=MessageRole.USER, content="I like green tea.")
        wait_for(lambda: engine.sessions.get(project, SEEDED_USER, done.id).status in ("processed", "failed"))
        memories, _ = engine.memories.page(project, SEEDED_USER, offset=0, limit=5)
        self.ids = {
            "user_id": [SEEDED_USER],
            "session_id": [done.id, open_.id],
            "memory_id": [view.memory.id for view in memories] or ["none"],
            "name": [c.name for c in engine.categories.all(project)][:3] or ["none"],
        }


@dataclass
class Tally:
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)


def _run_operation(operation: Any, world: World, tally: Tally) -> None:
    checks = [CHECKS.get_one(name) for name in CHECK_NAMES]
    headers = {"X-Recallr-Api-Key": world.server.api_key, "X-Recallr-Project-Id": world.server.project.id}

    # An operation that takes nothing (health) has no invalid request to make.
    takes_input = bool(list(operation.iter_parameters())) or bool(operation.body)
    modes = [mode for mode in MODES if takes_input or mode is GenerationMode.POSITIVE]
    if not modes:
        return

    @given(case=st.one_of(*(operation.as_strategy(generation_mode=mode) for mode in modes)), data=st.data())
    @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate, Phase.shrink], suppress_health_check=list(HealthCheck))
    def check(case: Any, data: st.DataObject) -> None:
        known = world.ensure()
        for name in case.path_parameters or {}:
            if name in known and data.draw(st.booleans(), label=f"use a seeded {name}"):
                case.path_parameters[name] = data.draw(st.sampled_from(known[name]), label=name)
        response = case.call(base_url=f"{world.server.base_url}", headers=headers, timeout=30)
        tally.statuses[response.status_code] += 1
        case.validate_response(response, checks=checks, headers=headers)

    try:
        check()
    except (Exception, BaseExceptionGroup) as error:  # collected: one failing operation must not hide the others
        tally.failures.append(f"{operation.label}: {_describe(error)}")


def _describe(error: BaseException) -> str:
    parts = [str(error)]
    for inner in getattr(error, "exceptions", ()):
        parts.append(_describe(inner))
    return "\n".join(parts)


def test_every_operation_conforms_to_the_schema(engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    with LiveServer(engine) as server:
        schema = schemathesis.openapi.from_url(f"{server.base_url}/openapi.json")
        world = World(server)
        tally = Tally()
        operations = [result.ok() for result in schema.get_all_operations()]
        # Deletions last, so the rows they remove are there for the other operations first.
        operations.sort(key=lambda op: op.method.upper() == "DELETE")
        for operation in operations:
            _run_operation(operation, world, tally)
    with capsys.disabled():
        print(f"\nproperty run: {len(operations)} operations, {tally.requests} requests, "
              f"{tally.server_errors} 5xx, {len(tally.failures)} failing operations; "
              f"by status: {dict(sorted(tally.statuses.items()))}")
    assert not tally.failures, "\n\n".join(tally.failures)
    # The seeded rows were reached: many valid requests succeeded.
    succeeded = sum(n for status, n in tally.statuses.items() if status < 300)
    assert GenerationMode.POSITIVE not in MODES or succeeded > tally.requests // 5
