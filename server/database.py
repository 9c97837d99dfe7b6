"""The storage seam: one ``Database`` per app, handing out transactions on SQLite or PostgreSQL.

Everything above this module speaks SQLAlchemy Core through ``read()`` and ``write()``; nothing
else knows which database it runs on.  ``write()`` takes the database's write lock on SQLite
(``BEGIN IMMEDIATE``) so that a push never fails half-way on a busy database; on PostgreSQL the
push itself locks the user's row (see ``server/push.py``).
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Alembic loads env.py and the migration scripts as modules, which is not thread-safe; processes
# take turns through the database's own lock instead (see migrations/env.py).
_MIGRATING = threading.Lock()
_WRITE = "setflow_write"


def engine_url(url: str) -> str:
    """The SQLAlchemy URL for a ``--database`` value: PostgreSQL always through psycopg 3."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    if not url.startswith(("sqlite://", "postgresql+psycopg://")):
        raise ValueError(f"Unsupported database {url!r}: use sqlite:///file or postgresql://...")
    return url


# An acknowledged push must survive a power cut: the device drops it from its outbox on our
# answer.  FULL syncs the WAL at every commit; NORMAL (only for measuring the cost) does not.
SQLITE_SYNCHRONOUS = ("FULL", "EXTRA", "NORMAL")


def make_engine(url: str, sqlite_synchronous: str = "FULL") -> Engine:
    parsed = make_url(engine_url(url))
    if parsed.get_backend_name() == "sqlite":
        in_memory = parsed.database in (None, "", ":memory:")
        if not in_memory:
            Path(str(parsed.database)).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            parsed,
            connect_args={"check_same_thread": False, "timeout": 30},
            # An in-memory database lives in its one connection: share it (quick tests only,
            # one request at a time).
            poolclass=StaticPool if in_memory else None,
            # Enough connections for the server's worker threads to read side by side (WAL).
            **({} if in_memory else {"pool_size": 20, "max_overflow": 20}),
            hide_parameters=True,  # an error's log line must not hold emails, hashes or records
        )
        if sqlite_synchronous not in SQLITE_SYNCHRONOUS:
            raise ValueError(f"synchronous must be one of {', '.join(SQLITE_SYNCHRONOUS)}")
        _sqlite_transactions(engine, sqlite_synchronous)
        return engine
    return create_engine(parsed, pool_pre_ping=True, hide_parameters=True)


def _sqlite_transactions(engine: Engine, synchronous: str) -> None:
    """Let SQLAlchemy, not the sqlite3 module, say when a transaction begins, and how."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # no implicit BEGIN from the driver
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (run at startup; harmless when up to date)."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    with _MIGRATING, engine.connect() as conn:
        conn.execution_options(**{_WRITE: True})
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


class _WriterTurn:
    """SQLite: one writer at a time, across threads and processes, waiting in line.

    SQLite allows one writer anyway; taking turns here, on a thread lock and then an ``flock``
    of a file beside the database, instead of in SQLite's busy handler (which sleeps in growing
    steps) keeps the latency of concurrent pushes flat, with one process or several.
    """

    def __init__(self, database_path: str | None) -> None:
        self._thread = threading.Lock()
        self._path = f"{database_path}.write-lock" if database_path else None
        self._fd: int | None = None

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self._thread:
            if self._path is None:  # in memory: one process by definition
                yield
                return
            if self._fd is None:
                self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class Database:
    """Opens (and migrates) the database on first use, then hands out transactions.

    A transaction asked for inside another one on the same thread is that same transaction
    (a read inside a write, or a write inside a write): a request resolves its session and does
    its work in one transaction, while each step still says what it needs on its own.
    """

    def __init__(self, url: str, sqlite_synchronous: str = "FULL") -> None:
        self.url = url
        self.sqlite_synchronous = sqlite_synchronous
        self._engine: Engine | None = None
        self._lock = threading.Lock()
        self._sqlite_writer: _WriterTurn | None = None
        self._current = threading.local()

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    engine = make_engine(self.url, self.sqlite_synchronous)
                    upgrade(engine)
                    if engine.dialect.name == "sqlite":
                        path = engine.url.database
                        in_memory = path in (None, "", ":memory:")
                        self._sqlite_writer = _WriterTurn(None if in_memory else path)
                    self._engine = engine
        return self._engine

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def read(self) -> Iterator[Connection]:
        outer: tuple[Connection, bool] | None = getattr(self._current, "tx", None)
        if outer is not None:
            yield outer[0]
            return
        with self.engine.connect() as conn, conn.begin(), self._entered(conn, writing=False):
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        outer: tuple[Connection, bool] | None = getattr(self._current, "tx", None)
        if outer is not None:
            if not outer[1]:
                raise RuntimeError("A write cannot nest inside a read transaction.")
            yield outer[0]
            return
        engine = self.engine
        if self._sqlite_writer is not None:
            with self._sqlite_writer(), self._write(engine) as conn:
                yield conn
        else:
            with self._write(engine) as conn:
                yield conn

    @contextmanager
    def _write(self, engine: Engine) -> Iterator[Connection]:
        with engine.connect() as conn:
            conn.execution_options(**{_WRITE: True})
            with conn.begin(), self._entered(conn, writing=True):
                yield conn

    @contextmanager
    def _entered(self, conn: Connection, *, writing: bool) -> Iterator[None]:
        self._current.tx = (conn, writing)
        try:
            yield
        finally:
            self._current.tx = None

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
        if self._sqlite_writer is not None:
            self._sqlite_writer.close()
            self._sqlite_writer = None
