"""``recallr projects``, ``keys``, ``categories`` and ``project``: a project's keys and settings.

Example::

    recallr projects list --data-dir ./data
    recallr keys create --data-dir ./data --name ci --json
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from .cli_context import (
    data_dir_option,
    database_url_option,
    open_engine,
    project_id_for,
    settings_from,
    where,
)
from .settings import Settings


def _open(data_dir: Path | None, database_url: str | None, project_id: str | None) -> tuple[Any, str]:
    engine = open_engine(settings_from(data_dir=data_dir, database_url=database_url))
    return engine, project_id_for(engine, project_id)


def existing_project_message(projects: list[Any], settings: Settings) -> str:
    first = projects[0]
    also = f" (and {len(projects) - 1} more: `recallr projects list {where(settings)}`)" if len(projects) > 1 else ""
    pick = f" --project-id {first.id}" if len(projects) > 1 else ""
    return (f"Project {first.id} ({first.name!r}) already exists{also}. Get an API key for it with "
            f"`recallr keys create {where(settings)}{pick}`; `recallr init --new-project` creates another project.")


@click.group()
def projects() -> None:
    """List the database's projects."""


@projects.command("list")
@data_dir_option
@database_url_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of {project_id, name, active_keys, ...}.")
def projects_list(data_dir: Path | None, database_url: str | None, as_json: bool) -> None:
    """Each project's id, name, active keys and creation time (never a key)."""
    engine = open_engine(settings_from(data_dir=data_dir, database_url=database_url))
    try:
        rows = [{"project_id": p.id, "name": p.name, "created_at": p.created_at.isoformat(),
                 "active_keys": sum(1 for k in engine.projects.list_keys(p.id) if k.revoked_at is None)}
                for p in engine.projects.all()]
    finally:
        engine.close()
    if as_json:
        click.echo(json.dumps(rows))
        return
    if not rows:
        click.echo("no projects yet: `recallr init` creates one")
    for row in rows:
        click.echo(f"{row['project_id']}  {row['name']}  {row['active_keys']} active key(s)  {row['created_at']}")


@click.group()
def keys() -> None:
    """Create, list and revoke API keys."""


@keys.command("create")
@data_dir_option
@database_url_option
@click.option("--project-id", default=None)
@click.option("--name", default=None, help="A label for the key.")
@click.option("--json", "as_json", is_flag=True)
def keys_create(data_dir: Path | None, database_url: str | None, project_id: str | None, name: str | None,
                as_json: bool) -> None:
    """Create a key (printed once)."""
    engine = open_engine(settings_from(data_dir=data_dir, database_url=database_url))
    try:
        key = engine.projects.create_key(project_id_for(engine, project_id), name=name)
    finally:
        engine.close()
    if as_json:
        click.echo(json.dumps({"project_id": key.project_id, "key_id": key.key_id, "api_key": key.api_key}))
    else:
        click.echo(f"key_id:  {key.key_id}\napi_key: {key.api_key}\n(the key is shown only once)")


@keys.command("list")
@data_dir_option
@database_url_option
@click.option("--project-id", default=None)
def keys_list(data_dir: Path | None, database_url: str | None, project_id: str | None) -> None:
    """List keys (id, prefix, name, created, revoked); never the keys themselves."""
    engine = open_engine(settings_from(data_dir=data_dir, database_url=database_url))
    try:
        for key in engine.projects.list_keys(project_id_for(engine, project_id)):
            revoked = key.revoked_at.isoformat() if key.revoked_at else "active"
            click.echo(f"{key.id}  {key.prefix}…  {key.name or '-'}  {key.created_at.isoformat()}  {revoked}")
    finally:
        engine.close()


@keys.command("revoke")
@data_dir_option
@database_url_option
@click.option("--project-id", default=None)
@click.argument("key_id")
def keys_revoke(data_dir: Path | None, database_url: str | None, project_id: str | None, key_id: str) -> None:
    """Revoke a key by its id or prefix."""
    from .exceptions import RecallrAIError

    engine = open_engine(settings_from(data_dir=data_dir, database_url=database_url))
    try:
        engine.projects.revoke_key(project_id_for(engine, project_id), key_id)
    except RecallrAIError as error:
        raise click.ClickException(error.message) from error
    finally:
        engine.close()
    click.echo(f"revoked {key_id}")


@click.group()
def categories() -> None:
    """List, add, change and remove the project's memory categories."""


@categories.command("list")
@data_dir_option
@database_url_option
@click.option("--project-id", default=None)
def categories_list(data_dir: Path | None, database_url: str | None, project_id: str | None) -> None:
    """Print each category and its description."""
    engine, pid = _open(data_dir, database_url, project_id)
    try:
        for category in engine.categories.all(pid):
            click.echo(f"{category.name}: {category.description}")
    finally:
        engine.close()


@categories.command("add")
@data_dir_option
@database_url_option
@click.option("--project-id", default=None)
@click.argument("name")
@click.argument("description")
def categories_add(data_dir: Path | None, database_url: str | None, project_id: str | None, name: str,
                   description: str) -> None:
    """Add a category (NAME in lowercase_snake)."""
    _category_call(data_dir, database_url, project_id, "create", name, description)
    click.echo(f"added {name}")


@categories.command("update")
@data_dir_option
@database_url_option
@click.option("--project-id", default=None)
@click.argument("name")
@click.argument("description")
def categories_update(data_dir: Path | None, database_url: str | None, project_id: str | None, name: str,
                      description: str) -> None:
    """Change a category's description."""
    _category_call(data_dir, database_url, project_id, "update", name, description)
    click.echo(f"updated {name}")


@categories.command("remove")
@data_dir_option
@database_url_option
@click.option("--project-id", default=None)
@click.argument("name")
def categories_remove(data_dir: Path | None, database_url: str | None, project_id: str | None, name: str) -> None:
    """Remove a category (memories keep it in their categories)."""
    _category_call(data_dir, database_url, project_id, "delete", name)
    click.echo(f"removed {name}")


def _category_call(data_dir: Path | None, database_url: str | None, project_id: str | None, action: str,
                   *args: str) -> None:
    from .exceptions import RecallrAIError

    engine, pid = _open(data_dir, database_url, project_id)
    try:
        getattr(engine.categories, action)(pid, *args)
    except RecallrAIError as error:
        raise click.ClickException(error.message) from error
    finally:
        engine.close()


@click.command("project")
@data_dir_option
@database_url_option
@click.option("--project-id", default=None)
@click.option("--merge-conflicts", type=click.Choice(["on", "off"]), default=None,
              help="Raise merge conflicts for users who do not override it.")
def project_settings(data_dir: Path | None, database_url: str | None, project_id: str | None,
                     merge_conflicts: str | None) -> None:
    """Show or change project settings."""
    engine, pid = _open(data_dir, database_url, project_id)
    try:
        if merge_conflicts is not None:
            engine.projects.set_merge_conflicts(pid, merge_conflicts == "on")
        project = engine.projects.require(pid)
    finally:
        engine.close()
    click.echo(f"project_id: {project.id}\nname: {project.name}\nmerge_conflicts: "
               f"{'on' if project.merge_conflicts_enabled else 'off'}")
