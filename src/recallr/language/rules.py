"""A project's "never remember" / "always remember" rules: patterns run by RE2, in time linear in the text.

Rules are user-supplied and run on every sentence of every message, so they must not be able to stall the
server: Python's backtracking ``re`` took 24 s for ``(a+)+$`` on a 176-character message, doubling with each
character. Rules are compiled with RE2 (the ``google-re2`` binding), whose automaton matches in
O(len(pattern) x len(text)) whatever the pattern. Its syntax is Python's without the features that need
backtracking: no lookahead/lookbehind (``(?=``, ``(?!``, ``(?<=``), no backreferences (``\\1``), no possessive
quantifiers; repetition counts are at most 1000. Matching is case-insensitive; ``\\b``, ``\\w`` and ``\\d`` are
ASCII. ``\\Q...\\E`` quotes text literally (``\\Qc++\\E``).

:func:`rule_problem` is the check made when rules are set (a rule that RE2 cannot compile, or that matches the
empty string and so every sentence, is rejected); :func:`compile_rules` never fails: an entry stored before
that check that RE2 cannot compile is matched as a literal keyword.

Example::

    >>> rules = compile_rules(("salary", r"bank\\s+account"))
    >>> matches_any(rules, "My Bank  Account is at Chase."), matches_any(rules, "I love hiking.")
    (True, False)
    >>> rule_problem("(a+)+$") is None, rule_problem("(?=x)") is not None, rule_problem("a*") is not None
    (True, True, True)
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import re2

__all__ = ["compile_rules", "matches_any", "rule_problem"]

_MAX_PROGRAM_BYTES = 1 << 20  # RE2's memory budget per rule: bounds the compiled automaton of a 200-character rule


def _options() -> Any:
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False  # a rejected rule is reported to the caller, not logged by the C++ library
    options.max_mem = _MAX_PROGRAM_BYTES
    return options


_OPTIONS = _options()


def _compile(pattern: str) -> Any:
    return re2.compile(pattern, options=_OPTIONS)


def _literal(text: str) -> str:
    """``text`` as an RE2 pattern matching it literally (metacharacters escaped)."""
    return "".join("\\" + ch if ch.isascii() and not (ch.isalnum() or ch in " _") else ch for ch in text)


def rule_problem(entry: str) -> str | None:
    """Why ``entry`` cannot be a rule (a short reason), or None when it is a valid one."""
    try:
        pattern = _compile(entry)
    except re2.error as exc:
        reason = exc.args[0].decode(errors="replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        return f"is not a supported pattern ({reason}); rules use RE2 syntax: no lookaround or backreferences, " \
               r"and \Q...\E matches text literally"
    if pattern.search("") is not None:
        return "matches the empty string, so it would match every sentence"
    return None


@functools.lru_cache(maxsize=256)
def compile_rules(entries: Sequence[str]) -> tuple[Any, ...]:
    """The compiled rules (hashable ``entries``, e.g. a tuple); blank entries are skipped, invalid ones literal."""
    patterns = []
    for entry in entries:
        if not entry.strip():
            continue
        try:
            patterns.append(_compile(entry))
        except re2.error:  # stored before rules were checked: a keyword
            patterns.append(_compile(_literal(entry)))
    return tuple(patterns)


def matches_any(patterns: tuple[Any, ...], text: str) -> bool:
    """Whether one of the rules matches somewhere in ``text``: O(len(text)) per rule."""
    return any(p.search(text) is not None for p in patterns)
