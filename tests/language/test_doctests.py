"""The examples in language/ docstrings run: each module's rules carry the sentences they must handle."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import recallr.language

MODULES = sorted(
    ["recallr.language", "recallr.engine.formation.plan"]
    + [m.name for m in pkgutil.walk_packages(recallr.language.__path__, "recallr.language.")]
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
