"""The sync requests' hot statements: Core statements compiled once, run on the driver's cursor.

Every sync request runs a handful of small statements.  Through ``Connection.execute`` each one
costs SQLAlchemy about 0.1 ms of Python (building the statement, its cache key, the compiled-cache
lookup, wrapping the result), against a few microseconds in SQLite itself: most of a request's
database time.  A ``Prepared`` statement is written in Core like any other, compiled once per
dialect into the very SQL SQLAlchemy would send, and executed on the transaction's own driver
connection.  Driver errors are raised as SQLAlchemy's, without their parameters, as everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError
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
            raise DBAPIError.instance(
                sql,
                None,
                err,
                conn.dialect.loaded_dbapi.Error,
                hide_parameters=True,
                dialect=conn.dialect,
            ) from err
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
        self._run(conn, lambda cursor, sql: cursor.execute(sql, args))

    def execute_many(self, conn: Connection, params: Sequence[Params]) -> None:
        args = [self._args(conn, p) for p in params]
        self._run(conn, lambda cursor, sql: cursor.executemany(sql, args))


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
        prepared = self._by_length.get(n)
        if prepared is None:
            prepared = self._by_length[n] = Prepared(self.make(n))
        return prepared.rows(conn, {**params, **_numbered(values)})


def _numbered(values: Sequence[Any]) -> dict[str, Any]:
    return {f"in_{i}": v for i, v in enumerate(values)}


def in_names(n: int) -> list[str]:
    """The parameter names ``PreparedIn`` gives an ``IN`` list of ``n`` values."""
    return [f"in_{i}" for i in range(n)]
