"""Personal records: each kind, warm-ups and unchecked sets left out, judged set after set."""

from __future__ import annotations

from typing import Any

from app.core import personal_records as pr

_n = iter(range(1, 1_000_000))


def s(weight: float, reps: int, exercise: str = "squat", **extra: Any) -> dict[str, Any]:
    return {
        "id": f"set-{next(_n)}",
        "exerciseId": exercise,
        "weight": weight,
        "reps": reps,
        **extra,
    }


HISTORY = [s(100, 5), s(100, 5), s(85, 6), s(120, 1, exercise="bench")]


def test_heavier_weight_is_a_weight_e1rm_and_volume_record() -> None:
    heavy = s(105, 5)
    assert pr.records_in([heavy], HISTORY) == {heavy["id"]: ["weight", "e1rm", "volume"]}


def test_more_reps_at_a_weight_is_a_reps_record() -> None:
    more = s(100, 6)
    assert pr.records_in([more], HISTORY)[more["id"]] == ["e1rm", "reps", "volume"]


def test_reps_record_needs_more_reps_than_at_any_heavier_weight() -> None:
    # 6 reps at 95 kg: never 6 reps at >= 95 (the 6 were at 85), so it counts.
    six = s(95, 6)
    assert "reps" in pr.records_in([six], HISTORY)[six["id"]]
    # 6 reps at 80: 6 reps were done at 85, so no rep record.
    light = s(80, 6)
    assert "reps" not in pr.records_in([light], HISTORY).get(light["id"], [])


def test_repeating_last_time_sets_no_record() -> None:
    assert pr.records_in([s(100, 5), s(100, 5), s(85, 6)], HISTORY) == {}


def test_warm_ups_and_unchecked_sets_are_never_records() -> None:
    warm = s(200, 5, setType="warmup")
    unchecked = s(200, 5, done=False)
    assert pr.records_in([warm, unchecked], HISTORY) == {}


def test_warm_ups_in_history_do_not_raise_the_bar() -> None:
    history = [*HISTORY, s(150, 5, setType="warmup")]
    heavy = s(105, 5)
    assert "weight" in pr.records_in([heavy], history)[heavy["id"]]


def test_a_set_is_judged_against_earlier_sets_of_its_own_workout() -> None:
    first, second = s(105, 5), s(105, 5)
    found = pr.records_in([first, second], HISTORY)
    assert first["id"] in found and second["id"] not in found


def test_an_exercises_first_workout_sets_no_records() -> None:
    assert pr.records_in([s(60, 10, exercise="row"), s(70, 10, exercise="row")], HISTORY) == {}


def test_legacy_sets_without_done_count_as_done() -> None:
    history = [s(100, 5)]  # written before check-offs: no "done" field
    assert pr.bests(history).heaviest == 100


def test_bests_per_kind() -> None:
    found = pr.bests(HISTORY[:3])
    assert (found.heaviest, found.volume, found.reps_at) == (100, 510, {100.0: 5, 85.0: 6})
    assert round(found.e1rm, 2) == 116.67
