"""The summary of a finished workout: duration, sets, volume, records."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.personal_records import records_in
from app.core.sets import Record, counts, is_done, position_key, volume


@dataclass(frozen=True)
class Summary:
    duration_ms: int
    sets: int  # done sets, warm-ups included
    volume: float  # kg, working sets only
    records: dict[str, list[str]]  # set id -> record kinds
    exercises: int


def summarize(workout: Record, sets: list[Record], earlier: list[Record], now_ms: int) -> Summary:
    """``sets`` are the workout's; ``earlier`` the sets of every other, earlier workout."""
    started = workout.get("startedAt") or 0
    finished = workout.get("finishedAt") or now_ms
    done = sorted((s for s in sets if is_done(s)), key=position_key)
    return Summary(
        duration_ms=max(0, finished - started) if started else 0,
        sets=len(done),
        volume=sum(volume(s) for s in done if counts(s)),
        records=records_in(done, earlier),
        exercises=len({s["exerciseId"] for s in done}),
    )


def duration(ms: int) -> str:
    """A workout's length for a person: "42 min", "1 h 05 min", "under 1 min"."""
    minutes = ms // 60_000
    if minutes < 1:
        return "under 1 min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def running(ms: int) -> str:
    """A running clock: "0:42", "12:05", "1:02:09"."""
    seconds = max(0, ms // 1000)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
