"""A lifter's history for the browser tests: last session's 3 exercises x 3 sets and a program,
as an export file the app imports (so every test starts from the same past)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.core import exchange
from app.core.library import library_id

BENCH, SQUAT, ROW = (library_id(n) for n in ("Bench press", "Squat", "Barbell row"))
PRESS = library_id("Overhead press")
LAST = "77777777-7777-4777-8777-777777777771"
PROGRAM = "77777777-7777-4777-8777-777777777772"
_T = 1_764_000_000_000


def _record(record_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": record_id,
        "createdAt": _T,
        "updatedAt": _T,
        "deviceId": "seed",
        "deleted": False,
        "version": 0,
        **fields,
    }


def tables() -> dict[str, list[dict[str, Any]]]:
    exercises = [
        _record(BENCH, name="Bench press", muscleGroup="Chest", equipment="Barbell"),
        _record(SQUAT, name="Squat", muscleGroup="Legs", equipment="Barbell"),
        _record(ROW, name="Barbell row", muscleGroup="Back", equipment="Barbell"),
        _record(PRESS, name="Overhead press", muscleGroup="Shoulders", equipment="Barbell"),
    ]
    last = _record(
        LAST, date="2026-11-22", name="Push day", startedAt=_T, finishedAt=_T + 3_000_000
    )
    sets = [
        _record(
            f"88888888-8888-4888-8888-{n:012d}",
            workoutId=LAST,
            exerciseId=exercise,
            position=n,
            reps=5,
            weight=weight,
            done=True,
            setType="normal",
        )
        for n, (exercise, weight) in enumerate(
            [(BENCH, 80)] * 3 + [(SQUAT, 100)] * 3 + [(ROW, 60)] * 3
        )
    ]
    program = _record(
        PROGRAM,
        name="Strength A",
        items=[
            {"exerciseId": SQUAT, "sets": 2, "reps": 5},
            {"exerciseId": PRESS, "sets": 2, "reps": 5, "weight": 40},
        ],
    )
    return {
        "exercises": exercises,
        "workoutLogs": [last],
        "workoutSets": sets,
        "programs": [program],
    }


def export_path(folder: Path) -> Path:
    path = folder / "history.json"
    export = exchange.build_export(
        tables(), device_id="seed", exported_at=datetime(2026, 11, 24, tzinfo=UTC)
    )
    path.write_text(json.dumps(export))
    return path
