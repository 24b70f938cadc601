"""User errors on the command line: one clear line and exit status 1, never a traceback, never a stray database."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from recallr.cli import main


def _fails(result: Result, *expected: str) -> str:
    """The output of a command that must fail cleanly, checked for each expected phrase."""
    assert result.exit_code == 1, (result.exit_code, result.output)
    assert isinstance(result.exception, SystemExit), result.exception  # click's clean exit, not an escaped error
    assert "Traceback" not in result.output and result.output.startswith("Error: ")
    for phrase in expected:
        assert phrase in result.output, (phrase, result.output)
    return result.output


def _init(runner: CliRunner, data: Path, *extra: str) -> dict[str, str]:
    made = runner.invoke(main, ["init", "--data-dir", str(data), "--json", *extra])
    assert made.exit_code == 0, made.output
    return dict(json.loads(made.output))


@pytest.mark.parametrize("command", [
    pytest.param(["keys", "list"], id="keys-list"),
    pytest.param(["keys", "create"], id="keys-create"),
    pytest.param(["projects", "list"], id="projects-list"),
    pytest.param(["categories", "list"], id="categories-list"),
    pytest.param(["project"], id="project"),
    pytest.param(["worker"], id="worker"),
    pytest.param(["serve"], id="serve"),
    pytest.param(["llm", "show"], id="llm-show"),
])
def test_a_missing_data_directory_is_not_created(tmp_path: Path, command: list[str]) -> None:
    data = tmp_path / "typo"
    result = CliRunner().invoke(main, [*command, "--data-dir", str(data)])
    output = _fails(result, "No Recallr database", "recallr init")
    assert str(data) in output
    assert not data.exists()


@pytest.mark.parametrize("flags", [
    pytest.param(["--port", "99999"], id="port-too-large"),
    pytest.param(["--port", "-5"], id="negative-port"),
    pytest.param(["--workers", "0"], id="no-workers"),
])
def test_a_bad_serve_option_names_the_flag(tmp_path: Path, flags: list[str]) -> None:
    runner = CliRunner()
    _init(runner, tmp_path / "d")
    _fails(runner.invoke(main, ["serve", "--data-dir", str(tmp_path / "d"), *flags]), flags[0], "invalid setting")


def test_a_bad_setting_from_the_environment_names_the_variable(tmp_path: Path) -> None:
    runner = CliRunner()
    _init(runner, tmp_path / "d")
    result = runner.invoke(main, ["serve", "--data-dir", str(tmp_path / "d")], env={"RECALLR_PORT": "http"})
    _fails(result, "RECALLR_PORT")


@pytest.mark.parametrize("command", [
    pytest.param(["keys", "create"], id="keys-create"),
    pytest.param(["keys", "list"], id="keys-list"),
    pytest.param(["keys", "revoke", "some-key"], id="keys-revoke"),
    pytest.param(["categories", "add", "sports", "Sports"], id="categories-add"),
    pytest.param(["project", "--merge-conflicts", "on"], id="project"),
    pytest.param(["llm", "usage"], id="llm-usage"),
])
def test_an_unknown_project_id_is_named(tmp_path: Path, command: list[str]) -> None:
    runner = CliRunner()
    _init(runner, tmp_path / "d")
    result = runner.invoke(main, [*command, "--data-dir", str(tmp_path / "d"), "--project-id", "no-such-project"])
    _fails(result, "No project 'no-such-project'", "recallr projects list")


def test_several_projects_need_a_project_id(tmp_path: Path) -> None:
    runner = CliRunner()
    _init(runner, tmp_path / "d")
    _init(runner, tmp_path / "d", "--new-project")
    _fails(runner.invoke(main, ["keys", "create", "--data-dir", str(tmp_path / "d")]), "2 projects", "--project-id")


def test_init_twice_says_how_to_get_a_key_and_new_project_makes_another(tmp_path: Path) -> None:
    runner = CliRunner()
    data = tmp_path / "d"
    first = _init(runner, data)
    again = _fails(runner.invoke(main, ["init", "--data-dir", str(data)]), first["project_id"], "already exists",
                   "recallr keys create", "--new-project")
    assert first["api_key"] not in again
    assert runner.invoke(main, ["init", "--data-dir", str(data), "--if-absent"]).exit_code == 0
    second = _init(runner, data, "--new-project", "--name", "staging")
    assert second["project_id"] != first["project_id"]

    listed = runner.invoke(main, ["projects", "list", "--data-dir", str(data), "--json"])
    assert listed.exit_code == 0, listed.output
    rows = {row["project_id"]: row for row in json.loads(listed.output)}
    assert set(rows) == {first["project_id"], second["project_id"]}
    assert rows[second["project_id"]]["name"] == "staging" and rows[second["project_id"]]["active_keys"] == 1
    text = runner.invoke(main, ["projects", "list", "--data-dir", str(data)]).output
    assert first["project_id"] in text and "staging" in text and first["api_key"] not in text


def test_serve_without_a_usable_key_says_how_to_create_one(tmp_path: Path) -> None:
    runner = CliRunner()
    data = tmp_path / "d"
    _init(runner, data)
    [key_id] = [line.split()[0] for line in runner.invoke(main, ["keys", "list", "--data-dir", str(data)]).output
                .splitlines()]
    assert runner.invoke(main, ["keys", "revoke", "--data-dir", str(data), key_id]).exit_code == 0
    _fails(runner.invoke(main, ["serve", "--data-dir", str(data)]), "No usable API key", "recallr keys create",
           str(data))


def test_a_file_that_is_no_database_is_reported(tmp_path: Path) -> None:
    data = tmp_path / "d"
    data.mkdir()
    (data / "recallr.db").write_bytes(b"this is not SQLite " * 200)
    _fails(CliRunner().invoke(main, ["keys", "list", "--data-dir", str(data)]), "not a database")


def test_an_unreachable_postgres_is_one_line(tmp_path: Path) -> None:
    url = "postgresql://recallr:s3cret-password@127.0.0.1:1/recallr"
    output = _fails(CliRunner().invoke(main, ["projects", "list", "--database-url", url]), "unavailable")
    assert "s3cret-password" not in output


def test_an_unsupported_database_url_hides_its_password(tmp_path: Path) -> None:
    url = "mysql://root:s3cret-password@db/recallr"
    output = _fails(CliRunner().invoke(main, ["init", "--database-url", url]), "Unsupported database URL")
    assert "s3cret-password" not in output


def test_the_installed_command_prints_no_traceback(tmp_path: Path) -> None:
    """The real process: what a user sees on stderr, and its exit status."""
    done = subprocess.run([sys.executable, "-m", "recallr", "serve", "--data-dir", str(tmp_path / "x"),
                           "--port", "70000", "--init"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("Error: invalid setting: --port") and not (tmp_path / "x").exists()


def test_a_database_error_with_details_is_one_line(tmp_path: Path) -> None:
    from recallr.cli_context import describe_error
    from recallr.exceptions import ConfigurationError

    try:
        try:
            raise OSError('extension "vector" is not available\nDETAIL:  no control file\nHINT:  install it')
        except OSError as cause:
            raise ConfigurationError(f"PostgreSQL needs the pgvector extension. ({cause})") from cause
    except ConfigurationError as error:
        line = describe_error(error)
    assert "\n" not in line and line.count('extension "vector" is not available') == 1 and "HINT" in line
