"""Recovery sync: after the server's database was restored (or wiped), send back what it lost.

A device notices in a pull answer (``app.core.downstream``): the server's ``epoch`` is not the one it
stored, or the account's version is below the device's cursor.  It then pulls everything from
0, holding the server's copies aside, and takes those it may (``taken_in_recovery``): copies
of records it lacks, or holds with the same values.  It re-sends each record it holds that the
server lacks or holds with other values: a ``recover`` of its whole copy based on the version
it holds (a ``delete`` for a tombstone).  The server takes those without conflicts when the
device's copy is newer (merge rule 8), so a device re-sending its own state never conflicts
with itself; when another device re-sent another copy first, the server merges them field by
field and what loses is kept in a conflict record: never silently lost.

Outbox entries of a record the server lacks are replaced by its re-send (``folded``): the
whole copy already holds their edits, and a partial edit of a record the server lost would be
refused; it goes as a whole ``put`` (its values hold a person's edits made after its version,
so they count as written now, rule 3).  A record with changes waiting that the server holds
keeps them, and is re-sent whole after them even when the server holds it at a newer version:
that copy may have been made after the restore from a late partial edit alone, so fields only
the device holds would be lost.  Every other re-send is a ``recover``, which the server notes
as being as old as the version it was at (rule 8), so a newer copy re-sent later still wins.
Conflict records are never re-sent (they are the server's); a record never synced (version 0)
travels with its own outbox entries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from app.core.changes import refused, tombstone_fields
from app.core.protocol import Mutation
from app.core.schema import CONFLICTS, USER_TABLES, get_table, user_fields

RECOVERING_KEY = "recovering"  # meta: a recovery sync started and has not finished
EPOCH_KEY = "epoch"  # meta: the server database this device's data and cursor belong to

Key = tuple[str, str]


def recovery_mutations(
    tables: Mapping[str, Iterable[dict[str, Any]]],
    server: Mapping[Key, dict[str, Any]],
    pending: set[Key],
    *,
    now: int,
    new_id: Callable[[], str],
) -> list[Mutation]:
    """The mutations that give the server back what it lost of ``tables`` (the device's).

    ``server`` holds the server's copy of every record (as pulled from 0, by ``(table, id)``).
    A record is re-sent when the server lacks it, holds it at a lower version, holds other
    values (``differs``), or it has changes waiting here.
    """
    out = []
    for name in USER_TABLES:
        spec = get_table(name)
        for record in tables.get(name, ()):
            key = (name, record["id"])
            version = int(record.get("version") or 0)
            held = server.get(key)
            if version == 0 and key in pending:
                continue  # never synced: its own outbox entries create it
            if version == 0:
                continue  # nothing of the server's: nothing to give back
            if held is not None and key not in pending and not differs(spec.name, record, held):
                continue  # the server holds this state (the pull takes its version)
            if record.get("deleted"):  # the tombstone keeps its data on the server too
                kept = tombstone_fields(name, record)
                out.append(Mutation(new_id(), name, record["id"], "delete", version, kept, now))
            else:
                fields = user_fields(spec, record)
                # A copy holding edits not sent yet, of a record the server lacks, takes their
                # place (``folded``): newer than its version, it goes as a whole put (its
                # fields count as written now, merge rule 3).  Any other copy is a recover, as
                # old as its version (rule 8), sent after the record's own pending edits.
                kind = "put" if key in pending and held is None else "recover"
                out.append(Mutation(new_id(), name, record["id"], kind, version, fields, now))
    return out


def differs(table: str, local: dict[str, Any], server: dict[str, Any]) -> bool:
    """Whether two copies of a record hold other values (or one is deleted and not the other)."""
    spec = get_table(table)
    if bool(local.get("deleted")) != bool(server.get("deleted")):
        return True
    return user_fields(spec, local) != user_fields(spec, server)


def taken_in_recovery(
    table: str, local: dict[str, Any] | None, server: dict[str, Any], *, pending: bool
) -> bool:
    """Whether the server's copy, pulled in a recovery, may replace the device's.

    Versions from before and after a restore say nothing about which copy is newer (another
    device may have re-sent an older copy first, which took a new version), so a copy the
    device holds with other values is kept and re-sent instead (``recovery_mutations``): the
    server then merges the two by its rules, and what loses is kept in a conflict record.
    Conflict records, and records the device lacks or holds alike, are taken by the usual
    rules (``app.core.store.take_pulled``).
    """
    if pending:
        return False
    if local is None or table not in USER_TABLES or not int(local.get("version") or 0):
        return True
    return not differs(table, local, server)


def recovery_rows(
    tables: Mapping[str, Iterable[dict[str, Any]]],
    server: Mapping[Key, dict[str, Any]],
    pending: set[Key],
) -> list[tuple[str, dict[str, Any]]]:
    """What a recovery stores on the device: the server's copies it may take
    (``taken_in_recovery``), and the conflict records the server lost, kept here as the
    device's own (version 0, never pushed): their losing values can still be restored."""
    held = {(name, r["id"]): r for name, rows in tables.items() for r in rows}
    rows = [
        (table, record)
        for (table, id), record in server.items()
        if taken_in_recovery(table, held.get((table, id)), record, pending=(table, id) in pending)
    ]
    for record in tables.get(CONFLICTS.name, ()):
        key = (CONFLICTS.name, record["id"])
        if int(record.get("version") or 0) and key not in server and key not in pending:
            rows.append((CONFLICTS.name, {**record, "version": 0}))
    return rows


def folded(mutations: Iterable[Mutation], server: Mapping[Key, dict[str, Any]]) -> set[Key]:
    """The records whose pending outbox entries a recovery's re-send replaces: those the server
    lacks (a partial edit of a record the server lost would be refused).  The pending edits of
    a record the server holds go as they are, before its re-send: each is merged as the edit it
    is, so a value typed here that loses to another device's is kept in a conflict record.

    The device holds each record in this set at version 0 until the server takes its re-send,
    as a record made here (``app.core.store.refused_cursor``): should the server refuse the
    re-send (an edit an older app queued), the copy holding the refused values goes and the
    refused conflict record keeps them all; a copy at its old version would never be replaced,
    since the server has no copy to send back."""
    return {(m.table, m.id) for m in mutations if (m.table, m.id) not in server}


def set_aside(
    tables: Mapping[str, Iterable[dict[str, Any]]], mutations: Iterable[Mutation], *, now: int
) -> list[dict[str, Any]]:
    """Refused-change records (``app.core.changes.refused``) for the values re-sent tombstones
    cannot carry: text the schema refuses, which an older app queued before the record was
    deleted here.  Sent as an edit, the server would have refused it and the device kept it
    aside; folded into the tombstone's re-send it would otherwise vanish unseen."""
    held = {(name, r["id"]): r for name, rows in tables.items() for r in rows}
    out = []
    for mutation in mutations:
        record = held.get((mutation.table, mutation.id))
        if mutation.kind != "delete" or record is None:
            continue
        data = user_fields(get_table(mutation.table), record)
        left = {k: v for k, v in data.items() if v is not None and k not in mutation.fields}
        if left:
            device = str(record.get("deviceId") or "")
            dropped = Mutation(
                mutation.mutation_id, mutation.table, mutation.id, "put", 0, left, now
            )
            out.append(refused(dropped, device_id=device, now=now))
    return out
