"""The storage seam: one ``Database`` per app, handing out transactions on SQLite or PostgreSQL.

Everything above this module speaks SQLAlchemy Core through ``read()`` and ``write()``; nothing
else knows which database it runs on.  ``write()`` takes the database's write lock on SQLite
(``BEGIN IMMEDIATE``) so that a push never fails half-way on a busy database, and commits the
writes that queued up meanwhile together (``_GroupCommit``); on PostgreSQL the push itself locks
the user's row (see ``server/push.py``).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
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


# The requests' worker threads (``run_in_threadpool``: anyio's default limit); a process uses at
# most about this many database connections at once.
WORKER_THREADS = 40

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
    return create_engine(
        parsed,
        pool_pre_ping=True,
        # As many connections kept open as the worker threads can use at once.  With
        # SQLAlchemy's default (5 kept, 10 more closed again after each use) a busy process
        # opened a new connection every few dozen requests: a new PostgreSQL backend process
        # each time, which must fork, load its caches and prepare its statements afresh.
        # PostgreSQL's max_connections must allow for this many per process (docs/scaling.md).
        pool_size=WORKER_THREADS,
        max_overflow=10,
        hide_parameters=True,
    )


def _sqlite_transactions(engine: Engine, synchronous: str) -> None:
    """Let SQLAlchemy, not the sqlite3 module, say when a transaction begins, and how."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # no implicit BEGIN from the driver
        cursor = dbapi_connection.cursor()
        _until_unlocked(lambda: cursor.execute("PRAGMA journal_mode=WAL"))  # readers never wait
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(_WRITE, False)
        # On the driver itself: every request begins a transaction, and this is all it takes.
        conn.connection.driver_connection.execute(  # type: ignore[union-attr]
            "BEGIN IMMEDIATE" if immediate else "BEGIN"
        )


# How long a connection keeps asking while another process sets up the same file.
LOCKED_WAIT_S = 30.0


def _until_unlocked(step: Callable[[], object]) -> None:
    """Run ``step``, again while SQLite answers "database is locked" without having waited.

    Turning on WAL takes the file for itself: a second process starting at that moment (two
    ``--workers`` on a new file) may be refused at once, SQLite's busy timeout notwithstanding.
    """
    import sqlite3

    deadline = time.monotonic() + LOCKED_WAIT_S
    pause = 0.01
    while True:
        try:
            step()
            return
        except sqlite3.OperationalError as err:
            if "locked" not in str(err) or time.monotonic() > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.25)


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
        self._path = f"{database_path}.write-lock" if database_path else None
        self._fd: int | None = None

    def acquire(self) -> None:
        """Across processes (the caller already holds this process's turn)."""
        if self._path is None:  # in memory: one process by definition
            return
        if self._fd is None:
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._fd, fcntl.LOCK_EX)

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


# Group commit (SQLite): a transaction stays open for the writers waiting in line, up to this
# many of them or this long since it began, and then one COMMIT (one fsync) makes all of them
# durable together.
GROUP_MEMBERS = 64
GROUP_SECONDS = 0.010


class CommitFailed(Exception):
    """The group transaction a write was part of did not commit: nothing of it was kept."""


class _Group:
    """One SQLite transaction shared by the writes that queued up while it was open."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.began = time.monotonic()
        self.members = 0
        self.done = threading.Event()
        self.error: BaseException | None = None


class _GroupCommit:
    """SQLite writes in turn, committed in groups: durable before anyone is answered.

    A write waits for the process's turn (a thread lock), then runs its work inside a SAVEPOINT
    of the open group transaction (opening one, with the cross-process ``flock`` and ``BEGIN
    IMMEDIATE``, if there is none).  Work that fails rolls back to its savepoint and fails alone,
    at once.  Work that succeeds is released into the group; the last writer in line (or the one
    that fills the group) commits it, and every member returns only after that commit: an
    acknowledged push is on disk exactly as with one commit per push (``synchronous=FULL``),
    at one fsync per group instead of one per push.  A failed commit fails every member, and
    none of them changed anything.  Members run one after another on one connection, so each
    sees the ones before it, as if committed one by one in that order.
    """

    def __init__(self, engine: Engine, turn: _WriterTurn, members: int) -> None:
        self._engine = engine
        self._turn = turn
        self._max_members = members
        self._thread = threading.Lock()
        self._count = threading.Lock()
        self.waiting = 0  # writers in line for the thread lock
        self._group: _Group | None = None

    @contextmanager
    def write(
        self, entered: Callable[[Connection], AbstractContextManager[None]]
    ) -> Iterator[Connection]:
        with self._count:
            self.waiting += 1
        self._thread.acquire()
        try:
            with self._count:
                self.waiting -= 1
            group = self._group or self._open()
            # Savepoints on the driver itself (SQLAlchemy's cost more than the SQLite work of
            # a small push); SQLAlchemy's transaction is the group's, around them.
            driver = group.conn.connection.driver_connection
            try:
                driver.execute("SAVEPOINT member")  # type: ignore[union-attr]
            except BaseException as err:
                self._end(group, err)
                raise
            try:
                with entered(group.conn):
                    yield group.conn
            except BaseException as err:
                try:
                    driver.execute("ROLLBACK TO member")  # type: ignore[union-attr]
                    driver.execute("RELEASE member")  # type: ignore[union-attr]
                except BaseException as broken:  # the transaction is gone: so is the group
                    self._end(group, broken)
                    raise err from broken
                self._settle(group)
                raise
            try:
                driver.execute("RELEASE member")  # type: ignore[union-attr]
            except BaseException as err:
                self._end(group, err)
                raise
            group.members += 1
            self._settle(group)
        finally:
            self._thread.release()
        group.done.wait()
        if group.error is not None:
            raise CommitFailed("The transaction of this write failed to commit.") from group.error

    def _open(self) -> _Group:
        self._turn.acquire()
        try:
            conn = self._engine.connect()
        except BaseException:
            self._turn.release()
            raise
        try:
            conn.execution_options(**{_WRITE: True})
            conn.begin()
        except BaseException:
            conn.close()
            self._turn.release()
            raise
        self._group = _Group(conn)
        return self._group

    def _settle(self, group: _Group) -> None:
        """Under the thread turn, after a member: commit unless more are about to join."""
        with self._count:
            joining = self.waiting > 0
        full = group.members >= self._max_members
        old = time.monotonic() - group.began >= GROUP_SECONDS
        if joining and not full and not old:
            return
        if group.members == 0:
            self._end(group, None, commit=False)
        else:
            self._end(group, None)

    def _end(self, group: _Group, error: BaseException | None, *, commit: bool = True) -> None:
        """Commit (or, after an error, roll back) the group and let its members return."""
        self._group = None
        try:
            if error is None and commit:
                try:
                    group.conn.commit()
                except BaseException as err:
                    error = err
            if error is not None or not commit:
                with contextlib.suppress(Exception):
                    group.conn.rollback()
        finally:
            with contextlib.suppress(Exception):
                group.conn.close()
            self._turn.release()
            group.error = error
            group.done.set()

    def close(self) -> None:
        self._turn.close()


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
        self._sqlite_writer: _GroupCommit | None = None
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
                        # In memory, reads share the one connection: no transaction stays open.
                        self._sqlite_writer = _GroupCommit(
                            engine,
                            _WriterTurn(None if in_memory else path),
                            1 if in_memory else GROUP_MEMBERS,
                        )
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
        with self.engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                # No BEGIN and COMMIT around a read: two round trips fewer.  At READ COMMITTED
                # (PostgreSQL's default, ours) each statement sees what was committed when it
                # began, in a transaction or not; statements sent together
                # (``prepared.together``) still run as one implicit transaction.
                conn.execution_options(isolation_level="AUTOCOMMIT")
            with conn.begin(), self._entered(conn, writing=False):
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
            with self._sqlite_writer.write(self._entered_writing) as conn:
                yield conn
            return
        with engine.connect() as conn:
            conn.execution_options(**{_WRITE: True})
            with conn.begin(), self._entered(conn, writing=True):
                yield conn

    def _entered_writing(self, conn: Connection) -> AbstractContextManager[None]:
        return self._entered(conn, writing=True)

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
