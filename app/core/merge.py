"""Merge rules: how the server applies one pushed mutation to the record it holds.

Pure data in, pure data out: no database, no clock, no ``js``.  The server calls ``apply`` once
per mutation inside the push transaction, under the user's lock, with the next free version.

Rules (the numbers are cited in the code):

1. ``put`` on an unknown id creates the record.
2. ``put`` based on the current version (nothing happened since) applies every field.
3. ``put`` when the record moved on since ``baseVersion``: field by field.  A field last written
   after the base by *another* device, whose value differs from the pushed one, keeps the
   server's value; the pushed value is kept in a conflict record.  Every other field applies, so
   edits of different fields on two devices both survive.  A field last written after the base by
   the *same* device is that device's own earlier edit, never a conflict.
4. ``put`` on a tombstone: the delete wins; the whole edit is kept in a conflict record.
5. ``delete`` makes a tombstone (the data stays, with the values the delete carries: what the
   deleting person saw); a delete of an unknown id stores a tombstone, holding whatever fields
   the delete carries (a recovery sync re-sends a lost tombstone that way), so the record can
   never come back.  Values other devices wrote after the deleting device's base are kept in a
   conflict record: the delete wins but nothing is silently lost.
6. ``restore`` (a person's explicit choice) undeletes the record and applies the given fields
   field by field as rule 3 does: a field another device wrote after the restore's base keeps
   its value and the restored one goes into a conflict record, so a late restore never silently
   overwrites newer edits.
7. A mutation that changes nothing writes nothing and takes no version.
8. ``recover`` re-sends the device's whole copy of a record during a recovery sync (the server
   was restored from a backup and may have lost it).  On an unknown id it creates the record
   (rule 1); when its ``baseVersion`` is above the server's version of the record, the device's
   copy is newer than anything the server holds, so it is taken whole (undeleting a tombstone),
   with no conflict; otherwise the server holds the same or a newer state and it is a ``put``
   (rules 2 to 4).  A device re-sending its own state thus never conflicts with itself.

"Written after the base" means stored by the server after it (``Row.committed``): a re-sent value
counts as written at its copy's version (which copy is later), but a device whose base is from
before the restore never saw it, even when that base is higher (a copy from a later epoch of a
server that had lost the value).  So a later copy wins, the value it replaces is kept.

Every conflict record names both sides: ``lostBy`` (the device whose values lost) and ``wonBy``
(the device whose write won).

Device clocks (``clientTime``) only fill the display-only ``createdAt``/``updatedAt``; versions
alone decide what happened after what.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from typing import Any

from app.core.protocol import APPLIED, CONFLICT, MERGED, Mutation
from app.core.schema import CONFLICTS

# Conflict record ids are uuid5(CONFLICT_NAMESPACE, mutationId): a retried push can never make
# a second conflict record for the same lost edit.
CONFLICT_NAMESPACE = uuid.UUID("5e7f10a0-6c0b-4f5e-9a51-2f0e3b8c1d42")

# The deviceId written on records the server makes (conflict records).
SERVER_DEVICE = "server"

# Conflict reasons.
EDITED = "edited"  # another device changed the same field first
DELETED = "deleted"  # the record was deleted elsewhere before this edit arrived
EDITED_THEN_DELETED = "edited-then-deleted"  # this delete removed edits made elsewhere


@dataclass(frozen=True)
class Row:
    """One stored record: envelope, user fields, and who last wrote each field at which version."""

    table: str
    id: str
    version: int
    deleted: bool
    fields: dict[str, Any]
    # field name -> (version, deviceId) of its last write
    field_versions: dict[str, tuple[int, str]] = field(default_factory=dict)
    # field name -> the version at which the server stored its last write, where that is not
    # the version in ``field_versions`` (a re-sent value, rule 8, is as old as its copy).
    field_commits: dict[str, int] = field(default_factory=dict)
    device_id: str = ""
    created_at: int = 0
    updated_at: int = 0

    def to_record(self) -> dict[str, Any]:
        """The record as the wire and the browser's store carry it: envelope, fields, table."""
        record: dict[str, Any] = {
            "id": self.id,
            "createdAt": self.created_at,
            "updatedAt": self.updated_at,
            "deviceId": self.device_id,
            "deleted": self.deleted,
            "version": self.version,
        }
        record.update(self.fields)
        record["table"] = self.table
        return record

    def committed(self, name: str) -> int:
        """The version at which the server stored the last write of field ``name``: a device
        whose base is at least this version has seen it (rules 3 and 5)."""
        return self.field_commits.get(name, self.field_versions.get(name, (0, ""))[0])


@dataclass(frozen=True)
class Outcome:
    """What one mutation did.

    ``row`` is the record's state afterwards; ``written`` says whether it changed (and then it
    carries the new version).  ``conflict`` is a conflict record to store, if something lost.
    """

    status: str
    row: Row
    written: bool
    conflict: Row | None = None

    @property
    def versions_used(self) -> int:
        return int(self.written) + int(self.conflict is not None)


def conflict_id(mutation_id: str) -> str:
    return str(uuid.uuid5(CONFLICT_NAMESPACE, mutation_id))


def apply(
    row: Row | None, mutation: Mutation, device_id: str, next_version: int, now: int = 0
) -> Outcome:
    """Apply ``mutation`` pushed by ``device_id`` to ``row`` (None: the server has no such record).

    A changed record takes ``next_version``; a conflict record takes the version after it (or
    ``next_version`` itself when the record did not change).  ``now`` fills the display-only
    timestamps when the device sent no ``clientTime``.
    """
    stamp = mutation.client_time or now
    if mutation.kind == "delete":
        return _delete(row, mutation, device_id, next_version, stamp)
    # Rule 8: a re-sent copy is as old as the version it was at, whatever version it takes now.
    origin = mutation.base_version if mutation.kind == "recover" else None
    if row is None:  # rule 1 (and a restore or recover of a record the server never had)
        written_at = next_version if origin is None else origin
        created = Row(
            table=mutation.table,
            id=mutation.id,
            version=next_version,
            deleted=False,
            fields=dict(mutation.fields),
            field_versions={name: (written_at, device_id) for name in mutation.fields},
            field_commits=_commits(mutation.fields, written_at, next_version),
            device_id=device_id,
            created_at=stamp,
            updated_at=stamp,
        )
        return Outcome(APPLIED, created, written=True)
    if mutation.kind == "recover" and mutation.base_version > row.version:  # rule 8
        return _write(
            row, mutation.fields, device_id, next_version, stamp, APPLIED, undelete=True, at=origin
        )
    if mutation.kind == "restore":  # rule 6
        return _merge(row, mutation, device_id, next_version, stamp, undelete=True)
    if row.deleted:  # rule 4
        lost = _conflict(
            row,
            mutation,
            device_id,
            row.device_id,
            next_version,
            DELETED,
            dict(mutation.fields),
            {},
        )
        return Outcome(CONFLICT, row, written=False, conflict=lost)
    return _merge(row, mutation, device_id, next_version, stamp, at=origin)


def _merge(
    row: Row,
    mutation: Mutation,
    device_id: str,
    next_version: int,
    stamp: int,
    *,
    undelete: bool = False,
    at: int | None = None,
) -> Outcome:
    """Rules 2 and 3 (and 6, with ``undelete``): apply the fields of ``mutation`` to ``row``."""
    if mutation.base_version >= row.version:  # rule 2
        return _write(
            row, mutation.fields, device_id, next_version, stamp, APPLIED, undelete=undelete, at=at
        )
    # Rule 3: the record moved on since the device's base; decide field by field.  A field
    # another device wrote is one this device never saw when the server stored it after the
    # base (its commit, not the version a re-sent value counts as written at: versions from
    # before and after a restore cannot say that one device saw the other's value).
    winners: dict[str, Any] = {}
    won_at = (0, "")
    losers: dict[str, Any] = {}
    taken: dict[str, Any] = {}
    for name, value in mutation.fields.items():
        if row.fields.get(name) == value:  # an absent field reads as None
            continue
        written_at, writer = row.field_versions.get(name, (0, ""))
        if row.committed(name) > mutation.base_version and writer != device_id:
            winners[name] = row.fields.get(name)
            losers[name] = value
            won_at = max(won_at, (written_at, writer))
        else:
            taken[name] = value
    if losers and at is not None and at > won_at[0]:
        # Rule 8: a re-sent copy later than every value it meets wins, whichever arrived
        # first; the values it replaces, unseen by its device, are kept in a conflict record.
        outcome = _write(
            row,
            {**taken, **losers},
            device_id,
            next_version,
            stamp,
            APPLIED,
            undelete=undelete,
            at=at,
        )
        kept = _conflict(
            row, mutation, won_at[1], device_id, next_version + 1, EDITED, winners, losers
        )
        return replace(outcome, conflict=kept)
    if not losers:
        return _write(row, taken, device_id, next_version, stamp, MERGED, undelete=undelete, at=at)
    outcome = _write(row, taken, device_id, next_version, stamp, CONFLICT, undelete=undelete, at=at)
    lost = _conflict(
        row,
        mutation,
        device_id,
        won_at[1],
        next_version + int(outcome.written),
        EDITED,
        losers,
        winners,
    )
    return replace(outcome, status=CONFLICT, conflict=lost)


def _write(
    row: Row,
    fields: dict[str, Any],
    device_id: str,
    version: int,
    stamp: int,
    status: str,
    *,
    undelete: bool = False,
    at: int | None = None,
) -> Outcome:
    """Write ``fields`` into ``row`` at ``version``; each changed field is noted as written at
    ``at`` (a re-sent copy's own version, rule 8), or at ``version``."""
    changed = {k: v for k, v in fields.items() if row.fields.get(k) != v}
    if not changed and not (undelete and row.deleted):  # rule 7
        return Outcome(APPLIED if status == MERGED else status, row, written=False)
    new_versions = dict(row.field_versions)
    written_at = version if at is None else at
    new_versions.update({name: (written_at, device_id) for name in changed})
    commits = {k: v for k, v in row.field_commits.items() if k not in changed}
    updated = replace(
        row,
        version=version,
        deleted=False if undelete else row.deleted,
        fields={**row.fields, **changed},
        field_versions=new_versions,
        field_commits={**commits, **_commits(changed, written_at, version)},
        device_id=device_id,
        updated_at=stamp,
    )
    return Outcome(status, updated, written=True)


def _delete(
    row: Row | None, mutation: Mutation, device_id: str, version: int, stamp: int
) -> Outcome:
    if row is None:  # rule 5: a tombstone for an id never seen, so it can never come back
        tombstone = Row(
            table=mutation.table,
            id=mutation.id,
            version=version,
            deleted=True,
            # A recovery re-send of a tombstone carries its data: tombstones keep it.
            fields=dict(mutation.fields),
            field_versions={name: (version, device_id) for name in mutation.fields},
            device_id=device_id,
            created_at=stamp,
            updated_at=stamp,
        )
        return Outcome(APPLIED, tombstone, written=True)
    if row.deleted:  # rule 7: already gone
        return Outcome(APPLIED, row, written=False)
    # Rule 5: the tombstone keeps the data the delete carries: what the deleting person saw
    # (a tombstone re-sent after a restore may hold values the server no longer has).  Edits
    # other devices made after the deleting device's base die with it, so they are kept in a
    # conflict record.  Conflict records themselves are never edited, so dismissing one loses
    # nothing.
    newer = {
        name: row.fields.get(name)
        for name, (_, writer) in row.field_versions.items()
        if row.committed(name) > mutation.base_version and writer != device_id
    }
    carried = {k: v for k, v in mutation.fields.items() if row.fields.get(k) != v}
    tombstone = replace(
        row,
        version=version,
        deleted=True,
        device_id=device_id,
        updated_at=stamp,
        fields={**row.fields, **carried},
        field_versions={**row.field_versions, **{k: (version, device_id) for k in carried}},
        field_commits={k: v for k, v in row.field_commits.items() if k not in carried},
    )
    if not newer or row.table == CONFLICTS.name:
        return Outcome(APPLIED, tombstone, written=True)
    last_writer = max((row.field_versions[name] for name in newer), key=lambda pair: pair[0])[1]
    lost = _conflict(
        row, mutation, last_writer, device_id, version + 1, EDITED_THEN_DELETED, newer, {}
    )
    return Outcome(CONFLICT, tombstone, written=True, conflict=lost)


def _commits(fields: Any, written_at: int, version: int) -> dict[str, int]:
    """``Row.field_commits`` of fields written now at ``version``, counted as written at
    ``written_at``: nothing to note when the two are the same."""
    return {} if written_at == version else {name: version for name in fields}


def _conflict(
    row: Row,
    mutation: Mutation,
    lost_by: str,
    won_by: str,
    version: int,
    reason: str,
    lost: dict[str, Any],
    won: dict[str, Any],
) -> Row:
    fields = {
        "recordTable": row.table,
        "recordId": row.id,
        "reason": reason,
        "fields": lost,
        "serverFields": won,
        "lostBy": lost_by,
        "wonBy": won_by,
    }
    stamp = mutation.client_time or row.updated_at
    return Row(
        table=CONFLICTS.name,
        id=conflict_id(mutation.mutation_id),
        version=version,
        deleted=False,
        fields=fields,
        field_versions={name: (version, SERVER_DEVICE) for name in fields},
        device_id=SERVER_DEVICE,
        created_at=stamp,
        updated_at=stamp,
    )
