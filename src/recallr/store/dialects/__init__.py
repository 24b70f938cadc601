"""SQL dialects: everything that differs between SQLite and PostgreSQL lives here and nowhere else."""

from __future__ import annotations

from .base import Dialect


def dialect_for(url: str, *, own_directory: bool = False) -> Dialect:
    """The dialect for a database URL (``sqlite:///path`` or ``postgresql://...``). ``own_directory``: the SQLite
    file's directory is Recallr's data directory, to be kept private whatever else it holds."""
    if url.startswith("sqlite:"):
        from .sqlite import SQLiteDialect

        return SQLiteDialect(url, own_directory=own_directory)
    if url.startswith(("postgresql:", "postgres:")):
        from .postgres import PostgresDialect

        return PostgresDialect(url)
    from ...exceptions import ConfigurationError

    scheme = url.split(":", 1)[0][:20] if ":" in url else "no scheme"  # never the URL: it may hold a password
    raise ConfigurationError(f"Unsupported database URL ({scheme}): use sqlite:///path or postgresql://...")


__all__ = ["Dialect", "dialect_for"]
