"""Project rules (never/always remember) run on RE2: linear time, invalid or empty-matching rules named."""

from __future__ import annotations

import pytest

from recallr.language.categories import DEFAULT_CATEGORIES
from recallr.language.extraction import ExtractionRules, Turn, extract
from recallr.language.rules import compile_rules, matches_any, rule_problem
from tests.engine import _adversarial


@pytest.mark.parametrize("entry", [
    pytest.param("salary", id="word"), pytest.param(r"\bbank\s+account\b", id="regex"),
    pytest.param("(a+)+$", id="nested-quantifier"), pytest.param(r"\Qc++\E", id="quoted-literal"),
    pytest.param("(x|x)*y", id="overlapping-alternation"),
])
def test_valid_rules(entry: str) -> None:
    assert rule_problem(entry) is None


@pytest.mark.parametrize(("entry", "reason"), [
    pytest.param("(?=secret)", "not a supported pattern", id="lookahead"),
    pytest.param(r"(a)\1", "not a supported pattern", id="backreference"),
    pytest.param("(", "not a supported pattern", id="unbalanced"),
    pytest.param("c++", "not a supported pattern", id="possessive"),
    pytest.param("a{1001}", "not a supported pattern", id="huge-repeat"),
    pytest.param("a*", "empty string", id="matches-everything"),
    pytest.param("(x?)*", "empty string", id="matches-everything-nested"),
])
def test_rejected_rules(entry: str, reason: str) -> None:
    problem = rule_problem(entry)
    assert problem is not None and reason in problem


def test_rules_match_case_insensitively_and_stored_invalid_ones_are_keywords() -> None:
    rules = compile_rules(("SALARY", "c++", "(?=x)"))
    assert matches_any(rules, "My salary is 90k.") and matches_any(rules, "I code in C++.")
    assert matches_any(rules, "a literal (?=x) here") and not matches_any(rules, "I like tea.")


@pytest.mark.parametrize("rule", [pytest.param("(a+)+$", id="nested"), pytest.param("(a|aa)*b", id="alternation"),
                                  pytest.param("(.*a){20}", id="repeated-dot-star")])
def test_catastrophic_rules_are_linear_on_every_sentence(rule: str) -> None:
    """Python's re took 24 s for (a+)+$ on 176 characters, doubling per character; RE2 is linear."""
    times = _adversarial.run("rule", rule, timeout=60)
    assert times["extract"] < 5.0, times


def test_never_and_always_rules_still_filter() -> None:
    rules = ExtractionRules(never_remember=(r"sala(ry|ries)",), always_remember=("red door",))
    turns = [Turn(0, "user", "My salary is 90k. I love hiking. Thanks for the tip about the red door!")]
    contents = [c.source_text for c in extract(turns, DEFAULT_CATEGORIES, instructions=rules)]
    assert contents == ["I love hiking.", "Thanks for the tip about the red door!"]
