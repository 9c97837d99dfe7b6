"""A person's workouts as CSV in Strong's classic layout or in Hevy's, to take them elsewhere.

Weights are written in kilograms (Setflow stores kilograms); Strong's classic layout names no
unit, so an app reading it back asks, as Setflow does.  Everything these columns can hold goes
out and comes back through ``app.core.formats``: the date and start time, workout name,
duration and notes, exercise names in order, set type, weight, reps, RPE and set notes.

A workout with no recorded start time is written at midnight of its date; a second one on the
same date a minute later, so the two stay two workouts when read back (readers group rows by
start time).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from app.core.csv_import import local_start
from app.core.stats import UNKNOWN_EXERCISE

Record = dict[str, Any]

STRONG_HEADER = [
    "Date",
    "Workout Name",
    "Duration",
    "Exercise Name",
    "Set Order",
    "Weight",
    "Reps",
    "Distance",
    "Seconds",
    "Notes",
    "Workout Notes",
    "RPE",
]
HEVY_HEADER = [
    "title",
    "start_time",
    "end_time",
    "description",
    "exercise_title",
    "superset_id",
    "exercise_notes",
    "set_index",
    "set_type",
    "weight_kg",
    "reps",
    "distance_km",
    "duration_seconds",
    "rpe",
]
STRONG_LETTERS = {"warmup": "W", "drop": "D", "failure": "F"}
HEVY_TYPES = {"normal": "normal", "warmup": "warmup", "drop": "dropset", "failure": "failure"}
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _num(value: Any) -> str:
    if value is None:
        return ""
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


def _duration(seconds: int) -> str:
    hours, minutes = divmod(round(seconds / 60), 60)
    return f"{hours}h {minutes}m" if hours else f"{minutes}m"


def _hevy_time(moment: datetime) -> str:
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}, {moment:%H:%M}"


def _workouts(
    tables: dict[str, list[Record]], utc_offset_minutes: int
) -> Iterable[tuple[Record, datetime, datetime | None, list[Record]]]:
    """Live workouts in order with their start, end (if known) and live sets in order."""
    by_workout: dict[str, list[Record]] = {}
    for s in tables.get("workoutSets", []):
        if not s.get("deleted"):
            by_workout.setdefault(s["workoutId"], []).append(s)
    dated = []
    same_day: dict[str, int] = {}
    logs = [w for w in tables.get("workoutLogs", []) if not w.get("deleted")]
    logs.sort(key=lambda w: (w["date"], w.get("startedAt") or 0, w.get("createdAt") or 0, w["id"]))
    for w in logs:
        sets = sorted(by_workout.get(w["id"], []), key=lambda s: (s.get("position") or 0, s["id"]))
        if not sets:
            continue
        midnight = datetime.fromisoformat(w["date"])
        start = None
        if isinstance(w.get("startedAt"), int):
            start = local_start(w["startedAt"], utc_offset_minutes)
            if start.date() != midnight.date():
                start = None  # the day the person gave wins over a clock's time zone
        if start is None:
            start = midnight + timedelta(minutes=same_day.get(w["date"], 0))
            same_day[w["date"]] = same_day.get(w["date"], 0) + 1
        end = None
        if isinstance(w.get("finishedAt"), int) and isinstance(w.get("startedAt"), int):
            end = start + timedelta(milliseconds=w["finishedAt"] - w["startedAt"])
        dated.append((w, start, end, sets))
    return dated


def _names(tables: dict[str, list[Record]]) -> dict[str, str]:
    return {e["id"]: e.get("name") or UNKNOWN_EXERCISE for e in tables.get("exercises", [])}


def _write(header: list[str], rows: Iterable[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def strong_csv(tables: dict[str, list[Record]], utc_offset_minutes: int = 0) -> str:
    """Strong's classic layout; ``tables`` as ``Store.dump`` gives them."""
    names = _names(tables)
    rows = []
    for w, start, end, sets in _workouts(tables, utc_offset_minutes):
        duration = _duration(int((end - start).total_seconds())) if end else ""
        numbers: dict[str, int] = {}
        for s in sets:
            kind = s.get("setType") or "normal"
            if kind in STRONG_LETTERS:
                order = STRONG_LETTERS[kind]
            else:
                numbers[s["exerciseId"]] = numbers.get(s["exerciseId"], 0) + 1
                order = str(numbers[s["exerciseId"]])
            rows.append(
                [
                    f"{start:%Y-%m-%d %H:%M:%S}",
                    w.get("name") or "",
                    duration,
                    names.get(s["exerciseId"], UNKNOWN_EXERCISE),
                    order,
                    _num(s.get("weight")),
                    str(s.get("reps", "")),
                    "0",
                    "0",
                    s.get("notes") or "",
                    w.get("notes") or "",
                    _num(s.get("rpe")),
                ]
            )
    return _write(STRONG_HEADER, rows)


def hevy_csv(tables: dict[str, list[Record]], utc_offset_minutes: int = 0) -> str:
    """Hevy's layout, weights in kilograms."""
    names = _names(tables)
    rows = []
    for w, start, end, sets in _workouts(tables, utc_offset_minutes):
        notes = w.get("exerciseNotes") or {}
        index: dict[str, int] = {}
        for s in sets:
            exercise_id = s["exerciseId"]
            set_index = index.get(exercise_id, 0)
            index[exercise_id] = set_index + 1
            rows.append(
                [
                    w.get("name") or "",
                    _hevy_time(start),
                    _hevy_time(end) if end else "",
                    w.get("notes") or "",
                    names.get(exercise_id, UNKNOWN_EXERCISE),
                    "",
                    notes.get(exercise_id, "") if isinstance(notes, dict) else "",
                    str(set_index),
                    HEVY_TYPES.get(s.get("setType") or "normal", "normal"),
                    _num(s.get("weight")),
                    str(s.get("reps", "")),
                    "",
                    "",
                    _num(s.get("rpe")),
                ]
            )
    return _write(HEVY_HEADER, rows)
