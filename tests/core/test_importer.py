"""The import rule every Store keeps: imported versions are never trusted, nothing rolls back."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import pytest

from app.core import changes
from app.core.importer import IMPORT_DELETED, IMPORTED, import_changes
from app.core.memory_store import MemoryStore
from app.core.protocol import MutationResult
from app.core.schema import CONFLICTS, EXERCISES, ValidationError, check_record, user_fields

EX = {
    "id": "11111111-1111-4111-8111-111111111111",
    "createdAt": 1,
    "updatedAt": 2,
    "deviceId": "dev-a",
    "deleted": False,
    "version": 7,
    "name": "Squat",
    "muscleGroup": None,
}
GONE = {**EX, "id": "22222222-2222-4222-8222-222222222222", "deleted": True}
CONFLICT = {
    **EX,
    "id": "33333333-3333-4333-8333-333333333333",
    "recordTable": "exercises",
    "recordId": EX["id"],
    "reason": "edited",
    "fields": {"name": "Mine"},
    "serverFields": {"name": "Squat"},
    "lostBy": "dev-b",
}
del CONFLICT["name"], CONFLICT["muscleGroup"]


def values(**given: Any) -> dict[str, Any]:
    """Every field of an exercise, the ones not given empty."""
    return user_fields(EXERCISES, given)


def new_ids() -> Any:
    counter = itertools.count(1)
    return lambda: f"00000000-0000-4000-8000-{next(counter):012d}"


def plan(tables: dict[str, list[dict[str, Any]]], held: dict[Any, Any]) -> Any:
    return import_changes(tables, held, device_id="phone", now=5, new_id=new_ids())


def test_records_new_to_the_device_upload_as_new_whatever_version_the_file_says() -> None:
    outcome = plan({"exercises": [EX, GONE], "conflicts": [CONFLICT]}, {})
    sent = [(c.mutation.table, c.mutation.id, c.mutation.kind) for c in outcome.changes]
    assert sent == [("exercises", EX["id"], "put"), ("exercises", GONE["id"], "delete")]
    assert {c.mutation.base_version for c in outcome.changes} == {0}
    assert {c.record["version"] for c in outcome.changes} == {0}
    assert outcome.changes[0].mutation.fields == values(name="Squat")
    # A conflict record is kept on the device only: never pushed, never with a foreign version.
    assert outcome.rows == [("conflicts", {**CONFLICT, "version": 0})]


def test_a_record_the_device_holds_identically_changes_nothing() -> None:
    held = {("exercises", EX["id"]): {**EX, "version": 3, "deviceId": "laptop"}}
    outcome = plan({"exercises": [EX]}, held)
    assert (outcome.changes, outcome.rows, outcome.unchanged) == ([], [], 1)
    assert outcome.summary().startswith("Nothing new to import.")


def test_an_older_file_becomes_an_edit_on_the_held_version_and_keeps_what_it_replaced() -> None:
    newer = {**EX, "version": 42, "name": "Back squat", "muscleGroup": "Legs"}
    outcome = plan({"exercises": [EX]}, {("exercises", EX["id"]): newer})
    (edit,) = outcome.changes
    assert (edit.mutation.kind, edit.mutation.base_version) == ("put", 42)
    assert edit.mutation.fields == {"name": "Squat", "muscleGroup": None}  # what differs
    assert edit.record["version"] == 42  # only the server moves a version
    ((table, kept),) = outcome.rows
    assert table == "conflicts"
    assert (kept["recordId"], kept["reason"], kept["version"]) == (EX["id"], IMPORTED, 0)
    assert kept["fields"] == {"name": "Back squat", "muscleGroup": "Legs"}
    assert kept["serverFields"] == {"name": "Squat", "muscleGroup": None}
    assert "kept under Settings → Conflicts" in outcome.summary()


def test_a_file_tombstone_deletes_on_the_held_version_and_keeps_the_values() -> None:
    live = {**EX, "id": GONE["id"], "version": 9, "name": "Row"}
    outcome = plan({"exercises": [GONE]}, {("exercises", GONE["id"]): live})
    (delete,) = outcome.changes
    assert (delete.mutation.kind, delete.mutation.base_version) == ("delete", 9)
    assert outcome.rows[0][1]["fields"] == values(name="Row")


def test_a_record_deleted_here_stays_deleted_and_the_file_values_are_kept() -> None:
    gone_here = {**EX, "deleted": True, "version": 11}
    outcome = plan(
        {"exercises": [{**EX, "name": "Front squat"}]}, {("exercises", EX["id"]): gone_here}
    )
    assert outcome.changes == []
    ((_, kept),) = outcome.rows
    assert kept["reason"] == IMPORT_DELETED
    assert kept["fields"]["name"] == "Front squat"


def test_one_bad_record_refuses_the_whole_import() -> None:
    with pytest.raises(ValidationError, match="malformed id"):
        plan({"exercises": [EX, {**EX, "id": "nope"}]}, {})


def test_restoring_what_an_import_replaced_is_an_edit_on_the_current_version() -> None:
    """The person can undo an older file: Restore puts the replaced values back, as an edit."""
    store = MemoryStore(new_id=new_ids())
    newer = {**EX, "version": 0, "name": "Back squat"}
    made = changes.create(
        "exercises", {"name": "Back squat"}, device_id="phone", now=1, new_id=new_ids()
    )
    asyncio.run(store.write([made]))
    record_id = made.record["id"]
    acked = {**made.record, "version": 42, "table": "exercises"}
    asyncio.run(
        store.acknowledge([MutationResult(made.mutation.mutation_id, "applied", 42, acked)])
    )
    old = {**newer, "id": record_id, "name": "Squat", "version": 3}
    asyncio.run(store.import_records({"exercises": [old]}, device_id="phone"))
    assert asyncio.run(store.get("exercises", record_id))["name"] == "Squat"
    (conflict,) = asyncio.run(store.all("conflicts"))
    current = asyncio.run(store.get("exercises", record_id))
    restore = changes.restore(conflict, current, device_id="phone", now=9, new_id=new_ids())
    assert restore[0].mutation.kind == "put"
    assert restore[0].mutation.base_version == 42
    assert restore[0].record["name"] == "Back squat"


def test_what_an_import_replaced_is_kept_readable_and_can_be_restored() -> None:
    """The device held text an older app version queued and the schema refuses (a control
    character): the import's conflict record keeps it readable (U+FFFD), so it can be stored,
    shown and restored; before, Restore raised on it."""
    held = {**EX, "version": 42, "name": "Squat\x1f"}
    outcome = plan({"exercises": [EX]}, {("exercises", EX["id"]): held})
    ((_, kept),) = outcome.rows
    assert kept["fields"] == {"name": "Squat\ufffd"}
    check_record(CONFLICTS, kept)
    current = {**EX, "version": 42}
    made = changes.restore(kept, current, device_id="phone", now=9, new_id=new_ids())
    assert made[0].mutation.fields == {"name": "Squat\ufffd"}
