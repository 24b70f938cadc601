"""Every text path finishes 100,000 characters of adversarial input in bounded time (issue 11: ReDoS/quadratic).

Each path runs in a child process with a timeout (``_adversarial.run``): a regex that backtracks holds the
GIL, so a regression fails here instead of hanging the test run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from . import _adversarial

BOUND = 5.0  # seconds per text on a slow shared 2-core machine; the worst seen is under 2 s


@pytest.mark.parametrize("path", [pytest.param(name, id=name) for name in _adversarial.PATHS])
def test_each_text_path_is_bounded(path: str) -> None:
    times = _adversarial.run(path, timeout=240)
    slow = {kind: seconds for kind, seconds in times.items() if seconds > BOUND}
    assert not slow, f"{path}: {slow}"
    assert set(times) == set(_adversarial.KINDS)


@pytest.mark.parametrize("kind", [pytest.param(kind, id=kind) for kind in (
    "spaces-between-words", "dots", "impossible-dates", "digits", "nested-brackets", "link-starts", "so",
    "short-sentences", "mixed")])
def test_adversarial_message_end_to_end(kind: str, tmp_path: Path) -> None:
    """Added (as user and assistant), processed, then the query of get_context: each step within the bound."""
    times = _adversarial.run("e2e", kind, str(tmp_path), timeout=300)
    assert all(seconds < 3 * BOUND for seconds in times.values()), times
