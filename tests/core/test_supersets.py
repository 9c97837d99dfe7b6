"""Supersets: alternation, rest after the round, grouping (app/core/supersets.py)."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from app.core import supersets

A, B, C, D = "a", "b", "c", "d"


def sets_of(counts: dict[str, int]) -> list[dict[str, Any]]:
    made = []
    for exercise, count in counts.items():
        for n in range(count):
            made.append({"id": f"{exercise}{n + 1}", "exerciseId": exercise, "done": False})
    return made


def check(sets: list[dict[str, Any]], set_id: str) -> dict[str, Any]:
    for s in sets:
        if s["id"] == set_id:
            s["done"] = True
            return s
    raise AssertionError(set_id)


def test_after_a_set_of_a_comes_b_and_the_rest_waits_for_the_round() -> None:
    sets = sets_of({A: 3, B: 3, C: 2})
    groups = {A: 1, B: 1}
    order = [A, B, C]
    assert supersets.after_check(sets, groups, order, check(sets, "a1")) == ("b1", False)
    assert supersets.after_check(sets, groups, order, check(sets, "b1")) == ("a2", True)
    # Out of turn: B's second set first; A's second is still up next, the round not done.
    assert supersets.after_check(sets, groups, order, check(sets, "b2")) == ("a2", False)
    assert supersets.after_check(sets, groups, order, check(sets, "a2")) == ("a3", True)
    # Outside a superset: nothing is moved to, the rest starts.
    assert supersets.after_check(sets, groups, order, check(sets, "c1")) == (None, True)


def test_an_exercise_with_fewer_sets_drops_out_of_later_rounds() -> None:
    sets = sets_of({A: 1, B: 2})
    groups = {A: 1, B: 1}
    assert [s["id"] for s in supersets.rounds(sets, [A, B])] == ["a1", "b1", "b2"]
    check(sets, "a1")
    check(sets, "b1")
    assert supersets.after_check(sets, groups, [A, B], check(sets, "b2")) == (None, True)


@given(st.lists(st.integers(1, 5), min_size=2, max_size=4))
def test_following_up_next_does_every_set_once_and_rests_once_per_round(
    counts: list[int],
) -> None:
    exercises = [A, B, C, D][: len(counts)]
    sets = sets_of(dict(zip(exercises, counts, strict=True)))
    groups = dict.fromkeys(exercises, 1)
    done: list[str] = []
    rests = 0
    up_next: str | None = sets[0]["id"]
    while up_next is not None:
        done.append(up_next)
        up_next, rest_now = supersets.after_check(sets, groups, exercises, check(sets, up_next))
        rests += rest_now
    assert sorted(done) == sorted(s["id"] for s in sets)
    assert rests == max(counts)  # one rest per round


def test_link_unlink_and_screen_order() -> None:
    groups = supersets.link({}, A, C)
    assert groups == {A: 1, C: 1}
    assert supersets.screen_order([A, B, C], groups) == [[A, C], [B]]
    groups = supersets.link(groups, C, D)  # a tri-set
    assert groups == {A: 1, C: 1, D: 1}
    assert supersets.link(groups, B, D) == {A: 1, C: 1, D: 1, B: 1}  # B joins the tri-set
    assert supersets.link({A: 1, B: 1, C: 2, D: 2}, B, C) == {A: 1, B: 1, C: 1}  # C leaves D
    assert supersets.unlink({A: 1, C: 1}, A) == {}  # a superset of one is no superset
    assert supersets.unlink(groups, D) == {A: 1, C: 1}


def test_a_new_workout_carries_the_supersets_of_exercises_it_still_has() -> None:
    assert supersets.carried({A: 1, B: 1, C: 2, D: 2}, [A, B, C]) == {A: 1, B: 1}
    assert supersets.groups_of({"supersets": {A: 1, B: True, C: "x"}}) == {A: 1}
    assert supersets.describe([A, B, C], {A: "Bench", B: "Row", C: "Curl"}) == (
        "Superset: Bench, Row and Curl"
    )
