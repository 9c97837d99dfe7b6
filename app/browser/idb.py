"""The ``Store`` of ``app.core.store`` on IndexedDB (through Dexie and ``app/js/db.mjs``).

Every method is one call into ``db.mjs`` carrying whole batches as plain data, so 10,000 records
cost one conversion and one transaction, not 10,000 round trips.  The pull and acknowledge rules
(``app.core.store.take_pulled``) run inside the IndexedDB transaction in ``db.mjs``, which mirrors
that function line for line: Python cannot hold a Dexie transaction open across an ``await``.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from pyodide.ffi import JsException  # type: ignore[import-not-found]
from pyscript.js_modules import setflow_db as db  # type: ignore[import-not-found]

from app.browser.clock import id_pool, now_ms
from app.browser.interop import to_js_data, to_py_data
from app.browser.transport import JsRecords
from app.core.changes import Change
from app.core.protocol import Mutation, MutationResult, ProtocolError
from app.core.schema import TABLES, get_table
from app.core.store import import_mutations, split_change

CURSOR_KEY = "cursor"


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
    def __init__(self, name: str = "setflow") -> None:
        self.name = name
        self._seqs: dict[str, int] = {}  # mutationId -> outbox primary key, for acknowledge

    async def open(self) -> IndexedDBStore:
        await db.open(self.name)
        return self

    async def get(self, table: str, id: str) -> dict[str, Any] | None:
        return to_py_data(await db.get(get_table(table).name, id))

    async def rows(self, table: str) -> list[dict[str, Any]]:
        """Every record of ``table``, tombstones included."""
        return json.loads(str(await db.getAllJson(get_table(table).name)))  # type: ignore[no-any-return]

    async def all(self, table: str) -> list[dict[str, Any]]:
        return [r for r in await self.rows(table) if not r.get("deleted")]

    async def write(self, changes: list[Change]) -> None:
        rows = [{"table": c.table, "record": c.record} for c in changes]
        mutations = [c.mutation.to_json() for c in changes]
        await db.write(to_js_data(rows), to_js_data(mutations))

    async def outbox(self, limit: int) -> list[Mutation]:
        entries = to_py_data(await db.outbox(limit)) or []
        # Remember each entry's primary key, so acknowledging deletes by key, not by search.
        self._seqs.update((e["mutationId"], e["seq"]) for e in entries)
        return [_mutation(e) for e in entries]

    async def outbox_count(self) -> int:
        return int(await db.outboxCount())

    async def apply_pulled(self, changes: list[dict[str, Any]], cursor: int) -> int:
        if isinstance(changes, JsRecords):  # straight from fetch: no round trip through Python
            try:
                return int(await db.applyPulledWire(changes.array, CURSOR_KEY, cursor))
            except JsException as err:  # a malformed page: nothing of it was stored
                raise ProtocolError(str(err)) from None
        rows = [dict(zip(("table", "record"), split_change(c), strict=True)) for c in changes]
        return int(await db.applyPulled(to_js_data(rows), CURSOR_KEY, cursor))

    async def acknowledge(self, results: list[MutationResult]) -> None:
        seqs = [self._seqs.pop(r.mutation_id) for r in results if r.mutation_id in self._seqs]
        rows = [
            dict(zip(("table", "record"), split_change(r.record), strict=True))
            for r in results
            if r.record is not None
        ]
        await db.acknowledge(to_js_data(seqs), to_js_data(rows))

    async def refuse(self, mutation: Mutation, conflict: dict[str, Any]) -> None:
        self._seqs.pop(mutation.mutation_id, None)
        await db.refuse(mutation.mutation_id, to_js_data(conflict))

    async def cursor(self) -> int:
        value = to_py_data(await db.getMeta(CURSOR_KEY))
        return int(value or 0)

    async def reset_cursor(self) -> None:
        """Pull everything again from the start (another account signed in on this device)."""
        await db.setMeta(CURSOR_KEY, 0)

    async def dump(self) -> dict[str, list[dict[str, Any]]]:
        # All tables are read at once, not one after another.
        names = list(TABLES)
        tables = await asyncio.gather(*(self.rows(name) for name in names))
        return dict(zip(names, tables, strict=True))

    async def import_records(self, tables: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
        mutations = import_mutations(tables, now=now_ms(), new_id=id_pool())
        await db.importTables(to_js_data(tables), to_js_data([m.to_json() for m in mutations]))
        return {name: len(records) for name, records in tables.items()}
