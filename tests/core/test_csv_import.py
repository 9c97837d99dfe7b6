"""From a parsed file to records: preview, units, matching, idempotence, undo and CSV round trips."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from itertools import count
from pathlib import Path
from typing import Any

import pytest

from app.core import changes, csv_export, csv_import, formats, schema
from app.core.csv_import import EMPTY, Plan, plan, rows_phrase
from app.core.exchange import ImportRefused
from app.core.formats.strong import REST_TIMER
from app.core.memory_store import MemoryStore

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
NOW = 1_767_000_000_000
_ids = count(1)


def new_id() -> str:
    return f"00000000-0000-4000-8000-{next(_ids):012d}"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_bytes().decode("utf-8")


Tables = dict[str, list[dict[str, Any]]]


def empty() -> Tables:
    return {name: [] for name in schema.TABLES}


def make_plan(text: str, tables: Tables, **kwargs: Any) -> Plan:
    return plan(
        formats.parse(text),
        exercises=tables["exercises"],
        workouts=tables["workoutLogs"],
        sets=tables["workoutSets"],
        device_id="device-a",
        now=kwargs.pop("now", NOW),
        new_id=new_id,
        **kwargs,
    )


def merged(tables: Tables, made: Plan) -> Tables:
    out = {name: list(rows) for name, rows in tables.items()}
    for name, rows in made.tables.items():
        out[name].extend(rows)
    return out


def content(tables: Tables, *, set_notes: bool = True) -> list[tuple[Any, ...]]:
    """What a person sees of their workouts, independent of ids (set notes left out for a
    layout with no column for them)."""
    names = {e["id"]: e["name"] for e in tables["exercises"]}
    result = []
    for w in tables["workoutLogs"]:
        if w.get("deleted"):
            continue
        sets = sorted(
            (
                s
                for s in tables["workoutSets"]
                if s["workoutId"] == w["id"] and not s.get("deleted")
            ),
            key=lambda s: s["position"],
        )
        result.append(
            (
                w["date"],
                w.get("name"),
                w.get("notes"),
                w.get("startedAt"),
                w.get("finishedAt"),
                tuple(
                    (
                        names[s["exerciseId"]],
                        s["position"],
                        s["reps"],
                        s["weight"],
                        s.get("setType"),
                        s.get("rpe"),
                        s.get("notes") if set_notes else None,
                    )
                    for s in sets
                ),
            )
        )
    return sorted(result, key=lambda r: (r[0], r[3] or 0))


# --- preview --------------------------------------------------------------------------------


def test_a_file_without_units_asks_before_anything_can_be_written() -> None:
    made = make_plan(fixture("strong_classic.csv"), empty())
    preview = made.preview
    assert preview.needs_unit and not preview.ready
    assert made.tables == {}
    assert (preview.format, preview.first_day, preview.last_day) == (
        "Strong",
        "2024-03-04",
        "2024-03-06",
    )
    assert preview.workouts == 2
    assert preview.sets == 8
    assert preview.skipped == [
        "1 cardio or timed row with a distance or time but no reps",
        "1 rest-timer row (rests, not sets)",
    ]


def test_pounds_become_kilograms_and_new_exercises_are_made_once() -> None:
    made = make_plan(fixture("strong_classic.csv"), empty(), unit="lb")
    assert made.preview.ready and made.preview.new_workouts == 2
    sets = made.tables["workoutSets"]
    assert [s["weight"] for s in sets[:4]] == [18.143695, 36.287390, 37.421371, 27.215542]
    assert [round(s["weight"] / 0.45359237, 2) for s in sets[:4]] == [40, 80, 82.5, 60]
    assert sorted(e["name"] for e in made.tables["exercises"]) == [
        "Bench Press (Barbell)",
        "Pull Up",
        "Squat (Barbell)",
    ]
    # Body-weight sets: weight 0, reps kept.
    pull_ups = [s for s in sets if s["exerciseId"] == made.tables["exercises"][1]["id"]]
    assert [(s["weight"], s["reps"]) for s in pull_ups] == [(0, 8), (0, 6)]
    # Every record is new to the server and fits the schema.
    for name, rows in made.tables.items():
        for record in rows:
            schema.check_record(schema.TABLES[name], record)
            assert record["version"] == 0 and record["deviceId"] == "device-a"
    assert made.tables["workoutLogs"][0]["date"] == "2024-03-04"
    assert made.tables["workoutLogs"][0]["notes"] == "Felt good, slept 8h"


def test_units_named_in_the_file_need_no_question() -> None:
    made = make_plan(fixture("strong_units_semicolon.csv"), empty())
    assert made.preview.ready and not made.preview.needs_unit
    weights = [s["weight"] for s in made.tables["workoutSets"]]
    assert weights == pytest.approx([20, 42.5, 70 * 0.45359237, 1202.5])


def test_names_match_existing_exercises_and_can_be_mapped_onto_one() -> None:
    tables = empty()
    bench = changes.create(
        "exercises", {"name": "bench press (barbell)"}, device_id="d", now=1, new_id=new_id
    ).record
    mine = changes.create(
        "exercises", {"name": "Chin-up"}, device_id="d", now=1, new_id=new_id
    ).record
    tables["exercises"] += [bench, mine]
    made = make_plan(fixture("strong_classic.csv"), tables, unit="kg")
    matches = {m.name: m.exercise_id for m in made.preview.exercises}
    assert matches == {
        "Bench Press (Barbell)": bench["id"],
        "Pull Up": None,
        "Running": None,
        "Squat (Barbell)": None,
    }
    remapped = make_plan(
        fixture("strong_classic.csv"),
        tables,
        unit="kg",
        mapping={csv_import.name_key("Pull Up"): mine["id"]},
    )
    assert {m.name: m.exercise_id for m in remapped.preview.exercises}["Pull Up"] == mine["id"]
    assert [e["name"] for e in remapped.tables["exercises"]] == ["Squat (Barbell)"]
    assert {m.name: m.sets for m in remapped.preview.exercises} == {
        "Bench Press (Barbell)": 4,
        "Pull Up": 2,
        "Running": 0,
        "Squat (Barbell)": 2,
    }


def test_a_second_import_adds_nothing_and_says_so() -> None:
    first = make_plan(fixture("hevy_kg.csv"), empty())
    assert (
        first.preview.summary() == "Imported from Hevy: 2 new workouts with 6 sets, 0 already here."
    )
    tables = merged(empty(), first)
    second = make_plan(fixture("hevy_kg.csv"), tables)
    assert (second.preview.new_workouts, second.preview.already_here) == (0, 2)
    assert second.record_count == 0
    assert (
        second.preview.summary()
        == "Imported from Hevy: 0 new workouts with 0 sets, 2 already here."
    )


def test_the_cardio_only_workout_is_skipped_and_counted() -> None:
    made = make_plan(fixture("hevy_kg.csv"), empty())
    assert made.preview.workouts == 3 and made.preview.new_workouts == 2
    assert made.preview.skipped == ["1 cardio or timed row with a distance or time but no reps"]


def test_a_weight_beyond_what_anyone_lifts_is_refused_naming_the_set() -> None:
    text = "Date,Workout Name,Exercise Name,Set Order,Weight (lbs),Reps\n2024-01-01 10:00:00,A,Leg Press,1,4500,5\n"
    with pytest.raises(
        ImportRefused, match="Leg Press set on 2024-01-01 weighs more than 2,000 kg"
    ):
        make_plan(text, empty())


# --- export and round trips -----------------------------------------------------------------


@pytest.mark.parametrize("source", ["hevy_kg.csv", "strong_units_semicolon.csv", "fitnotes.csv"])
@pytest.mark.parametrize("layout", ["strong", "hevy"])
def test_setflow_to_csv_to_setflow_loses_nothing_the_columns_hold(source: str, layout: str) -> None:
    original = merged(empty(), make_plan(fixture(source), empty(), unit="kg"))
    exported = getattr(csv_export, f"{layout}_csv")(original)
    assert formats.detect(exported) == layout.capitalize()
    back = make_plan(exported, empty(), unit="kg")
    again = merged(empty(), back)
    set_notes = layout != "hevy"  # Hevy's CSV has exercise notes but no column for set notes
    assert content(again, set_notes=set_notes) == content(original, set_notes=set_notes)
    # And into the device it came from: everything is already here.
    same = make_plan(exported, original, unit="kg")
    assert (same.preview.new_workouts, same.preview.already_here) == (
        0,
        len(original["workoutLogs"]),
    )


def test_strong_export_layout() -> None:
    original = merged(empty(), make_plan(fixture("strong_units_semicolon.csv"), empty()))
    lines = csv_export.strong_csv(original).splitlines()
    assert lines[0] == ",".join(csv_export.STRONG_HEADER)
    # Schema 2 holds the workout's name, times, set types and RPE: they come back out.
    assert lines[2] == (
        "2025-01-10 17:45:00,Upper,45m,Overhead Press (Barbell),1,42.5,6,0,0,,Shoulder; ok,7.5"
    )
    assert lines[3].split(",")[3:7] == ["Dumbbell Row", "1", "31.751466", "10"]


def test_hevy_export_layout() -> None:
    original = merged(empty(), make_plan(fixture("hevy_kg.csv"), empty()))
    lines = csv_export.hevy_csv(original).splitlines()
    assert lines[0] == ",".join(csv_export.HEVY_HEADER)
    assert lines[3] == (
        'Push Day,"22 Dec 2025, 08:00","22 Dec 2025, 09:12","Gym was busy, short rests",'
        'Bench Press (Barbell),,"Elbows in, ""tucked""",2,dropset,60,12,,,'
    )


def test_two_workouts_on_a_day_without_start_times_stay_two() -> None:
    tables = empty()
    stamp = {"device_id": "d", "now": 1, "new_id": new_id}
    squat = changes.create("exercises", {"name": "Squat"}, **stamp).record
    tables["exercises"].append(squat)
    for weight in (100, 110):
        log = changes.create("workoutLogs", {"date": "2026-01-05"}, **stamp).record
        one = {
            "workoutId": log["id"],
            "exerciseId": squat["id"],
            "position": 0,
            "reps": 5,
            "weight": weight,
        }
        tables["workoutLogs"].append(log)
        tables["workoutSets"].append(changes.create("workoutSets", one, **stamp).record)
    for layout in (csv_export.strong_csv, csv_export.hevy_csv):
        back = make_plan(layout(tables), empty(), unit="kg")
        assert back.preview.new_workouts == 2
        assert sorted(s["weight"] for s in back.tables["workoutSets"]) == [100, 110]
        assert make_plan(layout(tables), tables, unit="kg").preview.already_here == 2


# --- writing and undo -----------------------------------------------------------------------


def test_import_then_undo_through_the_store() -> None:
    asyncio.run(_import_then_undo())


async def _import_then_undo() -> None:
    store = MemoryStore()
    made = make_plan(fixture("hevy_kg.csv"), empty())
    await store.import_records(made.tables)
    assert await store.outbox_count() == made.record_count
    tables = await store.dump()
    undone = csv_import.undo(made.ids(), tables, device_id="device-a", now=NOW + 5, new_id=new_id)
    assert len(undone) == made.record_count
    await store.write(undone)
    assert await store.all("workoutLogs") == []
    assert await store.all("workoutSets") == []
    assert await store.all("exercises") == []
    outbox = await store.outbox(100_000)
    assert sum(1 for m in outbox if m.kind == "delete") == made.record_count


def test_undo_is_refused_once_the_import_was_edited() -> None:
    made = make_plan(fixture("hevy_kg.csv"), empty())
    tables = merged(empty(), made)
    stamp = {"device_id": "device-a", "now": NOW + 10, "new_id": new_id}
    edited = changes.edit("workoutSets", tables["workoutSets"][0], {"reps": 11}, **stamp)
    assert edited is not None
    tables["workoutSets"][0] = edited.record
    with pytest.raises(ImportRefused, match="changed since"):
        csv_import.undo(made.ids(), tables, **stamp)


def test_undo_is_refused_when_a_set_was_added_to_an_imported_workout() -> None:
    made = make_plan(fixture("hevy_kg.csv"), empty())
    tables = merged(empty(), made)
    stamp = {"device_id": "device-a", "now": NOW + 10, "new_id": new_id}
    first = tables["workoutSets"][0]
    fields = {
        "workoutId": first["workoutId"],
        "exerciseId": first["exerciseId"],
        "position": 9,
        "reps": 1,
        "weight": 1,
    }
    tables["workoutSets"].append(changes.create("workoutSets", fields, **stamp).record)
    with pytest.raises(ImportRefused, match="changed since"):
        csv_import.undo(made.ids(), tables, **stamp)


def test_undo_keeps_an_imported_exercise_the_person_has_used_since() -> None:
    made = make_plan(fixture("hevy_kg.csv"), empty())
    tables = merged(empty(), made)
    stamp = {"device_id": "device-a", "now": NOW + 10, "new_id": new_id}
    mine = changes.create("workoutLogs", {"date": "2026-02-01"}, **stamp).record
    squat = next(e for e in tables["exercises"] if e["name"] == "Squat (Barbell)")
    fields = {
        "workoutId": mine["id"],
        "exerciseId": squat["id"],
        "position": 0,
        "reps": 1,
        "weight": 1,
    }
    tables["workoutLogs"].append(mine)
    tables["workoutSets"].append(changes.create("workoutSets", fields, **stamp).record)
    undone = csv_import.undo(made.ids(), tables, **stamp)
    deleted = {c.record["id"] for c in undone}
    assert squat["id"] not in deleted
    assert mine["id"] not in deleted
    assert len(undone) == made.record_count - 1


def test_nothing_left_to_undo() -> None:
    with pytest.raises(ImportRefused, match="nothing left"):
        csv_import.undo({"workoutLogs": [new_id()]}, empty(), device_id="d", now=1, new_id=new_id)


def test_characters_nothing_can_store_are_dropped_from_names_and_notes() -> None:
    text = "Date,Workout Name,Exercise Name,Set Order,Weight (kg),Reps,Notes\n"
    text += '2024-01-01 10:00:00,A,Squat\x07,1,100,5,"deep\x00\nslow"\n'
    made = make_plan(text, empty())
    assert made.tables["exercises"][0]["name"] == "Squat"
    again = make_plan(text, merged(empty(), made))
    assert (again.preview.already_here, again.record_count) == (1, 0)
    for name, rows in made.tables.items():
        for record in rows:
            schema.check_record(schema.TABLES[name], record)


LIBRARY = [
    csv_import.Builtin(
        "9b3c1f2e-0000-4000-8000-000000000001",
        "Bench press",
        {"name": "Bench press", "muscleGroup": "Chest", "equipment": "Barbell"},
    ),
    csv_import.Builtin(
        "9b3c1f2e-0000-4000-8000-000000000002",
        "Pull-up",
        {"name": "Pull-up", "muscleGroup": "Back", "equipment": "Body weight"},
    ),
    csv_import.Builtin(
        "9b3c1f2e-0000-4000-8000-000000000003",
        "Dumbbell row",
        {"name": "Dumbbell row", "muscleGroup": "Back", "equipment": "Dumbbell"},
    ),
]


def test_names_of_built_in_exercises_become_those_exercises() -> None:
    made = make_plan(fixture("hevy_kg.csv"), empty(), library=LIBRARY)
    matches = {m.name: m.builtin.name if m.builtin else None for m in made.preview.exercises}
    # "Bench Press (Barbell)": the built-in bench press is a barbell lift.
    assert matches["Bench Press (Barbell)"] == "Bench press"
    assert matches["Squat (Barbell)"] is None
    bench = next(e for e in made.tables["exercises"] if e["id"] == LIBRARY[0].id)
    assert bench["name"] == "Bench press"
    assert bench["muscleGroup"] == "Chest"
    # "Row (Dumbbell)" style names: the equipment may lead the built-in name.
    assert csv_import.builtin_for("row (dumbbell)", {"dumbbell row": LIBRARY[2]}) == LIBRARY[2]
    assert csv_import.builtin_for("row (cable)", {"dumbbell row": LIBRARY[2]}) is None
    # Importing again: the built-in exercise now exists, and everything is already here.
    again = make_plan(fixture("hevy_kg.csv"), merged(empty(), made), library=LIBRARY)
    assert (again.preview.new_workouts, again.record_count) == (0, 0)


def test_a_built_in_match_can_be_turned_into_a_new_exercise() -> None:
    key = csv_import.name_key("Bench Press (Barbell)")
    made = make_plan(fixture("hevy_kg.csv"), empty(), library=LIBRARY, mapping={key: ""})
    names = sorted(e["name"] for e in made.tables["exercises"])
    assert "Bench Press (Barbell)" in names and "Bench press" not in names


def test_schema_2_fields_come_in_start_times_in_the_persons_time_zone() -> None:
    made = make_plan(fixture("hevy_kg.csv"), empty(), utc_offset_minutes=60)
    log = made.tables["workoutLogs"][0]
    assert log["name"] == "Push Day"
    assert log["startedAt"] == int(datetime(2025, 12, 22, 7, 0, tzinfo=UTC).timestamp() * 1000)
    assert log["finishedAt"] - log["startedAt"] == 72 * 60 * 1000
    bench = [s for s in made.tables["workoutSets"] if s["workoutId"] == log["id"]][:3]
    assert [(s.get("setType"), s.get("rpe"), s["done"]) for s in bench] == [
        ("warmup", None, True),
        (None, 8, True),
        ("drop", None, True),
    ]
    bench_id = bench[0]["exerciseId"]
    assert log["exerciseNotes"] == {bench_id: 'Elbows in, "tucked"'}
    # An RPE Setflow cannot hold (outside 6-10) is left out; 8.3 becomes 8.5.
    assert csv_import._rpe(5) is None and csv_import._rpe(8.3) == 8.5


def test_skipped_rows_are_counted_in_words_a_person_reads() -> None:
    assert rows_phrase(1, EMPTY) == "1 row with no reps, weight, distance or time"
    assert rows_phrase(1_200, REST_TIMER) == "1,200 rest-timer rows (rests, not sets)"


# --- text longer than Setflow keeps ---------------------------------------------------------

# Odd text: an emoji with a skin tone (two code points), "é" as e + combining accent, Hebrew.
ODD = "💪🏽 e\u0301 שלום עולם "


def odd(length: int) -> str:
    """``length`` characters as Python counts them, not ending in a space (the import strips)."""
    return (ODD * length)[: length - 1] + "!"


def csv_cell(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def test_text_longer_than_setflow_keeps_is_shortened_with_a_mark_and_counted() -> None:
    set_note, workout_note, name = odd(600), odd(1_200), odd(100)
    text = "Date,Workout Name,Exercise Name,Set Order,Weight (kg),Reps,Notes,Workout Notes\n"
    text += (
        f"2024-01-01 10:00:00,Legs,{csv_cell(name)},1,100,5,{csv_cell(set_note)},"
        f"{csv_cell(workout_note)}\n"
        f"2024-01-01 10:00:00,Legs,{csv_cell(name)},2,100,5,short,\n"
        f"2024-01-02 10:00:00,{csv_cell(odd(81))},{csv_cell(name)},1,100,5,"
        f"{csv_cell(odd(501))},{csv_cell(odd(1_000))}\n"
    )
    made = make_plan(text, empty())
    assert made.preview.shortened == {
        ("workoutSets", "notes"): 2,
        ("workoutLogs", "notes"): 1,
        ("workoutLogs", "name"): 1,
        ("exercises", "name"): 1,  # one exercise, made once
    }
    assert made.preview.shortening() == (
        "2 set notes, 1 workout note, 1 workout name and 1 exercise name are longer than "
        "Setflow keeps (500, 1,000, 80 and 80 characters): they will be shortened, "
        "ending in “…”."
    )
    # Cut as Python counts characters: the limit minus one, then the mark.
    first, _, third = made.tables["workoutSets"]
    assert first["notes"] == set_note[:499] + "…" and len(first["notes"]) == 500
    assert third["notes"] == odd(501)[:499] + "…"
    logs = made.tables["workoutLogs"]
    assert logs[0]["notes"] == workout_note[:999] + "…"
    assert logs[1]["notes"] == odd(1_000)  # at the limit: kept whole
    assert logs[1]["name"] == odd(81)[:79] + "…"
    assert made.tables["exercises"][0]["name"] == name[:79] + "…"
    for table, rows in made.tables.items():
        for record in rows:
            schema.check_record(schema.TABLES[table], record)


def test_a_second_import_of_a_name_setflow_shortened_adds_nothing() -> None:
    """The stored name ends in "…": the file's full name must still find it, and its workouts
    must still be "already here" (in any case and spacing the file uses)."""
    name = odd(100)
    text = "Date,Workout Name,Exercise Name,Set Order,Weight (kg),Reps\n"
    text += f"2024-01-01 10:00:00,Legs,{csv_cell(name)},1,100,5\n"
    first = make_plan(text, empty())
    tables = merged(empty(), first)
    assert tables["exercises"][0]["name"] == name[:79] + "…"
    second = make_plan(text, tables)
    assert (second.preview.new_workouts, second.preview.already_here) == (0, 1)
    assert second.record_count == 0
    # A later file with one more workout of it: its sets go to the exercise already here.
    later = text + f"2024-01-08 10:00:00,Legs,{csv_cell(name.upper())},1,102.5,5\n"
    third = make_plan(later, tables)
    assert (third.preview.new_workouts, third.preview.already_here) == (1, 1)
    assert "exercises" not in third.tables or third.tables["exercises"] == []
    assert third.tables["workoutSets"][0]["exerciseId"] == tables["exercises"][0]["id"]


def test_a_long_muscle_group_is_counted_and_said_alone() -> None:
    text = "Date,Exercise,Category,Weight,Weight Unit,Reps,Distance,Distance Unit,Time,Comment\n"
    text += f"2022-06-01,Curl,{csv_cell(odd(81))},20,kgs,8,,,,\n"
    made = make_plan(text, empty())
    assert made.preview.shortened == {("exercises", "muscleGroup"): 1}
    assert made.preview.shortening() == (
        "1 muscle group is longer than Setflow keeps (80 characters): it will be shortened, "
        "ending in “…”."
    )
    assert made.tables["exercises"][0]["muscleGroup"] == odd(81)[:79] + "…"


def test_two_kinds_of_one_limit_name_it_once() -> None:
    preview = make_plan(fixture("hevy_kg.csv"), empty()).preview
    preview.shortened = {("workoutLogs", "name"): 3, ("exercises", "name"): 1}
    assert preview.shortening() == (
        "3 workout names and 1 exercise name are longer than Setflow keeps (80 characters): "
        "they will be shortened, ending in “…”."
    )


def test_nothing_shortened_says_nothing() -> None:
    made = make_plan(fixture("hevy_kg.csv"), empty())
    assert made.record_count > 0
    assert made.preview.shortened == {}
    assert made.preview.shortening() == ""


def test_a_long_exercise_note_is_shortened_with_the_mark_and_said_too() -> None:
    """Hevy's exercise notes went in cut at 1,000 characters without a word or a mark."""
    note = odd(1_100)
    text = (
        "title,start_time,end_time,description,exercise_title,superset_id,exercise_notes,"
        "set_index,set_type,weight_kg,reps,distance_km,duration_seconds,rpe\n"
        f'Push,"22 Dec 2025, 08:00",,,Bench Press (Barbell),,{csv_cell(note)},0,normal,80,5,,,\n'
    )
    made = make_plan(text, empty())
    log, bench = made.tables["workoutLogs"][0], made.tables["exercises"][0]
    assert log["exerciseNotes"] == {bench["id"]: note[:999] + "…"}
    assert made.preview.shortened == {("workoutLogs", "exerciseNotes"): 1}
    assert made.preview.shortening() == (
        "1 exercise note is longer than Setflow keeps (1,000 characters): it will be "
        "shortened, ending in “…”."
    )
    kept = make_plan(text.replace(csv_cell(note), csv_cell(odd(1_000))), empty())
    assert kept.tables["workoutLogs"][0]["exerciseNotes"] == {
        kept.tables["exercises"][0]["id"]: odd(1_000)
    }
    assert kept.preview.shortened == {}
