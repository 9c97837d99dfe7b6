"""FitNotes' CSV export::

    Date,Exercise,Category,Weight,Weight Unit,Reps,Distance,Distance Unit,Time,Comment

(older exports: ``Weight (kgs)`` or ``Weight (lbs)`` with no ``Weight Unit`` column).  A date has
no time of day; FitNotes keeps one workout per day, so one date is one workout.  ``Time`` reads
``0:45:00``; ``Category`` is the exercise's muscle group; ``Comment`` a note on the set.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.core.exchange import ImportRefused
from app.core.formats.base import (
    Format,
    Parsed,
    ParsedSet,
    ParsedWorkout,
    Table,
    duration_seconds,
    metres,
    unit_of,
)

NAME = "FitNotes"
DATE_FORMATS = ("%Y-%m-%d",)


def accepts(header: Sequence[str]) -> bool:
    names = {h.strip().casefold() for h in header}
    return {"date", "exercise", "category", "reps"} <= names


def parse(table: Table) -> Parsed:
    weight_col = table.column(
        "Weight", "Weight (kgs)", "Weight (kg)", "Weight (lbs)", "Weight (lb)"
    )
    header_unit = unit_of(weight_col or "")
    unit_col = table.column("Weight Unit")
    at = table.at
    parsed = Parsed(NAME, [])
    workouts: dict[str, ParsedWorkout] = {}
    for row in table.rows():
        name = row.text(at["Exercise"])
        if not name:
            raise ImportRefused(f"Row {row.line} has no exercise name.")
        day = row.text(at["Date"])
        workout = workouts.get(day)
        if workout is None:
            workout = ParsedWorkout(row.moment(at["Date"], DATE_FORMATS))
            workouts[day] = workout
            parsed.workouts.append(workout)
        exercise = workout.exercise(name)
        exercise.category = row.text(at["Category"])
        weight = row.number(at[weight_col], "weight")
        distance, distance_unit = metres(
            row.number(at["Distance"], "distance"), row.text(at["Distance Unit"])
        )
        exercise.sets.append(
            ParsedSet(
                weight=weight,
                unit=(unit_of(row.text(at[unit_col])) if unit_col else header_unit)
                if weight is not None
                else None,
                reps=row.whole(at["Reps"], "reps"),
                distance=distance,
                distance_unit=distance_unit,
                seconds=duration_seconds(row.text(at["Time"]), row.line),
                notes=row.text(at["Comment"]),
            )
        )
    return parsed


FORMAT = Format(NAME, accepts, parse)
