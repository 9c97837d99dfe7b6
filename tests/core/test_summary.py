"""A finished workout's summary."""

from __future__ import annotations

from app.core import summary


def test_summary_counts_done_sets_working_volume_and_records() -> None:
    workout = {"id": "w", "startedAt": 1_000_000, "finishedAt": 1_000_000 + 65 * 60_000}
    earlier = [{"id": "e1", "exerciseId": "squat", "weight": 100, "reps": 5}]
    sets = [
        {
            "id": "a",
            "exerciseId": "squat",
            "position": 0,
            "weight": 60,
            "reps": 5,
            "setType": "warmup",
        },
        {"id": "b", "exerciseId": "squat", "position": 1, "weight": 102.5, "reps": 5, "done": True},
        {"id": "c", "exerciseId": "squat", "position": 2, "weight": 100, "reps": 5, "done": False},
    ]
    found = summary.summarize(workout, sets, earlier, now_ms=0)
    assert found.sets == 2  # the warm-up counts as a set, the unchecked one does not
    assert found.volume == 512.5  # warm-ups are not volume
    assert found.records == {"b": ["weight", "e1rm", "volume"]}
    assert found.exercises == 1
    assert summary.duration(found.duration_ms) == "1 h 05 min"


def test_durations_read_like_a_person_says_them() -> None:
    assert summary.duration(30_000) == "under 1 min"
    assert summary.duration(42 * 60_000) == "42 min"
    assert summary.running(42_000) == "0:42"
    assert summary.running(3_729_000) == "1:02:09"
