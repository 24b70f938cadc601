"""What every ``recallr`` command needs before it does its work, and how its failures read.

- ``settings_from(**flags)``: a ``Settings`` whose validation errors name the flag and the variable.
- ``open_engine(settings, create=...)``: only ``init`` and ``serve --init`` create a database; every other command
  on a data directory without one says how to make it, instead of leaving an empty database behind.
- ``project_id_for(engine, project_id)``: the one project, or the one named, or a message saying which exist.
- ``RecallrGroup``: the command group that turns every error into one line on stderr and exit status 1; a user
  never sees a Python traceback.

Example::

    settings = settings_from(data_dir=Path("./data"), port=8000)
    engine = open_engine(settings)   # click.ClickException "No Recallr database in data ..." if absent
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import click
import pydantic

from .exceptions import RecallrAIError
from .settings import Settings

_MAX_ECHO = 120  # the longest piece of a user's input repeated in a message

data_dir_option = click.option("--data-dir", type=click.Path(path_type=Path), default=None,
                               help="Data directory (RECALLR_DATA_DIR; default ./recallr-data).")
database_url_option = click.option("--database-url", default=None,
                                   help="postgresql://... to use PostgreSQL (RECALLR_DATABASE_URL).")


def _short(text: str) -> str:
    text = text.splitlines()[0] if text else text
    return text if len(text) <= _MAX_ECHO else text[:_MAX_ECHO] + "…"


def where(settings: Settings) -> str:
    """The options that name this database again in a suggested command."""
    if settings.database_url:
        return "--database-url URL"  # never the URL itself: it may hold a password
    return f"--data-dir {settings.data_dir}"


def settings_from(**flags: Any) -> Settings:
    """``Settings`` from the flags given (``None``: not given), else ``RECALLR_*``, else defaults."""
    try:
        return Settings(**{name: value for name, value in flags.items() if value is not None})
    except pydantic.ValidationError as error:
        raise click.ClickException(describe_settings_error(error)) from error


def describe_settings_error(error: pydantic.ValidationError) -> str:
    problems = []
    for item in error.errors(include_url=False, include_input=False):
        field = str(item["loc"][0]) if item["loc"] else "setting"
        problems.append(f"--{field.replace('_', '-')} (RECALLR_{field.upper()}): {item['msg']}")
    return "invalid setting: " + "; ".join(problems)


def open_engine(settings: Settings, *, create: bool = False) -> Any:
    """The engine over ``settings``' database; without ``create``, a missing SQLite database is an error."""
    if settings.database_url is None and not create and not settings.sqlite_path.is_file():
        raise click.ClickException(
            f"No Recallr database in {settings.data_dir} (no {settings.sqlite_path.name}): create one with "
            f"`recallr init --data-dir {settings.data_dir}`, or point --data-dir / RECALLR_DATA_DIR at an existing one")
    from .bootstrap import Engine

    return Engine(settings)


def project_id_for(engine: Any, project_id: str | None) -> str:
    """``project_id`` if the database has it; with none given, the database's only project."""
    listing = "`recallr projects list` shows them"
    if project_id:
        if engine.projects.get(project_id) is None:
            raise click.ClickException(f"No project {_short(project_id)!r} in this database; {listing}")
        return project_id
    projects = engine.projects.all()
    if not projects:
        raise click.ClickException("This database has no project yet: create one with `recallr init`")
    if len(projects) > 1:
        raise click.ClickException(f"This database has {len(projects)} projects: pass --project-id ({listing})")
    return str(projects[0].id)


def active_key_count(engine: Any) -> int:
    """Keys that can authenticate, over every project."""
    return sum(1 for project in engine.projects.all() for key in engine.projects.list_keys(project.id)
               if key.revoked_at is None)


def describe_error(error: Exception) -> str:
    """One line for an error a command let through."""
    if isinstance(error, RecallrAIError):
        cause = _short(str(error.__cause__ or ""))
        text = error.message if not cause or cause in error.message else f"{error.message} ({cause})"
        return " ".join(text.split())  # one line, even when a server's message had DETAIL and HINT lines
    if isinstance(error, pydantic.ValidationError):
        return describe_settings_error(error)
    if isinstance(error, sqlite3.DatabaseError):
        return f"the SQLite database cannot be used: {_short(str(error))} (is --data-dir a Recallr data directory?)"
    if isinstance(error, OSError):
        target = f": {error.filename}" if error.filename else ""
        return f"{error.strerror or _short(str(error))}{target}"
    if type(error).__module__.startswith("psycopg"):
        return f"PostgreSQL: {_short(str(error))}"
    return f"unexpected error ({type(error).__name__}): {_short(str(error))}"


class RecallrGroup(click.Group):
    """A command group whose commands fail with a message and exit status 1, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as error:
            raise click.ClickException(describe_error(error)) from error
