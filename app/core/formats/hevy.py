"""Hevy's CSV export::

    title,start_time,end_time,description,exercise_title,superset_id,exercise_notes,set_index,
    set_type,weight_kg,reps,distance_km,duration_seconds,rpe

or with ``weight_lbs`` / ``distance_miles`` in place of ``weight_kg`` / ``distance_km``.  Times
read like ``22 Dec 2025, 08:00`` (older exports: ISO).  ``set_type`` is normal, warmup, dropset
or failure.  One workout is the rows that share a start time and title.  Units are always known.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.core.exchange import ImportRefused
from app.core.formats.base import (
    DROP,
    FAILURE,
    KG,
    LB,
    METRES_PER_MILE,
    NORMAL,
    WARMUP,
    Format,
    Parsed,
    ParsedSet,
    ParsedWorkout,
    Table,
)

NAME = "Hevy"
TIME_FORMATS = (
    "%d %b %Y, %H:%M",
    "%d %b %Y, %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
)
KINDS = {
    "normal": NORMAL,
    "": NORMAL,
    "warmup": WARMUP,
    "warm_up": WARMUP,
    "dropset": DROP,
    "drop_set": DROP,
    "failure": FAILURE,
}


def accepts(header: Sequence[str]) -> bool:
    names = {h.strip().casefold() for h in header}
    return {"title", "start_time", "exercise_title", "set_type"} <= names


def parse(table: Table) -> Parsed:
    weight_col = table.column("weight_kg", "weight_lbs")
    unit = LB if weight_col == "weight_lbs" else KG
    distance_col = table.column("distance_km", "distance_miles", "distance_meters")
    distance_factor = {"distance_km": 1000.0, "distance_miles": METRES_PER_MILE}.get(
        distance_col or "", 1.0
    )
    at = table.at
    parsed = Parsed(NAME, [])
    workouts: dict[tuple[str, str], ParsedWorkout] = {}
    for row in table.rows():
        name = row.text(at["exercise_title"])
        if not name:
            raise ImportRefused(f"Row {row.line} has no exercise title.")
        kind_text = row.text(at["set_type"]).casefold()
        if kind_text not in KINDS:
            raise ImportRefused(
                f'Row {row.line}: the set type "{row.text(at["set_type"])}" is unknown.'
            )
        key = (row.text(at["start_time"]), row.text(at["title"]))
        workout = workouts.get(key)
        if workout is None:
            start = row.moment(at["start_time"], TIME_FORMATS, "start time")
            workout = ParsedWorkout(start, title=key[1], notes=row.text(at["description"]))
            if row.text(at["end_time"]):
                end = row.moment(at["end_time"], TIME_FORMATS, "end time")
                start_naive, end_naive = start.replace(tzinfo=None), end.replace(tzinfo=None)
                if end_naive >= start_naive:
                    workout.seconds = int((end_naive - start_naive).total_seconds())
            workout.start = start.replace(tzinfo=None)
            workouts[key] = workout
            parsed.workouts.append(workout)
        exercise = workout.exercise(name)
        exercise.notes = exercise.notes or row.text(at["exercise_notes"])
        exercise.superset = row.text(at["superset_id"])
        distance = row.number(at[distance_col], "distance")
        weight = row.number(at[weight_col], "weight")
        exercise.sets.append(
            ParsedSet(
                kind=KINDS[kind_text],
                weight=weight,
                unit=unit if weight is not None else None,
                reps=row.whole(at["reps"], "reps"),
                rpe=row.number(at["rpe"], "RPE"),
                distance=None if distance is None else distance * distance_factor,
                distance_unit=None if distance is None else "m",
                seconds=row.number(at["duration_seconds"], "duration"),
            )
        )
    return parsed


FORMAT = Format(NAME, accepts, parse)
