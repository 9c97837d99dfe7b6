"""Schemas 2 and 3: the new fields are checked, and everything a schema-1 or schema-2 app made
is still valid."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.core import exchange, schema
from app.core.protocol import parse_mutation
from app.core.schema import ValidationError, check_fields, check_record, get_table
from tests.fixtures import schema1, schema2


def test_schema_version_is_3() -> None:
    assert schema.SCHEMA_VERSION == 3


@pytest.mark.parametrize(("table", "records"), sorted(schema2.RECORDS.items()))
def test_every_schema_2_record_is_a_valid_schema_3_record(
    table: str, records: list[dict[str, Any]]
) -> None:
    for record in records:
        check_record(get_table(table), record)


@pytest.mark.parametrize("entry", schema2.OUTBOX, ids=lambda e: e["table"] + "-" + e["id"][-2:])
def test_every_queued_schema_2_change_parses_unchanged(entry: dict[str, Any]) -> None:
    mutation = parse_mutation(entry)
    assert mutation.to_json() == entry
    check_fields(get_table(entry["table"]), entry["fields"], partial=True)


def test_a_schema_2_export_file_imports() -> None:
    plan = exchange.parse_import(json.dumps(schema2.EXPORT))
    assert plan.counts["workoutLogs"] == 2 and plan.counts["workoutSets"] == 4
    assert plan.counts["settings"] == 1 and plan.counts["bodyWeights"] == 1
    assert plan.tables["workoutSets"] == schema2.RECORDS["workoutSets"]
    assert plan.tables["workoutLogs"] == schema2.RECORDS["workoutLogs"]


def test_supersets_map_exercises_to_group_numbers() -> None:
    check_fields(
        get_table("workoutLogs"),
        {"date": "2026-11-25", "supersets": {schema2.BENCH: 1, schema2.ROW: 1}},
        partial=False,
    )
    check_fields(get_table("workoutLogs"), {"supersets": None}, partial=True)


@pytest.mark.parametrize(
    "value",
    [
        {schema2.BENCH: "A"},
        {schema2.BENCH: True},
        {"bench": 1},
        {schema2.BENCH: 0},
        {schema2.BENCH: 51},
        [schema2.BENCH],
    ],
)
def test_bad_supersets_are_refused(value: Any) -> None:
    with pytest.raises(ValidationError, match="Supersets"):
        check_fields(get_table("workoutLogs"), {"supersets": value}, partial=True)


@pytest.mark.parametrize(("table", "records"), sorted(schema1.RECORDS.items()))
def test_every_schema_1_record_is_a_valid_schema_2_record(
    table: str, records: list[dict[str, Any]]
) -> None:
    for record in records:
        check_record(get_table(table), record)


@pytest.mark.parametrize("entry", schema1.OUTBOX, ids=lambda e: e["kind"] + "-" + e["table"])
def test_every_queued_schema_1_change_parses_unchanged(entry: dict[str, Any]) -> None:
    mutation = parse_mutation(entry)
    assert mutation.to_json() == entry


def test_a_schema_1_export_file_imports() -> None:
    plan = exchange.parse_import(json.dumps(schema1.EXPORT))
    assert plan.counts["exercises"] == 1 and plan.counts["workoutSets"] == 2
    assert plan.counts["programs"] == 0  # deleted
    assert plan.counts["settings"] == 0 and plan.counts["bodyWeights"] == 0
    assert plan.tables["workoutSets"] == schema1.RECORDS["workoutSets"]


def test_an_export_of_schema_0_is_refused_plainly() -> None:
    message = ""
    try:
        exchange.parse_import(json.dumps({**schema1.EXPORT, "schemaVersion": 0}))
    except exchange.ImportRefused as err:
        message = str(err)
    assert message == "The file has no valid schema version, so it cannot be read."


SET = {
    "workoutId": schema1.WORKOUT,
    "exerciseId": schema1.SQUAT,
    "position": 0,
    "reps": 5,
    "weight": 63.75,
}


@pytest.mark.parametrize(
    "fields",
    [
        {"done": True, "setType": "warmup", "rpe": 8.5, "notes": "Felt quick"},
        {"done": False, "setType": "drop", "rpe": 10},
        {"setType": "failure", "rpe": None, "notes": None},
    ],
)
def test_new_set_fields(fields: dict[str, Any]) -> None:
    check_fields(get_table("workoutSets"), {**SET, **fields}, partial=False)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"done": "yes"}, "Done must be true or false."),
        ({"setType": "super"}, "Set type must be one of normal, warmup, drop, failure."),
        ({"rpe": 8.25}, "RPE must be in steps of 0.5."),
        ({"rpe": 5.5}, "RPE must be at least 6."),
        ({"rpe": 11}, "RPE must be at most 10."),
        ({"notes": "x" * 501}, "Notes must be at most 500 characters."),
    ],
)
def test_bad_set_fields_are_refused(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as err:
        check_fields(get_table("workoutSets"), fields, partial=True)
    assert str(err.value) == message


def test_workout_exercise_settings_and_body_weight_fields() -> None:
    check_fields(
        get_table("workoutLogs"),
        {
            "date": "2026-11-25",
            "name": "Push day",
            "startedAt": 1_764_000_000_000,
            "finishedAt": None,
            "exerciseNotes": {schema1.SQUAT: "Belt on"},
        },
        partial=False,
    )
    check_fields(
        get_table("exercises"),
        {"name": "Squat", "equipment": "Barbell", "restSeconds": 180, "archived": True},
        partial=False,
    )
    check_fields(
        get_table("settings"),
        {"unit": "lb", "barWeight": 20.411657, "plates": [20.411657, 11.339809], "restSeconds": 90},
        partial=False,
    )
    check_fields(get_table("bodyWeights"), {"date": "2026-11-25", "weight": 82.4}, partial=False)
    assert schema.is_uuid(schema.SETTINGS_ID)


@pytest.mark.parametrize(
    ("table", "fields", "message"),
    [
        ("settings", {"unit": "stone"}, "Unit must be one of kg, lb."),
        ("settings", {"plates": [20, "ten"]}, "Plates must be a list of numbers."),
        ("settings", {"plates": 20}, "Plates must be a list of at most 20 numbers."),
        ("exercises", {"archived": 1}, "Archived must be true or false."),
        ("workoutLogs", {"startedAt": -1}, "Started must be at least 0."),
        ("bodyWeights", {"weight": 0}, "Body weight must be at least 1."),
    ],
)
def test_bad_new_fields_are_refused(table: str, fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as err:
        check_fields(get_table(table), fields, partial=True)
    assert str(err.value) == message


def test_program_items_may_name_a_target_weight() -> None:
    items = [
        {"exerciseId": schema1.SQUAT, "sets": 3, "reps": 5, "weight": 100},
        {"exerciseId": schema1.SQUAT, "sets": 3, "reps": 5},
    ]
    check_fields(get_table("programs"), {"name": "A", "items": items}, partial=False)
    with pytest.raises(ValidationError):
        bad = [{"exerciseId": schema1.SQUAT, "sets": 3, "reps": 5, "tempo": "3-1-1"}]
        check_fields(get_table("programs"), {"name": "A", "items": bad}, partial=False)
