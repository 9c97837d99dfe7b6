"""``python -m server backup PATH``: a consistent copy of a live SQLite database.

SQLite's online backup API copies the database page by page while the server keeps serving;
the copy is one consistent moment (writes that land meanwhile restart the copy of the pages they
touch).  Copying the file by hand can catch a write half-way, and misses what is still in the
WAL.  For PostgreSQL use its own tool: ``pg_dump --format=custom DATABASE_URL > setflow.dump``
(restore with ``pg_restore``), then ``python -m server restore-mark`` after a restore.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from server.database import engine_url


class BackupError(Exception):
    """A backup that cannot be made; the text says why and what to do."""


def sqlite_path(url: str) -> Path:
    parsed = make_url(engine_url(url))
    if parsed.get_backend_name() != "sqlite":
        raise BackupError(
            "This is a PostgreSQL database: back it up with "
            "pg_dump --format=custom DATABASE_URL > setflow.dump"
        )
    if parsed.database in (None, "", ":memory:"):
        raise BackupError("An in-memory database has nothing to back up.")
    return Path(str(parsed.database))


def backup(url: str, dest: Path) -> int:
    """Copy the database at ``url`` to ``dest`` (which must not exist); returns its size."""
    source = sqlite_path(url)
    if not source.is_file():
        raise BackupError(f"There is no database at {source}.")
    if dest.exists():
        raise BackupError(f"{dest} already exists: choose a new file name.")
    dest.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    try:
        out = sqlite3.connect(dest)
        try:
            src.backup(out, pages=1024)
            # The copy is a plain file: no WAL beside it to lose.
            out.execute("PRAGMA journal_mode=DELETE")
        finally:
            out.close()
    finally:
        src.close()
    return dest.stat().st_size
