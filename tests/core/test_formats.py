"""Reading other apps' CSV exports: every layout variant, real-world quirks, and bad files."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from app.core import formats
from app.core.exchange import ImportRefused
from app.core.formats.base import DROP, FAILURE, KG, LB, NORMAL, WARMUP, Parsed, duration_seconds

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def fixture(name: str) -> str:
    # Read as the browser's File.text() does: UTF-8, the BOM and CRLF kept.
    return (FIXTURES / name).read_bytes().decode("utf-8")


def sets(parsed: Parsed, exercise: str) -> list[tuple[str, float | None, str | None, int | None]]:
    return [
        (s.kind, s.weight, s.unit, s.reps)
        for w in parsed.workouts
        for e in w.exercises
        if e.name == exercise
        for s in e.sets
    ]


# --- detection ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("strong_classic.csv", "Strong"),
        ("strong_units_semicolon.csv", "Strong"),
        ("strong_weight_lbs.csv", "Strong"),
        ("hevy_kg.csv", "Hevy"),
        ("hevy_lbs.csv", "Hevy"),
        ("fitnotes.csv", "FitNotes"),
    ],
)
def test_the_format_is_recognised_from_the_content(name: str, expected: str) -> None:
    assert formats.detect(fixture(name)) == expected


def test_setflow_json_is_recognised_even_with_a_bom() -> None:
    assert formats.detect('\ufeff {"format": "setflow-export"}') == "Setflow"


def test_an_unknown_layout_names_the_formats_that_are_understood() -> None:
    with pytest.raises(ImportRefused) as err:
        formats.detect(fixture("unknown.csv"))
    assert str(err.value) == (
        "This file's layout is not one Setflow knows; it reads a Setflow export (JSON), "
        "or a CSV export from Strong, Hevy or FitNotes."
    )
    with pytest.raises(ImportRefused, match="Strong, Hevy or FitNotes"):
        formats.parse(fixture("unknown.csv"))


# --- Strong ---------------------------------------------------------------------------------


def test_strong_classic_with_bom_crlf_quoted_commas_and_set_letters() -> None:
    parsed = formats.parse(fixture("strong_classic.csv"))
    assert parsed.format == "Strong"
    push, legs = parsed.workouts
    assert push.start == datetime(2024, 3, 4, 18, 2, 11)
    assert push.title == "Push, heavy"
    assert push.notes == "Felt good, slept 8h"
    assert push.seconds == 65 * 60
    assert legs.seconds == 2 * 3600 + 38 * 60
    bench = push.exercises[0]
    assert [(s.kind, s.weight, s.reps, s.rpe) for s in bench.sets] == [
        (WARMUP, 40, 10, None),
        (NORMAL, 80, 5, 8),
        (NORMAL, 82.5, 5, 8.5),
        (DROP, 60, 12, None),
    ]
    assert bench.sets[1].notes == "Paused, 1s"
    # Body-weight sets: no weight, not zero; a failure set by its letter.
    assert sets(parsed, "Pull Up") == [(NORMAL, None, None, 8), (FAILURE, None, None, 6)]
    # The classic layout names no unit: the person is asked.
    assert parsed.needs_unit
    assert {s.unit for s in bench.sets} == {None}
    # The rest timer row is not a set; Strong's 0 distance on strength sets is no distance.
    assert parsed.skipped == {"rest-timer rows (rests, not sets)": 1}
    assert bench.sets[0].distance is None and bench.sets[0].seconds is None
    running = legs.exercises[1]
    assert (running.sets[0].distance, running.sets[0].seconds) == (5.2, 1800)
    assert running.sets[0].distance_unit is None  # km or miles: as the weights' unit


def test_strong_newer_semicolons_units_per_row_decimal_commas_duration_last() -> None:
    parsed = formats.parse(fixture("strong_units_semicolon.csv"))
    upper, lower = parsed.workouts
    assert not parsed.needs_unit
    assert upper.notes == "Shoulder; ok"
    assert upper.seconds == 45 * 60 and lower.seconds == 2 * 3600 + 38 * 60
    assert sets(parsed, "Overhead Press (Barbell)") == [(WARMUP, 20, KG, 10), (NORMAL, 42.5, KG, 6)]
    assert upper.exercises[0].sets[1].rpe == 7.5
    assert sets(parsed, "Dumbbell Row") == [(NORMAL, 70, LB, 10)]
    assert upper.exercises[1].sets[0].notes == "Left, then right"
    rowing = upper.exercises[2].sets[0]
    assert (rowing.distance, rowing.distance_unit, rowing.seconds) == (2500, "m", 600)
    assert sets(parsed, "Deadlift (Barbell)") == [(NORMAL, 1202.5, KG, 1)]


def test_strong_unit_in_the_header_and_duration_in_seconds() -> None:
    parsed = formats.parse(fixture("strong_weight_lbs.csv"))
    (morning,) = parsed.workouts
    assert not parsed.needs_unit
    assert morning.seconds == 3600
    assert sets(parsed, "Bench Press (Barbell)") == [(NORMAL, 225, LB, 5), (NORMAL, 225, LB, 4)]
    plank = morning.exercises[1].sets[0]
    assert (plank.weight, plank.reps, plank.seconds) == (None, None, 60)


def test_strong_kg_header() -> None:
    text = (
        "Date,Workout Name,Duration,Exercise Name,Set Order,Weight (kg),Reps,Notes\n"
        "2024-01-02 10:00:00,A,30m,Squat,1,100,5,\n"
    )
    parsed = formats.parse(text)
    assert sets(parsed, "Squat") == [(NORMAL, 100, KG, 5)]


# --- Hevy -----------------------------------------------------------------------------------


def test_hevy_kg_with_set_types_supersets_notes_and_cardio() -> None:
    parsed = formats.parse(fixture("hevy_kg.csv"))
    assert parsed.format == "Hevy"
    assert not parsed.needs_unit
    push, cardio, legs = parsed.workouts
    assert push.start == datetime(2025, 12, 22, 8, 0)
    assert push.seconds == 72 * 60
    assert push.notes == "Gym was busy, short rests"
    bench, dips, pushdown = push.exercises
    assert bench.notes == 'Elbows in, "tucked"'
    assert [(s.kind, s.weight, s.reps) for s in bench.sets] == [
        (WARMUP, 40, 10),
        (NORMAL, 85, 5),
        (DROP, 60, 12),
    ]
    assert bench.sets[1].rpe == 8
    assert dips.superset == pushdown.superset == "0"
    assert (dips.sets[0].weight, dips.sets[0].reps) == (None, 12)
    assert pushdown.sets[0].kind == FAILURE
    treadmill = cardio.exercises[0].sets[0]
    assert (treadmill.distance, treadmill.distance_unit, treadmill.seconds) == (5100, "m", 1800)
    assert legs.exercises[0].sets[0].rpe == 9.5


def test_hevy_pounds_and_miles() -> None:
    parsed = formats.parse(fixture("hevy_lbs.csv"))
    (upper,) = parsed.workouts
    assert sets(parsed, "Bench Press (Barbell)") == [(NORMAL, 225, LB, 5), (NORMAL, 185, LB, 8)]
    run = upper.exercises[1].sets[0]
    assert run.distance == pytest.approx(3.1 * 1609.344)
    assert run.distance_unit == "m"


def test_hevy_iso_times() -> None:
    text = (
        "title,start_time,end_time,description,exercise_title,superset_id,exercise_notes,"
        "set_index,set_type,weight_kg,reps,distance_km,duration_seconds,rpe\n"
        "A,2024-05-01T06:00:00,2024-05-01T07:00:00,,Squat,,,0,normal,100,5,,,\n"
    )
    (workout,) = formats.parse(text).workouts
    assert workout.start == datetime(2024, 5, 1, 6) and workout.seconds == 3600


# --- FitNotes -------------------------------------------------------------------------------


def test_fitnotes_one_workout_per_day_units_per_row_categories_and_times() -> None:
    parsed = formats.parse(fixture("fitnotes.csv"))
    assert parsed.format == "FitNotes"
    assert not parsed.needs_unit
    first, _second = parsed.workouts
    assert first.start == datetime(2022, 6, 1)
    bench, chin, cycling = first.exercises
    assert bench.category == "Chest"
    assert [(s.weight, s.unit, s.reps) for s in bench.sets] == [(60, KG, 8), (62.5, KG, 6)]
    assert bench.sets[1].notes == "Grip wider, felt stronger"
    assert (chin.sets[0].weight, chin.sets[0].reps) == (0, 10)
    ride = cycling.sets[0]
    assert (ride.distance, ride.distance_unit, ride.seconds, ride.weight) == (
        12500,
        "m",
        2700,
        None,
    )
    assert sets(parsed, "Barbell Squat") == [(NORMAL, 225, LB, 5)]


def test_fitnotes_older_header_with_unit() -> None:
    text = "Date,Exercise,Category,Weight (lbs),Reps,Distance,Distance Unit,Time\n"
    text += "2020-01-01,Deadlift,Back,315,3,,,\n"
    assert sets(formats.parse(text), "Deadlift") == [(NORMAL, 315, LB, 3)]


# --- bad files ------------------------------------------------------------------------------

STRONG_HEADER = "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE\n"
HEVY_HEADER = (
    "title,start_time,end_time,description,exercise_title,superset_id,exercise_notes,"
    "set_index,set_type,weight_kg,reps,distance_km,duration_seconds,rpe\n"
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            STRONG_HEADER + "2024-02-30 10:00:00,A,1h,Squat,1,100,5,0,0,,,\n",
            'Row 2: the date "2024-02-30 10:00:00" does not exist.',
        ),
        (
            STRONG_HEADER + "yesterday,A,1h,Squat,1,100,5,0,0,,,\n",
            'Row 2: the date "yesterday" is not a date we can read.',
        ),
        (
            STRONG_HEADER + "2024-02-03 10:00:00,A,1h,Squat,1,heavy,5,0,0,,,\n",
            'Row 2: the weight "heavy" is not a number.',
        ),
        (
            STRONG_HEADER + "2024-02-03 10:00:00,A,1h,Squat,1,1_000,5,0,0,,,\n",
            'Row 2: the weight "1_000" is not a number.',
        ),
        (
            STRONG_HEADER + "2024-02-03 10:00:00,A,1h,Squat,1,nan,5,0,0,,,\n",
            'Row 2: the weight "nan" is not a number we can use.',
        ),
        (
            STRONG_HEADER + "2024-02-03 10:00:00,A,1h,Squat,1,100,5.5,0,0,,,\n",
            'Row 2: the reps "5.5" is not a whole number.',
        ),
        (
            STRONG_HEADER + "2024-02-03 10:00:00,A,1h,Squat,1,-100,5,0,0,,,\n",
            'Row 2: the weight "-100" is not a number we can use.',
        ),
        (
            STRONG_HEADER + "2024-02-03 10:00:00,A,1h,Squat,X,100,5,0,0,,,\n",
            'Row 2: the set order "X" is not a set number or W, D, F.',
        ),
        (
            STRONG_HEADER + "2024-02-03 10:00:00,A,forever,Squat,1,100,5,0,0,,,\n",
            'Row 2: the duration "forever" is not one we can read.',
        ),
        (
            STRONG_HEADER + "2024-02-03 10:00:00,A,1h,Squat,1,100,5\n",
            "Row 2 has 7 columns where the header has 12; the file may mix layouts.",
        ),
        (
            STRONG_HEADER + "2024-02-03 10:00:00,A,1h,Squat,1,100,5,0,0,,,\n" + HEVY_HEADER,
            "Row 3 starts a Hevy header inside the file; the file mixes layouts, "
            "so import each export on its own.",
        ),
        (
            HEVY_HEADER + '"A","31 Nov 2025, 08:00","","","Squat",,,0,"normal",100,5,,,\n',
            'Row 2: the start time "31 Nov 2025, 08:00" does not exist.',
        ),
        (
            HEVY_HEADER + '"A","1 Nov 2025, 08:00","","","Squat",,,0,"giant",100,5,,,\n',
            'Row 2: the set type "giant" is unknown.',
        ),
        (STRONG_HEADER, "This Strong file holds no workouts."),
        (
            'Date,Exercise,Category,Reps\n2024-01-01,"unclosed\n',
            "The file is not a readable CSV file: its quotes do not pair up near row 2.",
        ),
    ],
)
def test_a_bad_file_is_refused_with_one_sentence(text: str, message: str) -> None:
    with pytest.raises(ImportRefused) as err:
        formats.parse(text)
    assert str(err.value) == message


def test_the_same_header_twice_is_two_exports_pasted_together() -> None:
    row = "2024-02-03 10:00:00,A,1h,Squat,1,100,5,0,0,,,\n"
    parsed = formats.parse(STRONG_HEADER + row + STRONG_HEADER + row)
    assert len(parsed.workouts) == 1 and parsed.workouts[0].set_count == 2


def test_a_multi_line_note_keeps_its_line_break_and_rows_count_lines() -> None:
    text = STRONG_HEADER + '2024-02-03 10:00:00,A,1h,Squat,1,100,5,0,0,"deep,\nslow",,\n'
    text += "2024-02-03 10:00:00,A,1h,Squat,2,oops,5,0,0,,,\n"
    with pytest.raises(ImportRefused, match=r"^Row 4: "):
        formats.parse(text)
    parsed = formats.parse(text.replace("oops", "100"))
    assert parsed.workouts[0].exercises[0].sets[0].notes == "deep,\nslow"


@pytest.mark.parametrize(
    ("raw", "seconds"),
    [("2h 38m", 9480), ("45m", 2700), ("50s", 50), ("1h", 3600), ("1:05:00", 3900), ("90", 90),
     ("1h 2m 3s", 3723), ("", None)],
)  # fmt: skip
def test_durations(raw: str, seconds: int | None) -> None:
    assert duration_seconds(raw, 2) == seconds
