"""The package's import graph, read from the source with ``ast``: no cycle, and the engine never imports ``llm``.

Two graphs. ``IMPORT_TIME`` has the imports that run when a module is loaded (module level, also inside a
top-level ``try``/``if``); it must have no cycle. ``EVERY`` adds the imports inside functions: a lazy import
still ties two modules together, so the engine's independence from ``llm`` is checked on it. Imports under
``if TYPE_CHECKING:`` count in neither. Importing ``a.b.c`` also runs ``a.b``'s ``__init__``, so a module
depends on the packages above what it imports too (all but the root ``recallr``, which Python has loaded first
anyway, and the module's own packages, initialised before it).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import recallr

ROOT = Path(recallr.__file__).parent
PACKAGE = "recallr"


def _module_name(path: Path) -> str:
    parts = (PACKAGE, *path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in ROOT.rglob("*.py")}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(body: list[ast.stmt], *, lazy: bool) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If) and _is_type_checking(node):
            yield from _imports(node.orelse, lazy=lazy)
        elif isinstance(node, ast.If | ast.Try | ast.With):
            nested = [*node.body, *getattr(node, "orelse", []), *getattr(node, "finalbody", []),
                      *(stmt for handler in getattr(node, "handlers", []) for stmt in handler.body)]
            yield from _imports(nested, lazy=lazy)
        elif lazy:
            yield from _imports([n for n in ast.walk(node) if isinstance(n, ast.Import | ast.ImportFrom)],
                                lazy=False)


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _with_parents(name: str) -> Iterator[str]:
    parts = name.split(".")
    for end in range(2, len(parts) + 1):
        candidate = ".".join(parts[:end])
        if candidate in MODULES:
            yield candidate


def _targets(module: str, path: Path, *, lazy: bool) -> set[str]:
    found: set[str] = set()
    for node in _imports(ast.parse(path.read_text(), str(path)).body, lazy=lazy):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            base = _resolve(module, path.name == "__init__.py", node)
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        for name in names:
            if name.split(".")[0] == PACKAGE:
                found.update(_with_parents(name))
    # A module's own packages are initialised before it runs: an edge up to them is no cycle.
    return found - {module, *_with_parents(module)}


IMPORT_TIME = {module: _targets(module, path, lazy=False) for module, path in MODULES.items()}
EVERY = {module: _targets(module, path, lazy=True) for module, path in MODULES.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (as the list of modules around it), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                return [*path[path.index(target):], target]
            if target not in state and (found := visit(target)):
                return found
        path.pop()
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state and (found := visit(module)):
            return found
    return None


def _reaches(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for target in graph[todo.pop()] - seen:
            seen.add(target)
            todo.append(target)
    return seen


def _inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_the_graph_is_read() -> None:
    assert "recallr.store" in IMPORT_TIME["recallr.engine.core"]
    assert "recallr.llm" in IMPORT_TIME["recallr.bootstrap"]
    assert "recallr.bootstrap" in EVERY["recallr.client.embedded"]  # lazy: in EVERY only
    assert "recallr.bootstrap" not in IMPORT_TIME["recallr.client.embedded"]


def test_the_import_graph_has_no_cycle() -> None:
    assert _cycle(IMPORT_TIME) is None


@pytest.mark.parametrize("package", [
    pytest.param("recallr.engine", id="engine"),
    pytest.param("recallr.language", id="language"),
    pytest.param("recallr.store", id="store"),
])
def test_the_engine_and_what_it_builds_on_never_import_llm(package: str) -> None:
    leaks = {f"{m} -> {t}" for m in EVERY if _inside(m, package) for t in EVERY[m] if _inside(t, "recallr.llm")}
    assert not leaks
    reached = {r for m in MODULES if _inside(m, package) for r in _reaches(EVERY, m)}
    assert not {m for m in reached if _inside(m, "recallr.llm")}


def test_language_is_pure_text() -> None:
    """language/ sees neither the database, the engine nor anything that does I/O."""
    for module in (m for m in EVERY if _inside(m, "recallr.language")):
        assert all(_inside(t, "recallr.language") for t in EVERY[module]), module
        tree = ast.parse(MODULES[module].read_text())
        imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        imported |= {n.module.split(".")[0] for n in ast.walk(tree)
                     if isinstance(n, ast.ImportFrom) and n.module and n.level == 0}
        assert not imported & {"numpy", "sqlite3", "psycopg", "httpx", "os", "socket", "subprocess"}, module


def test_llm_uses_only_public_names_of_engine_and_language() -> None:
    for module in (m for m in EVERY if _inside(m, "recallr.llm")):
        tree = ast.parse(MODULES[module].read_text())
        for node in (n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)):
            target = _resolve(module, MODULES[module].name == "__init__.py", node)
            if _inside(target, "recallr.engine") or _inside(target, "recallr.language"):
                private = [p for p in target.split(".") if p.startswith("_")]
                private += [a.name for a in node.names if a.name.startswith("_")]
                assert not private, f"{module} imports {target}: {private}"
