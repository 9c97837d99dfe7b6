"""The merge rules, one by one, without a database."""

from __future__ import annotations

import uuid
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core import merge
from app.core.merge import Row
from app.core.protocol import APPLIED, CONFLICT, MERGED, Mutation
from app.core.schema import CONFLICTS, check_record, get_table

RID = "0b0a6e3e-2f59-4b1b-9d86-0d4e3c1f2a10"


def mutation(
    kind: str = "put", base: int = 0, fields: dict[str, Any] | None = None, **kw: Any
) -> Mutation:
    return Mutation(
        mutation_id=kw.get("mutation_id", str(uuid.uuid4())),
        table=kw.get("table", "exercises"),
        id=kw.get("id", RID),
        kind=kind,
        base_version=base,
        fields={} if fields is None else fields,
        client_time=kw.get("client_time", 1000),
    )


def stored(version: int = 3, deleted: bool = False, **writers: tuple[int, str]) -> Row:
    """An exercise at ``version`` whose name and muscleGroup were written as ``writers`` say."""
    versions = {"name": (1, "a"), "muscleGroup": (1, "a"), **writers}
    return Row(
        table="exercises",
        id=RID,
        version=version,
        deleted=deleted,
        fields={"name": "Squat", "muscleGroup": "Legs"},
        field_versions=versions,
        device_id="a",
        created_at=10,
        updated_at=20,
    )


def local(row: Row) -> dict[str, Any]:
    """The record as a device stores it: the wire form without its ``"table"`` key."""
    record = row.to_record()
    assert record.pop("table") == row.table
    return record


def test_put_on_new_id_creates_the_record() -> None:
    out = merge.apply(None, mutation(fields={"name": "Row", "muscleGroup": None}), "a", 7)
    assert out.status == APPLIED and out.written and out.conflict is None
    assert out.row.version == 7 and out.row.fields == {"name": "Row", "muscleGroup": None}
    assert out.row.field_versions == {"name": (7, "a"), "muscleGroup": (7, "a")}
    assert out.row.created_at == out.row.updated_at == 1000
    check_record(get_table("exercises"), local(out.row))


def test_missing_client_time_falls_back_to_now() -> None:
    out = merge.apply(None, mutation(fields={"name": "Row"}, client_time=0), "a", 1, now=55)
    assert out.row.created_at == 55


def test_put_on_current_base_applies() -> None:
    out = merge.apply(stored(3), mutation(base=3, fields={"name": "Front squat"}), "b", 4)
    assert out.status == APPLIED and out.written
    assert out.row.fields["name"] == "Front squat" and out.row.version == 4
    assert out.row.field_versions["name"] == (4, "b")
    assert out.row.field_versions["muscleGroup"] == (1, "a")
    assert out.row.device_id == "b"


def test_put_changing_nothing_takes_no_version() -> None:
    row = stored(3)
    out = merge.apply(row, mutation(base=1, fields={"name": "Squat"}), "b", 4)
    assert out.status == APPLIED and not out.written and out.row is row
    assert out.versions_used == 0


def test_edits_of_different_fields_both_survive() -> None:
    row = stored(3, name=(3, "a"))  # device a renamed it at version 3
    row = Row(**{**row.__dict__, "fields": {"name": "Back squat", "muscleGroup": "Legs"}})
    out = merge.apply(row, mutation(base=1, fields={"muscleGroup": "Quads"}), "b", 4)
    assert out.status == MERGED and out.written and out.conflict is None
    assert out.row.fields == {"name": "Back squat", "muscleGroup": "Quads"}


def test_same_field_edited_elsewhere_keeps_server_value_and_records_the_loss() -> None:
    row = Row(**{**stored(3, name=(3, "a")).__dict__, "fields": {"name": "Back squat"}})
    push = mutation(base=1, fields={"name": "Low-bar squat", "muscleGroup": "Glutes"})
    out = merge.apply(row, push, "b", 4)
    assert out.status == CONFLICT and out.written
    assert out.row.fields["name"] == "Back squat"  # the server's value wins
    assert out.row.fields["muscleGroup"] == "Glutes"  # the other field applies
    lost = out.conflict
    assert lost is not None and lost.table == CONFLICTS.name
    assert lost.id == str(uuid.uuid5(merge.CONFLICT_NAMESPACE, push.mutation_id))
    assert lost.version == 5 and out.versions_used == 2
    assert lost.fields == {
        "recordTable": "exercises",
        "recordId": RID,
        "reason": merge.EDITED,
        "fields": {"name": "Low-bar squat"},
        "serverFields": {"name": "Back squat"},
        "lostBy": "b",
        "wonBy": "a",
    }
    check_record(CONFLICTS, local(lost))


def test_conflict_only_takes_one_version_when_nothing_else_applies() -> None:
    row = Row(**{**stored(3, name=(3, "a")).__dict__, "fields": {"name": "Back squat"}})
    out = merge.apply(row, mutation(base=1, fields={"name": "Low-bar squat"}), "b", 4)
    assert out.status == CONFLICT and not out.written and out.row is row
    assert out.conflict is not None and out.conflict.version == 4 and out.versions_used == 1


def test_same_value_pushed_is_no_conflict() -> None:
    row = Row(**{**stored(3, name=(3, "a")).__dict__, "fields": {"name": "Back squat"}})
    out = merge.apply(row, mutation(base=1, fields={"name": "Back squat"}), "b", 4)
    assert out.status == APPLIED and not out.written and out.conflict is None


def test_own_earlier_unacknowledged_edit_is_no_conflict() -> None:
    row = Row(**{**stored(3, name=(3, "b")).__dict__, "fields": {"name": "Back squat"}})
    out = merge.apply(row, mutation(base=1, fields={"name": "Box squat"}), "b", 4)
    assert out.status == MERGED and out.row.fields["name"] == "Box squat"


def test_field_written_at_or_before_base_is_no_conflict() -> None:
    row = Row(**{**stored(3, name=(2, "a")).__dict__, "fields": {"name": "Back squat"}})
    out = merge.apply(row, mutation(base=2, fields={"name": "Box squat"}), "b", 4)
    assert out.status == MERGED and out.row.fields["name"] == "Box squat"


def test_put_on_tombstone_keeps_the_delete_and_the_whole_edit() -> None:
    row = stored(5, deleted=True)
    out = merge.apply(row, mutation(base=3, fields={"name": "Zombie"}), "b", 6)
    assert out.status == CONFLICT and not out.written and out.row.deleted
    assert out.conflict is not None
    assert out.conflict.fields["reason"] == merge.DELETED
    assert out.conflict.fields["fields"] == {"name": "Zombie"}
    assert out.conflict.fields["lostBy"] == "b" and out.conflict.version == 6


def test_delete_makes_a_tombstone_that_keeps_the_data() -> None:
    out = merge.apply(stored(3), mutation("delete", base=3), "a", 4)
    assert out.status == APPLIED and out.written and out.row.deleted
    assert out.row.version == 4 and out.row.fields["name"] == "Squat"
    assert out.conflict is None


def test_delete_of_unknown_id_stores_a_tombstone() -> None:
    out = merge.apply(None, mutation("delete"), "a", 1)
    assert out.written and out.row.deleted and out.row.fields == {}
    check_record(get_table("exercises"), local(out.row))


def test_a_re_sent_tombstone_keeps_the_data_it_carries() -> None:
    """A recovery sync re-sends a tombstone the server lost as a delete with its fields:
    tombstones keep their data, also after a restore."""
    out = merge.apply(None, mutation("delete", base=9, fields={"name": "Squat"}), "a", 1)
    assert out.written and out.row.deleted and out.row.fields == {"name": "Squat"}
    assert out.row.field_versions == {"name": (1, "a")}
    check_record(get_table("exercises"), local(out.row))


def test_delete_of_tombstone_changes_nothing() -> None:
    row = stored(5, deleted=True)
    out = merge.apply(row, mutation("delete", base=1), "a", 6)
    assert out.status == APPLIED and not out.written and out.row is row


def test_delete_after_edits_elsewhere_wins_but_keeps_them() -> None:
    row = Row(**{**stored(3, name=(3, "b")).__dict__, "fields": {"name": "Back squat"}})
    out = merge.apply(row, mutation("delete", base=1), "a", 4)
    assert out.status == CONFLICT and out.written and out.row.deleted
    assert out.conflict is not None and out.conflict.version == 5
    assert out.conflict.fields["reason"] == merge.EDITED_THEN_DELETED
    assert out.conflict.fields["fields"] == {"name": "Back squat"}
    assert out.conflict.fields["lostBy"] == "b"


def test_delete_keeps_what_its_device_showed_and_the_newer_edit_apart() -> None:
    """A delete that carries values another device overwrote after its base (a tombstone a
    recovery re-sends after the server lost the version the deleting device saw): the
    tombstone holds what the deleting person saw, the other device's newer value is in the
    conflict record, so neither is lost."""
    row = Row(**{**stored(9, name=(9, "b")).__dict__, "fields": {"name": "Pause squat"}})
    out = merge.apply(row, mutation("delete", base=2, fields={"name": "Back squat"}), "a", 10)
    assert out.status == CONFLICT and out.row.deleted
    assert out.row.fields["name"] == "Back squat"
    assert out.conflict is not None and out.conflict.fields["fields"] == {"name": "Pause squat"}
    assert out.conflict.fields["lostBy"] == "b" and out.conflict.fields["wonBy"] == "a"


def test_delete_after_own_edits_loses_nothing() -> None:
    row = stored(3, name=(3, "a"))
    out = merge.apply(row, mutation("delete", base=1), "a", 4)
    assert out.status == APPLIED and out.conflict is None


def test_dismissing_a_conflict_record_is_a_plain_delete() -> None:
    lost = merge.apply(
        Row(**{**stored(3, name=(3, "a")).__dict__, "fields": {"name": "X"}}),
        mutation(base=1, fields={"name": "Y"}),
        "b",
        4,
    ).conflict
    assert lost is not None
    out = merge.apply(lost, mutation("delete", base=0, table="conflicts", id=lost.id), "b", 9)
    assert out.status == APPLIED and out.row.deleted and out.conflict is None


def test_restore_undeletes_and_applies_fields() -> None:
    row = stored(5, deleted=True)
    out = merge.apply(row, mutation("restore", base=2, fields={"name": "Revived"}), "b", 6)
    # Merged field by field with the tombstone's data (nothing newer to lose here).
    assert out.status == MERGED and out.written and not out.row.deleted
    assert out.row.fields == {"name": "Revived", "muscleGroup": "Legs"}


def test_restore_without_fields_brings_back_the_kept_data() -> None:
    out = merge.apply(stored(5, deleted=True), mutation("restore", base=5), "b", 6)
    assert out.written and not out.row.deleted and out.row.fields["name"] == "Squat"


def test_restore_of_live_record_on_current_base_applies_fields_as_chosen() -> None:
    row = Row(**{**stored(3, name=(3, "a")).__dict__, "fields": {"name": "Back squat"}})
    out = merge.apply(row, mutation("restore", base=3, fields={"name": "Mine"}), "b", 4)
    assert out.status == APPLIED and out.row.fields["name"] == "Mine"


def test_late_restore_never_overwrites_a_newer_edit_of_a_live_record() -> None:
    """Rule 6: a restore based on version 1 meets a rename device a made at version 3."""
    row = Row(**{**stored(3, name=(3, "a")).__dict__, "fields": {"name": "Back squat"}})
    restore = mutation("restore", base=1, fields={"name": "Mine", "muscleGroup": "Glutes"})
    out = merge.apply(row, restore, "b", 4)
    assert out.status == CONFLICT
    assert out.row.fields == {"name": "Back squat", "muscleGroup": "Glutes"}
    assert out.conflict is not None and out.conflict.fields["fields"] == {"name": "Mine"}
    assert out.conflict.fields["serverFields"] == {"name": "Back squat"}
    assert out.conflict.fields["lostBy"] == "b" and out.conflict.fields["wonBy"] == "a"


def test_late_restore_of_a_tombstone_undeletes_but_keeps_newer_edits() -> None:
    row = Row(
        **{**stored(5, deleted=True, name=(4, "a")).__dict__, "fields": {"name": "Back squat"}}
    )
    out = merge.apply(row, mutation("restore", base=2, fields={"name": "Old name"}), "b", 6)
    assert out.written and not out.row.deleted and out.row.fields["name"] == "Back squat"
    assert out.status == CONFLICT and out.conflict is not None
    assert out.conflict.fields["fields"] == {"name": "Old name"}


def test_conflict_on_a_tombstone_names_the_deleting_device_as_winner() -> None:
    row = merge.apply(stored(3), mutation("delete", base=3), "laptop", 4).row
    out = merge.apply(row, mutation(base=3, fields={"name": "Front squat"}), "phone", 5)
    assert out.conflict is not None
    assert out.conflict.fields["lostBy"] == "phone" and out.conflict.fields["wonBy"] == "laptop"


def test_edited_then_deleted_names_the_deleting_device_as_winner() -> None:
    row = stored(3, name=(3, "a"))
    out = merge.apply(row, mutation("delete", base=1), "b", 4)
    assert out.conflict is not None
    assert out.conflict.fields["lostBy"] == "a" and out.conflict.fields["wonBy"] == "b"


# --- rule 8: recovery re-sends ----------------------------------------------------------------

WHOLE = {"name": "Squat", "muscleGroup": "Legs"}


def test_recover_of_an_id_the_server_lacks_creates_it() -> None:
    out = merge.apply(None, mutation("recover", base=40, fields=dict(WHOLE)), "a", 7)
    assert out.status == APPLIED and out.written and out.conflict is None
    assert out.row.version == 7 and out.row.fields == WHOLE


def test_recover_newer_than_the_server_is_taken_whole_without_a_conflict() -> None:
    """The server was restored to version 3; device b held the record at version 9."""
    row = stored(3, name=(3, "a"))
    fields = {"name": "Pause squat", "muscleGroup": "Quads"}
    out = merge.apply(row, mutation("recover", base=9, fields=fields), "b", 4)
    assert out.status == APPLIED and out.conflict is None and out.row.fields == fields


def test_recover_newer_than_a_server_tombstone_brings_the_record_back() -> None:
    fields = {"name": "Pause squat", "muscleGroup": "Quads"}
    out = merge.apply(stored(3, deleted=True), mutation("recover", base=9, fields=fields), "b", 4)
    assert out.written and not out.row.deleted and out.conflict is None


def test_recover_of_a_state_the_server_already_holds_changes_nothing() -> None:
    out = merge.apply(stored(3), mutation("recover", base=3, fields=dict(WHOLE)), "a", 4)
    assert not out.written and out.conflict is None


def test_recover_older_than_the_server_merges_like_a_put() -> None:
    row = Row(**{**stored(5, name=(5, "a")).__dict__, "fields": {"name": "Back squat"}})
    out = merge.apply(row, mutation("recover", base=2, fields=dict(WHOLE)), "b", 6)
    assert out.status == CONFLICT and out.row.fields["name"] == "Back squat"
    mine = merge.apply(row, mutation("recover", base=2, fields=dict(WHOLE)), "a", 6)
    assert mine.conflict is None  # its own later edit: never a conflict with itself


def test_recover_never_undeletes_a_newer_tombstone() -> None:
    out = merge.apply(stored(5, deleted=True), mutation("recover", base=3, fields=WHOLE), "b", 6)
    assert out.row.deleted and out.status == CONFLICT


def test_conflict_ids_are_deterministic() -> None:
    row = Row(**{**stored(3, name=(3, "a")).__dict__, "fields": {"name": "X"}})
    push = mutation(base=1, fields={"name": "Y"})
    first = merge.apply(row, push, "b", 4).conflict
    again = merge.apply(row, push, "b", 9).conflict
    assert first is not None and again is not None and first.id == again.id


def test_old_device_syncing_late_never_brings_a_deleted_record_back() -> None:
    row = merge.apply(stored(3), mutation("delete", base=3), "a", 4).row
    for kind in ("put", "delete"):
        out = merge.apply(row, mutation(kind, base=1, fields={"name": "Old"}), "old", 5)
        assert out.row.deleted and out.row.fields["name"] == "Squat"


# --- properties over random histories ---------------------------------------------------------

DEVICES = ("a", "b", "c")
NAMES = ("Squat", "Bench", "Row")
GROUPS = ("Legs", "Chest", None)


@st.composite
def histories(draw: st.DrawFn) -> list[tuple[str, str, float, dict[str, Any]]]:
    steps = []
    for _ in range(draw(st.integers(1, 12))):
        kind = draw(st.sampled_from(("put", "put", "put", "delete", "restore")))
        device = draw(st.sampled_from(DEVICES))
        base_fraction = draw(st.floats(0, 1))  # how up to date the device was
        fields: dict[str, Any] = {}
        if draw(st.booleans()):
            fields["name"] = draw(st.sampled_from(NAMES))
        if draw(st.booleans()):
            fields["muscleGroup"] = draw(st.sampled_from(GROUPS))
        steps.append((kind, device, base_fraction, fields))
    return steps


@settings(max_examples=300, deadline=None)
@given(histories())
def test_no_write_is_silently_lost_and_deletes_stick(
    steps: list[tuple[str, str, float, dict[str, Any]]],
) -> None:
    row: Row | None = None
    counter = 0
    for kind, device, base_fraction, fields in steps:
        if row is None and kind == "put":
            fields = {"name": "Squat", **fields}
        base = int(counter * base_fraction)
        push = mutation(kind, base=base, fields=dict(fields))
        out = merge.apply(row, push, device, counter + 1)
        # Versions: only written rows take them, in order, each once.
        used = [r.version for r in (out.row, out.conflict) if r is not None and r.version > counter]
        assert used == list(range(counter + 1, counter + 1 + out.versions_used))
        counter += out.versions_used
        assert (out.status == CONFLICT) == (out.conflict is not None)
        lost = out.conflict.fields["fields"] if out.conflict is not None else {}
        if kind in ("put", "restore"):
            for name, value in fields.items():
                kept = out.row.fields.get(name) == value or lost.get(name) == value
                assert kept, f"{name}={value!r} vanished"
        # Deletes stick: only a restore brings a record back.
        if row is not None and row.deleted and kind != "restore":
            assert out.row.deleted
        if kind == "delete":
            assert out.row.deleted
        if kind == "restore":
            assert not out.row.deleted
        row = out.row


def _set_row() -> Row:
    """A set at version 5, every field written by device "a" at version 1."""
    fields = {"reps": 5, "weight": 100, "done": False, "setType": "normal", "rpe": None}
    return Row(
        table="workoutSets",
        id=RID,
        version=5,
        deleted=False,
        fields=fields,
        field_versions={name: (1, "a") for name in fields},
        device_id="a",
    )


def test_check_off_weight_and_reps_merge_independently() -> None:
    """The phone checks the set off while the laptop corrects its weight: both survive."""
    row = _set_row()
    first = merge.apply(
        row, mutation(base=5, fields={"done": True}, table="workoutSets"), "phone", 6
    )
    second = merge.apply(
        first.row, mutation(base=5, fields={"weight": 102.5}, table="workoutSets"), "laptop", 7
    )
    third = merge.apply(
        second.row,
        mutation(base=5, fields={"reps": 6, "rpe": 8.5}, table="workoutSets"),
        "watch",
        8,
    )
    assert (first.status, second.status, third.status) == (APPLIED, MERGED, MERGED)
    assert third.row.fields == {
        "reps": 6,
        "weight": 102.5,
        "done": True,
        "setType": "normal",
        "rpe": 8.5,
    }


def test_two_devices_setting_the_same_new_field_differently_keep_the_loss() -> None:
    row = _set_row()
    first = merge.apply(
        row, mutation(base=5, fields={"setType": "warmup"}, table="workoutSets"), "phone", 6
    )
    second = merge.apply(
        first.row, mutation(base=5, fields={"setType": "drop"}, table="workoutSets"), "laptop", 7
    )
    assert second.status == CONFLICT and second.row.fields["setType"] == "warmup"
    assert second.conflict is not None and second.conflict.fields["fields"] == {"setType": "drop"}


def test_a_workouts_supersets_and_its_notes_edited_on_two_devices_both_survive() -> None:
    """Schema 3's supersets merge field by field like every other field."""
    bench, row = "a1111111-1111-4111-8111-111111111111", "a1111111-1111-4111-8111-111111111112"
    workout = {"date": "2026-11-25", "name": "Upper", "startedAt": 5}
    made = merge.apply(None, mutation(table="workoutLogs", fields=workout), "phone", 1).row
    paired = mutation(base=1, table="workoutLogs", fields={"supersets": {bench: 1, row: 1}})
    noted = mutation(base=1, table="workoutLogs", fields={"notes": "Short on time"})
    after_phone = merge.apply(made, paired, "phone", 2)
    after_laptop = merge.apply(after_phone.row, noted, "laptop", 3)
    assert after_laptop.status == MERGED and after_laptop.conflict is None
    assert after_laptop.row.fields["supersets"] == {bench: 1, row: 1}
    assert after_laptop.row.fields["notes"] == "Short on time"
    check_record(get_table("workoutLogs"), local(after_laptop.row))


def test_a_newer_copy_re_sent_after_an_older_one_wins_and_keeps_the_older_value() -> None:
    """After a wipe the laptop re-sent its copy from version 2 first; it took a new version, yet
    it is as old as version 2.  The phone's copy from version 7 (its later rename) replaces it,
    and the phone's later delete keeps the phone's data in the tombstone.  The server cannot
    tell whether the phone saw the laptop's value (version 7 may come from a server that had
    lost it, after an earlier restore), so the laptop's value is kept in a conflict record."""
    older = merge.apply(None, mutation("recover", base=2, fields={"name": "Squat"}), "laptop", 50)
    newer = merge.apply(
        older.row, mutation("recover", base=7, fields={"name": "Pause squat"}), "phone", 51
    )
    assert newer.row.fields["name"] == "Pause squat"
    assert newer.conflict is not None and newer.conflict.fields["fields"] == {"name": "Squat"}
    gone = merge.apply(
        older.row, mutation("delete", base=7, fields={"name": "Pause squat"}), "phone", 51
    )
    assert gone.row.deleted and gone.row.fields["name"] == "Pause squat"
    assert gone.conflict is not None and gone.conflict.fields["fields"] == {"name": "Squat"}


def test_an_older_copy_re_sent_after_a_newer_one_loses_it_keeps_its_values() -> None:
    newer = merge.apply(None, mutation("recover", base=7, fields={"name": "Pause squat"}), "b", 50)
    older = merge.apply(newer.row, mutation("recover", base=2, fields={"name": "Squat"}), "a", 51)
    assert older.row.fields["name"] == "Pause squat"
    assert older.conflict is not None and older.conflict.fields["fields"] == {"name": "Squat"}


# Versions from before and after a restore cannot order changes: each restore's epoch starts at
# a higher floor, yet a device whose copy comes from a later epoch may never have seen a value
# re-sent from an earlier one (the server in between had lost it).  Below, epoch 1 wrote
# versions from 1000, epoch 2 from 2000, and the server now writes from 3000.


def test_a_tombstone_from_a_later_epoch_never_silently_removes_a_re_sent_edit() -> None:
    """Device a renamed the exercise in epoch 1 (version 1003).  The server was wiped; device b
    deleted the record there (version 2001) without ever seeing a's rename.  After another
    wipe, a re-sends its copy first, then b its tombstone: the delete wins, a's rename is kept
    in a conflict record."""
    kept = merge.apply(
        None, mutation("recover", base=1003, fields={"name": "Pause squat"}), "a", 3001
    )
    gone = merge.apply(kept.row, mutation("delete", base=2001, fields={"name": "Squat"}), "b", 3002)
    assert gone.row.deleted and gone.row.fields["name"] == "Squat"
    assert gone.conflict is not None
    assert gone.conflict.fields["reason"] == merge.EDITED_THEN_DELETED
    assert gone.conflict.fields["fields"] == {"name": "Pause squat"}
    assert gone.conflict.fields["lostBy"] == "a" and gone.conflict.fields["wonBy"] == "b"


def test_an_edit_queued_before_a_restore_never_silently_replaces_a_value_re_sent_after_it() -> None:
    kept = merge.apply(
        None, mutation("recover", base=1003, fields={"name": "Pause squat"}), "a", 3001
    )
    late = merge.apply(
        kept.row, mutation("put", base=2001, fields={"name": "Box squat"}), "b", 3002
    )
    assert late.row.fields["name"] == "Pause squat"
    assert late.conflict is not None and late.conflict.fields["fields"] == {"name": "Box squat"}


def test_a_copy_from_a_later_epoch_wins_but_keeps_the_value_it_replaces() -> None:
    """Two re-sent copies: the one from the later epoch (higher version) wins whichever arrives
    first, and the other's value is kept in a conflict record either way: versions of two
    epochs say which copy is later, never that one device saw the other's value."""
    older = mutation("recover", base=1003, fields={"name": "Pause squat"})
    newer = mutation("recover", base=2001, fields={"name": "Squat"})
    first = merge.apply(None, older, "a", 3001)
    second = merge.apply(first.row, newer, "b", 3002)
    assert second.row.fields["name"] == "Squat"
    assert second.conflict is not None
    assert second.conflict.fields["fields"] == {"name": "Pause squat"}
    assert second.conflict.fields["serverFields"] == {"name": "Squat"}
    assert second.conflict.fields["lostBy"] == "a" and second.conflict.fields["wonBy"] == "b"
    first = merge.apply(None, newer, "b", 3001)
    second = merge.apply(first.row, older, "a", 3002)
    assert second.row.fields["name"] == "Squat"
    assert second.conflict is not None and second.conflict.fields["fields"] == {
        "name": "Pause squat"
    }


def test_an_edit_based_on_a_re_sent_value_it_saw_merges_without_a_conflict() -> None:
    kept = merge.apply(
        None, mutation("recover", base=1003, fields={"name": "Pause squat"}), "a", 3001
    )
    seen = merge.apply(
        kept.row, mutation("put", base=3001, fields={"name": "Box squat"}), "b", 3002
    )
    assert seen.conflict is None and seen.row.fields["name"] == "Box squat"
