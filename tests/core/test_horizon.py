"""Coming back from behind the server's horizon: what the full pull did not bring is gone."""

from __future__ import annotations

import asyncio
import uuid

from app.core import changes
from app.core.horizon import forget_pruned, keys_of
from app.core.memory_store import MemoryStore
from tests.core.test_engine import exercise


def test_records_the_server_no_longer_has_are_deleted_but_local_work_stays() -> None:
    async def scenario() -> None:
        store = MemoryStore()
        kept, pruned, edited = exercise(3, "Squat"), exercise(4, "Dips"), exercise(5, "Rows")
        await store.apply_pulled([kept, pruned, edited], 10)
        local = changes.create(
            "exercises",
            {"name": "Made here"},
            device_id="d",
            now=1,
            new_id=lambda: str(uuid.uuid4()),
        )
        await store.write([local])
        # An edit of "Rows" waits to be sent: it goes up as usual, the record is not taken.
        record = await store.get("exercises", edited["id"])
        assert record is not None
        await store.write(
            [
                changes.edit(
                    "exercises",
                    record,
                    {"name": "Rows (cable)"},
                    device_id="d",
                    now=2,
                    new_id=lambda: str(uuid.uuid4()),
                )
            ]
        )
        taken = await forget_pruned(store, keys_of([kept]), 42)
        shown = {r["name"] for r in await store.all("exercises")}
        assert shown == {"Squat", "Rows (cable)", "Made here"}
        gone = await store.get("exercises", pruned["id"])
        assert gone is not None and gone["deleted"] and gone["version"] == 4  # a server tombstone
        assert taken == 1 and await store.cursor() == 42

    asyncio.run(scenario())


def test_keys_name_each_record_by_table_and_id() -> None:
    assert keys_of([{"table": "exercises", "id": "a"}, {"table": "programs", "id": 7}]) == {
        ("exercises", "a"),
        ("programs", "7"),
    }
