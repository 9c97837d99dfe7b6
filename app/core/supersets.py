"""Supersets: exercises of a workout done in alternation (A1, B1, A2, B2 ...), rest after a round.

A workout's ``supersets`` field maps exercise ids to a group number; exercises sharing a number
form one superset.  Pure data: the caller passes the workout's live sets in position order.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.core.sets import Record, is_done

Groups = dict[str, int]


def groups_of(workout: Record) -> Groups:
    """The workout's supersets, leaving out anything that is not (exercise id, group number)."""
    value = workout.get("supersets")
    if not isinstance(value, dict):
        return {}
    return {
        k: v
        for k, v in value.items()
        if isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool)
    }


def members(groups: Mapping[str, int], exercise_id: str, order: list[str]) -> list[str]:
    """The exercises of ``exercise_id``'s superset in screen order (just itself when none)."""
    group = groups.get(exercise_id)
    if group is None:
        return [exercise_id]
    return [e for e in order if groups.get(e) == group]


def screen_order(order: list[str], groups: Mapping[str, int]) -> list[list[str]]:
    """The exercises as the screen shows them: each superset together where its first member
    is, every other exercise on its own."""
    shown: list[list[str]] = []
    placed: set[str] = set()
    for exercise_id in order:
        if exercise_id in placed:
            continue
        block = members(groups, exercise_id, order)
        if len(block) < 2:
            block = [exercise_id]
        placed.update(block)
        shown.append(block)
    return shown


def link(groups: Mapping[str, int], exercise_id: str, other_id: str) -> Groups:
    """The two exercises in one superset: ``other_id`` joins ``exercise_id``'s (leaving its
    own), or ``exercise_id`` joins ``other_id``'s when only that one has a superset, or a new
    one is made."""
    if exercise_id not in groups and other_id in groups:
        exercise_id, other_id = other_id, exercise_id
    made = unlink(groups, other_id)
    group = made.get(exercise_id)
    if group is None:
        group = next(n for n in range(1, len(made) + 2) if n not in made.values())
        made[exercise_id] = group
    made[other_id] = group
    return made


def unlink(groups: Mapping[str, int], exercise_id: str) -> Groups:
    """``exercise_id`` leaves its superset; a superset left with one exercise is no more."""
    made = {k: v for k, v in groups.items() if k != exercise_id}
    group = groups.get(exercise_id)
    rest = [k for k, v in made.items() if v == group]
    if len(rest) == 1:
        del made[rest[0]]
    return made


def rounds(sets: list[Record], block: list[str]) -> list[Record]:
    """The sets of a superset in the order they are done: the first set of each exercise, then
    the second of each, and so on (an exercise with fewer sets drops out of later rounds)."""
    by_exercise = [[s for s in sets if s["exerciseId"] == e] for e in block]
    longest = max((len(its) for its in by_exercise), default=0)
    return [its[n] for n in range(longest) for its in by_exercise if n < len(its)]


def _round_of(sets: list[Record], s: Record) -> int:
    return [x["id"] for x in sets if x["exerciseId"] == s["exerciseId"]].index(s["id"])


def after_check(
    sets: list[Record], groups: Mapping[str, int], order: list[str], checked: Record
) -> tuple[str | None, bool]:
    """What follows checking ``checked`` off (``sets`` already show it done): the set to do next
    within its superset, the earliest not done in round order (None outside a superset, or when
    it is finished), and whether the
    rest timer starts now (outside a superset always; inside one once the round is done)."""
    block = members(groups, checked["exerciseId"], order)
    if len(block) < 2:
        return None, True
    sequence = rounds(sets, block)
    following = [s for s in sequence if not is_done(s)]  # a set left behind comes first
    number = _round_of(sets, checked)
    round_done = all(is_done(s) for s in sequence if _round_of(sets, s) == number)
    return (following[0]["id"] if following else None), round_done


def carried(groups: Mapping[str, int], exercises: list[str]) -> Groups:
    """A past workout's supersets for a new workout of ``exercises`` (those it still has, in
    supersets of two or more)."""
    kept = {k: v for k, v in groups.items() if k in exercises}
    sizes: dict[int, int] = {}
    for v in kept.values():
        sizes[v] = sizes.get(v, 0) + 1
    return {k: v for k, v in kept.items() if sizes[v] > 1}


def describe(block: list[str], names: Mapping[str, Any]) -> str:
    """ "Superset: Bench press and Barbell row"."""
    shown = [str(names.get(e) or "Exercise") for e in block]
    joined = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
    return f"Superset: {joined}"
