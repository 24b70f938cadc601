"""The realistic formation suite in LLM mode, against the fake server answering with the offline extractor's
memories (tests/llm/mirror.py): what the model answers reaches the user's memories with the same statements,
dates and versions as offline. This checks LLM mode's plumbing, not a model's judgement; every case of every
suite module runs (a case's stated gap is a gap here too). Categories are not compared: in LLM mode they are the
model's choice (made from the categories' descriptions in the prompt), and this mirror "model" only has the
offline lexicon's, not the engine's matching by meaning."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from recallr import RecallrAI

from ...conftest import shared_embedder
from ...llm.fake_openai import FakeLLM
from ...llm.mirror import MirrorModel
from .harness import Case, check, params, run_case

HERE = Path(__file__).parent


def suite_cases() -> list[Case]:
    cases: list[Case] = []
    for path in sorted(HERE.glob("test_*.py")):
        if path.stem == Path(__file__).stem:
            continue
        module = importlib.import_module(f"{__package__}.{path.stem}")
        cases.extend(getattr(module, "CASES", []))
    return cases


@pytest.fixture(scope="module")
def mirror() -> Iterator[FakeLLM]:
    with FakeLLM(responder=MirrorModel()) as fake:
        yield fake


@pytest.fixture
def llm_client(tmp_path: Path, mirror: FakeLLM) -> Iterator[RecallrAI]:
    with RecallrAI.embedded(tmp_path / "d", llm_base_url=mirror.url, llm_model="mirror", llm_api_key="sk-test",
                            llm_timeout_seconds=10, llm_prompt_style="full", worker_poll_seconds=0.02,
                            min_auto_process_seconds=0) as client:
        client._embedded.engine._embedder = shared_embedder()
        yield client


@pytest.mark.parametrize("c", params(suite_cases(), strict=False))
def test_case_in_llm_mode(llm_client: Any, c: Case) -> None:
    check(run_case(llm_client, c), c, categories=False)
