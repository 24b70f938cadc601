"""Adversarial texts and the text paths they are fed to; run in a child process so a hang fails instead of stalling.

``python -m tests.engine._adversarial PATH`` feeds every text in :data:`TEXTS` to one path and prints
``{"kind": seconds}`` as JSON; ``python -m tests.engine._adversarial e2e KIND DIR`` sends one text through the
embedded SDK (add the message, process the session, get_context with it as the query) and prints the step
times. :func:`run` starts either with a timeout: a regex that backtracks holds the GIL, so only another
process can notice it.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SIZE = 100_000  # the largest message the server accepts (RECALLR_MAX_MESSAGE_CHARS)
_UNITS = {
    "spaces": " ", "tabs": "\t", "newlines": "\n", "mixed-whitespace": " \t\n \r\n", "dots": ".",
    "bang-question": "!?", "commas": ", ", "dashes": "-", "quotes": "'", "stars": "*", "backticks": "`",
    "hashes": "#", "underscores": "_", "greater-than": ">", "colons": ": ", "question-marks": "? ",
    "impossible-dates": "99/99/99 ", "dates": "1/2/23 ", "dotted-dates": "12.12.2012 ", "month-dates": "May 5 '21 ",
    "digits": "1", "years": "in 2019 ", "ago": "2 days ago ", "open-parens": "(", "open-brackets": "[",
    "open-braces": "{", "mixed-brackets": "([{<", "link-starts": "[a](", "so": "so ", "hey": "hey, ", "and": "and ",
    "i": "I ", "my": "my ", "names": "Aa ", "initials": "A. ", "short-sentences": "ab. ", "last": "last ",
    "since": "since ", "i-am-a": "I am a ", "emoticons": ":) ", "emoji": "\U0001f600", "fences": "```",
    "think": "<think>", "json-like": '{"a": [', "apostrophes": "a'",
    "day-runs": "from 4 to ", "dashed-days": "4-", "month-runs": "March 4 - ", "the-days": "from the ",
}


def text(kind: str) -> str:
    """A ``SIZE``-character text of one kind."""
    if kind == "nested-brackets":
        return "(" * (SIZE // 2) + ")" * (SIZE // 2)
    if kind == "nested-json":
        return "[" * (SIZE // 2) + "]" * (SIZE // 2)
    if kind == "spaces-between-words":
        return "What" + " " * (SIZE - 9) + "now?"
    if kind == "mixed":
        return "".join(unit * (SIZE // len(_UNITS) // len(unit)) for unit in _UNITS.values()).ljust(SIZE, " ")
    unit = _UNITS[kind]
    return (unit * (SIZE // len(unit) + 1))[:SIZE]


KINDS = (*_UNITS, "nested-brackets", "nested-json", "spaces-between-words", "mixed")
NOW = datetime(2023, 5, 8, 13, 56, tzinfo=UTC)


def _query(t: str) -> None:
    from recallr.engine.recall.query import build_query, informative
    from recallr.store.records import MessageRecord

    build_query([MessageRecord(0, "s", 0, "user", t, NOW), MessageRecord(1, "s", 1, "user", t, NOW)], NOW)
    informative(t)


def _dates(t: str) -> None:
    from recallr.language.dates import asks_for_date, event_span, with_absolute_date

    with_absolute_date(t, event_span(t, NOW))
    asks_for_date(t)


def _extract(t: str) -> None:
    from recallr.language.categories import DEFAULT_CATEGORIES
    from recallr.language.extraction import ExtractionRules, Turn, extract

    rules = ExtractionRules(never_remember=("salary", "(a+)+$"), always_remember=("allerg", "(x|x)*y"))
    turns = [Turn(0, "user", t), Turn(1, "assistant", t), Turn(2, "user", "Caroline: " + t)]
    extract(turns, DEFAULT_CATEGORIES, instructions=rules)


def _categories(t: str) -> None:
    from recallr.language.categories import DEFAULT_CATEGORIES, categorize

    categorize(t, DEFAULT_CATEGORIES)


def _parsing(t: str) -> None:
    from recallr.llm.parsing import JSONParseError, parse_json

    with contextlib.suppress(JSONParseError):
        parse_json(t)


def _context(t: str) -> None:
    from recallr.engine.formation.consolidation import normalise
    from recallr.engine.recall.context import Line, without_repeats

    without_repeats("Session on 8 May 2023: " + t, [t[:80], t[-80:], "a b"])
    from recallr.engine.recall import context

    context.render(now=NOW, tz=UTC, tz_name="UTC", memories=[Line(t, 0, 0)], past=[], summaries=[], messages=[],
                   recent=[])
    normalise(t)


PATHS: dict[str, Callable[[str], None]] = {
    "query": _query, "dates": _dates, "extraction": _extract, "categories": _categories, "llm-parsing": _parsing,
    "context": _context,
}


def _time_path(name: str) -> dict[str, float]:
    path = PATHS[name]
    path("Warm-up (imports, compiled patterns, dateparser): I moved to Paris on 1/2/2023.")
    times = {}
    for kind in KINDS:
        start = time.perf_counter()
        path(text(kind))
        times[kind] = round(time.perf_counter() - start, 3)
    return times


def _end_to_end(kind: str, directory: str) -> dict[str, float]:
    from recallr import RecallrAI

    message = text(kind)
    times = {}
    with RecallrAI.embedded(Path(directory), worker_poll_seconds=0.05, min_auto_process_seconds=0) as client:
        user = client.create_user("adversary")
        session = user.create_session(auto_process_after_seconds=None)
        start = time.perf_counter()
        session.add_message("user", message)
        session.add_message("assistant", message)
        times["add_message"] = time.perf_counter() - start
        start = time.perf_counter()
        session.process(wait=True, timeout=300)
        times["process"] = time.perf_counter() - start
        status = user.get_session(session.session_id).status.value
        assert status == "processed", status
        asking = user.create_session(auto_process_after_seconds=None)
        asking.add_message("user", message)
        start = time.perf_counter()
        asking.get_context()
        times["get_context"] = time.perf_counter() - start
    return {step: round(seconds, 3) for step, seconds in times.items()}


def _rule(rule: str) -> dict[str, float]:
    """One never_remember and always_remember rule over messages of "a"s (the worst case of backtracking)."""
    from recallr.language.categories import DEFAULT_CATEGORIES
    from recallr.language.extraction import ExtractionRules, Turn, extract

    rules = ExtractionRules(never_remember=(rule,), always_remember=(rule,))
    turns = [Turn(i, "user", "a" * n + "!") for i, n in enumerate((30, 176, 1000, SIZE - 1))]
    start = time.perf_counter()
    extract(turns, DEFAULT_CATEGORIES, instructions=rules)
    return {"extract": round(time.perf_counter() - start, 3)}


def run(*args: str, timeout: float) -> dict[str, Any]:
    """This module run in a child process; its JSON answer, or AssertionError when it overruns ``timeout``."""
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root / "src"), os.environ.get("PYTHONPATH", "")])}
    try:
        done = subprocess.run([sys.executable, "-m", "tests.engine._adversarial", *args], cwd=root, env=env,
                              capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"{' '.join(args)} did not finish within {timeout} s") from None
    assert done.returncode == 0, done.stderr[-3000:]
    answer: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


if __name__ == "__main__":
    if sys.argv[1] == "rule":
        print(json.dumps(_rule(sys.argv[2])))
    elif sys.argv[1] == "e2e":
        print(json.dumps(_end_to_end(sys.argv[2], sys.argv[3])))
    else:
        print(json.dumps(_time_path(sys.argv[1])))
