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
    parsed = Parsed(NAME, [])
    workouts: dict[tuple[str, str], ParsedWorkout] = {}
    for row in table.rows():
        name = row.text(at["Exercise Name"])
        order = row.text(at["Set Order"]).casefold()
        if order.replace(" ", "") == "resttimer":
            parsed.skipped[REST_TIMER] += 1
            continue
        if not name:
            raise ImportRefused(f"Row {row.line} has no exercise name.")
        if order.isdigit():
            kind = NORMAL
        elif order in KINDS:
            kind = KINDS[order]
        else:
            raise ImportRefused(
                f'Row {row.line}: the set order "{row.text(at["Set Order"])}" is not a set number '
                "or W, D, F."
            )
        start_text = row.text(at["Date"])
        title = row.text(at["Workout Name"])
        key = (start_text, title)
        workout = workouts.get(key)
        if workout is None:
            start = row.moment(at["Date"], DATE_FORMATS)
            workout = ParsedWorkout(start, title=title, notes=row.text(at["Workout Notes"]))
            workout.seconds = duration_seconds(row.text(at[duration_col]), row.line)
            workouts[key] = workout
            parsed.workouts.append(workout)
        unit = header_unit if unit_col is None else unit_of(row.text(at[unit_col]))
        # Strong writes 0 for "no distance" and "no time" on every strength set.
        distance, distance_unit = metres(
            row.number(at[distance_col], "distance") or None,
            row.text(at[distance_unit_col]) if distance_unit_col else header_distance_unit,
        )
        one = ParsedSet(
            kind=kind,
            weight=row.number(at[weight_col], "weight"),
            reps=row.whole(at["Reps"], "reps"),
            rpe=row.number(at["RPE"], "RPE"),
            distance=distance,
            distance_unit=distance_unit,
            seconds=row.number(at["Seconds"], "time in seconds") or None,
            notes=row.text(at["Notes"]),
        )
        if one.weight is not None:
            one.unit = unit
        workout.exercise(name).sets.append(one)
    return parsed


FORMAT = Format(NAME, accepts, parse)
