"""``recallr export``, ``recallr import`` and ``recallr migrate``: moving and backing up data.

A thin layer over ``engine/portability.py``. Progress (rows done, rate, time left) goes to stderr when it is a
terminal and ``--json`` is not given; piped or with ``--json`` the commands print only their result.

Example::

    recallr export --data-dir ./data --out backup.jsonl
    recallr import backup.jsonl --database-url postgresql://recallr@db/recallr
    recallr migrate --from-data-dir ./data --to-database-url postgresql://recallr@db/recallr
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import click

from .cli_context import data_dir_option, database_url_option, open_engine, project_id_for, settings_from
from .engine import portability
from .store.archive import Scope

_ON_CONFLICT = click.option(
    "--on-conflict", type=click.Choice(["fail", "skip", "replace"]), default="fail", show_default=True,
    help="A row whose id is already in the target: stop (fail), keep the target's (skip) or overwrite it (replace).")
_JSON = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (and no progress).")


class Progress:
    """A tqdm bar on stderr when it is a terminal and output is for people; otherwise nothing."""

    def __init__(self, label: str, *, enabled: bool, unit: str = " rows") -> None:
        self.label = label
        self.unit = unit
        self.enabled = enabled and sys.stderr.isatty()
        self._bar: Any = None

    def start(self, total: int | None) -> None:
        if self.enabled and self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc=self.label, unit=self.unit, unit_scale=True, file=sys.stderr,
                             dynamic_ncols=True)

    def header(self, header: dict[str, Any]) -> None:
        counts = header.get("counts")
        total = sum(n for n in counts.values() if isinstance(n, int)) if isinstance(counts, dict) else None
        self.start(total)

    def advance(self, n: int) -> None:
        if self._bar is not None:
            self._bar.update(n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def _summary(counts: dict[str, int]) -> str:
    shown = ", ".join(f"{name} {n:,}" for name, n in counts.items() if n)
    return f"{sum(counts.values()):,} rows ({shown or 'nothing'})"


@click.command("export")
@data_dir_option
@database_url_option
@click.option("--out", "out", required=True, type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
              help="The archive file to write (JSON Lines); - for standard output.")
@click.option("--user-id", default=None, help="Export only this user (their custom id) and their project.")
@click.option("--project-id", default=None, help="The user's project, when the database has several.")
@click.option("--include-secrets", "--include-key-hashes", "include_secrets", is_flag=True,
              help="Also export API key hashes and project LLM keys (encrypted as stored).")
@_JSON
def export_command(data_dir: Path | None, database_url: str | None, out: Path, user_id: str | None,
                   project_id: str | None, include_secrets: bool, as_json: bool) -> None:
    """Write a versioned archive of the database (or of one user): projects, categories, users, sessions,
    messages, memories with every version, sources, connections, merge conflicts and summaries, with their ids
    and timestamps. Key hashes only with --include-secrets."""
    engine = open_engine(settings_from(data_dir=data_dir, database_url=database_url))
    progress = Progress("export", enabled=not as_json and str(out) != "-")
    try:
        scope = Scope()
        if user_id is not None:
            if include_secrets:
                raise click.ClickException("--include-secrets exports a whole database; leave out --user-id")
            scope = portability.user_scope(engine.db, project_id_for(engine, project_id), user_id)
        counts: dict[str, int] = {}
        with _archive_file(out) as stream:
            for record in portability.export_records(engine.db, scope, include_secrets=include_secrets):
                stream.write(portability.encode(record))
                if "table" in record:
                    progress.advance(1)
                elif "format" in record:
                    progress.start(sum(record["counts"].values()))
                else:
                    counts = record["counts"]
    finally:
        progress.close()
        engine.close()
    if as_json:
        click.echo(json.dumps({"out": str(out), "counts": counts}))
    elif str(out) != "-":
        click.echo(f"Exported {_summary(counts)} to {out}")


@contextlib.contextmanager
def _archive_file(out: Path) -> Iterator[IO[bytes]]:
    """Standard output, or ``out`` written through a temporary file that replaces it only when complete."""
    if str(out) == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    partial = out.with_name(out.name + ".partial")
    try:
        with open(partial, "wb") as stream:
            yield stream
        os.replace(partial, out)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()


@click.command("import")
@click.argument("archive", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True))
@data_dir_option
@database_url_option
@_ON_CONFLICT
@_JSON
def import_command(archive: Path, data_dir: Path | None, database_url: str | None, on_conflict: str,
                   as_json: bool) -> None:
    """Restore an archive written by `recallr export` (or GET /api/v1/users/{id}/export) into a database,
    created if absent: same ids and timestamps, embeddings carried, search indexes rebuilt."""
    progress = Progress("import", enabled=not as_json)
    engine = open_engine(settings_from(data_dir=data_dir, database_url=database_url), create=True)
    try:
        with _open_archive(archive) as stream:
            result = portability.import_archive(engine.db, portability.read_lines(stream),
                                                on_conflict=on_conflict,  # type: ignore[arg-type]
                                                progress=progress.advance, header_seen=progress.header)
    finally:
        progress.close()
        engine.close()
    _report("Imported", result, as_json)


@contextlib.contextmanager
def _open_archive(archive: Path) -> Iterator[IO[bytes]]:
    if str(archive) == "-":
        yield sys.stdin.buffer
        return
    with open(archive, "rb") as stream:
        yield stream


def _report(verb: str, result: portability.ImportResult, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(result.as_json()))
        return
    skipped = sum(result.read.values()) - sum(result.written.values())
    tail = f"; {skipped:,} already there, kept" if skipped else ""
    click.echo(f"{verb} {_summary(result.written)}{tail}")


@click.command("migrate")
@click.option("--from-data-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Move from this embedded (SQLite) data directory.")
@click.option("--from-database-url", default=None, help="Move from this PostgreSQL database.")
@click.option("--to-data-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Move to this embedded (SQLite) data directory.")
@click.option("--to-database-url", default=None, help="Move to this PostgreSQL database.")
@_ON_CONFLICT
@_JSON
def migrate_command(from_data_dir: Path | None, from_database_url: str | None, to_data_dir: Path | None,
                    to_database_url: str | None, on_conflict: str, as_json: bool) -> None:
    """Copy a whole deployment to another database, streamed (no file in between): SQLite to PostgreSQL or back.
    API keys and project LLM keys move too. The source is only read; stop its servers first so nothing is
    written during the copy."""
    source_settings = _one_of("--from", from_data_dir, from_database_url)
    target_settings = _one_of("--to", to_data_dir, to_database_url)
    source = open_engine(source_settings)
    progress = Progress("migrate", enabled=not as_json)
    try:
        target = open_engine(target_settings, create=True)
        try:
            result = portability.migrate_database(source.db, target.db,
                                                  on_conflict=on_conflict,  # type: ignore[arg-type]
                                                  progress=progress.advance, header_seen=progress.header)
        finally:
            target.close()
    finally:
        progress.close()
        source.close()
    _report("Migrated", result, as_json)


def _one_of(prefix: str, data_dir: Path | None, database_url: str | None) -> Any:
    if (data_dir is None) == (database_url is None):
        raise click.ClickException(f"Give exactly one of {prefix}-data-dir and {prefix}-database-url")
    if data_dir is None:
        return settings_from(database_url=database_url)
    # The data directory named, whatever RECALLR_DATABASE_URL says.
    return settings_from(data_dir=data_dir).model_copy(update={"database_url": None})


COMMANDS: tuple[click.Command, ...] = (export_command, import_command, migrate_command)
