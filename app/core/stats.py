"""What the History and progress views show, computed from plain records.

Deleted (tombstoned) workouts and sets are ignored everywhere.  A set whose *exercise* was
deleted still counts: the work was done, and deleting an exercise from the picker should not
rewrite history.  It is named by the exercise record's last known name, else
``UNKNOWN_EXERCISE``.  Sets without a live workout are skipped (they have no date).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from app.core.sets import counts, is_done

Record = dict[str, Any]

UNKNOWN_EXERCISE = "Unknown exercise"


@dataclass(frozen=True)
class WorkoutSummary:
    workout_id: str
    date: str  # YYYY-MM-DD
    exercise_names: tuple[str, ...]  # in order of each exercise's first set
    set_count: int
    volume: float  # sum of reps * weight


@dataclass(frozen=True)
class ProgressPoint:
    date: str  # YYYY-MM-DD
    best_1rm: float
    volume: float
    best_weight: float
    set_count: int


def estimated_1rm(weight: float, reps: int) -> float:
    """Epley's estimate of the one-rep max: ``weight * (1 + reps / 30)``; one rep is the weight."""
    if reps <= 0:
        return 0.0
    if reps == 1:
        return float(weight)
    return weight * (30 + reps) / 30  # the same as w * (1 + reps/30), with less rounding


def workout_history(
    logs: Iterable[Record], sets: Iterable[Record], exercises: Iterable[Record]
) -> list[WorkoutSummary]:
    """Live workouts, newest date first (same date: newest ``createdAt`` first)."""
    names = {e["id"]: e.get("name") or UNKNOWN_EXERCISE for e in exercises}
    workouts = [w for w in logs if not w.get("deleted") and isinstance(w.get("date"), str)]
    by_workout = _live_sets_by_workout(sets, {w["id"] for w in workouts})
    workouts.sort(key=lambda w: (w["date"], _int(w.get("createdAt")), w["id"]), reverse=True)
    history = []
    for workout in workouts:
        its_sets = by_workout.get(workout["id"], [])
        order = dict.fromkeys(s["exerciseId"] for s in its_sets)  # first-seen order, no repeats
        history.append(
            WorkoutSummary(
                workout_id=workout["id"],
                date=workout["date"],
                exercise_names=tuple(names.get(eid, UNKNOWN_EXERCISE) for eid in order),
                set_count=len(its_sets),
                volume=sum(_volume(s) for s in its_sets),
            )
        )
    return history


def progress(
    exercise_id: str, logs: Iterable[Record], sets: Iterable[Record]
) -> list[ProgressPoint]:
    """One point per workout date with live sets of ``exercise_id``, oldest first.

    Two workouts on the same date make one point.
    """
    dates = {
        w["id"]: w["date"] for w in logs if not w.get("deleted") and isinstance(w.get("date"), str)
    }
    by_date: dict[str, list[Record]] = {}
    for s in sets:
        # Working sets only: warm-ups and sets not (yet) checked off are not progress.
        if s.get("deleted") or s.get("exerciseId") != exercise_id or not counts(s):
            continue
        day = dates.get(s.get("workoutId"))
        if day is not None:
            by_date.setdefault(day, []).append(s)
    return [
        ProgressPoint(
            date=day,
            best_1rm=max(
                estimated_1rm(_number(s.get("weight")), _int(s.get("reps"))) for s in group
            ),
            volume=sum(_volume(s) for s in group),
            best_weight=max(_number(s.get("weight")) for s in group),
            set_count=len(group),
        )
        for day, group in sorted(by_date.items())
    ]


def _live_sets_by_workout(sets: Iterable[Record], workout_ids: set[str]) -> dict[str, list[Record]]:
    grouped: dict[str, list[Record]] = {}
    for s in sets:
        if not s.get("deleted") and s.get("workoutId") in workout_ids and is_done(s):
            grouped.setdefault(s["workoutId"], []).append(s)
    for group in grouped.values():
        group.sort(key=_set_order)
    return grouped


def _set_order(s: Record) -> tuple[bool, int, int, str]:
    # Sets without a position (optional in the schema) go last, in the order they were made.
    position = s.get("position")
    return (position is None, _int(position), _int(s.get("createdAt")), str(s.get("id")))


def _volume(s: Record) -> float:
    # Warm-ups lift no volume (app.core.sets.counts).
    return _int(s.get("reps")) * _number(s.get("weight")) if counts(s) else 0.0


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return 0.0
    return float(value)
