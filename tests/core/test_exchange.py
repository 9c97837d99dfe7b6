"""The export/import file: round trip, counts and summary, and every kind of bad file refused."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from app.core import exchange, schema
from app.core.exchange import ImportRefused, build_export, dumps, parse_import

EXPORTED_AT = datetime(2026, 1, 31, 9, 30, tzinfo=UTC)
_next = iter(range(1, 1_000_000))


def make_id() -> str:
    return f"00000000-0000-4000-8000-{next(_next):012d}"


def record(**fields: Any) -> dict[str, Any]:
    envelope = {
        "id": make_id(),
        "createdAt": 1_769_000_000_000,
        "updatedAt": 1_769_000_000_000,
        "deviceId": "device-a",
        "deleted": False,
        "version": 3,
    }
    return {**envelope, **fields}


def sample_tables() -> dict[str, list[dict[str, Any]]]:
    squat = record(name="Squat", muscleGroup="Legs")
    bench = record(name="Bench press ünïcode", muscleGroup=None)
    gone = {**record(), "deleted": True}  # a tombstone without user fields
    program = record(name="5x5", items=[{"exerciseId": squat["id"], "sets": 5, "reps": 5}])
    workout = record(date="2026-01-30", programId=program["id"], notes='He said "<ok>"')
    sets = [
        record(workoutId=workout["id"], exerciseId=squat["id"], position=0, reps=5, weight=100),
        record(workoutId=workout["id"], exerciseId=bench["id"], position=1, reps=8, weight=62.5),
        {
            **record(workoutId=workout["id"], exerciseId=bench["id"], reps=1, weight=1),
            "deleted": True,
        },
    ]
    return {
        "exercises": [squat, bench, gone],
        "programs": [program],
        "workoutLogs": [workout],
        "workoutSets": sets,
    }


def export_text(records: dict[str, list[dict[str, Any]]] | None = None, **top: Any) -> str:
    """An export of ``records`` (the sample data by default), top-level keys overridden by ``top``."""
    export = build_export(
        sample_tables() if records is None else records,
        device_id="device-a",
        exported_at=EXPORTED_AT,
    )
    export.update(top)
    return dumps(export)


def refused(text: str | bytes, **kwargs: Any) -> str:
    with pytest.raises(ImportRefused) as caught:
        parse_import(text, **kwargs)
    return str(caught.value)


# --- export -------------------------------------------------------------------------------------


def test_build_export_has_every_table_and_the_envelope() -> None:
    export = build_export(
        {"exercises": []},
        device_id="device-a",
        exported_at=datetime(2026, 1, 31, 10, 30, tzinfo=timezone(timedelta(hours=1))),
    )
    assert export == {
        "format": "setflow-export",
        "formatVersion": 1,
        "schemaVersion": schema.SCHEMA_VERSION,
        "exportedAt": "2026-01-31T09:30:00Z",
        "deviceId": "device-a",
        "tables": {name: [] for name in schema.TABLES},
    }


def test_build_export_refuses_unknown_tables_and_naive_times() -> None:
    with pytest.raises(schema.ValidationError):
        build_export({"exercize": []}, device_id="d", exported_at=EXPORTED_AT)
    with pytest.raises(ValueError, match="timezone"):
        build_export({}, device_id="d", exported_at=datetime(2026, 1, 31))


def test_export_filename() -> None:
    assert exchange.export_filename(date(2026, 3, 7)) == "setflow-export-2026-03-07.json"


def test_dumps_is_compact_json() -> None:
    text = dumps(build_export({}, device_id="d", exported_at=EXPORTED_AT))
    assert ": " not in text and ", " not in text
    assert json.loads(text)["format"] == "setflow-export"


# --- a good import ------------------------------------------------------------------------------


def test_round_trip_gives_back_the_same_records_tombstones_included() -> None:
    tables = sample_tables()
    plan = parse_import(export_text(tables))
    assert plan.tables == {**{name: [] for name in schema.TABLES}, **tables}
    assert plan.exported_at == "2026-01-31T09:30:00Z"
    assert plan.device_id == "device-a"


def test_round_trip_from_utf8_bytes_with_a_byte_order_mark() -> None:
    tables = sample_tables()
    plan = parse_import(b"\xef\xbb\xbf" + export_text(tables).encode())
    assert plan.tables["exercises"] == tables["exercises"]


def test_counts_are_live_records_and_summary_reads_well() -> None:
    plan = parse_import(export_text())
    assert plan.counts == {
        "exercises": 2,
        "programs": 1,
        "workoutLogs": 1,
        "workoutSets": 2,
        "settings": 0,
        "bodyWeights": 0,
        "conflicts": 0,
    }
    assert plan.summary() == "Imported 2 exercises, 1 program, 1 workout, 2 sets."


def test_summary_of_large_counts_and_of_an_empty_file() -> None:
    plan = exchange.ImportPlan(
        tables={}, counts={"exercises": 12, "programs": 3, "workoutLogs": 40, "workoutSets": 1310}
    )
    assert plan.summary() == "Imported 12 exercises, 3 programs, 40 workouts, 1,310 sets."
    assert parse_import(export_text({})).summary() == "The file holds no records."


def test_tables_missing_from_the_file_import_as_empty() -> None:
    data = json.loads(export_text())
    del data["tables"]["conflicts"]
    assert parse_import(json.dumps(data)).tables["conflicts"] == []


def test_a_set_may_point_at_a_deleted_workout_or_at_known_ids() -> None:
    tables = sample_tables()
    tables["workoutLogs"][0] = {**tables["workoutLogs"][0], "deleted": True}
    parse_import(export_text(tables))  # a delete elsewhere raced with a new set: harmless

    tables = sample_tables()
    on_device = tables.pop("exercises")
    with pytest.raises(ImportRefused):
        parse_import(export_text(tables))
    plan = parse_import(export_text(tables), known_ids={r["id"] for r in on_device})
    assert plan.counts["workoutSets"] == 2


def test_deleted_sets_are_not_checked_for_references() -> None:
    tables = sample_tables()
    tables["workoutSets"] = [
        {**record(workoutId=make_id(), exerciseId=make_id(), reps=1, weight=1), "deleted": True}
    ]
    assert parse_import(export_text(tables)).counts["workoutSets"] == 0


# --- every kind of bad file ---------------------------------------------------------------------


def test_too_large() -> None:
    text = export_text()
    message = refused(text, max_bytes=len(text) - 1)
    assert message.startswith("The file is ")
    assert "Setflow can import files up to" in message
    assert refused(b"x" * (3 * 1024 * 1024), max_bytes=2 * 1024 * 1024) == (
        "The file is 3 MB; Setflow can import files up to 2 MB."
    )


def test_size_counts_utf8_bytes_of_text() -> None:
    text = '"' + "é" * 60 + '"'  # 62 characters, 122 bytes
    assert "Setflow can import files up to" in refused(text, max_bytes=100)


def test_not_utf8() -> None:
    assert refused(b"\xff\xfe{}") == "The file is not a text file (it is not UTF-8 encoded)."


def test_not_json_names_line_and_column() -> None:
    """Said to a lifter, not a parser's words ("expecting ':' delimiter"); where it broke stays."""
    message = refused('{\n  "format": "setflow-export",\n  "tables" {}\n}')
    assert message == (
        "This file is damaged or is not a Setflow export: it cannot be read from line 3, column 12."
    )


def test_nan_is_not_json() -> None:
    assert refused('{"format": "setflow-export", "x": NaN}') == (
        "This file is damaged or is not a Setflow export: it holds NaN where a number belongs."
    )


def test_numbers_too_large_to_use() -> None:
    assert refused('{"x": 1e400}') == "The file holds a number too large to use (1e400)."
    assert refused('{"x": ' + "9" * 5000 + "}") == "The file holds a number too long to use."


def test_deeply_nested_file() -> None:
    assert "nested too deeply" in refused("[" * 200_000 + "]" * 200_000)


@pytest.mark.parametrize(
    "text",
    ["[]", '"setflow-export"', "{}", '{"format": "other-app"}', '{"format": 1}'],
)
def test_not_a_setflow_export(text: str) -> None:
    assert refused(text) == (
        "This file is not a Setflow export; choose a file made with Export in Setflow."
    )


def test_newer_format_version() -> None:
    assert refused(export_text(formatVersion=2)) == (
        "This file was made by a newer version of Setflow (export format 2); "
        "update the app to import it."
    )


def test_newer_schema_version() -> None:
    message = refused(export_text(schemaVersion=schema.SCHEMA_VERSION + 1))
    assert "made by a newer version of Setflow; update the app" in message


@pytest.mark.parametrize("version", [None, "1", True, 1.0])
def test_missing_or_malformed_format_version(version: Any) -> None:
    assert refused(export_text(formatVersion=version)) == (
        "The file has no valid export format version, so it cannot be read."
    )


def test_older_format_version_without_a_migration_step() -> None:
    assert refused(export_text(formatVersion=0)) == (
        "This file uses export format 0, which this version of Setflow cannot read."
    )


def test_older_format_version_runs_its_migration_step(monkeypatch: pytest.MonkeyPatch) -> None:
    def from_0(data: dict[str, Any]) -> dict[str, Any]:
        data["tables"] = data.pop("data")
        return data

    monkeypatch.setitem(exchange.MIGRATIONS, 0, from_0)
    data = json.loads(export_text())
    data["formatVersion"] = 0
    data["data"] = data.pop("tables")
    plan = parse_import(json.dumps(data))
    assert plan.format_version == 1
    assert plan.counts["exercises"] == 2


@pytest.mark.parametrize("version", [None, 0, "1"])
def test_missing_or_malformed_schema_version(version: Any) -> None:
    assert "no valid schema version" in refused(export_text(schemaVersion=version))


def test_tables_missing() -> None:
    data = json.loads(export_text())
    del data["tables"]
    assert refused(json.dumps(data)) == (
        'The file has no "tables" section, so it holds no data to import.'
    )


def test_tables_not_an_object() -> None:
    assert refused(export_text(tables=[])) == (
        'The "tables" section of the file must be an object.'
    )


def test_table_not_a_list() -> None:
    assert refused(export_text(tables={"exercises": {}})) == (
        'Table "exercises" in the file must be a list of records.'
    )


def test_unknown_table() -> None:
    assert refused(export_text(tables={"exercises": [], "users": []})) == (
        'The file holds an unknown table "users".'
    )


def test_invalid_record_names_table_id_and_field() -> None:
    tables = sample_tables()
    bad = tables["workoutSets"][1]
    bad["weight"] = "heavy"
    assert refused(export_text(tables)) == (
        f"The file holds an invalid record (number 2 in workoutSets). "
        f"Record {bad['id']} in workoutSets: Weight must be a number."
    )


def test_invalid_envelope_and_missing_id() -> None:
    tables = sample_tables()
    tables["exercises"][0]["deleted"] = "no"
    assert "deleted must be true or false" in refused(export_text(tables))

    tables = sample_tables()
    del tables["programs"][0]["id"]
    assert refused(export_text(tables)) == (
        "The file holds an invalid record (number 1 in programs). "
        "A record in programs has a missing or malformed id."
    )


def test_record_that_is_not_an_object() -> None:
    assert "must be an object" in refused(export_text(tables={"exercises": [42]}))


def test_duplicate_ids_within_a_table() -> None:
    tables = sample_tables()
    twin = tables["exercises"][0]
    tables["exercises"].append({**twin, "name": "Front squat"})
    assert refused(export_text(tables)) == f"Table exercises holds record {twin['id']} twice."


def test_set_pointing_at_a_missing_workout() -> None:
    tables = sample_tables()
    lost = make_id()
    first = tables["workoutSets"][0]
    first["workoutId"] = lost
    assert refused(export_text(tables)) == (
        f"Set {first['id']} belongs to workout {lost}, which is not in the file."
    )


def test_set_pointing_at_a_missing_exercise() -> None:
    tables = sample_tables()
    lost = make_id()
    first = tables["workoutSets"][0]
    first["exerciseId"] = lost
    assert refused(export_text(tables)) == (
        f"Set {first['id']} is for exercise {lost}, which is not in the file."
    )


def test_a_name_longer_than_the_limit_is_refused_not_cut() -> None:
    tables = sample_tables()
    bench = tables["exercises"][1]
    bench["name"] = "Bench press " + "x" * 69
    assert refused(export_text(tables)) == (
        "The file holds an invalid record (number 2 in exercises). "
        f"Record {bench['id']} in exercises: Exercise name must be at most 80 characters."
    )
