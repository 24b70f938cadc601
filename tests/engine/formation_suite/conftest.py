"""One embedded client per module for cases without custom categories; one per case with them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from recallr import RecallrAI

from ...conftest import shared_embedder


@pytest.fixture(scope="module")
def suite_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RecallrAI]:
    with RecallrAI.embedded(tmp_path_factory.mktemp("suite") / "d", worker_poll_seconds=0.02) as c:
        c._embedded.engine._embedder = shared_embedder()
        yield c


@pytest.fixture
def own_client(tmp_path: Path) -> Iterator[RecallrAI]:
    with RecallrAI.embedded(tmp_path / "d", worker_poll_seconds=0.02) as c:
        c._embedded.engine._embedder = shared_embedder()
        yield c
