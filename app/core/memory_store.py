"""``MemoryStore``: a complete ``Store`` kept in dicts, for tests and the sync simulation.

It is not a stand-in: it keeps every rule of ``app.core.store`` exactly as the IndexedDB
adapter must.  Each method runs without awaiting anything, so under asyncio it is as atomic
as one IndexedDB transaction; records are deep-copied in and out, as structured cloning does.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from app.core.changes import Change
from app.core.importer import ImportOutcome, import_changes, import_keys
from app.core.protocol import Mutation, MutationResult
from app.core.recovery import folded, recovery_mutations, recovery_rows, set_aside
from app.core.schema import CONFLICTS, TABLES, get_table
from app.core.store import (
    drop_refused,
    pending_keys,
    refused_cursor,
    split_change,
    take_pulled,
)


def _new_uuid() -> str:
    return str(uuid.uuid4())


class MemoryStore:
    def __init__(
        self, *, new_id: Callable[[], str] = _new_uuid, now: Callable[[], int] = lambda: 0
    ) -> None:
        self._records: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in TABLES}
        self._outbox: list[Mutation] = []
        self._cursor = 0
        self._meta: dict[str, Any] = {}
        self._new_id = new_id
        self._now = now

    async def get(self, table: str, id: str) -> dict[str, Any] | None:
        record = self._records[get_table(table).name].get(id)
        return copy.deepcopy(record)

    async def all(self, table: str) -> list[dict[str, Any]]:
        rows = self._records[get_table(table).name].values()
        return [copy.deepcopy(r) for r in rows if not r.get("deleted")]

    async def write(self, changes: list[Change]) -> None:
        for change in changes:
            get_table(change.table)
        for change in changes:
            record = copy.deepcopy(change.record)
            self._records[change.table][record["id"]] = record
            self._outbox.append(copy.deepcopy(change.mutation))

    async def outbox(self, limit: int) -> list[Mutation]:
        return copy.deepcopy(self._outbox[:limit])

    async def outbox_count(self) -> int:
        return len(self._outbox)

    async def apply_pulled(self, changes: list[dict[str, Any]], cursor: int) -> int:
        for change in changes:  # a page with a record of no known table is not taken at all
            get_table(change["table"])
        pending = pending_keys(self._outbox)
        taken = 0
        for change in changes:
            table, record = split_change(change)
            rows = self._records[table]
            key = (table, record["id"])
            if take_pulled(rows.get(record["id"]), record, pending=key in pending):
                rows[record["id"]] = copy.deepcopy(record)
                taken += 1
        self._cursor = cursor
        return taken

    async def acknowledge(
        self,
        results: list[MutationResult],
        conflicts: Sequence[dict[str, Any]] = (),
        *,
        then: int = 0,
    ) -> list[Mutation]:
        for conflict in conflicts:
            table, record = split_change(conflict)
            if take_pulled(self._records[table].get(record["id"]), record, pending=False):
                self._records[table][record["id"]] = copy.deepcopy(record)
        for result in results:
            index = next(
                (i for i, m in enumerate(self._outbox) if m.mutation_id == result.mutation_id),
                None,
            )
            if index is not None:
                del self._outbox[index]
            if result.record is None:
                continue
            table, record = split_change(result.record)
            rows = self._records[table]
            key = (table, record["id"])
            pending = key in pending_keys(self._outbox)
            if take_pulled(rows.get(record["id"]), record, pending=pending):
                rows[record["id"]] = copy.deepcopy(record)
        return copy.deepcopy(self._outbox[:then])

    async def refuse(self, mutation: Mutation, conflict: dict[str, Any]) -> None:
        self._outbox = [m for m in self._outbox if m.mutation_id != mutation.mutation_id]
        self._records["conflicts"][conflict["id"]] = copy.deepcopy(conflict)
        if mutation.table in self._records:
            rows = self._records[mutation.table]
            local = rows.get(mutation.id)
            pending = (mutation.table, mutation.id) in pending_keys(self._outbox)
            self._cursor = refused_cursor(local, self._cursor, pending=pending)
            if drop_refused(local, pending=pending):
                del rows[mutation.id]

    async def cursor(self) -> int:
        return self._cursor

    async def get_meta(self, key: str) -> Any:
        return copy.deepcopy(self._meta.get(key))

    async def set_meta(self, key: str, value: Any) -> None:
        self._meta[key] = copy.deepcopy(value)

    async def recover(
        self, server: dict[tuple[str, str], dict[str, Any]], cursor: int, *, now: int
    ) -> int:
        pending = pending_keys(self._outbox)
        tables = {name: list(rows.values()) for name, rows in self._records.items()}
        mutations = recovery_mutations(tables, server, pending, now=now, new_id=self._new_id)
        rows = recovery_rows(tables, server, pending)
        rows += [(CONFLICTS.name, r) for r in set_aside(tables, mutations, now=now)]
        for table, record in rows:
            self._records[table][record["id"]] = copy.deepcopy(record)
        resent = folded(mutations, server)
        self._outbox = [m for m in self._outbox if (m.table, m.id) not in resent]
        for table, id in resent:  # held as made here until the server takes the re-send
            if id in self._records[table]:
                self._records[table][id]["version"] = 0
        self._outbox.extend(mutations)
        self._cursor = cursor
        return len(mutations)

    async def dump(self) -> dict[str, list[dict[str, Any]]]:
        return {
            name: [copy.deepcopy(r) for r in rows.values()] for name, rows in self._records.items()
        }

    async def import_records(
        self, tables: dict[str, list[dict[str, Any]]], *, device_id: str = ""
    ) -> ImportOutcome:
        for name in tables:
            get_table(name)
        held = {(t, i): copy.deepcopy(self._records[t].get(i)) for t, i in import_keys(tables)}
        outcome = import_changes(
            tables, held, device_id=device_id or "import", now=self._now(), new_id=self._new_id
        )
        for table, record in outcome.rows:
            self._records[table][record["id"]] = copy.deepcopy(record)
        await self.write(outcome.changes)
        return outcome
