"""The ``recallr`` command: init, keys, serve, worker, llm. A thin layer over the engine.

Example::

    recallr init --data-dir ./data --json
    recallr serve --data-dir ./data --port 8000
"""

from __future__ import annotations

import json
import logging
import os
import signal
from pathlib import Path
from typing import Any

import click

from .settings import Settings

_data_dir = click.option("--data-dir", type=click.Path(path_type=Path), default=None,
                         help="Data directory (RECALLR_DATA_DIR; default ./recallr-data).")
_database_url = click.option("--database-url", default=None,
                             help="postgresql://... to use PostgreSQL (RECALLR_DATABASE_URL).")


def _settings(**overrides: Any) -> Settings:
    return Settings(**{k: v for k, v in overrides.items() if v is not None})


def _engine(settings: Settings) -> Any:
    from .engine import Engine

    return Engine(settings)


def _project_id(engine: Any, project_id: str | None) -> str:
    if project_id:
        return project_id
    projects = engine.projects.all()
    if len(projects) != 1:
        raise click.UsageError(f"Pass --project-id: the data directory has {len(projects)} projects")
    return str(projects[0].id)


@click.group()
@click.version_option(package_name="recallr")
def main() -> None:
    """Recallr: self-hostable long-term memory for AI assistants."""


@main.command()
@_data_dir
@_database_url
@click.option("--name", default="default", help="Project name.")
@click.option("--json", "as_json", is_flag=True, help='Print {"project_id": ..., "api_key": ...}.')
@click.option("--if-absent", is_flag=True, help="Do nothing (exit 0) when a project already exists.")
def init(data_dir: Path | None, database_url: str | None, name: str, as_json: bool, if_absent: bool) -> None:
    """Create a project and an API key, and print them once."""
    engine = _engine(_settings(data_dir=data_dir, database_url=database_url))
    try:
        existing = engine.projects.all()
        if if_absent and existing:
            if not as_json:
                click.echo(f"Project {existing[0].id} already exists; create a key with `recallr keys create`.")
            return
        project, key = engine.projects.create(name)
    finally:
        engine.close()
    if as_json:
        click.echo(json.dumps({"project_id": project.id, "api_key": key.api_key}))
    else:
        click.echo(f"project_id: {project.id}\napi_key:    {key.api_key}\n(the key is shown only once)")


@main.group()
def keys() -> None:
    """Create, list and revoke API keys."""


@keys.command("create")
@_data_dir
@_database_url
@click.option("--project-id", default=None)
@click.option("--name", default=None, help="A label for the key.")
@click.option("--json", "as_json", is_flag=True)
def keys_create(data_dir: Path | None, database_url: str | None, project_id: str | None, name: str | None,
                as_json: bool) -> None:
    """Create a key (printed once)."""
    engine = _engine(_settings(data_dir=data_dir, database_url=database_url))
    try:
        key = engine.projects.create_key(_project_id(engine, project_id), name=name)
    finally:
        engine.close()
    if as_json:
        click.echo(json.dumps({"project_id": key.project_id, "key_id": key.key_id, "api_key": key.api_key}))
    else:
        click.echo(f"key_id:  {key.key_id}\napi_key: {key.api_key}\n(the key is shown only once)")


@keys.command("list")
@_data_dir
@_database_url
@click.option("--project-id", default=None)
def keys_list(data_dir: Path | None, database_url: str | None, project_id: str | None) -> None:
    """List keys (id, prefix, name, created, revoked); never the keys themselves."""
    engine = _engine(_settings(data_dir=data_dir, database_url=database_url))
    try:
        for key in engine.projects.list_keys(_project_id(engine, project_id)):
            revoked = key.revoked_at.isoformat() if key.revoked_at else "active"
            click.echo(f"{key.id}  {key.prefix}…  {key.name or '-'}  {key.created_at.isoformat()}  {revoked}")
    finally:
        engine.close()


@keys.command("revoke")
@_data_dir
@_database_url
@click.option("--project-id", default=None)
@click.argument("key_id")
def keys_revoke(data_dir: Path | None, database_url: str | None, project_id: str | None, key_id: str) -> None:
    """Revoke a key by its id or prefix."""
    from .exceptions import RecallrAIError

    engine = _engine(_settings(data_dir=data_dir, database_url=database_url))
    try:
        engine.projects.revoke_key(_project_id(engine, project_id), key_id)
    except RecallrAIError as error:
        raise click.ClickException(error.message) from error
    finally:
        engine.close()
    click.echo(f"revoked {key_id}")


@main.group()
def categories() -> None:
    """List, add, change and remove the project's memory categories."""


def _with_project(data_dir: Path | None, database_url: str | None, project_id: str | None) -> tuple[Any, str]:
    engine = _engine(_settings(data_dir=data_dir, database_url=database_url))
    return engine, _project_id(engine, project_id)


@categories.command("list")
@_data_dir
@_database_url
@click.option("--project-id", default=None)
def categories_list(data_dir: Path | None, database_url: str | None, project_id: str | None) -> None:
    """Print each category and its description."""
    engine, pid = _with_project(data_dir, database_url, project_id)
    try:
        for category in engine.categories.all(pid):
            click.echo(f"{category.name}: {category.description}")
    finally:
        engine.close()


@categories.command("add")
@_data_dir
@_database_url
@click.option("--project-id", default=None)
@click.argument("name")
@click.argument("description")
def categories_add(data_dir: Path | None, database_url: str | None, project_id: str | None, name: str,
                   description: str) -> None:
    """Add a category (NAME in lowercase_snake)."""
    _category_call(data_dir, database_url, project_id, "create", name, description)
    click.echo(f"added {name}")


@categories.command("update")
@_data_dir
@_database_url
@click.option("--project-id", default=None)
@click.argument("name")
@click.argument("description")
def categories_update(data_dir: Path | None, database_url: str | None, project_id: str | None, name: str,
                      description: str) -> None:
    """Change a category's description."""
    _category_call(data_dir, database_url, project_id, "update", name, description)
    click.echo(f"updated {name}")


@categories.command("remove")
@_data_dir
@_database_url
@click.option("--project-id", default=None)
@click.argument("name")
def categories_remove(data_dir: Path | None, database_url: str | None, project_id: str | None, name: str) -> None:
    """Remove a category (memories keep it in their categories)."""
    _category_call(data_dir, database_url, project_id, "delete", name)
    click.echo(f"removed {name}")


def _category_call(data_dir: Path | None, database_url: str | None, project_id: str | None, action: str,
                   *args: str) -> None:
    from .exceptions import RecallrAIError

    engine, pid = _with_project(data_dir, database_url, project_id)
    try:
        getattr(engine.categories, action)(pid, *args)
    except RecallrAIError as error:
        raise click.ClickException(error.message) from error
    finally:
        engine.close()


@main.command("project")
@_data_dir
@_database_url
@click.option("--project-id", default=None)
@click.option("--merge-conflicts", type=click.Choice(["on", "off"]), default=None,
              help="Raise merge conflicts for users who do not override it.")
def project_settings(data_dir: Path | None, database_url: str | None, project_id: str | None,
                     merge_conflicts: str | None) -> None:
    """Show or change project settings."""
    engine, pid = _with_project(data_dir, database_url, project_id)
    try:
        if merge_conflicts is not None:
            engine.projects.set_merge_conflicts(pid, merge_conflicts == "on")
        project = engine.projects.require(pid)
    finally:
        engine.close()
    click.echo(f"project_id: {project.id}\nname: {project.name}\nmerge_conflicts: "
               f"{'on' if project.merge_conflicts_enabled else 'off'}")


@main.command()
@_data_dir
@_database_url
@click.option("--host", default=None, help="Bind address (RECALLR_HOST; default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (RECALLR_PORT; default 8000).")
@click.option("--workers", type=int, default=None, help="uvicorn worker processes (RECALLR_WORKERS).")
@click.option("--no-worker", is_flag=True, help="Do not process sessions here (run `recallr worker` instead).")
@click.option("--init", "init_project", is_flag=True, help="Create a project and key first if there is none.")
def serve(data_dir: Path | None, database_url: str | None, host: str | None, port: int | None,
          workers: int | None, no_worker: bool, init_project: bool) -> None:
    """Serve the REST API v1 (OpenAPI at /docs)."""
    import uvicorn

    overrides = {"data_dir": data_dir, "database_url": database_url, "host": host, "port": port,
                 "workers": workers, "run_worker": False if no_worker else None}
    settings = _settings(**overrides)
    if init_project:
        _print_quickstart(settings)
    # uvicorn worker processes build their own app from RECALLR_* (Settings reads them).
    for key, value in overrides.items():
        if value is not None:
            os.environ[f"RECALLR_{key.upper()}"] = str(value)
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    uvicorn.run("recallr.server.asgi:build", factory=True, host=settings.host, port=settings.port,
                workers=settings.workers, log_level=settings.log_level, timeout_keep_alive=settings.keep_alive_seconds)


def _print_quickstart(settings: Settings) -> None:
    engine = _engine(settings)
    try:
        projects = engine.projects.all()
        if projects:
            click.echo(f"project_id: {projects[0].id}  (existing; `recallr keys create` makes a new key)")
        else:
            project, key = engine.projects.create()
            click.echo(f"project_id: {project.id}\napi_key:    {key.api_key}\n(the key is shown only once)")
    finally:
        engine.close()
    click.echo(f"serving on http://{settings.host}:{settings.port}  (docs: /docs)")


@main.command()
@_data_dir
@_database_url
@click.option("--concurrency", type=int, default=None, help="Sessions processed at once (RECALLR_WORKER_CONCURRENCY).")
def worker(data_dir: Path | None, database_url: str | None, concurrency: int | None) -> None:
    """Process sessions until interrupted (any number of workers may share one database).

    Ctrl-C or SIGTERM (a deploy's restart) stops it cleanly: the sessions in flight are finished or queued again
    at once, without using an attempt."""
    settings = _settings(data_dir=data_dir, database_url=database_url, worker_concurrency=concurrency)
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    engine = _engine(settings)
    runner = engine.worker()
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # SIGTERM stops as Ctrl-C does
    click.echo(f"worker {runner.owner} started")
    runner.start()
    try:
        for thread in runner._threads:
            thread.join()
    except KeyboardInterrupt:
        pass
    finally:
        runner.stop()
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
    engine = _engine(settings)
    try:
        if not engine.db.dialect.vector_indexes:
            click.echo("nothing to do: vector indexes are a PostgreSQL feature (SQLite recall is always exact)")
            return
        done = engine.vector_indexes.sweep()
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
              *args: Any) -> Any:
    from .exceptions import RecallrAIError

    engine, pid = _with_project(data_dir, database_url, project_id)
    try:
        return getattr(engine.llm, action)(pid, *args)
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
    _echo_llm_settings(_llm_call(data_dir, database_url, project_id, "project_settings"), as_json)


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
    view = _llm_call(data_dir, database_url, project_id, "update_project_settings", changes)
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
    columns = ("calls", "prompt_tokens", "completion_tokens", "retries", "fallbacks", "failures")
    click.echo("task            " + "  ".join(f"{c:>17}" for c in columns))
    for task, counts in [*report["by_task"].items(), ("total", report["total"])]:
        click.echo(f"{task:<16}" + "  ".join(f"{counts[c]:>17}" for c in columns))
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


if __name__ == "__main__":  # pragma: no cover
    main()
