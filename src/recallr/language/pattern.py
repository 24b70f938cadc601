"""One rule shape for the slot and date tables: a named pattern, its resolver and its examples.

A rule's pattern is written over several lines (``re.VERBOSE``: whitespace and ``#`` comments
in the pattern are ignored; write a literal space as ``\\ `` or ``[ ]``), and carries examples
that must match and counter-examples that must not. ``tests/language/test_rule_examples.py``
runs every example of every registered table, so a rule cannot drift from what it claims.

Example::

    >>> import re
    >>> rule = Rule(
    ...     "age",
    ...     verbose(r'''
    ...         \\bI'?m [ ] (?P<v>\\d{1,3}) [ ] years? [ ] old   # "I'm 34 years old"
    ...     ''', re.I),
    ...     examples=("I'm 34 years old.",),
    ...     counter=("I'm old.",),
    ... )
    >>> rule.problems()
    []
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["Rule", "register", "registered", "verbose"]

_TABLES: dict[str, Callable[[], Iterator[Rule]]] = {}


def verbose(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """Compile a pattern written over lines, with comments (``re.VERBOSE``)."""
    return re.compile(pattern, flags | re.VERBOSE)


@dataclass(frozen=True)
class Rule:
    """A named pattern with the texts it must match (``examples``) and must not (``counter``).

    ``accepts`` (optional) is the rule's resolver test: given the text, whether the rule yields
    something for it (a match alone is not enough when the resolver can still decline).
    ``action`` is whatever the table does with a match (a resolver, a slot builder).
    """

    name: str
    pattern: re.Pattern[str]
    action: Any = None
    examples: tuple[str, ...] = ()
    counter: tuple[str, ...] = ()
    accepts: Callable[[str], bool] | None = None

    def fires(self, text: str) -> bool:
        if self.accepts is not None:
            return self.accepts(text)
        return self.pattern.search(text) is not None

    def problems(self) -> list[str]:
        """Examples that do not fire and counter-examples that do (empty when the rule keeps its word)."""
        out = [f"{self.name}: does not fire on {t!r}" for t in self.examples if not self.fires(t)]
        out += [f"{self.name}: fires on counter-example {t!r}" for t in self.counter if self.fires(t)]
        if not self.examples:
            out.append(f"{self.name}: has no examples")
        return out


def register(table: str, rules: Callable[[], Iterator[Rule]]) -> None:
    """Make a rule table visible to the example test (call at import of the table's module)."""
    _TABLES[table] = rules


def registered() -> dict[str, Callable[[], Iterator[Rule]]]:
    return dict(_TABLES)
