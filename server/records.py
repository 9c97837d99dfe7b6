"""Reading and writing synced records: database rows to ``merge.Row`` and back.

Every query here is scoped by ``user_id``: the same record id under two users is two rows, and
no request can name its way into another user's data.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from app.core.merge import Row
from server.prepared import Pending, Prepared, PreparedIn, in_names
from server.tables import records

# The columns a record is read with, in this order (``from_values``).
COLUMNS = (
    records.c.table_name,
    records.c.id,
    records.c.version,
    records.c.deleted,
    records.c.data,
    records.c.field_versions,
    records.c.device_id,
    records.c.created_at,
    records.c.updated_at,
)
_BY_IDS = PreparedIn(
    lambda n: select(*COLUMNS).where(
        records.c.user_id == bindparam("user_id"),
        records.c.id.in_([bindparam(name) for name in in_names(n)]),
    )
)
_SINCE = Prepared(
    select(*COLUMNS)
    .where(records.c.user_id == bindparam("user_id"), records.c.version > bindparam("since"))
    .order_by(records.c.version)
    .limit(bindparam("limit", literal_execute=False))
)
_WRITTEN = (
    "user_id",
    "table_name",
    "id",
    "version",
    "deleted",
    "data",
    "field_versions",
    "device_id",
    "created_at",
    "updated_at",
)
_INSERT = Prepared(insert(records).values({name: bindparam(name) for name in _WRITTEN}))
# What ``_values`` gives, set on a row found by its key.
_UPDATED = ("version", "deleted", "data", "field_versions", "device_id", "created_at", "updated_at")
_UPDATE = Prepared(
    update(records)
    .where(
        records.c.user_id == bindparam("user_id"),
        records.c.table_name == bindparam("key_table"),
        records.c.id == bindparam("key_id"),
    )
    .values({name: bindparam(name) for name in _UPDATED})
)


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True, allow_nan=False)


def _field_versions(stored: str) -> dict[str, Any]:
    """``Row.field_versions`` and ``Row.field_commits`` from the column: ``{field: [version,
    deviceId]}``, with a third item, the version the server stored it at, where that differs
    (a re-sent value, merge rule 8).  Rows written before the third item existed read as they
    did; a server of that time reads the first two items only."""
    found = json.loads(stored)
    return {
        "field_versions": {k: (v[0], v[1]) for k, v in found.items()},
        "field_commits": {k: v[2] for k, v in found.items() if len(v) > 2},
    }


def from_db(row: Any) -> Row:
    return Row(
        table=row.table_name,
        id=row.id,
        version=row.version,
        deleted=bool(row.deleted),
        fields=json.loads(row.data),
        **_field_versions(row.field_versions),
        device_id=row.device_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def from_values(values: tuple[Any, ...]) -> Row:
    """A row read with ``COLUMNS``."""
    table, id_, version, deleted, data, field_versions, device_id, created, updated = values
    return Row(
        table=table,
        id=id_,
        version=version,
        deleted=bool(deleted),
        fields=json.loads(data),
        **_field_versions(field_versions),
        device_id=device_id,
        created_at=created,
        updated_at=updated,
    )


def load(conn: Connection, user_id: int, table: str, record_id: str) -> Row | None:
    found = conn.execute(
        select(records).where(
            records.c.user_id == user_id,
            records.c.table_name == table,
            records.c.id == record_id,
        )
    ).first()
    return None if found is None else from_db(found)


def load_ids(conn: Connection, user_id: int, ids: set[str]) -> list[Row]:
    """The user's records with any of these ids, in whichever tables."""
    if not ids:
        return []
    return read_rows(send_load_ids(conn, user_id, ids))


def send_load_ids(conn: Connection, user_id: int, ids: set[str]) -> Pending | None:
    """``load_ids``'s query, sent with others (``prepared.together``); ``read_rows`` reads it."""
    if not ids:
        return None
    return _BY_IDS.send(conn, {"user_id": user_id}, sorted(ids))


def read_rows(sent: Pending | None) -> list[Row]:
    return [] if sent is None else [from_values(r) for r in sent.rows()]


def _values(row: Row) -> dict[str, Any]:
    return {
        "version": row.version,
        "deleted": row.deleted,
        "data": _dumps(row.fields),
        "field_versions": _dumps(
            {
                k: [*v, row.field_commits[k]] if k in row.field_commits else list(v)
                for k, v in row.field_versions.items()
            }
        ),
        "device_id": row.device_id,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
    }


def save_many(conn: Connection, user_id: int, *, inserts: list[Row], updates: list[Row]) -> None:
    """Write new rows and changed rows, each kind in one batched statement."""
    if inserts:
        _INSERT.execute_many(
            conn,
            [
                {"user_id": user_id, "table_name": r.table, "id": r.id, **_values(r)}
                for r in inserts
            ],
        )
    if updates:
        _UPDATE.execute_many(
            conn,
            [
                {"user_id": user_id, "key_table": r.table, "key_id": r.id, **_values(r)}
                for r in updates
            ],
        )


def changes_since(conn: Connection, user_id: int, since: int, limit: int) -> list[Row]:
    """Up to ``limit`` records changed after version ``since``, oldest change first."""
    return read_changes(send_changes_since(conn, user_id, since, limit))


def send_changes_since(conn: Connection, user_id: int, since: int, limit: int) -> Pending:
    """``changes_since``'s query, sent with others; ``read_changes`` reads it."""
    return _SINCE.send(conn, {"user_id": user_id, "since": since, "limit": limit})


def read_changes(sent: Pending) -> list[Row]:
    return [from_values(r) for r in sent.rows()]
