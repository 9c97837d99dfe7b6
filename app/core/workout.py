"""A workout in progress: what to prefill, what last time was, and what starting one makes.

Pure data: the caller passes the live records (``exercises``, ``workoutLogs``, ``workoutSets``)
and gets back the field values of the records to create.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from app.core.sets import Record, is_done, position_key, set_type

DEFAULT_NAME = "Workout"  # what a workout started empty is called


def workout_key(w: Record) -> tuple[Any, ...]:
    """Chronological order of workouts: date, then start time (or creation), then id."""
    return (w.get("date") or "", w.get("startedAt") or w.get("createdAt") or 0, w["id"])


def in_progress(workouts: Iterable[Record]) -> Record | None:
    """The workout being done now: started, not finished (the latest, if two devices started)."""
    found = [w for w in workouts if w.get("startedAt") and not w.get("finishedAt")]
    return max(found, key=workout_key) if found else None


def sets_by_workout(sets: Iterable[Record]) -> dict[str, list[Record]]:
    grouped: dict[str, list[Record]] = {}
    for s in sets:
        grouped.setdefault(s["workoutId"], []).append(s)
    for its_sets in grouped.values():
        its_sets.sort(key=position_key)
    return grouped


def exercise_order(sets: list[Record]) -> list[str]:
    """The exercises of a workout in the order they were first done."""
    seen: dict[str, None] = {}
    for s in sorted(sets, key=position_key):
        seen.setdefault(s["exerciseId"], None)
    return list(seen)


def last_time(
    exercise_id: str, workouts: list[Record], sets: list[Record], *, exclude: str | None = None
) -> list[Record]:
    """The done sets of ``exercise_id`` in its most recent workout (other than ``exclude``)."""
    grouped = sets_by_workout(s for s in sets if s["exerciseId"] == exercise_id and is_done(s))
    for w in sorted(workouts, key=workout_key, reverse=True):
        if w["id"] != exclude and grouped.get(w["id"]):
            return grouped[w["id"]]
    return []


def _repeatable(workouts: list[Record], done: Iterable[str]) -> list[Record]:
    """Finished (or pre-check-off) workouts among those with done sets."""
    with_sets = set(done)
    return [
        w
        for w in workouts
        if w["id"] in with_sets and not (w.get("startedAt") and not w.get("finishedAt"))
    ]


def last_workout(workouts: list[Record], sets: list[Record]) -> Record | None:
    """The most recent finished (or pre-check-off) workout with done sets."""
    candidates = _repeatable(workouts, (s["workoutId"] for s in sets if is_done(s)))
    return max(candidates, key=workout_key) if candidates else None


def given_name(workout: Record) -> str | None:
    """The workout's name if someone gave it one (a program's, a repeated one's), not the
    default name of a Log day or an empty start."""
    name = str(workout.get("name") or "").strip()
    return name if name and name.casefold() != DEFAULT_NAME.casefold() else None


def _kind(workout: Record, its_sets: list[Record]) -> tuple[str, Any]:
    """What makes two workouts "the same workout": their given name, or else their exercises."""
    name = given_name(workout)
    if name is not None:
        return ("name", name.casefold())
    return ("exercises", frozenset(s["exerciseId"] for s in its_sets))


def recent_workouts(workouts: list[Record], sets: list[Record], count: int = 3) -> list[Record]:
    """The ``count`` most recent distinct workouts, newest first: someone alternating A and B
    days finds A here after a B day.  The first is ``last_workout``."""
    done = sets_by_workout(s for s in sets if is_done(s))
    found: list[Record] = []
    seen: set[tuple[str, Any]] = set()
    for w in sorted(_repeatable(workouts, done), key=workout_key, reverse=True):
        kind = _kind(w, done[w["id"]])
        if kind not in seen:
            seen.add(kind)
            found.append(w)
            if len(found) == count:
                break
    return found


@dataclass(frozen=True)
class Row:
    """One prefilled set row."""

    weight: float
    reps: int
    set_type: str = "normal"


def prefill(
    exercise_id: str,
    workouts: list[Record],
    sets: list[Record],
    *,
    target: Record | None = None,
    exclude: str | None = None,
) -> list[Row]:
    """The set rows for ``exercise_id``: last time's sets, set number by set number.

    With a program ``target`` ({sets, reps, weight?}) there are that many rows; a set number last
    time did not reach takes the target's reps and weight (or last time's final weight).  With no
    history either, the target (weight 0 when it names none); with neither, one empty row.
    """
    last = last_time(exercise_id, workouts, sets, exclude=exclude)
    count = int(target["sets"]) if target else max(1, len(last))
    rows = []
    for n in range(count):
        if n < len(last):
            s = last[n]
            rows.append(Row(float(s["weight"]), int(s["reps"]), set_type(s)))
        elif target:
            weight = target.get("weight")
            if weight is None:
                weight = float(last[-1]["weight"]) if last else 0.0
            rows.append(Row(float(weight), int(target["reps"])))
        else:
            rows.append(Row(0.0, 0))
    return rows


def previous_for(
    exercise_id: str, workouts: list[Record], sets: list[Record], *, exclude: str | None = None
) -> list[Record]:
    """Last time's sets by set number, for the "previous" column."""
    return last_time(exercise_id, workouts, sets, exclude=exclude)


def plan_sets(
    workout_id: str, plan: list[tuple[str, list[Row]]], *, first_position: int = 0
) -> list[dict[str, Any]]:
    """The fields of the set records for a plan of (exercise id, rows), positions in order."""
    made = []
    position = first_position
    for exercise_id, rows in plan:
        for row in rows:
            made.append(
                {
                    "workoutId": workout_id,
                    "exerciseId": exercise_id,
                    "position": position,
                    "reps": row.reps,
                    "weight": row.weight,
                    "done": False,
                    "setType": row.set_type,
                }
            )
            position += 1
    return made


def repeat_plan(
    workouts: list[Record],
    sets: list[Record],
    live_exercises: set[str],
    workout: Record | None = None,
) -> tuple[Record | None, list[tuple[str, list[Row]]]]:
    """ "Repeat": ``workout``'s exercises (the last workout's by default), each prefilled from
    its own last time."""
    last = last_workout(workouts, sets) if workout is None else workout
    if last is None:
        return None, []
    its_sets = [s for s in sets if s["workoutId"] == last["id"] and is_done(s)]
    order = [e for e in exercise_order(its_sets) if e in live_exercises]
    return last, [(e, prefill(e, workouts, sets)) for e in order]


def program_plan(
    program: Record, workouts: list[Record], sets: list[Record], live_exercises: set[str]
) -> list[tuple[str, list[Row]]]:
    """A program's exercises, each prefilled from its last time or the program's targets."""
    return [
        (item["exerciseId"], prefill(item["exerciseId"], workouts, sets, target=item))
        for item in program.get("items") or []
        if item["exerciseId"] in live_exercises
    ]
