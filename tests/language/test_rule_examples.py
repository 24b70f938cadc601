"""Every registered rule table keeps its word: each rule fires on its examples and not on its counter-examples.

Tables register themselves when their module is imported (``pattern.register``); importing the
packages below imports them all, and any table registered later is picked up from
``pattern.registered()`` without changing this file.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import recallr.language
from recallr.language import pattern


def _import_language_modules() -> None:
    """Import every module of ``recallr.language`` so each rule table registers itself."""
    for info in pkgutil.walk_packages(recallr.language.__path__, prefix="recallr.language."):
        importlib.import_module(info.name)


_import_language_modules()
TABLES = pattern.registered()
RULES = [(table, rule) for table, rules in sorted(TABLES.items()) for rule in rules()]


def test_the_date_table_is_registered() -> None:
    assert "dates" in TABLES
    assert sum(1 for table, _ in RULES if table == "dates") >= 10


def test_rule_names_are_unique_within_a_table() -> None:
    for table in TABLES:
        names = [rule.name for t, rule in RULES if t == table]
        assert len(names) == len(set(names)), f"{table}: {names}"


@pytest.mark.parametrize(("table", "rule"), [pytest.param(t, r, id=f"{t}:{r.name}") for t, r in RULES])
def test_rule_examples(table: str, rule: pattern.Rule) -> None:
    assert rule.examples, f"{table}:{rule.name} has no examples"
    assert rule.problems() == []


@pytest.mark.parametrize(("table", "rule"), [pytest.param(t, r, id=f"{t}:{r.name}") for t, r in RULES])
def test_rule_patterns_are_verbose(table: str, rule: pattern.Rule) -> None:
    """Written over lines with comments (``pattern.verbose``), not one long string."""
    import re

    assert rule.pattern.flags & re.VERBOSE, f"{table}:{rule.name} is not a verbose pattern"
