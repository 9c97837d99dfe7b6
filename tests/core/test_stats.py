"""History and progress numbers, on small hand-made data with exact expected values."""

from __future__ import annotations

from typing import Any

import pytest

from app.core.stats import (
    UNKNOWN_EXERCISE,
    ProgressPoint,
    WorkoutSummary,
    estimated_1rm,
    progress,
    workout_history,
)

SQUAT = "00000000-0000-4000-8000-00000000000a"
BENCH = "00000000-0000-4000-8000-00000000000b"
ROW = "00000000-0000-4000-8000-00000000000c"


def rec(id: str, created: int = 0, deleted: bool = False, **fields: Any) -> dict[str, Any]:
    return {
        "id": id,
        "createdAt": created,
        "updatedAt": created,
        "deviceId": "d",
        "deleted": deleted,
        "version": 1,
        **fields,
    }


def a_set(
    id: str, workout: str, exercise: str, position: int | None, reps: int, weight: float, **kw: Any
) -> dict[str, Any]:
    return rec(
        id,
        workoutId=workout,
        exerciseId=exercise,
        position=position,
        reps=reps,
        weight=weight,
        **kw,
    )


EXERCISES = [
    rec(SQUAT, name="Squat"),
    rec(BENCH, name="Bench press"),
    rec(ROW, deleted=True),  # tombstone without a name
]

LOGS = [
    rec("w1", created=100, date="2026-01-05"),
    rec("w2", created=200, date="2026-01-08"),
    rec("w3", created=300, date="2026-01-08"),  # same date as w2, made later
    rec("w4", created=400, date="2026-01-10", deleted=True),
    rec("w5", created=500, date="2026-01-03"),  # no sets
]

SETS = [
    # w1: bench first by position although listed last
    a_set("s1", "w1", SQUAT, 1, 5, 100),
    a_set("s2", "w1", SQUAT, 2, 5, 102.5),
    a_set("s3", "w1", BENCH, 0, 8, 60),
    a_set("s4", "w1", BENCH, 3, 1, 999, deleted=True),
    # w2
    a_set("s5", "w2", SQUAT, 0, 3, 110),
    a_set("s6", "w2", ROW, 1, 10, 50),
    # w3: no positions: creation order
    a_set("s7", "w3", SQUAT, None, 1, 120, created=2),
    a_set("s8", "w3", BENCH, None, 10, 50, created=1),
    # w4 is deleted: its sets never count
    a_set("s9", "w4", SQUAT, 0, 1, 500),
    # a set whose workout is not there at all
    a_set("s10", "w-missing", SQUAT, 0, 1, 400),
]


@pytest.mark.parametrize(
    ("weight", "reps", "expected"),
    [(100, 0, 0.0), (100, 1, 100.0), (90, 3, 99.0), (100, 10, 400 / 3), (60, 30, 120.0)],
)
def test_estimated_1rm(weight: float, reps: int, expected: float) -> None:
    assert estimated_1rm(weight, reps) == expected


def test_workout_history() -> None:
    assert workout_history(LOGS, SETS, EXERCISES) == [
        WorkoutSummary("w3", "2026-01-08", ("Bench press", "Squat"), 2, 620.0),
        WorkoutSummary("w2", "2026-01-08", ("Squat", UNKNOWN_EXERCISE), 2, 830.0),
        WorkoutSummary("w1", "2026-01-05", ("Bench press", "Squat"), 3, 1492.5),
        WorkoutSummary("w5", "2026-01-03", (), 0, 0),
    ]


def test_workout_history_keeps_the_name_of_a_deleted_exercise() -> None:
    exercises = [rec(SQUAT, deleted=True, name="Squat")]
    (summary,) = workout_history([LOGS[0]], SETS[:2], exercises)
    assert summary.exercise_names == ("Squat",)
    assert summary.volume == 1012.5


def test_workout_history_of_nothing() -> None:
    assert workout_history([], [], []) == []


def test_progress_of_squat() -> None:
    assert progress(SQUAT, LOGS, SETS) == [
        # w1: 100x5 -> 116.67, 102.5x5 -> 119.583...; volume 500 + 512.5
        ProgressPoint("2026-01-05", 102.5 * 35 / 30, 1012.5, 102.5, 2),
        # w2 and w3 share a date: 110x3 -> 121, 120x1 -> 120; volume 330 + 120
        ProgressPoint("2026-01-08", 121.0, 450.0, 120.0, 2),
    ]


def test_progress_of_bench() -> None:
    assert progress(BENCH, LOGS, SETS) == [
        ProgressPoint("2026-01-05", 76.0, 480.0, 60.0, 1),
        ProgressPoint("2026-01-08", 50 * 40 / 30, 500.0, 50.0, 1),
    ]


def test_progress_of_an_exercise_without_sets() -> None:
    assert progress("00000000-0000-4000-8000-0000000000ff", LOGS, SETS) == []
