"""The package's import graph, read from the source with ``ast``: no cycle, and the engine never imports ``llm``.

Two graphs, at module granularity over the ``recallr`` package. ``IMPORT_TIME`` has the imports that run when a
module is loaded (module and class level, also inside a top-level ``try``/``if``/``with``/``for``). ``EVERY`` adds
all the others: imports inside functions (a lazy import still ties two modules together), the literal module
names given to ``importlib.import_module``/``__import__`` and the ``"module:attribute"`` strings handed to a loader
(uvicorn's factory). Neither graph may have a cycle. Imports under ``if TYPE_CHECKING:`` never run and count in
neither. Importing ``a.b.c`` also runs ``a.b``'s ``__init__``, so a module depends on the packages above what it
imports too (all but the root ``recallr``, which Python has loaded first anyway, and the module's own packages,
initialised before it).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import recallr

ROOT = Path(recallr.__file__).parent
PACKAGE = "recallr"
_LOADER_TARGET = re.compile(r"recallr(?:\.\w+)+:\w+")  # "recallr.server.asgi:build"


def _module_name(path: Path) -> str:
    parts = (PACKAGE, *path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in ROOT.rglob("*.py")}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


@dataclass
class _Imports(ast.NodeVisitor):
    """Every import of one module: ``eager`` (run when it is loaded) and ``lazy`` (run when a function is called).

    ``ImportFrom`` nodes are kept as they are (they resolve against the module); an ``import a.b`` and a dynamic or
    loader-string import are kept as the absolute module name.
    """

    eager: list[ast.ImportFrom | str] = field(default_factory=list)
    lazy: list[ast.ImportFrom | str] = field(default_factory=list)
    _functions: int = 0

    def _add(self, found: ast.ImportFrom | str) -> None:
        (self.lazy if self._functions else self.eager).append(found)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        self._functions += 1
        self.generic_visit(node)
        self._functions -= 1

    visit_AsyncFunctionDef = visit_Lambda = visit_FunctionDef

    def visit_If(self, node: ast.If) -> None:
        for child in node.orelse if _is_type_checking(node) else [node.test, *node.body, *node.orelse]:
            self.visit(child)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(alias.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        self._add(node)

    def visit_Call(self, node: ast.Call) -> None:
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name in ("import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
            self._add(str(node.args[0].value))  # relative names (a package argument) do not occur here
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and _LOADER_TARGET.fullmatch(node.value):
            self._add(node.value.partition(":")[0])


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


def _targets(module: str, found: list[ast.ImportFrom | str], *, is_package: bool) -> set[str]:
    targets: set[str] = set()
    for node in found:
        if isinstance(node, str):
            names = [node]
        else:
            base = _resolve(module, is_package, node)
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        for name in names:
            if name.split(".")[0] == PACKAGE:
                targets.update(_with_parents(name))
    # A module's own packages are initialised before it runs: an edge up to them is no cycle.
    return targets - {module, *_with_parents(module)}


def _graphs() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    import_time: dict[str, set[str]] = {}
    every: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        walker = _Imports()
        walker.visit(ast.parse(path.read_text(), str(path)))
        is_package = path.name == "__init__.py"
        import_time[module] = _targets(module, walker.eager, is_package=is_package)
        every[module] = import_time[module] | _targets(module, walker.lazy, is_package=is_package)
    return import_time, every


IMPORT_TIME, EVERY = _graphs()


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
    assert "recallr.server.asgi" in EVERY["recallr.cli"]  # uvicorn.run("recallr.server.asgi:build", ...)
    assert "recallr.client.client" not in EVERY["recallr.client._surface"]  # only under TYPE_CHECKING


def _walked(source: str) -> tuple[set[str], set[str]]:
    walker = _Imports()
    walker.visit(ast.parse(source))
    return ({n if isinstance(n, str) else str(n.module) for n in walker.eager},
            {n if isinstance(n, str) else str(n.module) for n in walker.lazy})


def test_the_walker_sees_every_kind_of_import() -> None:
    eager, lazy = _walked("""
import a.b
from c import d
if TYPE_CHECKING:
    import typed
else:
    import untyped
try:
    import tried
except ImportError:
    import fallback
class K:
    import in_class
    def method(self):
        import in_method
def outer():
    def inner():
        from deep import x
    return lambda: importlib.import_module("dynamic")
run("recallr.pkg.mod:factory")
""")
    assert eager == {"a.b", "c", "untyped", "tried", "fallback", "in_class", "recallr.pkg.mod"}
    assert lazy == {"in_method", "deep", "dynamic"}


@pytest.mark.parametrize("graph", [pytest.param(IMPORT_TIME, id="import-time"),
                                   pytest.param(EVERY, id="every-import-even-in-functions")])
def test_the_import_graph_has_no_cycle(graph: dict[str, set[str]]) -> None:
    assert _cycle(graph) is None


def test_the_cycle_finder_finds_one() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_the_server_and_the_sdk_never_reach_mcp() -> None:
    """MCP is built on the SDK, whose embedded mode runs the server's app: ``/mcp`` is plugged in from outside."""
    for module in MODULES:
        if (_inside(module, "recallr.server") and module != "recallr.server.asgi") or _inside(module, "recallr.client"):
            assert not {m for m in _reaches(EVERY, module) if _inside(m, "recallr.mcp")}, module


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


_OUTER = ("recallr.llm", "recallr.bootstrap", "recallr.server", "recallr.client", "recallr.mcp", "recallr.console",
          "recallr.cli", "recallr.cli_context", "recallr.cli_data", "recallr.cli_projects")


@pytest.mark.parametrize("package", ["recallr.engine", "recallr.language", "recallr.store", "recallr.embedding",
                                     "recallr.prompts", "recallr.wire"])
def test_the_inner_layers_never_reach_the_outer_ones(package: str) -> None:
    """The engine and what it builds on know neither the adapters, the transports nor the commands."""
    reached = {r for m in MODULES if _inside(m, package) for r in _reaches(EVERY, m)}
    assert not {m for m in reached if any(_inside(m, outer) for outer in _OUTER)}


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
        for node in (n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)):
            if isinstance(node, ast.Import):
                imported = [(alias.name, []) for alias in node.names]
            else:
                imported = [(_resolve(module, MODULES[module].name == "__init__.py", node),
                             [a.name for a in node.names])]
            for target, names in imported:
                if _inside(target, "recallr.engine") or _inside(target, "recallr.language"):
                    private = [p for p in [*target.split("."), *names] if p.startswith("_")]
                    assert not private, f"{module} imports {target}: {private}"


def test_the_readme_layout_names_every_package_and_top_level_module() -> None:
    """README's "Layout" keeps up with the tree: each package, each top-level module, each language/ module."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    layout = readme[readme.index("## Layout\n"):readme.index("\n## ", readme.index("## Layout\n") + 1)]
    names = [p.name for p in ROOT.glob("*.py") if p.stem not in ("__init__", "__main__")]
    names += [f"{p.parent.name}/" for p in ROOT.rglob("__init__.py") if p.parent != ROOT]
    names += [p.name for p in (ROOT / "language").glob("*.py") if p.stem != "__init__"]
    assert not [name for name in names if name not in layout]
