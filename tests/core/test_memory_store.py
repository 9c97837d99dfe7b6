"""MemoryStore keeps every Store rule: atomic writes, pending edits win over the server until
pushed, cursors travel with their page, acknowledgements drop exactly their outbox entries."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Coroutine
from typing import Any, TypeVar

import pytest

from app.core import changes
from app.core.memory_store import MemoryStore
from app.core.protocol import APPLIED, CONFLICT, MutationResult
from app.core.schema import ValidationError
from app.core.store import take_pulled

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def kw(now: int = 1000) -> dict[str, Any]:
    return {"device_id": "device-a", "now": now, "new_id": lambda: str(uuid.uuid4())}


def server_copy(record: dict[str, Any], version: int, **fields: Any) -> dict[str, Any]:
    return {**record, **fields, "version": version, "deviceId": "device-b", "table": "exercises"}


def new_exercise(store: MemoryStore, name: str = "Squat") -> changes.Change:
    change = changes.create("exercises", {"name": name}, **kw())
    run(store.write([change]))
    return change


def test_write_stores_records_and_queues_mutations_in_order() -> None:
    store = MemoryStore()
    first = new_exercise(store, "Squat")
    second = new_exercise(store, "Bench")
    assert run(store.get("exercises", first.record["id"])) == first.record
    assert sorted(r["name"] for r in run(store.all("exercises"))) == ["Bench", "Squat"]
    outbox = run(store.outbox(10))
    assert [m.mutation_id for m in outbox] == [
        first.mutation.mutation_id,
        second.mutation.mutation_id,
    ]
    assert [m.mutation_id for m in run(store.outbox(1))] == [first.mutation.mutation_id]
    assert run(store.outbox_count()) == 2


def test_all_hides_tombstones_but_get_and_dump_keep_them() -> None:
    store = MemoryStore()
    created = new_exercise(store)
    run(store.write([changes.delete("exercises", created.record, **kw())]))
    assert run(store.all("exercises")) == []
    assert run(store.get("exercises", created.record["id"]))["deleted"] is True
    dump = run(store.dump())
    assert set(dump) == {
        "exercises",
        "programs",
        "workoutLogs",
        "workoutSets",
        "settings",
        "bodyWeights",
        "conflicts",
    }
    assert [r["deleted"] for r in dump["exercises"]] == [True]


def test_store_hands_out_copies() -> None:
    store = MemoryStore()
    created = new_exercise(store)
    created.record["name"] = "mutated after write"
    got = run(store.get("exercises", created.record["id"]))
    got["name"] = "mutated after get"
    assert run(store.get("exercises", created.record["id"]))["name"] == "Squat"


def test_pull_takes_server_records_and_saves_the_cursor() -> None:
    store = MemoryStore()
    record_id = str(uuid.uuid4())
    pulled = {
        "id": record_id,
        "createdAt": 1,
        "updatedAt": 1,
        "deviceId": "device-b",
        "deleted": False,
        "version": 4,
        "name": "Deadlift",
        "muscleGroup": None,
        "table": "exercises",
    }
    assert run(store.apply_pulled([pulled], 4)) == 1
    assert run(store.cursor()) == 4
    local = run(store.get("exercises", record_id))
    assert "table" not in local and local["name"] == "Deadlift"
    assert run(store.outbox_count()) == 0


def test_pull_never_overwrites_a_record_with_pending_edits() -> None:
    store = MemoryStore()
    created = new_exercise(store)
    newer = server_copy(created.record, 5, name="Server name")
    assert run(store.apply_pulled([newer], 5)) == 0
    assert run(store.get("exercises", created.record["id"]))["name"] == "Squat"
    assert run(store.cursor()) == 5  # the cursor moves on even so


def test_pull_cloud_wins_over_synced_records_but_never_rolls_back() -> None:
    store = MemoryStore()
    created = new_exercise(store)
    run(
        store.acknowledge(
            [
                MutationResult(
                    created.mutation.mutation_id, APPLIED, 3, server_copy(created.record, 3)
                )
            ]
        )
    )
    assert run(store.apply_pulled([server_copy(created.record, 6, name="Newer")], 6)) == 1
    assert run(store.get("exercises", created.record["id"]))["name"] == "Newer"
    assert run(store.apply_pulled([server_copy(created.record, 2, name="Older")], 6)) == 0
    assert run(store.get("exercises", created.record["id"]))["name"] == "Newer"


def test_take_pulled_rule() -> None:
    local = {"version": 3}
    assert take_pulled(None, {"version": 1}, pending=False)
    assert take_pulled(local, {"version": 3}, pending=False)
    assert not take_pulled(local, {"version": 2}, pending=False)
    assert not take_pulled(local, {"version": 9}, pending=True)
    assert not take_pulled(None, {"version": 9}, pending=True)


def test_acknowledge_drops_the_entry_and_takes_the_servers_record() -> None:
    store = MemoryStore()
    created = new_exercise(store)
    other = new_exercise(store, "Bench")
    merged = server_copy(created.record, 8, muscleGroup="Legs")
    run(store.acknowledge([MutationResult(created.mutation.mutation_id, APPLIED, 8, merged)]))
    assert [m.mutation_id for m in run(store.outbox(10))] == [other.mutation.mutation_id]
    local = run(store.get("exercises", created.record["id"]))
    assert local["version"] == 8 and local["muscleGroup"] == "Legs" and "table" not in local


def test_acknowledge_keeps_a_record_with_newer_pending_edits() -> None:
    store = MemoryStore()
    created = new_exercise(store)
    edited = changes.edit("exercises", created.record, {"name": "Front squat"}, **kw())
    assert edited is not None
    run(store.write([edited]))
    result = MutationResult(
        created.mutation.mutation_id, APPLIED, 3, server_copy(created.record, 3)
    )
    run(store.acknowledge([result]))
    assert run(store.get("exercises", created.record["id"]))["name"] == "Front squat"
    assert [m.mutation_id for m in run(store.outbox(10))] == [edited.mutation.mutation_id]


def test_acknowledge_of_an_unknown_mutation_is_harmless() -> None:
    store = MemoryStore()
    created = new_exercise(store)
    run(store.acknowledge([MutationResult(str(uuid.uuid4()), CONFLICT, 3, None)]))
    assert run(store.outbox_count()) == 1
    assert run(store.get("exercises", created.record["id"])) == created.record


def test_import_stores_new_records_as_new_and_queues_them_on_base_0() -> None:
    store = MemoryStore()
    live = {
        "id": str(uuid.uuid4()),
        "createdAt": 1,
        "updatedAt": 2,
        "deviceId": "old-phone",
        "deleted": False,
        "version": 12,
        "name": "Row",
        "muscleGroup": "Back",
    }
    gone = {**live, "id": str(uuid.uuid4()), "deleted": True, "version": 13}
    outcome = run(store.import_records({"exercises": [live, gone], "programs": []}))
    assert outcome.counts == {"exercises": 2}
    assert run(store.get("exercises", live["id"])) == {**live, "version": 0}
    put, delete = run(store.outbox(10))
    assert (put.kind, put.base_version, put.fields) == (
        "put",
        0,
        {
            "name": "Row",
            "muscleGroup": "Back",
            "equipment": None,
            "restSeconds": None,
            "archived": None,
        },
    )
    assert (delete.kind, delete.base_version, delete.id) == ("delete", 0, gone["id"])


def test_import_is_all_or_nothing() -> None:
    store = MemoryStore()
    good = {
        "id": str(uuid.uuid4()),
        "createdAt": 1,
        "updatedAt": 2,
        "deviceId": "old-phone",
        "deleted": False,
        "version": 0,
        "name": "Row",
    }
    bad = {**good, "id": str(uuid.uuid4()), "name": ""}
    with pytest.raises(ValidationError, match="Exercise name is required"):
        run(store.import_records({"exercises": [good, bad]}))
    assert run(store.dump())["exercises"] == []
    assert run(store.outbox_count()) == 0
    with pytest.raises(ValidationError, match="Unknown table"):
        run(store.import_records({"exercises": [good], "nope": []}))
    assert run(store.outbox_count()) == 0
