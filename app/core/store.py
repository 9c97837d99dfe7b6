"""The device's storage as the sync engine sees it, and the rules every storage must keep.

``Store`` is implemented twice: by ``MemoryStore`` (tests, simulation) and by the browser's
IndexedDB adapter.  Each method is one atomic step (one IndexedDB transaction).  The rules that
decide what a pulled or acknowledged server record may overwrite are plain functions here, so
both implementations apply the very same logic inside their transactions:

1. A record with unpushed outbox entries is never overwritten from the server: those entries
   hold a person's edits that the server has not seen yet ("pending wins until pushed").
2. Otherwise the server's copy wins ("cloud wins"), unless the device already holds a newer
   server version of it (a late or repeated answer must not roll a record back).
3. A change the server refused leaves the outbox; the server's copy of its record is pulled
   again (``refused_cursor``; a copy made here and never confirmed is dropped first), so the
   device shows what the server holds, not the refused values.

Pending mutations keep the base version they were made on, even after an earlier mutation of the
same record is acknowledged: the server never counts a device's own earlier write as a rival
(``app.core.merge``, rule 3), so a second edit made before the first synced merges cleanly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from app.core.changes import Change
from app.core.importer import ImportOutcome
from app.core.protocol import Mutation, MutationResult

RecordKey = tuple[str, str]


class Store(Protocol):
    async def get(self, table: str, id: str) -> dict[str, Any] | None:
        """One record, tombstones included; ``None`` when the device has none."""
        ...

    async def all(self, table: str) -> list[dict[str, Any]]:
        """The live (not deleted) records of ``table``."""
        ...

    async def write(self, changes: list[Change]) -> None:
        """Store the changes' records and append their mutations to the outbox, atomically."""
        ...

    async def outbox(self, limit: int) -> list[Mutation]:
        """Up to ``limit`` pending mutations, oldest first."""
        ...

    async def outbox_count(self) -> int: ...

    async def apply_pulled(self, changes: list[dict[str, Any]], cursor: int) -> int:
        """Take a pulled page (rules 1-2) and save ``cursor``, atomically; how many were taken."""
        ...

    async def acknowledge(
        self,
        results: list[MutationResult],
        conflicts: Sequence[dict[str, Any]] = (),
        *,
        then: int = 0,
    ) -> list[Mutation]:
        """Drop acknowledged outbox entries and take the server's records (rules 1-2), atomically.

        ``conflicts`` are the conflict records the push made (wire records), taken the same way.
        Returns what ``outbox(then)`` would return right after, read in the same step (the next
        batch to push, with no read of its own); nothing when ``then`` is 0.
        """
        ...

    async def refuse(self, mutation: Mutation, conflict: dict[str, Any]) -> None:
        """Take a refused mutation out of the outbox and keep it as ``conflict``, atomically."""
        ...

    async def cursor(self) -> int:
        """The server version up to which this device has pulled (0 at first)."""
        ...

    async def get_meta(self, key: str) -> Any:
        """A value of this store's own bookkeeping (``None`` when unset), e.g. the epoch."""
        ...

    async def set_meta(self, key: str, value: Any) -> None: ...

    async def recover(
        self, server: dict[tuple[str, str], dict[str, Any]], cursor: int, *, now: int
    ) -> int:
        """End a recovery sync (``app.core.recovery``), atomically: take the server's copies
        (``server``, every record pulled from 0) that ``taken_in_recovery`` allows, queue what
        the server lost or holds otherwise, save ``cursor``; how many records were queued."""
        ...

    async def dump(self) -> dict[str, list[dict[str, Any]]]:
        """Every table, tombstones included (for export and for checks)."""
        ...

    async def import_records(
        self, tables: dict[str, list[dict[str, Any]]], *, device_id: str = ""
    ) -> ImportOutcome:
        """Take records from outside (a file, another importer, guest data), atomically.

        The one entry point for such records: what it writes is decided by
        ``app.core.importer.import_changes`` against the records the device holds (their own
        versions are never trusted).  Raises ``ValidationError`` (and changes nothing) if any
        record does not fit the schema.
        """
        ...


def split_change(change: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A wire record (envelope + fields + ``"table"``) as ``(table, local record)``."""
    record = dict(change)
    table = record.pop("table")
    return str(table), record


def pending_keys(outbox: Iterable[Mutation]) -> set[RecordKey]:
    return {(m.table, m.id) for m in outbox}


def take_pulled(local: dict[str, Any] | None, incoming: dict[str, Any], *, pending: bool) -> bool:
    """Whether a server copy replaces the local record (rules 1-2).

    Used for pulled records and for the records a push answer carries alike.
    """
    if pending:  # rule 1
        return False
    if local is None:
        return True
    return int(incoming.get("version", 0)) >= int(local.get("version", 0))  # rule 2


def refused_cursor(local: dict[str, Any] | None, cursor: int, *, pending: bool = False) -> int:
    """The pull cursor after a change to ``local`` was refused (rule 3).

    3. The device's copy still holds the refused values (they are kept in a conflict record),
       so the server's copy must come back to replace it: the cursor moves back to just before
       the version the device holds, and the next pull brings the record again (rule 2 takes
       it: its version is at least the local one).  A record the device holds at version 0
       (made here) with no other change waiting (``pending``) may still be on the server: an
       earlier change of it can have been taken there in this very sync, its answer not taken
       here while this one waited.  Its copy is dropped (``drop_refused``) and the cursor goes
       back to 0, so a full pull brings the server's copy if there is one; if there is none,
       the record lives on in the refused conflict record, whose Restore makes it again.
    """
    version = int((local or {}).get("version") or 0)
    if version > 0:
        return min(cursor, version - 1)
    return 0 if drop_refused(local, pending=pending) else cursor


def drop_refused(local: dict[str, Any] | None, *, pending: bool) -> bool:
    """Whether the device's copy of a record whose change was refused is dropped (rule 3)."""
    return local is not None and not int(local.get("version") or 0) and not pending
