"""Strong's CSV export, every variant seen in the wild.

Classic (comma-separated, no units: the person is asked)::

    Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE

Newer exports name their units, per row (``Weight Unit``, ``Distance Unit``) or in the header
(``Weight (kg)``, ``Weight (lbs)``, ``Distance (meters)``), may be semicolon-separated with
decimal commas, and may put the duration last (``Workout Duration``) or in seconds
(``Duration (sec)``).  ``Set Order`` is a number, or W / D / F for a warm-up, drop or failure
set; a row whose ``Set Order`` is ``Rest Timer`` records a rest, not a set, and is skipped.
One workout is the rows that share a start time and workout name.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.core.exchange import ImportRefused
from app.core.formats.base import (
    DROP,
    FAILURE,
    NORMAL,
    WARMUP,
    Format,
    Parsed,
    ParsedSet,
    ParsedWorkout,
    Table,
    duration_seconds,
    metres,
    unit_of,
)

NAME = "Strong"
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d")
KINDS = {"w": WARMUP, "d": DROP, "f": FAILURE}
REST_TIMER = "rest-timer rows (rests, not sets)"


def accepts(header: Sequence[str]) -> bool:
    names = {h.strip().casefold() for h in header}
    return {"date", "exercise name", "set order"} <= names


def parse(table: Table) -> Parsed:
    col = table.column
    weight_col = col("Weight", "Weight (kg)", "Weight (kgs)", "Weight (lbs)", "Weight (lb)")
    header_unit = unit_of(weight_col or "")
    unit_col = col("Weight Unit")
    distance_col = col(
        "Distance", "Distance (meters)", "Distance (m)", "Distance (km)", "Distance (mi)",
        "Distance (miles)",
    )  # fmt: skip
    header_distance_unit = ""
    if distance_col and "(" in distance_col:
        header_distance_unit = distance_col.split("(", 1)[1].rstrip(")")
    distance_unit_col = col("Distance Unit")
    duration_col = col("Duration", "Workout Duration", "Duration (sec)", "Duration (seconds)")
    at = table.at
    # Looked up once: Date, Exercise Name and Set Order are there (``accepts``), others may not be.
    date_i, name_i, order_i = at["Date"], at["Exercise Name"], at["Set Order"]
    assert date_i is not None and name_i is not None and order_i is not None
    title_i, notes_i, workout_notes_i = at["Workout Name"], at["Notes"], at["Workout Notes"]
    weight_i, reps_i, rpe_i, seconds_i = at[weight_col], at["Reps"], at["RPE"], at["Seconds"]
    distance_i, distance_unit_i, unit_i = at[distance_col], at[distance_unit_col], at[unit_col]
    parsed = Parsed(NAME, [])
    workouts: dict[tuple[str, str], ParsedWorkout] = {}
    for row in table.rows():
        values = row.values
        name = values[name_i].strip()
        order = values[order_i].strip().casefold()
        if order.isdigit():
            kind = NORMAL
        elif order in KINDS:
            kind = KINDS[order]
        elif order.replace(" ", "") == "resttimer":
            parsed.skipped[REST_TIMER] += 1
            continue
        else:
            raise ImportRefused(
                f'Row {row.line}: the set order "{values[order_i].strip()}" is not a set number '
                "or W, D, F."
            )
        if not name:
            raise ImportRefused(f"Row {row.line} has no exercise name.")
        key = (values[date_i], row.text(title_i))
        workout = workouts.get(key)
        if workout is None:
            start = row.moment(date_i, DATE_FORMATS)
            workout = ParsedWorkout(start, title=key[1], notes=row.text(workout_notes_i))
            workout.seconds = duration_seconds(row.text(at[duration_col]), row.line)
            workouts[key] = workout
            parsed.workouts.append(workout)
        # Strong writes 0 for "no distance" and "no time" on every strength set.
        distance = row.number(distance_i, "distance") or None
        distance_unit = None
        if distance is not None:
            distance, distance_unit = metres(
                distance,
                row.text(distance_unit_i) if distance_unit_i is not None else header_distance_unit,
            )
        weight = row.number(weight_i, "weight")
        one = ParsedSet(
            kind,
            weight,
            None
            if weight is None
            else (header_unit if unit_i is None else unit_of(values[unit_i])),
            row.whole(reps_i, "reps"),
            row.number(rpe_i, "RPE"),
            distance,
            distance_unit,
            row.number(seconds_i, "time in seconds") or None,
            row.text(notes_i),
        )
        workout.exercise(name).sets.append(one)
    return parsed


FORMAT = Format(NAME, accepts, parse)
