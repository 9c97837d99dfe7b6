"""The ``Store`` of ``app.core.store`` on IndexedDB (through Dexie and ``app/js/db.mjs``).

Every method is one call into ``db.mjs`` carrying whole batches as plain data, so 10,000 records
cost one conversion and one transaction, not 10,000 round trips.  The pull and acknowledge rules
(``app.core.store.take_pulled``) run inside the IndexedDB transaction in ``db.mjs``, which mirrors
that function line for line: Python cannot hold a Dexie transaction open across an ``await``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from typing import Any

import js  # type: ignore[import-not-found]
import setflow_db as db  # type: ignore[import-not-found]  # app/js/db.mjs

from app.browser.clock import id_pool, now_ms
from app.browser.fetch_transport import JsRecords
from app.browser.interop import to_js_data, to_py_data
from app.core.account import GUEST_DATABASE
from app.core.changes import Change
from app.core.importer import ImportOutcome, import_changes, import_keys
from app.core.protocol import Mutation, MutationResult, ProtocolError
from app.core.recovery import folded, recovery_mutations, recovery_rows, set_aside
from app.core.schema import CONFLICTS, TABLES, get_table
from app.core.storage_failure import StorageError, storage_error
from app.core.store import split_change

CURSOR_KEY = "cursor"
UNKNOWN_TABLE = "UnknownTableError"  # db.mjs knownTables


async def settled(function: Any, *args: Any, opening: bool = False) -> Any:
    """``function(*args)``, an async function of ``db.mjs``, called through its ``settle``.

    Its value, or ``StorageError`` with a sentence for the person: the promise never rejects
    into Python, where a rejection never settled and the person's action waited for good.
    """
    answer = await db.settle(function, *args)
    if not answer.ok:
        name, cause, detail = str(answer.name), str(answer.cause), str(answer.message)
        js.console.warn(f"Setflow storage: {name} ({cause}): {detail}")
        raise storage_error(name, cause, detail, opening=opening)
    return answer.value


def _mutation(entry: dict[str, Any]) -> Mutation:
    return Mutation(
        entry["mutationId"],
        entry["table"],
        entry["id"],
        entry["kind"],
        entry["baseVersion"],
        entry.get("fields") or {},
        entry.get("clientTime", 0),
    )


class IndexedDBStore:
    """One local database: the guest's, or one account's (``app.core.account``)."""

    def __init__(self, name: str = GUEST_DATABASE) -> None:
        self.name = name
        self.db: Any = None  # the Dexie database every call below works on
        self._seqs: dict[str, int] = {}  # mutationId -> outbox primary key, for acknowledge

    async def open(self) -> IndexedDBStore:
        self.db = await settled(db.open, self.name, opening=True)
        return self

    async def holds(self) -> tuple[int, int]:
        """``(live records of the person's tables, changes not yet uploaded)``."""
        found = to_py_data(await settled(db.holds, self.db)) or {}
        return int(found.get("records", 0)), int(found.get("pending", 0))

    async def clear(self) -> None:
        await settled(db.clearAll, self.db)

    async def get(self, table: str, id: str) -> dict[str, Any] | None:
        return to_py_data(await settled(db.get, self.db, get_table(table).name, id))

    async def rows(self, table: str) -> list[dict[str, Any]]:
        """Every record of ``table``, tombstones included."""
        return json.loads(str(await settled(db.getAllJson, self.db, get_table(table).name)))  # type: ignore[no-any-return]

    async def all(self, table: str) -> list[dict[str, Any]]:
        return [r for r in await self.rows(table) if not r.get("deleted")]

    async def write(self, changes: list[Change]) -> None:
        rows = [{"table": c.table, "record": c.record} for c in changes]
        mutations = [c.mutation.to_json() for c in changes]
        await settled(db.write, self.db, to_js_data(rows), to_js_data(mutations))

    async def outbox(self, limit: int) -> list[Mutation]:
        return self._handed_out(await settled(db.outbox, self.db, limit))

    def _handed_out(self, found: Any) -> list[Mutation]:
        entries = to_py_data(found) or []
        # Remember each entry's primary key, so acknowledging deletes by key, not by search.
        self._seqs.update((e["mutationId"], e["seq"]) for e in entries)
        return [_mutation(e) for e in entries]

    async def outbox_count(self) -> int:
        return int(await settled(db.outboxCount, self.db))

    async def apply_pulled(self, changes: list[dict[str, Any]], cursor: int) -> int:
        if isinstance(changes, JsRecords):  # straight from fetch: no round trip through Python
            try:
                wire = db.applyPulledWire
                return int(await settled(wire, self.db, changes.array, CURSOR_KEY, cursor))
            except StorageError as err:
                if err.name == UNKNOWN_TABLE:  # a malformed page: nothing of it was stored
                    raise ProtocolError(err.detail) from None
                raise
        rows = [dict(zip(("table", "record"), split_change(c), strict=True)) for c in changes]
        return int(await settled(db.applyPulled, self.db, to_js_data(rows), CURSOR_KEY, cursor))

    async def acknowledge(
        self,
        results: list[MutationResult],
        conflicts: Sequence[dict[str, Any]] = (),
        *,
        then: int = 0,
    ) -> list[Mutation]:
        seqs = [self._seqs.pop(r.mutation_id) for r in results if r.mutation_id in self._seqs]
        records = [r.record for r in results if r.record is not None] + list(conflicts)
        rows = [dict(zip(("table", "record"), split_change(r), strict=True)) for r in records]
        found = await settled(db.acknowledge, self.db, to_js_data(seqs), to_js_data(rows), then)
        return self._handed_out(found)

    async def refuse(self, mutation: Mutation, conflict: dict[str, Any]) -> None:
        self._seqs.pop(mutation.mutation_id, None)
        await settled(
            db.refuse,
            self.db,
            mutation.mutation_id,
            to_js_data(conflict),
            mutation.table,
            mutation.id,
            CURSOR_KEY,
        )

    async def cursor(self) -> int:
        value = to_py_data(await settled(db.getMeta, self.db, CURSOR_KEY))
        return int(value or 0)

    async def get_meta(self, key: str) -> Any:
        return to_py_data(await settled(db.getMeta, self.db, key))

    async def set_meta(self, key: str, value: Any) -> None:
        await settled(db.setMeta, self.db, key, to_js_data(value))

    async def recover(
        self, server: dict[tuple[str, str], dict[str, Any]], cursor: int, *, now: int
    ) -> int:
        tables = await self.dump()
        pending = {(m.table, m.id) for m in await self.outbox(10**9)}
        mutations = recovery_mutations(tables, server, pending, now=now, new_id=id_pool())
        taken = [{"table": t, "record": r} for t, r in recovery_rows(tables, server, pending)]
        taken += [
            {"table": CONFLICTS.name, "record": r} for r in set_aside(tables, mutations, now=now)
        ]
        keys = sorted(folded(mutations, server))
        await settled(
            db.recover,
            self.db,
            to_js_data(keys),
            to_js_data([m.to_json() for m in mutations]),
            to_js_data(taken),
            CURSOR_KEY,
            cursor,
        )
        return len(mutations)

    async def dump(self) -> dict[str, list[dict[str, Any]]]:
        # All tables are read at once, not one after another.
        names = list(TABLES)
        tables = await asyncio.gather(*(self.rows(name) for name in names))
        return dict(zip(names, tables, strict=True))

    async def import_records(
        self, tables: dict[str, list[dict[str, Any]]], *, device_id: str = ""
    ) -> ImportOutcome:
        for name in tables:
            get_table(name)
        keys = import_keys(tables)
        found = json.loads(str(await settled(db.getManyJson, self.db, to_js_data(keys))))
        held = dict(zip(keys, found, strict=True))
        outcome = import_changes(
            tables, held, device_id=device_id or "import", now=now_ms(), new_id=id_pool()
        )
        rows = [{"table": c.table, "record": c.record} for c in outcome.changes]
        rows += [{"table": t, "record": r} for t, r in outcome.rows]
        mutations = [c.mutation.to_json() for c in outcome.changes]
        await settled(db.write, self.db, to_js_data(rows), to_js_data(mutations))
        return outcome
