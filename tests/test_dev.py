"""dev.py, the one command a fresh checkout runs: which half of the suite it runs, and how it reinstalls."""

from __future__ import annotations

import re
import socket
import sys
import tomllib
from pathlib import Path

import dev
import pytest

from tests.conftest import POSTGRES_URL

ROOT = Path(__file__).resolve().parent.parent


def test_a_server_with_pgvector_runs_the_whole_suite() -> None:
    assert dev.postgres_plan("ready", require=False) == ([], None)
    assert dev.postgres_plan("ready", require=True) == ([], None)


@pytest.mark.parametrize("status", [
    pytest.param("missing: vector", id="no-pgvector"),
    pytest.param("unreachable: OperationalError: connection refused", id="unreachable"),
])
def test_without_a_usable_postgres_the_sqlite_half_runs_with_a_notice(status: str) -> None:
    args, notice = dev.postgres_plan(status, require=False)
    assert args == ["-m", "not postgres"]
    assert notice is not None and "SQLite half only" in notice
    assert ("vector" in notice and "install-pgvector" in notice) if "missing" in status else "not reachable" in notice


@pytest.mark.parametrize("status", ["missing: vector btree_gin", "unreachable: timeout"])
def test_ci_fails_instead_of_skipping_postgres(status: str) -> None:
    with pytest.raises(SystemExit, match="RECALLR_REQUIRE_POSTGRES=1") as exited:
        dev.postgres_plan(status, require=True)
    assert exited.value.code not in (0, None)


def test_the_probe_answers_unreachable_for_a_closed_port() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, never listening: connections are refused
        status = dev.probe_postgres(f"postgresql://postgres@127.0.0.1:{port}/test", python=sys.executable)
    assert status.startswith("unreachable:")


@pytest.mark.postgres
def test_the_probe_finds_pgvector_on_the_test_server() -> None:
    assert dev.probe_postgres(POSTGRES_URL, python=sys.executable) == "ready"


def test_pgvector_is_built_only_for_a_local_server() -> None:
    assert not dev.can_install_pgvector("postgresql://user@db.example.com:5432/recallr")


def test_the_install_stamp_names_the_distribution() -> None:
    """An existing .venv (stamped by the old `recallr` distribution) is reinstalled under the new name."""
    name = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["name"]
    assert name == dev.DISTRIBUTION and name not in dev.FORMER_DISTRIBUTIONS
    assert dev.stamp_path("dev,postgres,llm").name == f".installed-{name}-dev,postgres,llm"


def test_ci_is_dev_py_test_with_postgres_required() -> None:
    script = (ROOT / ".ci" / "run").read_text()
    commands = [line for line in script.splitlines() if line.strip() and not line.startswith("#")]
    assert commands[-1].strip() == ('RECALLR_REQUIRE_POSTGRES=1 RECALLR_REQUIRE_LLM_SERVER=1 exec python3 dev.py test '
                                    '"$@"')
    assert "install-pgvector" not in "\n".join(commands)  # dev.py decides, nothing is installed by hand


def test_no_install_line_names_the_pypi_recallr_project() -> None:
    """`recallr` on PyPI is someone else's; every documented install names ours or a path."""
    docs = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    wrong = [f"{path.name}: {line.strip()}" for path in docs for line in path.read_text().splitlines()
             if re.search(r"pip install\s+(-\S+\s+)*['\"]?recallr(\[|['\"\s]|$)", line)]
    assert not wrong, wrong


@pytest.mark.parametrize(("present", "can_install", "expected"), [
    pytest.param(True, True, (False, None), id="present"),
    pytest.param(False, True, (True, None), id="installable"),
])
def test_chromium_is_installed_from_debian_when_missing(present: bool, can_install: bool,
                                                        expected: tuple[bool, None]) -> None:
    assert dev.browser_plan(present=present, can_install=can_install, require=True) == expected


def test_without_chromium_browser_tests_skip_loudly_or_ci_fails() -> None:
    install, notice = dev.browser_plan(present=False, can_install=False, require=False)
    assert not install and notice and "browser tests will be skipped" in notice
    with pytest.raises(SystemExit, match="browser tests are required"):
        dev.browser_plan(present=False, can_install=False, require=True)
