"""Local changes: what a person's create, edit, delete, restore or dismiss writes.

Each function returns ``Change``\\ s: the full new local record plus the ``Mutation`` that goes
into the outbox.  ``Store.write`` keeps both in one transaction, so a record never changes
without a pending mutation that will carry the change to the server.

Why the rules below:

1. The record's ``version`` stays the server version it is based on; only the server bumps it.
2. ``baseVersion`` is that version, so the server can tell a clean edit from a conflicting one.
3. An edit carries only the fields that really changed: the server merges field by field, and an
   unchanged field sent along would look like a competing edit.
4. A put on a record the server has not confirmed yet (version 0) also carries the required
   fields: the protocol requires them on base 0, as it may be the first the server hears of it.
   A create carries every field.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.core.protocol import Mutation
from app.core.schema import (
    USER_TABLES,
    ValidationError,
    check_fields,
    get_table,
    scrubbed,
    user_fields,
)

NewId = Callable[[], str]


@dataclass(frozen=True)
class Change:
    """A whole new local record and the outbox entry that syncs it."""

    record: dict[str, Any]
    mutation: Mutation

    @property
    def table(self) -> str:
        return self.mutation.table


def _user_table(name: str) -> None:
    get_table(name)
    if name not in USER_TABLES:
        raise ValidationError(f"Records in {name} are made by the server, not edited.")


def _put(
    table: str, record: dict[str, Any], fields: dict[str, Any], now: int, new_id: NewId
) -> Mutation:
    if record["version"] == 0:  # rule 4
        required = [f.name for f in get_table(table).fields if f.required]
        fields = {**{name: record.get(name) for name in required}, **fields}
    return Mutation(new_id(), table, record["id"], "put", record["version"], fields, now)


def create(
    table: str,
    fields: dict[str, Any],
    *,
    device_id: str,
    now: int,
    new_id: NewId,
    record_id: str | None = None,
) -> Change:
    """A new record of ``table`` with ``fields`` (all required ones), made on this device.

    ``record_id`` names a record every device makes under the same id (the person's settings, a
    library exercise), so two devices making it meet in one record, merged field by field.
    """
    _user_table(table)
    spec = get_table(table)
    check_fields(spec, fields, partial=False)
    record: dict[str, Any] = {
        "id": record_id or new_id(),
        "createdAt": now,
        "updatedAt": now,
        "deviceId": device_id,
        "deleted": False,
        "version": 0,
        **user_fields(spec, fields),
    }
    return Change(record, _put(table, record, user_fields(spec, fields), now, new_id))


def edit(
    table: str,
    current: dict[str, Any],
    fields: dict[str, Any],
    *,
    device_id: str,
    now: int,
    new_id: NewId,
) -> Change | None:
    """``current`` with ``fields`` changed; ``None`` when every value is already as given."""
    _user_table(table)
    check_fields(get_table(table), fields, partial=True)
    if current.get("deleted"):
        raise ValidationError("This record was deleted; restore it before editing.")
    changed = {k: v for k, v in fields.items() if current.get(k) != v}
    if not changed:
        return None
    record = {**current, **changed, "updatedAt": now, "deviceId": device_id}
    return Change(record, _put(table, record, changed, now, new_id))


def delete(
    table: str, current: dict[str, Any], *, device_id: str, now: int, new_id: NewId
) -> Change:
    """A tombstone for ``current``; its fields stay on the device so it can be restored.

    The delete carries the record's data too: a server that lost the record (restored from a
    backup, or wiped) then still keeps a whole tombstone (merge rule 5), which a person can
    restore.  A server that has the record keeps its own data and ignores them.
    """
    record = {**current, "deleted": True, "updatedAt": now, "deviceId": device_id}
    kept = tombstone_fields(table, current)
    mutation = Mutation(new_id(), table, current["id"], "delete", current["version"], kept, now)
    return Change(record, mutation)


def tombstone_fields(table: str, record: dict[str, Any]) -> dict[str, Any]:
    """The data a delete of ``record`` carries, so a server that lost it keeps a whole tombstone.

    Only the person's tables; a value the schema refuses (queued by an older app) is left out,
    each on its own, so the rest of the data still reaches the tombstone (the id alone is
    enough for the delete to stick).
    """
    spec = get_table(table)
    if table not in USER_TABLES:
        return {}
    kept = {}
    for name, value in user_fields(spec, record).items():
        if value is None:
            continue
        try:
            check_fields(spec, {name: value}, partial=True)
        except ValidationError:
            continue
        kept[name] = value
    return kept


def undelete(
    table: str, tombstone: dict[str, Any], *, device_id: str, now: int, new_id: NewId
) -> Change:
    """Undo a delete: the tombstone comes back with the fields it kept (kind ``restore``)."""
    _user_table(table)
    spec = get_table(table)
    fields = {f.name: tombstone[f.name] for f in spec.fields if f.name in tombstone}
    check_fields(spec, fields, partial=True)
    record = {**tombstone, "deleted": False, "updatedAt": now, "deviceId": device_id}
    mutation = Mutation(
        new_id(), table, tombstone["id"], "restore", tombstone["version"], fields, now
    )
    return Change(record, mutation)


def dismiss(conflict: dict[str, Any], *, device_id: str, now: int, new_id: NewId) -> Change:
    """Forget a conflict record: the values that won stay, the losing ones are dropped."""
    return delete("conflicts", conflict, device_id=device_id, now=now, new_id=new_id)


def restore(
    conflict: dict[str, Any],
    current: dict[str, Any] | None,
    *,
    device_id: str,
    now: int,
    new_id: NewId,
) -> list[Change]:
    """Bring back a conflict record's losing values onto its target record, then dismiss it.

    ``current`` is the target record as this device has it (``None`` if it has none).  A
    deleted or missing target is undeleted with kind ``restore``; a live one gets a put of the
    values that differ, based on its current version, so the server still merges it field by
    field.  Either way only the losing values travel: sending the whole record would overwrite,
    unseen, anything written on other devices since this device last pulled.

    The target's table is the conflict's ``recordTable``.
    """
    spec = get_table(conflict.get("recordTable"))
    _user_table(spec.name)
    lost = {k: v for k, v in (conflict.get("fields") or {}).items() if k in spec.field_map}
    check_fields(spec, lost, partial=True)
    changes: list[Change] = []
    deleted = current is not None and bool(current.get("deleted"))
    # A refused delete carries the record's data: the tombstone here holds exactly those values.
    refused_delete = deleted and all(current.get(k) == v for k, v in lost.items())  # type: ignore[union-attr]
    if (
        conflict.get("reason") == REFUSED
        and current is not None
        and (refused_delete or not deleted)
    ):
        # The change the server refused, sent again as it was, on the current version: its
        # values equal the local record's (that is what never reached the server), so an edit
        # of "what differs" would send nothing.
        if deleted:
            changes.append(delete(spec.name, current, device_id=device_id, now=now, new_id=new_id))
        else:
            record = {**current, **lost, "updatedAt": now, "deviceId": device_id}
            changes.append(Change(record, _put(spec.name, record, lost, now, new_id)))
    elif current is None or deleted:
        base: dict[str, Any] = current or {
            "id": conflict["recordId"],
            "createdAt": now,
            "version": 0,
        }
        record = {**base, **lost, "updatedAt": now, "deviceId": device_id, "deleted": False}
        if current is None:
            # Nothing local to fill the gaps: the losing values must make a whole record.
            check_fields(spec, user_fields(spec, record), partial=False)
        mutation = Mutation(
            new_id(), spec.name, record["id"], "restore", record["version"], lost, now
        )
        changes.append(Change(record, mutation))
    else:
        change = edit(spec.name, current, lost, device_id=device_id, now=now, new_id=new_id)
        if change is not None:
            changes.append(change)
    changes.append(dismiss(conflict, device_id=device_id, now=now, new_id=new_id))
    return changes


# Conflict records for refused changes get ids derived from the mutation, so a retry of the same
# refusal never makes two.
REFUSED_NAMESPACE = uuid.UUID("3f5c7a52-9a0e-4a53-8d77-6f1f2b1f0c11")
REFUSED = "refused"


def refused(mutation: Mutation, *, device_id: str, now: int) -> dict[str, Any]:
    """A local conflict record keeping a change the server refused (422), for the person to see.

    The change leaves the outbox (it would be refused again and again, holding up every later
    change), but what it carried stays on the device, listed under Conflicts.
    """
    return {
        "id": str(uuid.uuid5(REFUSED_NAMESPACE, mutation.mutation_id)),
        "createdAt": now,
        "updatedAt": now,
        "deviceId": device_id,
        "deleted": False,
        "version": 0,
        "recordTable": mutation.table,
        "recordId": mutation.id,
        "reason": REFUSED,
        # What the server refused may hold text no part can carry (a lone surrogate, a control
        # character): kept readable, so the record itself can be stored, exported and imported.
        "fields": scrubbed(dict(mutation.fields)),
        "serverFields": {},
        "lostBy": device_id,
    }
