"""Taking records in from outside (an export file, another importer, the guest's data).

The one entry point for records that did not come from this account's server is
``Store.import_records``; every ``Store`` decides what to write with ``import_changes`` here.

An imported record's ``version`` belongs to whatever server (or account) it came from, so it
is never trusted.  Each record is compared with what the device holds instead:

1. the device holds the same state (same values, same deleted/alive): nothing changes;
2. the device has no record of that id: it is stored as a new record (version 0) and uploaded
   as new (``baseVersion`` 0); the server merges it field by field if it does know the id;
3. the device holds it with other values: the import becomes an ordinary edit (or delete) based
   on the version the device holds, so the server's merge rules decide as for any edit; the
   values it replaced are kept as a conflict record (reason ``imported``), which the person can
   restore, so an older file never silently rolls back newer data;
4. the device holds it deleted and the file alive: deletes stick; the file's values are kept
   as a conflict record (reason ``import-deleted``) whose Restore brings the record back.

Conflict records in the file are kept on the device when it has none of that id (they are
never pushed: conflict records are the server's); records that conflict with nothing are not.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from app.core import changes
from app.core.changes import Change
from app.core.protocol import Mutation
from app.core.schema import (
    USER_TABLES,
    ValidationError,
    check_record,
    get_table,
    scrubbed,
    user_fields,
)

IMPORTED = "imported"  # the import replaced these values; the replaced ones are kept
IMPORT_DELETED = "import-deleted"  # the file holds a record deleted here; its values are kept

Held = Mapping[tuple[str, str], dict[str, Any] | None]


@dataclass
class ImportOutcome:
    """What an import wrote: local rows (with outbox entries for the changes), and counts."""

    changes: list[Change] = field(default_factory=list)  # records + outbox entries
    rows: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # local-only records
    counts: dict[str, int] = field(default_factory=dict)  # records new or changed, per table
    unchanged: int = 0
    kept: int = 0  # conflict records keeping values the import replaced or could not apply

    def summary(self) -> str:
        parts = [count_phrase(n, get_table(t).label) for t, n in self.counts.items() if n]
        text = f"Imported {', '.join(parts)}." if parts else "Nothing new to import."
        if self.unchanged:
            text += f" {count_phrase(self.unchanged, 'records')} were already here as in the file."
        if self.kept:
            text += (
                f" {count_phrase(self.kept, 'values')} this device held differently are kept "
                "under Settings → Conflicts, where you can restore them."
            )
        return text


def count_phrase(n: int, label: str) -> str:
    if n == 1 and label.endswith("s"):
        label = label[:-1]
    return f"{n:,} {label}"


def check_tables(tables: dict[str, list[dict[str, Any]]]) -> None:
    """Every record fits the schema, or ``ValidationError`` before anything is decided."""
    for name, records in tables.items():
        spec = get_table(name)
        if not isinstance(records, list):
            raise ValidationError(f"{spec.label.capitalize()} must be a list of records.")
        for record in records:
            check_record(spec, record)


def _kept(
    table: str,
    record_id: str,
    reason: str,
    lost: dict[str, Any],
    won: dict[str, Any],
    *,
    conflict_id: str,
    device_id: str,
    now: int,
) -> dict[str, Any]:
    return {
        "id": conflict_id,
        "createdAt": now,
        "updatedAt": now,
        "deviceId": device_id,
        "deleted": False,
        "version": 0,
        "recordTable": table,
        "recordId": record_id,
        "reason": reason,
        # What the device held may be text an older app version queued and no part can carry
        # (a lone surrogate, a control character): kept readable, as a refused change is.
        "fields": scrubbed(lost),
        "serverFields": won,
        "lostBy": device_id,
    }


def import_changes(
    tables: dict[str, list[dict[str, Any]]],
    held: Held,
    *,
    device_id: str,
    now: int,
    new_id: Callable[[], str],
) -> ImportOutcome:
    """What importing ``tables`` writes, given the records the device ``held`` (rules 1-4).

    ``held`` maps ``(table, id)`` of every imported record to the device's copy (tombstones
    included) or ``None``.  Raises ``ValidationError`` (nothing decided) on an invalid record.
    """
    check_tables(tables)
    out = ImportOutcome()
    stamp: dict[str, Any] = {"device_id": device_id, "now": now, "new_id": new_id}

    def keep(table: str, rid: str, reason: str, lost: dict[str, Any], won: dict[str, Any]) -> None:
        cid = new_id()
        out.rows.append(
            (
                "conflicts",
                _kept(table, rid, reason, lost, won, conflict_id=cid, device_id=device_id, now=now),
            )
        )
        out.kept += 1

    for name, records in tables.items():
        spec = get_table(name)
        for record in records:
            rid = record["id"]
            local = held.get((name, rid))
            if name not in USER_TABLES:
                if local is None:  # a conflict record: kept on this device, never pushed
                    out.rows.append((name, {**record, "version": 0}))
                    out.counts[name] = out.counts.get(name, 0) + 1
                else:
                    out.unchanged += 1
                continue
            values = user_fields(spec, record)
            if local is None:  # rule 2
                fresh = {**record, "version": 0}
                kind = "delete" if record["deleted"] else "put"
                sent = {} if record["deleted"] else values
                mutation = Mutation(new_id(), name, rid, kind, 0, sent, now)
                out.changes.append(Change(fresh, mutation))
                out.counts[name] = out.counts.get(name, 0) + 1
                continue
            mine = user_fields(spec, local)
            if bool(local.get("deleted")) == record["deleted"] and (
                record["deleted"] or mine == values
            ):  # rule 1
                out.unchanged += 1
                continue
            if local.get("deleted"):  # rule 4
                keep(name, rid, IMPORT_DELETED, values, {})
                continue
            if record["deleted"]:  # rule 3, a delete
                out.changes.append(changes.delete(name, local, **stamp))
                keep(name, rid, IMPORTED, mine, {})
            else:  # rule 3, an edit
                edit = changes.edit(name, local, values, **stamp)
                if edit is None:  # pragma: no cover - rule 1 caught equal values
                    continue
                replaced = {k: mine[k] for k in edit.mutation.fields if mine.get(k) != values[k]}
                out.changes.append(edit)
                keep(name, rid, IMPORTED, replaced, {k: values[k] for k in replaced})
            out.counts[name] = out.counts.get(name, 0) + 1
    return out


def import_keys(tables: dict[str, list[dict[str, Any]]]) -> list[tuple[str, str]]:
    """The ``(table, id)`` of every record to import (what a Store looks up as ``held``)."""
    return [
        (name, record["id"])
        for name, records in tables.items()
        if isinstance(records, list)
        for record in records
        if isinstance(record, dict) and isinstance(record.get("id"), str)
    ]
