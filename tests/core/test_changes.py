"""Local changes: the record a person's action leaves on the device and the mutation it queues."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

import pytest

from app.core import changes
from app.core.schema import ValidationError

DEVICE = "device-a"


def ids() -> Any:
    counter = itertools.count(1)
    return lambda: str(uuid.UUID(int=next(counter)))


def kw(now: int = 1000) -> dict[str, Any]:
    return {"device_id": DEVICE, "now": now, "new_id": ids()}


def synced(record: dict[str, Any], version: int = 7) -> dict[str, Any]:
    return {**record, "version": version, "deviceId": "device-b"}


def test_create_makes_a_whole_unsynced_record_and_a_whole_put() -> None:
    change = changes.create("exercises", {"name": "Squat"}, **kw())
    record, mutation = change.record, change.mutation
    assert record == {
        "id": record["id"],
        "createdAt": 1000,
        "updatedAt": 1000,
        "deviceId": DEVICE,
        "deleted": False,
        "version": 0,
        "name": "Squat",
        "muscleGroup": None,
        "equipment": None,
        "restSeconds": None,
        "archived": None,
    }
    assert mutation.kind == "put" and mutation.base_version == 0
    assert mutation.fields == {
        "name": "Squat",
        "muscleGroup": None,
        "equipment": None,
        "restSeconds": None,
        "archived": None,
    }
    assert (mutation.table, mutation.id, mutation.client_time) == ("exercises", record["id"], 1000)
    assert mutation.mutation_id != record["id"]
    assert change.table == "exercises"


@pytest.mark.parametrize(
    ("table", "fields", "message"),
    [
        ("exercises", {}, "Exercise name is required."),
        ("exercises", {"name": "  "}, "Exercise name is required."),
        ("exercises", {"name": "x", "colour": "red"}, "Unknown field 'colour'"),
        ("workoutSets", {"workoutId": "nope"}, "Workout must be an id."),
        ("bogus", {"name": "x"}, "Unknown table 'bogus'."),
        ("conflicts", {}, "made by the server"),
    ],
)
def test_create_refuses_bad_input_with_a_sentence(
    table: str, fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        changes.create(table, fields, **kw())


def test_edit_puts_only_the_changed_fields_on_the_current_version() -> None:
    current = synced(
        changes.create("exercises", {"name": "Squat", "muscleGroup": "Legs"}, **kw()).record
    )
    change = changes.edit(
        "exercises", current, {"name": "Front squat", "muscleGroup": "Legs"}, **kw(now=2000)
    )
    assert change is not None
    assert change.mutation.fields == {"name": "Front squat"}
    assert change.mutation.base_version == 7
    assert change.record["version"] == 7  # only the server moves versions
    assert change.record["updatedAt"] == 2000 and change.record["createdAt"] == 1000
    assert change.record["deviceId"] == DEVICE
    assert change.record["name"] == "Front squat"


def test_edit_that_changes_nothing_is_none() -> None:
    current = synced(changes.create("exercises", {"name": "Squat"}, **kw()).record)
    assert changes.edit("exercises", current, {"name": "Squat"}, **kw()) is None
    assert changes.edit("exercises", current, {}, **kw()) is None


def test_edit_of_an_unsynced_record_also_carries_the_required_fields() -> None:
    current = changes.create("exercises", {"name": "Squat"}, **kw()).record
    change = changes.edit("exercises", current, {"muscleGroup": "Legs"}, **kw())
    assert change is not None
    assert change.mutation.base_version == 0
    assert change.mutation.fields == {"name": "Squat", "muscleGroup": "Legs"}


def test_edit_validates_and_refuses_deleted_records() -> None:
    current = synced(
        changes.create(
            "workoutSets",
            {
                "workoutId": str(uuid.uuid4()),
                "exerciseId": str(uuid.uuid4()),
                "reps": 5,
                "weight": 100,
            },
            **kw(),
        ).record
    )
    with pytest.raises(ValidationError, match="Reps must be at most 1000"):
        changes.edit("workoutSets", current, {"reps": 5000}, **kw())
    with pytest.raises(ValidationError, match="Weight must be a number"):
        changes.edit("workoutSets", current, {"weight": "heavy"}, **kw())
    gone = {**current, "deleted": True}
    with pytest.raises(ValidationError, match="deleted"):
        changes.edit("workoutSets", gone, {"reps": 6}, **kw())


def test_delete_keeps_the_fields_in_a_tombstone() -> None:
    current = synced(changes.create("exercises", {"name": "Squat"}, **kw()).record)
    change = changes.delete("exercises", current, **kw(now=3000))
    assert change.record == {**current, "deleted": True, "updatedAt": 3000, "deviceId": DEVICE}
    assert change.mutation.kind == "delete"
    assert change.mutation.base_version == 7
    # The data rides along, so a server that lost the record keeps a whole tombstone.
    assert change.mutation.fields == {"name": "Squat"}


def test_a_delete_of_data_the_schema_now_refuses_still_deletes() -> None:
    current = synced(changes.create("exercises", {"name": "Squat"}, **kw()).record)
    change = changes.delete("exercises", {**current, "name": "Squat\x00"}, **kw(now=3000))
    assert change.mutation.kind == "delete" and change.mutation.fields == {}


def test_dismissing_a_conflict_sends_no_data() -> None:
    conflict = synced(
        {
            "id": str(uuid.uuid4()),
            "createdAt": 1,
            "updatedAt": 1,
            "deviceId": "server",
            "deleted": False,
            "version": 4,
            "recordTable": "exercises",
            "recordId": str(uuid.uuid4()),
            "reason": "edited",
            "fields": {"name": "X"},
        }
    )
    assert changes.dismiss(conflict, **kw()).mutation.fields == {}


def conflict_for(target: dict[str, Any], lost: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "createdAt": 1,
        "updatedAt": 1,
        "deviceId": "server",
        "deleted": False,
        "version": 9,
        "recordTable": "exercises",
        "recordId": target["id"],
        "reason": "edited",
        "fields": lost,
        "serverFields": {"name": target["name"]},
        "lostBy": DEVICE,
    }


def test_restore_onto_a_live_record_puts_the_losing_values_and_dismisses() -> None:
    current = synced(
        changes.create("exercises", {"name": "Squat", "muscleGroup": "Legs"}, **kw()).record
    )
    conflict = conflict_for(current, {"name": "Back squat", "muscleGroup": "Legs"})
    put, dismissal = changes.restore(conflict, current, **kw(now=4000))
    assert put.mutation.kind == "put" and put.mutation.base_version == 7
    assert put.mutation.fields == {"name": "Back squat"}
    assert put.record["name"] == "Back squat" and put.record["deleted"] is False
    assert dismissal.mutation.kind == "delete" and dismissal.mutation.table == "conflicts"
    assert dismissal.mutation.id == conflict["id"] and dismissal.mutation.base_version == 9
    assert dismissal.record["deleted"] is True


def test_restore_onto_a_deleted_record_undeletes_it_with_the_losing_values() -> None:
    current = synced(
        changes.create("exercises", {"name": "Squat", "muscleGroup": "Legs"}, **kw()).record
    )
    current["deleted"] = True
    conflict = conflict_for(current, {"name": "Back squat"})
    revive, dismissal = changes.restore(conflict, current, **kw())
    assert revive.mutation.kind == "restore" and revive.mutation.base_version == 7
    assert revive.mutation.fields == {"name": "Back squat"}
    assert revive.record["deleted"] is False and revive.record["name"] == "Back squat"
    assert revive.record["muscleGroup"] == "Legs"
    assert dismissal.mutation.kind == "delete"


def test_restore_of_a_record_the_device_lacks_rebuilds_it() -> None:
    target = {"id": str(uuid.uuid4()), "name": "Squat"}
    conflict = conflict_for(target, {"name": "Back squat"})
    revive, _ = changes.restore(conflict, None, **kw(now=5))
    assert revive.record["id"] == target["id"] and revive.record["version"] == 0
    assert revive.mutation.kind == "restore" and revive.mutation.base_version == 0


def test_restore_needs_the_target_table() -> None:
    current = synced(changes.create("exercises", {"name": "Squat"}, **kw()).record)
    conflict = {**conflict_for(current, {"name": "Back squat"}), "recordTable": None}
    with pytest.raises(ValidationError, match="Unknown table"):
        changes.restore(conflict, current, **kw())


def test_restore_with_nothing_left_to_change_only_dismisses() -> None:
    current = synced(changes.create("exercises", {"name": "Squat"}, **kw()).record)
    conflict = conflict_for(current, {"name": "Squat"})
    (dismissal,) = changes.restore(conflict, current, **kw())
    assert dismissal.mutation.table == "conflicts"


def test_restore_refuses_invalid_losing_values() -> None:
    current = synced(changes.create("exercises", {"name": "Squat"}, **kw()).record)
    conflict = conflict_for(current, {"name": "x" * 500})
    with pytest.raises(ValidationError, match="at most 80 characters"):
        changes.restore(conflict, current, **kw())


def test_dismiss_deletes_the_conflict_record() -> None:
    conflict = conflict_for({"id": str(uuid.uuid4()), "name": "Squat"}, {"name": "B"})
    change = changes.dismiss(conflict, **kw())
    assert change.mutation.kind == "delete" and change.mutation.table == "conflicts"
    assert change.record["deleted"] is True


def test_a_refused_change_holding_broken_text_is_kept_as_a_record_that_fits_the_schema() -> None:
    """An older app queued a name with half an emoji and a NUL; the server refused it.  The
    record that keeps it must itself be storable, exportable and importable again."""
    from app.core.protocol import Mutation
    from app.core.schema import CONFLICTS, check_record

    target = str(uuid.uuid4())
    mutation = Mutation(
        str(uuid.uuid4()), "exercises", target, "put", 3, {"name": "Squat \ud83d\x00"}, 5
    )
    kept = changes.refused(mutation, device_id="phone", now=9)
    assert kept["fields"] == {"name": "Squat \ufffd\ufffd"}
    assert kept["reason"] == changes.REFUSED and kept["recordId"] == target
    check_record(CONFLICTS, kept)


def test_create_under_a_shared_id() -> None:
    """Settings and library exercises are made under one id on every device."""
    change = changes.create(
        "settings", {"unit": "lb"}, **kw(), record_id="5e77a1a9-0000-4000-8000-000000000001"
    )
    assert change.record["id"] == change.mutation.id == "5e77a1a9-0000-4000-8000-000000000001"
    assert change.mutation.fields["unit"] == "lb"


def test_undelete_brings_the_tombstone_back_with_its_fields() -> None:
    live = synced(changes.create("exercises", {"name": "Squat"}, **kw()).record, version=4)
    gone = {**changes.delete("exercises", live, **kw()).record, "version": 5}
    change = changes.undelete("exercises", gone, **kw())
    assert change.record["deleted"] is False and change.record["name"] == "Squat"
    assert (change.mutation.kind, change.mutation.base_version) == ("restore", 5)
    assert change.mutation.fields["name"] == "Squat"


def test_restore_of_a_refused_change_sends_it_again_on_the_current_version() -> None:
    """A refused change's values are the local record's own: Restore must still send them."""
    made = changes.create("exercises", {"name": "Squat"}, **kw())
    conflict = changes.refused(made.mutation, device_id=DEVICE, now=2)
    put, dismissal = changes.restore(conflict, made.record, **kw())
    assert (put.mutation.kind, put.mutation.base_version) == ("put", 0)
    assert put.mutation.fields["name"] == "Squat"
    assert dismissal.mutation.id == conflict["id"]
    later = synced(made.record, version=12)
    edit = changes.edit("exercises", later, {"name": "Back squat"}, **kw())
    assert edit is not None
    refused_edit = changes.refused(edit.mutation, device_id=DEVICE, now=3)
    put, _ = changes.restore(refused_edit, edit.record, **kw())
    assert (put.mutation.base_version, put.mutation.fields) == (12, {"name": "Back squat"})


def test_restore_of_a_refused_delete_deletes_again() -> None:
    current = synced(changes.create("exercises", {"name": "Squat"}, **kw()).record)
    gone = changes.delete("exercises", current, **kw())
    conflict = changes.refused(gone.mutation, device_id=DEVICE, now=2)
    again, _ = changes.restore(conflict, gone.record, **kw())
    assert (again.mutation.kind, again.mutation.base_version) == ("delete", 7)
