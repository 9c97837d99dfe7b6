"""Prefill from last time, set number by set number; repeat last time; start from a program."""

from __future__ import annotations

from typing import Any

from app.core import workout
from app.core.workout import Row

_n = iter(range(1, 1_000_000))


def w(date: str, **extra: Any) -> dict[str, Any]:
    return {"id": f"w-{next(_n)}", "date": date, "createdAt": 0, **extra}


def s(
    wk: dict[str, Any], exercise: str, position: int, weight: float, reps: int, **extra: Any
) -> dict[str, Any]:
    return {
        "id": f"s-{next(_n)}",
        "workoutId": wk["id"],
        "exerciseId": exercise,
        "position": position,
        "weight": weight,
        "reps": reps,
        **extra,
    }


OLD = w("2026-11-01")
LAST = w("2026-11-20")
WORKOUTS = [OLD, LAST]
SETS = [
    s(OLD, "squat", 0, 90, 5),
    s(LAST, "squat", 0, 100, 5),
    s(LAST, "squat", 1, 100, 5),
    s(LAST, "squat", 2, 95, 6),
    s(LAST, "bench", 3, 60, 8),
    s(LAST, "bench", 4, 60, 7, done=False),  # left unchecked: not "last time"
    s(OLD, "row", 0, 50, 10),
]


def test_prefill_copies_last_time_set_by_set() -> None:
    assert workout.prefill("squat", WORKOUTS, SETS) == [Row(100, 5), Row(100, 5), Row(95, 6)]


def test_each_exercise_prefills_from_its_own_last_time() -> None:
    # Row was last done in the older workout; values never leak between exercises.
    assert workout.prefill("row", WORKOUTS, SETS) == [Row(50, 10)]
    assert workout.prefill("bench", WORKOUTS, SETS) == [Row(60, 8)]


def test_program_targets_fill_set_numbers_last_time_did_not_reach() -> None:
    target = {"exerciseId": "bench", "sets": 3, "reps": 5}
    rows = workout.prefill("bench", WORKOUTS, SETS, target=target)
    assert rows == [Row(60, 8), Row(60, 5), Row(60, 5)]


def test_program_targets_alone_when_there_is_no_history() -> None:
    target = {"exerciseId": "press", "sets": 2, "reps": 5, "weight": 40}
    assert workout.prefill("press", WORKOUTS, SETS, target=target) == [Row(40, 5), Row(40, 5)]
    assert workout.prefill("press", WORKOUTS, SETS, target={**target, "weight": None}) == [
        Row(0, 5),
        Row(0, 5),
    ]


def test_a_new_exercise_gets_one_empty_row() -> None:
    assert workout.prefill("curl", WORKOUTS, SETS) == [Row(0, 0)]


def test_warm_up_type_is_kept() -> None:
    wk = w("2026-11-22")
    sets = [s(wk, "dl", 0, 60, 5, setType="warmup"), s(wk, "dl", 1, 140, 5)]
    assert workout.prefill("dl", [wk], sets) == [Row(60, 5, "warmup"), Row(140, 5)]


def test_repeat_last_time_takes_the_last_workouts_exercises_in_order() -> None:
    last, plan = workout.repeat_plan(WORKOUTS, SETS, {"squat", "bench", "row"})
    assert last is LAST
    assert [e for e, _ in plan] == ["squat", "bench"]
    fields = workout.plan_sets("new", plan)
    assert [
        (f["exerciseId"], f["position"], f["weight"], f["reps"], f["done"]) for f in fields
    ] == [
        ("squat", 0, 100, 5, False),
        ("squat", 1, 100, 5, False),
        ("squat", 2, 95, 6, False),
        ("bench", 3, 60, 8, False),
    ]


def test_a_workout_in_progress_is_not_last_time() -> None:
    now = w("2026-11-25", startedAt=5)
    sets = [*SETS, s(now, "squat", 0, 200, 1, done=True)]
    last, _ = workout.repeat_plan([*WORKOUTS, now], sets, {"squat", "bench"})
    assert last is LAST
    assert workout.in_progress([*WORKOUTS, now]) is now
    assert workout.prefill("squat", [*WORKOUTS, now], sets, exclude=now["id"])[0] == Row(100, 5)


def test_recent_workouts_are_one_of_each_kind_newest_first() -> None:
    """One of each name (in any case), or of each exercise list for workouts with the default
    name; a workout in progress or with nothing checked is not one."""
    a1, b1, a2 = (
        w("2026-11-10", name="Legs"),
        w("2026-11-11", name="Push"),
        w("2026-11-12", name="legs "),
    )
    log1, log2 = w("2026-11-13"), w("2026-11-14", name="Workout")
    unchecked, running = w("2026-11-15", name="Pull"), w("2026-11-16", name="Arms", startedAt=1)
    sets = [
        s(a1, "squat", 0, 100, 5),
        s(b1, "bench", 0, 60, 5),
        s(a2, "squat", 0, 100, 5),
        s(log1, "row", 0, 50, 5),
        s(log1, "bench", 1, 50, 5),
        s(log2, "bench", 0, 50, 5),
        s(log2, "row", 1, 50, 5),
        s(unchecked, "row", 0, 50, 5, done=False),
        s(running, "curl", 0, 20, 5),
    ]
    workouts = [a1, b1, a2, log1, log2, unchecked, running]
    assert workout.recent_workouts(workouts, sets) == [log2, a2, b1]
    assert workout.recent_workouts(workouts, sets, count=5) == [log2, a2, b1]
    assert workout.recent_workouts(workouts, sets)[0] is workout.last_workout(workouts, sets)
    _, plan = workout.repeat_plan(workouts, sets, {"squat", "bench"}, b1)
    assert plan == [("bench", [Row(50, 5)])]  # its exercises, each from its own last time


def test_archived_or_deleted_exercises_are_left_out_of_a_repeat() -> None:
    _, plan = workout.repeat_plan(WORKOUTS, SETS, {"bench"})
    assert [e for e, _ in plan] == ["bench"]


def test_program_plan() -> None:
    program = {
        "items": [
            {"exerciseId": "squat", "sets": 2, "reps": 5},
            {"exerciseId": "gone", "sets": 1, "reps": 1},
        ]
    }
    plan = workout.program_plan(program, WORKOUTS, SETS, {"squat"})
    assert plan == [("squat", [Row(100, 5), Row(100, 5)])]
