"""The sync requests' hot statements: Core statements compiled once, run on the driver's cursor.

Every sync request runs a handful of small statements.  Through ``Connection.execute`` each one
costs SQLAlchemy about 0.1 ms of Python (building the statement, its cache key, the compiled-cache
lookup, wrapping the result), against a few microseconds in SQLite itself: most of a request's
database time.  A ``Prepared`` statement is written in Core like any other, compiled once per
dialect into the very SQL SQLAlchemy would send, and executed on the transaction's own driver
connection.  Driver errors are raised as SQLAlchemy's, without their parameters, as everywhere.

On PostgreSQL every statement is a network round trip, and each one costs the database a wake-up
as well as its work.  Statements sent inside ``together(conn)`` go out as one pipeline (psycopg's
pipeline mode): one round trip for the lot, each still run in order, in the same transaction;
their rows are read after the block (``Pending.rows()``).  On SQLite, which has no round trips,
``together`` does nothing and every statement runs at once, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.sql.expression import Executable

Params = Mapping[str, Any]


class Prepared:
    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        # dialect name -> (SQL, parameter names in order for positional drivers or None,
        # the values SQLAlchemy fills in itself, such as SQLite's OFFSET after a LIMIT)
        self._compiled: dict[str, tuple[str, tuple[str, ...] | None, dict[str, Any]]] = {}

    def _sql(self, conn: Connection) -> tuple[str, tuple[str, ...] | None, dict[str, Any]]:
        dialect = conn.dialect
        found = self._compiled.get(dialect.name)
        if found is None:
            compiled = self.statement.compile(dialect=dialect)  # type: ignore[attr-defined]
            names = tuple(compiled.positiontup or ()) if compiled.positional else None
            own = {k: v for k, v in compiled.params.items() if v is not None}
            found = (compiled.string, names, own)
            self._compiled[dialect.name] = found
        return found

    def _run(self, conn: Connection, call: Callable[[Any, str], Any]) -> Any:
        sql = self._sql(conn)[0]
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            return call(cursor, sql)
        except conn.dialect.loaded_dbapi.Error as err:
            raise _error(conn, sql, err) from err
        finally:
            cursor.close()

    def _args(self, conn: Connection, params: Params) -> Any:
        _, names, own = self._sql(conn)
        if own:
            params = {**own, **params}
        return params if names is None else tuple(params[name] for name in names)

    def rows(self, conn: Connection, params: Params) -> list[tuple[Any, ...]]:
        """All rows of a query, as tuples in the order of its columns."""
        args = self._args(conn, params)
        rows: list[tuple[Any, ...]] = self._run(
            conn, lambda cursor, sql: cursor.execute(sql, args).fetchall()
        )
        return rows

    def execute(self, conn: Connection, params: Params) -> None:
        args = self._args(conn, params)
        if _pipelined(conn):
            self._send(conn, lambda cursor, sql: cursor.execute(sql, args))
            return
        self._run(conn, lambda cursor, sql: cursor.execute(sql, args))

    def execute_many(self, conn: Connection, params: Sequence[Params]) -> None:
        args = [self._args(conn, p) for p in params]
        if _pipelined(conn):
            self._send(conn, lambda cursor, sql: cursor.executemany(sql, args))
            return
        self._run(conn, lambda cursor, sql: cursor.executemany(sql, args))

    def send(self, conn: Connection, params: Params) -> Pending:
        """Run the statement, its rows to be read later: inside ``together`` on PostgreSQL it
        goes out with the block's other statements; elsewhere it runs (and is read) at once."""
        if not _pipelined(conn):
            return Pending(conn, "", None, self.rows(conn, params))
        args = self._args(conn, params)
        return self._send(conn, lambda cursor, sql: cursor.execute(sql, args))

    def _send(self, conn: Connection, call: Callable[[Any, str], Any]) -> Pending:
        sql = self._sql(conn)[0]
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            call(cursor, sql)
        except conn.dialect.loaded_dbapi.Error as err:
            cursor.close()
            raise _error(conn, sql, err) from err
        return Pending(conn, sql, cursor, None)


class Pending:
    """A statement sent: its rows, read once asked for (after the ``together`` block)."""

    def __init__(
        self, conn: Connection, sql: str, cursor: Any, rows: list[tuple[Any, ...]] | None
    ) -> None:
        self._conn = conn
        self._sql = sql
        self._cursor = cursor
        self._rows = rows

    def rows(self) -> list[tuple[Any, ...]]:
        if self._rows is None:
            try:
                self._rows = self._cursor.fetchall()
            except self._conn.dialect.loaded_dbapi.Error as err:
                raise _error(self._conn, self._sql, err) from err
            finally:
                self._cursor.close()
        return self._rows


@contextmanager
def together(conn: Connection) -> Iterator[None]:
    """The statements sent inside go to PostgreSQL in one round trip (a pipeline), run there in
    order; any error among them is raised here.  On SQLite each has already run on its own."""
    if conn.dialect.name != "postgresql":
        yield
        return
    driver = conn.connection.driver_connection
    try:
        with driver.pipeline():  # type: ignore[union-attr]
            yield
    except conn.dialect.loaded_dbapi.Error as err:
        raise _error(conn, "(pipeline)", err) from err


def _pipelined(conn: Connection) -> bool:
    """Inside ``together`` on PostgreSQL."""
    if conn.dialect.name != "postgresql":
        return False
    return bool(conn.connection.driver_connection.pgconn.pipeline_status)  # type: ignore[union-attr]


def _error(conn: Connection, sql: str, err: Exception) -> StatementError:
    """A driver error as SQLAlchemy's, without its parameters (they may hold personal data)."""
    return DBAPIError.instance(
        sql,
        None,
        err,
        conn.dialect.loaded_dbapi.Error,
        hide_parameters=True,
        dialect=conn.dialect,
    )


class PreparedIn:
    """A statement with an ``IN`` list, prepared per list length up to ``most`` (the usual small
    pushes); longer lists go through ``Connection.execute`` as before."""

    def __init__(self, make: Callable[[int], Executable], most: int = 16) -> None:
        self.make = make
        self.most = most
        self._by_length: dict[int, Prepared] = {}

    def rows(
        self, conn: Connection, params: Params, values: Sequence[Any]
    ) -> list[tuple[Any, ...]]:
        n = len(values)
        if n > self.most:
            statement = self.make(n)
            return [tuple(r) for r in conn.execute(statement, {**params, **_numbered(values)})]
        return self._prepared(n).rows(conn, {**params, **_numbered(values)})

    def send(self, conn: Connection, params: Params, values: Sequence[Any]) -> Pending:
        """As ``Prepared.send``; a long list inside ``together`` is compiled for this once."""
        n = len(values)
        if n > self.most and not _pipelined(conn):
            return Pending(conn, "", None, self.rows(conn, params, values))
        prepared = self._prepared(n) if n <= self.most else Prepared(self.make(n))
        return prepared.send(conn, {**params, **_numbered(values)})

    def _prepared(self, n: int) -> Prepared:
        prepared = self._by_length.get(n)
        if prepared is None:
            prepared = self._by_length[n] = Prepared(self.make(n))
        return prepared


def _numbered(values: Sequence[Any]) -> dict[str, Any]:
    return {f"in_{i}": v for i, v in enumerate(values)}


def in_names(n: int) -> list[str]:
    """The parameter names ``PreparedIn`` gives an ``IN`` list of ``n`` values."""
    return [f"in_{i}" for i in range(n)]
