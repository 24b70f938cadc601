"""The ``recallr`` command: init, projects, keys, serve, worker, llm. A thin layer over the engine.

Example::

    recallr init --data-dir ./data --json
    recallr serve --data-dir ./data --port 8000
"""

from __future__ import annotations

import json
import os
import signal
import threading
from pathlib import Path
from typing import Any

import click

from . import __version__
from .cli_context import (
    RecallrGroup,
    active_key_count,
    data_dir_option,
    database_url_option,
    open_engine,
    project_id_for,
    settings_from,
    where,
)
from .cli_data import COMMANDS as DATA_COMMANDS
from .cli_data import Progress
from .cli_projects import categories, existing_project_message, keys, project_settings, projects
from .logs import configure_logging, logging_config
from .metrics.processes import metrics_for_processes, worker_metrics
from .settings import Settings

_data_dir = data_dir_option
_database_url = database_url_option


def _settings(**overrides: Any) -> Settings:
    return settings_from(**overrides)


def _engine(settings: Settings, *, create: bool = False) -> Any:
    return open_engine(settings, create=create)


def _project_id(engine: Any, project_id: str | None) -> str:
    return project_id_for(engine, project_id)


@click.group(cls=RecallrGroup)
@click.version_option(version=__version__, prog_name="recallr")
def main() -> None:
    """Recallr: self-hostable long-term memory for AI assistants."""


for _command in (projects, keys, categories, project_settings, *DATA_COMMANDS):
    main.add_command(_command)


@main.command()
@_data_dir
@_database_url
@click.option("--name", default="default", help="Project name.")
@click.option("--json", "as_json", is_flag=True, help='Print {"project_id": ..., "api_key": ...}.')
@click.option("--if-absent", is_flag=True, help="Do nothing (exit 0) when a project already exists.")
@click.option("--new-project", is_flag=True, help="Create another project even if the database has one.")
def init(data_dir: Path | None, database_url: str | None, name: str, as_json: bool, if_absent: bool,
         new_project: bool) -> None:
    """Create the data directory or schema, a project and an API key, and print them once.

    On a database that already has a project it creates nothing, says how to get a key for it and exits 1
    (0 with --if-absent); --new-project makes another project.
    """
    settings = _settings(data_dir=data_dir, database_url=database_url)
    engine = _engine(settings, create=True)
    try:
        existing = engine.projects.all()
        if existing and not new_project:
            message = existing_project_message(existing, settings)
            if not if_absent:
                raise click.ClickException(message)
            if not as_json:
                click.echo(message)
            return
        project, key = engine.projects.create(name)
    finally:
        engine.close()
    if as_json:
        click.echo(json.dumps({"project_id": project.id, "api_key": key.api_key}))
    else:
        click.echo(f"project_id: {project.id}\napi_key:    {key.api_key}\n(the key is shown only once)")


def _with_project(data_dir: Path | None, database_url: str | None, project_id: str | None) -> tuple[Any, str]:
    engine = _engine(_settings(data_dir=data_dir, database_url=database_url))
    return engine, _project_id(engine, project_id)


@main.command()
@_data_dir
@_database_url
@click.option("--host", default=None, help="Bind address (RECALLR_HOST; default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (RECALLR_PORT; default 8000).")
@click.option("--workers", type=int, default=None, help="uvicorn worker processes (RECALLR_WORKERS).")
@click.option("--no-worker", is_flag=True, help="Do not process sessions here (run `recallr worker` instead).")
@click.option("--init", "init_project", is_flag=True, help="Create a project and key first if there is none.")
@click.option("--no-console", is_flag=True, help="Do not serve the web console at /console (RECALLR_CONSOLE=false).")
@click.option("--metrics", is_flag=True, default=None, help="Serve Prometheus metrics at /metrics (RECALLR_METRICS).")
@click.option("--metrics-port", type=int, default=None,
              help="Serve /metrics on this separate port instead (RECALLR_METRICS_PORT; recommended).")
def serve(data_dir: Path | None, database_url: str | None, host: str | None, port: int | None,
          workers: int | None, no_worker: bool, init_project: bool, no_console: bool, metrics: bool | None,
          metrics_port: int | None) -> None:
    """Serve the REST API v1 (OpenAPI at /docs) and the web console (/console)."""
    import uvicorn

    overrides = {"data_dir": data_dir, "database_url": database_url, "host": host, "port": port,
                 "workers": workers, "run_worker": False if no_worker else None,
                 "console": False if no_console else None, "metrics": metrics, "metrics_port": metrics_port}
    settings = _settings(**overrides)
    if init_project:
        _print_quickstart(settings)
    else:
        _require_a_key(settings)
    # uvicorn worker processes build their own app from RECALLR_* (Settings reads them).
    for key, value in overrides.items():
        if value is not None:
            os.environ[f"RECALLR_{key.upper()}"] = str(value)
    configure_logging(settings)
    with metrics_for_processes(settings) as settings:
        uvicorn.run("recallr.server.asgi:build", factory=True, host=settings.host, port=settings.port,
                    workers=settings.workers, log_config=logging_config(settings),
                    timeout_keep_alive=settings.keep_alive_seconds)


def _print_quickstart(settings: Settings) -> None:
    engine = _engine(settings, create=True)
    try:
        projects = engine.projects.all()
        if projects and active_key_count(engine):
            click.echo(f"project_id: {projects[0].id}  (existing; `recallr keys create {where(settings)}` makes a "
                       "new key)")
        elif projects:  # every key revoked: a server nobody can use
            key = engine.projects.create_key(projects[0].id, name="serve --init")
            click.echo(f"project_id: {projects[0].id}  (existing; it had no active key)\napi_key:    {key.api_key}\n"
                       "(the key is shown only once)")
        else:
            project, new_key = engine.projects.create()
            click.echo(f"project_id: {project.id}\napi_key:    {new_key.api_key}\n(the key is shown only once)")
    finally:
        engine.close()
    click.echo(f"serving on http://{settings.host}:{settings.port}  (docs: /docs)")


def _require_a_key(settings: Settings) -> None:
    engine = _engine(settings)
    try:
        usable = active_key_count(engine)
    finally:
        engine.close()
    if not usable:
        raise click.ClickException(
            f"No usable API key in this database, so every request would be refused: create one with "
            f"`recallr keys create {where(settings)}` (or `recallr init {where(settings)}` for a first project), "
            "or start with `recallr serve --init`")


@main.command()
@_data_dir
@_database_url
@click.option("--concurrency", type=int, default=None, help="Sessions processed at once (RECALLR_WORKER_CONCURRENCY).")
@click.option("--metrics-port", type=int, default=None,
              help="With RECALLR_METRICS on: serve this worker's /metrics on this port (RECALLR_METRICS_PORT).")
def worker(data_dir: Path | None, database_url: str | None, concurrency: int | None,
           metrics_port: int | None) -> None:
    """Process sessions until interrupted (any number of workers may share one database).

    Ctrl-C or SIGTERM (a deploy's restart) stops it cleanly: the sessions in flight are finished or queued again
    at once, without using an attempt."""
    settings = _settings(data_dir=data_dir, database_url=database_url, worker_concurrency=concurrency,
                         metrics_port=metrics_port)
    configure_logging(settings)
    engine = _engine(settings)
    stop_metrics = worker_metrics(engine)
    runner = engine.worker()
    # The signal only sets an event: an exception raised into a waiting main thread (Ctrl-C's KeyboardInterrupt)
    # could cut the clean stop short.
    stop_requested = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop_requested.set())
    click.echo(f"worker {runner.owner} started")
    runner.start()
    try:
        while not stop_requested.wait(1.0):
            pass
    finally:
        runner.stop()
        if stop_metrics is not None:
            stop_metrics()
        engine.close()


@main.command("vector-indexes")
@_data_dir
@_database_url
@click.option("--min-memories", type=int, default=None,
              help="Users past this many rows get an index (RECALLR_ANN_MIN_MEMORIES; 0 drops them all).")
def vector_indexes(data_dir: Path | None, database_url: str | None, min_memories: int | None) -> None:
    """PostgreSQL: build the per-user vector indexes that are missing, drop those no longer needed.

    Workers keep them up after every session; run this after a bulk import, an upgrade, or a change of
    RECALLR_ANN_MIN_MEMORIES. Indexes are built without blocking writers; a user keeps theirs until they fall
    below half the threshold (0 drops every index).
    """
    settings = _settings(data_dir=data_dir, database_url=database_url, ann_min_memories=min_memories)
    sqlite_note = "nothing to do: vector indexes are a PostgreSQL feature (SQLite recall is always exact)"
    if settings.database_url is None:  # the data dir's SQLite file: no need to open (or require) it
        click.echo(sqlite_note)
        return
    engine = _engine(settings)
    try:
        if not engine.db.dialect.vector_indexes:
            click.echo(sqlite_note)
            return
        bar = Progress("vector indexes", enabled=True, unit=" users")

        def progress(n: int, total: int) -> None:
            bar.start(total)
            bar.advance(1)

        try:
            done = engine.vector_indexes.sweep(progress=progress)
        finally:
            bar.close()
        for line in done:
            click.echo(line)
        click.echo(f"{len(done)} change(s); users past {settings.ann_min_memories:,} rows have their own index"
                   if settings.ann_min_memories else f"{len(done)} change(s); vector indexes are off")
    finally:
        engine.close()


@main.group("llm")
def llm_group() -> None:
    """LLM mode for the project: overrides, extraction rules, token usage, retrying failed sessions."""


def _llm_call(data_dir: Path | None, database_url: str | None, project_id: str | None, action: str,
              *args: Any, **kwargs: Any) -> Any:
    from .exceptions import RecallrAIError

    engine, pid = _with_project(data_dir, database_url, project_id)
    try:
        return getattr(engine.llm, action)(pid, *args, **kwargs)
    except RecallrAIError as error:
        raise click.ClickException(error.message) from error
    finally:
        engine.close()


def _echo_llm_settings(view: dict[str, Any], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(view, indent=2))
        return
    effective = view["effective"]
    running = f"on: {effective['model']} at {effective['base_url'] or 'OpenAI'}" if effective["llm_enabled"] else "off"
    click.echo(f"mode: {view['mode']}  (LLM {running})")
    if effective["refused"]:
        click.echo(f"refused: {effective['refused']}")
    for key in ("model", "base_url", "api_key_set", "extraction_instructions", "never_remember", "always_remember"):
        click.echo(f"{key}: {view[key]}")
    click.echo(f"examples: {len(view['examples'])}")


@llm_group.command("show")
@_data_dir
@_database_url
@click.option("--project-id", default=None)
@click.option("--json", "as_json", is_flag=True)
def llm_show(data_dir: Path | None, database_url: str | None, project_id: str | None, as_json: bool) -> None:
    """Show the project's LLM overrides and what its work runs with."""
    _echo_llm_settings(_llm_call(data_dir, database_url, project_id, "project_settings", operator=True), as_json)


@llm_group.command("set")
@_data_dir
@_database_url
@click.option("--project-id", default=None)
@click.option("--mode", type=click.Choice(["inherit", "llm", "offline"]), default=None)
@click.option("--model", default=None, help="Chat model for this project.")
@click.option("--base-url", default=None, help="OpenAI-compatible endpoint for this project.")
@click.option("--api-key", default=None, help="Key for that endpoint (stored; never shown).")
@click.option("--instructions", default=None, help="Extra extraction instructions for the prompts.")
@click.option("--never-remember", multiple=True, help="A topic or regular expression never to remember.")
@click.option("--always-remember", multiple=True, help="A topic or regular expression always to keep.")
@click.option("--examples", "examples_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help='JSON file: [{"message": ..., "memories": [...]}, ...]')
@click.option("--reset", multiple=True, help="A field to reset to the server's setting (repeatable).")
@click.option("--json", "as_json", is_flag=True)
def llm_set(data_dir: Path | None, database_url: str | None, project_id: str | None, mode: str | None,
            model: str | None, base_url: str | None, api_key: str | None, instructions: str | None,
            never_remember: tuple[str, ...], always_remember: tuple[str, ...], examples_file: Path | None,
            reset: tuple[str, ...], as_json: bool) -> None:
    """Change the project's LLM overrides (only the options given)."""
    changes: dict[str, Any] = {name: None for name in reset}
    given = {"mode": mode, "model": model, "base_url": base_url, "api_key": api_key,
             "extraction_instructions": instructions, "never_remember": list(never_remember) or None,
             "always_remember": list(always_remember) or None}
    changes.update({k: v for k, v in given.items() if v is not None})
    if examples_file is not None:
        try:
            changes["examples"] = json.loads(examples_file.read_text())
        except ValueError as error:
            raise click.ClickException(f"{examples_file} is not JSON: {error}") from error
    view = _llm_call(data_dir, database_url, project_id, "update_project_settings", changes, operator=True)
    _echo_llm_settings(view, as_json)


@llm_group.command("usage")
@_data_dir
@_database_url
@click.option("--project-id", default=None)
@click.option("--session-id", default=None, help="One session's usage.")
@click.option("--json", "as_json", is_flag=True)
def llm_usage(data_dir: Path | None, database_url: str | None, project_id: str | None, session_id: str | None,
              as_json: bool) -> None:
    """LLM calls and tokens: totals, by task, and the costliest sessions."""
    report = _llm_call(data_dir, database_url, project_id, "usage", session_id)
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    columns = ("calls", "prompt_tokens", "completion_tokens", "retries", "fallbacks", "failures", "unusable",
               "failed_requests")
    click.echo("task            " + "  ".join(f"{c:>17}" for c in columns))
    for task, counts in [*report["by_task"].items(), ("total", report["total"])]:
        click.echo(f"{task:<16}" + "  ".join(f"{counts.get(c, 0):>17}" for c in columns))
    for row in report["sessions"]:
        click.echo(f"session {row['session_id']}: {row['calls']} calls, {row['prompt_tokens']} prompt + "
                   f"{row['completion_tokens']} completion tokens")


@llm_group.command("retry-failed")
@_data_dir
@_database_url
@click.option("--project-id", default=None)
@click.option("--session-id", "session_ids", multiple=True, help="Only these sessions (repeatable).")
def llm_retry_failed(data_dir: Path | None, database_url: str | None, project_id: str | None,
                     session_ids: tuple[str, ...]) -> None:
    """Queue failed sessions for processing again (a worker picks them up)."""
    queued = _llm_call(data_dir, database_url, project_id, "retry_failed", list(session_ids) or None)
    click.echo(f"queued {queued} failed session(s)")


@main.command("mcp")
@_data_dir
@_database_url
@click.option("--user-id", default=None,
              help="The user tools use when a call names none (RECALLR_MCP_USER_ID; default `default`).")
def mcp_command(data_dir: Path | None, database_url: str | None, user_id: str | None) -> None:
    """Serve MCP over stdio on the embedded store (what an AI assistant launches; see the README).

    stdout carries only MCP messages; logs go to stderr.
    """
    from .exceptions import RecallrAIError
    from .mcp.stdio import serve_stdio

    settings = _settings(data_dir=data_dir, database_url=database_url, mcp_user_id=user_id)
    configure_logging(settings)  # on stderr, like every log line
    try:
        serve_stdio(settings, user_id=settings.mcp_user_id)
    except RecallrAIError as error:
        raise click.ClickException(error.message) from error


if __name__ == "__main__":  # pragma: no cover
    main()
