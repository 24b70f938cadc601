"""Tolerant JSON: what local models wrap around, or get slightly wrong in, the JSON they were asked for.

Handled: ``<think>`` blocks, code fences, text before or after the value, trailing commas, single-quoted
strings, Python's True/False/None. A value cut off at the token limit is reported as truncated.
``degenerate`` spots what grammar-constrained small models produce when they loop: long runs of whitespace
and text that repeats itself to the end.

Example::

    >>> parse_json("Sure! ```json\\n{'memories': [{'content': 'User likes tea.',}],}\\n``` Hope this helps")
    {'memories': [{'content': 'User likes tea.'}]}
"""

from __future__ import annotations

import ast
import json
import re
from typing import Any

_THINK_OPEN = re.compile(r"<think>", re.I)
_THINK_CLOSE = re.compile(r"</think>", re.I)
_FENCE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)```", re.S)
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_BARE = {"true": "True", "false": "False", "null": "None"}
MAX_ATTEMPTS = 100  # bracketed chunks tried as the value: "[a](" x 25,000 made 25,000 literal_eval calls (2 s)


MAX_WHITESPACE_RUN = 64  # pretty-printed JSON indents far less; llama.cpp's JSON grammar can emit whitespace forever
LOOP_PERIODS = 300  # longest repeated unit looked for (characters): a memory item repeated over and over
LOOP_MIN_CHARS, LOOP_MIN_REPEATS = 120, 5
_CLOSERS = " \t\r\n]}\","


def degenerate(text: str) -> str | None:
    """What makes ``text`` a degenerate answer (a whitespace run, a repetition loop at its end), or None.

    O(len(text)) for the whitespace scan plus at most ``LOOP_PERIODS`` comparisons of a bounded tail.
    """
    run = longest = 0
    for ch in text:
        run = run + 1 if ch.isspace() else 0
        longest = max(longest, run)
    if longest >= MAX_WHITESPACE_RUN:
        return f"a run of {longest} whitespace characters"
    tail = text.rstrip(_CLOSERS)  # an array of repeated items may still have been closed
    for period in range(1, min(LOOP_PERIODS, len(tail) // LOOP_MIN_REPEATS) + 1):
        span = max(LOOP_MIN_CHARS, period * (LOOP_MIN_REPEATS - 1))
        if span + period > len(tail):
            break
        if tail[-span:] == tail[-span - period:-period]:
            return f"the same {period} characters repeated to the end"
    return None


class JSONParseError(ValueError):
    """No JSON value could be read; ``truncated`` when one starts but never ends."""

    def __init__(self, message: str, *, truncated: bool = False) -> None:
        super().__init__(message)
        self.truncated = truncated


def parse_json(text: str) -> Any:
    """The first JSON object or array in ``text``, repaired where that is unambiguous."""
    cleaned = _without_think(text).strip()
    if cleaned.lower().startswith("<think>"):  # an unclosed reasoning block: nothing after it
        raise JSONParseError("the answer is only a <think> block", truncated=True)
    try:
        return json.loads(cleaned)
    except (ValueError, RecursionError):  # RecursionError: brackets nested thousands deep
        pass
    for candidate in [*(m.group(1) for m in _FENCE.finditer(cleaned)), cleaned]:
        found = _first_value(candidate)
        if found is not None:
            return found
    start = _start(cleaned)
    if start is None:
        raise JSONParseError("the answer contains no JSON object")
    raise JSONParseError("the JSON in the answer is cut off or malformed", truncated=_balanced(cleaned, start) is None)


def _without_think(text: str) -> str:
    """``text`` without its closed ``<think>...</think>`` blocks; O(len(text)).

    (``re.sub(r"<think>.*?</think>")`` rescanned to the end from every unclosed ``<think>``: quadratic.)
    """
    kept: list[str] = []
    pos = 0
    while (opening := _THINK_OPEN.search(text, pos)) is not None:
        closing = _THINK_CLOSE.search(text, opening.end())
        if closing is None:
            break
        kept.append(text[pos:opening.start()])
        pos = closing.end()
    kept.append(text[pos:])
    return "".join(kept)


def _start(text: str, offset: int = 0) -> int | None:
    positions = [i for i in (text.find("{", offset), text.find("[", offset)) if i >= 0]
    return min(positions) if positions else None


def _first_value(text: str) -> Any:
    """The first bracketed value that loads; a bracket that never closes ends the search (its inside is not
    salvaged: a fragment of a cut-off answer would pass for a complete one)."""
    start = _start(text)
    for _ in range(MAX_ATTEMPTS):
        if start is None:
            return None
        end = _balanced(text, start)
        if end is None:
            return None
        value = _load(text[start:end])
        if value is not None:
            return value
        start = _start(text, end)  # skip the whole bracketed chunk ("[note]"), not into it
    return None


def _balanced(text: str, start: int) -> int | None:
    """The end (exclusive) of the bracketed value starting at ``start``, honouring both quote styles."""
    depth, quote, escaped = 0, "", False
    for i in range(start, len(text)):
        ch = text[i]
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = "" if _apostrophe(text, i) else ch
        elif ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
            if depth == 0:
                return i + 1
    return None


def _apostrophe(text: str, i: int) -> bool:
    """A single quote between two letters is an apostrophe ("User's"), not a string delimiter."""
    return text[i] == "'" and 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum()


def _load(candidate: str) -> Any:
    try:
        return json.loads(candidate)
    except (ValueError, RecursionError):
        pass
    repaired = _TRAILING_COMMA.sub(r"\1", candidate)
    try:
        return json.loads(repaired)
    except (ValueError, RecursionError):
        pass
    try:
        value = ast.literal_eval(_pythonic(repaired))
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return value if isinstance(value, dict | list) else None


def _pythonic(text: str) -> str:
    """true/false/null outside strings -> True/False/None, so ``ast.literal_eval`` reads single-quoted JSON."""
    out: list[str] = []
    quote, escaped, i = "", False, 0
    while i < len(text):
        ch = text[i]
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == quote:
                quote = ""
            out.append(ch)
            i += 1
            continue
        if ch in "\"'" and not _apostrophe(text, i):
            quote = ch
        match = re.match(r"[A-Za-z_]+", text[i:]) if ch.isalpha() else None
        if match:
            out.append(_BARE.get(match.group(0), match.group(0)))
            i += len(match.group(0))
            continue
        out.append(ch)
        i += 1
    return "".join(out)
