"""The workout screen's actions: pure functions from (data, screen, values) to changes + message.

Each takes ``stamp`` (``device_id``, ``now``, ``new_id``, as ``app.core.changes`` wants them),
may update the screen state it is given, and returns an ``Outcome`` for the browser to store.
"""

from __future__ import annotations

from typing import Any

from app.core import changes, plates, rest, supersets, units
from app.core.changes import Change
from app.core.library import BY_ID
from app.core.schema import SET_TYPES, SETTINGS_ID, ValidationError
from app.core.sets import is_done, parse_rpe, set_type
from app.core.workout import (
    DEFAULT_NAME,
    exercise_order,
    in_progress,
    plan_sets,
    prefill,
    program_plan,
    repeat_plan,
)
from app.views.preferences import default_rest, unit_of
from app.views.state import Data, Outcome, Record, Screen, Stamp
from app.views.state import change_stamp as _stamp
from app.views.state import find as _find
from app.views.workout import exercise_map, sets_of


def _current(data: Data) -> Record:
    workout = in_progress(data.workoutLogs)
    if workout is None:
        raise ValidationError("No workout is running; start one first.")
    return workout


def _live_exercises(data: Data) -> set[str]:
    return {e["id"] for e in data.exercises if not e.get("archived")}


def _start(
    data: Data,
    screen: Screen,
    stamp: Stamp,
    name: str,
    program_id: str | None,
    plan: Any,
    groups: dict[str, int] | None = None,
) -> Outcome:
    if in_progress(data.workoutLogs) is not None:
        raise ValidationError("A workout is already running: finish it first.")
    fields: dict[str, Any] = {
        "date": stamp["today"],
        "name": name,
        "programId": program_id,
        "startedAt": stamp["now"],
    }
    if groups:
        fields["supersets"] = groups
    workout = changes.create("workoutLogs", fields, **_stamp(stamp))
    made = [workout]
    for set_fields in plan_sets(workout.record["id"], plan):
        made.append(changes.create("workoutSets", set_fields, **_stamp(stamp)))
    screen.summary_id = None
    screen.rest_ends_at = 0
    screen.drafts = {}
    screen.picking = not plan
    screen.undo = []
    screen.up_next = None
    screen.set_open = None
    return Outcome(made)


def start_repeat(data: Data, screen: Screen, stamp: Stamp) -> Outcome:
    """ "Repeat last time": the last workout again."""
    return _repeat(data, screen, None, stamp)


def repeat_workout(data: Data, screen: Screen, workout_id: str, stamp: Stamp) -> Outcome:
    """One of the recent workouts again (A after a B day)."""
    return _repeat(data, screen, _find(data.workoutLogs, workout_id, "workout"), stamp)


def _repeat(data: Data, screen: Screen, workout: Record | None, stamp: Stamp) -> Outcome:
    if in_progress(data.workoutLogs) is not None:
        raise ValidationError("A workout is already running: finish it first.")
    last, plan = repeat_plan(data.workoutLogs, data.workoutSets, _live_exercises(data), workout)
    if last is None or not plan:
        raise ValidationError("There is no earlier workout to repeat yet.")
    groups = supersets.carried(supersets.groups_of(last), [e for e, _rows in plan])
    return _start(
        data,
        screen,
        stamp,
        str(last.get("name") or DEFAULT_NAME),
        last.get("programId"),
        plan,
        groups,
    )


def start_program(data: Data, screen: Screen, program_id: str, stamp: Stamp) -> Outcome:
    program = _find(data.programs, program_id, "program")
    plan = program_plan(program, data.workoutLogs, data.workoutSets, _live_exercises(data))
    return _start(data, screen, stamp, str(program["name"]), program["id"], plan)


def start_empty(data: Data, screen: Screen, stamp: Stamp) -> Outcome:
    return _start(data, screen, stamp, DEFAULT_NAME, None, [])


def _set_of_current(data: Data, set_id: str) -> Record:
    workout = _current(data)
    s = _find(data.workoutSets, set_id, "set")
    if s["workoutId"] != workout["id"]:
        raise ValidationError("That set belongs to another workout.")
    return s


def _typed(data: Data, screen: Screen, s: Record) -> dict[str, Any]:
    """The values typed into a set's fields and not yet saved (then forgotten as drafts)."""
    fields: dict[str, Any] = {}
    weight_text = screen.drafts.pop(f"w-{s['id']}", None)
    reps_text = screen.drafts.pop(f"r-{s['id']}", None)
    if weight_text is not None:
        fields["weight"] = units.parse_weight(weight_text, unit_of(data), float(s["weight"]))
    if reps_text is not None:
        fields["reps"] = parse_reps(reps_text)
    return fields


def parse_reps(text: str) -> int:
    """Reps as typed: the digits 0-9 only (str.isdigit() also says yes to "²", which int()
    refuses), at most 1000."""
    cleaned = text.strip()
    if not units.WHOLE_NUMBER.fullmatch(cleaned) or not 0 <= int(cleaned) <= 1000:
        raise ValidationError("Reps must be a whole number from 0 to 1000.")
    return int(cleaned)


def check_set(data: Data, screen: Screen, set_id: str, stamp: Stamp) -> Outcome:
    """One tap: the set is done (with what its fields show) and the rest timer starts.
    Tapping a done set undoes the check."""
    s = _set_of_current(data, set_id)
    done = not is_done(s)
    reps_text = screen.drafts.get(f"r-{s['id']}")
    if done and (parse_reps(reps_text) if reps_text is not None else int(s["reps"])) == 0:
        raise ValidationError("Enter the reps you did, then check the set.")
    fields = _typed(data, screen, s)
    fields["done"] = done
    change = changes.edit("workoutSets", s, fields, **_stamp(stamp))
    screen.up_next = None
    if done:
        # In a superset the next exercise's set comes up, and the rest waits for the round.
        workout = _current(data)
        its = [
            {**x, "done": True} if x["id"] == set_id else x for x in sets_of(data, workout["id"])
        ]
        up_next, rest_now = supersets.after_check(
            its, supersets.groups_of(workout), exercise_order(its), {**s, "done": True}
        )
        screen.up_next = up_next
        exercise = exercise_map(data).get(s["exerciseId"])
        seconds = rest.rest_seconds(exercise, default_rest(data))
        if seconds and rest_now:
            screen.rest_seconds = seconds
            screen.rest_ends_at = rest.start(stamp["now"], seconds)
    return Outcome([c for c in (change,) if c is not None])


def link_superset(data: Data, screen: Screen, exercise_id: str, stamp: Stamp) -> Outcome:
    """The exercise after ``exercise_id`` on screen joins its superset (one is made if needed)."""
    workout = _current(data)
    groups = supersets.groups_of(workout)
    blocks = supersets.screen_order(exercise_order(sets_of(data, workout["id"])), groups)
    flat = [e for block in blocks for e in block]
    if exercise_id not in flat or flat.index(exercise_id) + 1 >= len(flat):
        raise ValidationError("There is no exercise after this one to pair it with.")
    following = flat[flat.index(exercise_id) + 1]
    made = supersets.link(groups, exercise_id, following)
    return _supersets(workout, made, stamp)


def unlink_superset(data: Data, screen: Screen, exercise_id: str, stamp: Stamp) -> Outcome:
    workout = _current(data)
    return _supersets(workout, supersets.unlink(supersets.groups_of(workout), exercise_id), stamp)


def _supersets(workout: Record, groups: dict[str, int], stamp: Stamp) -> Outcome:
    change = changes.edit("workoutLogs", workout, {"supersets": groups or None}, **_stamp(stamp))
    return Outcome([c for c in (change,) if c is not None])


def set_value(
    data: Data, screen: Screen, set_id: str, name: str, text: str, stamp: Stamp
) -> Outcome:
    """A weight or reps field was changed (typed, then left)."""
    s = _set_of_current(data, set_id)
    screen.drafts.pop(f"{name[0]}-{set_id}", None)
    if name == "weight":
        value: Any = units.parse_weight(text, unit_of(data), float(s["weight"]))
    else:
        value = parse_reps(text)
    change = changes.edit("workoutSets", s, {name: value}, **_stamp(stamp))
    return Outcome([c for c in (change,) if c is not None])


def toggle_set_details(screen: Screen, set_id: str) -> None:
    """Show a set's RPE and note fields (one set at a time), or fold them away."""
    screen.set_open = None if screen.set_open == set_id else set_id


def set_detail(
    data: Data, screen: Screen, set_id: str, name: str, text: str, stamp: Stamp
) -> Outcome:
    """A set's RPE was picked or its note left: ``name`` is "rpe" or "set-notes"."""
    s = _set_of_current(data, set_id)
    if name == "rpe":
        screen.drafts.pop(f"rpe-{set_id}", None)
        fields: dict[str, Any] = {"rpe": parse_rpe(text)}
    else:
        screen.drafts.pop(f"sn-{set_id}", None)
        fields = {"notes": text.strip() or None}
    change = changes.edit("workoutSets", s, fields, **_stamp(stamp))
    return Outcome([c for c in (change,) if c is not None])


def step_weight(data: Data, screen: Screen, set_id: str, direction: int, stamp: Stamp) -> Outcome:
    s = _set_of_current(data, set_id)
    typed = _typed(data, screen, s)
    weight = float(typed["weight"] if "weight" in typed else s["weight"])
    typed["weight"] = units.step(weight, unit_of(data), direction)
    change = changes.edit("workoutSets", s, typed, **_stamp(stamp))
    return Outcome([c for c in (change,) if c is not None])


def cycle_set_type(data: Data, screen: Screen, set_id: str, stamp: Stamp) -> Outcome:
    """Normal -> warm-up -> drop -> failure -> normal."""
    s = _set_of_current(data, set_id)
    following = SET_TYPES[(SET_TYPES.index(set_type(s)) + 1) % len(SET_TYPES)]
    change = changes.edit("workoutSets", s, {"setType": following}, **_stamp(stamp))
    return Outcome([c for c in (change,) if c is not None])


def add_set(data: Data, screen: Screen, exercise_id: str, stamp: Stamp) -> Outcome:
    """Another set of an exercise, a copy of its last one (unchecked)."""
    workout = _current(data)
    its = [s for s in sets_of(data, workout["id"]) if s["exerciseId"] == exercise_id]
    if not its:
        raise ValidationError("That exercise is not in this workout.")
    last = its[-1]
    return Outcome(
        [_insert_set(data, workout, exercise_id, float(last["weight"]), int(last["reps"]), stamp)]
    )


def _insert_set(
    data: Data, workout: Record, exercise_id: str, weight: float, reps: int, stamp: Stamp
) -> Change:
    mine = [s for s in sets_of(data, workout["id"]) if s["exerciseId"] == exercise_id]
    # The same position as the exercise's last set: made later, it sorts right after it and
    # before the next exercise (sets order by position, then creation).
    fields = {
        "workoutId": workout["id"],
        "exerciseId": exercise_id,
        "position": mine[-1].get("position") or 0,
        "reps": reps,
        "weight": weight,
        "done": False,
        "setType": "normal",
    }
    return changes.create("workoutSets", fields, **_stamp(stamp))


def remove_set(data: Data, screen: Screen, exercise_id: str, stamp: Stamp) -> Outcome:
    """The exercise's last set goes, with Undo."""
    workout = _current(data)
    its = [s for s in sets_of(data, workout["id"]) if s["exerciseId"] == exercise_id]
    if not its:
        raise ValidationError("That exercise has no sets left.")
    last = its[-1]
    screen.undo = [["workoutSets", last["id"]]]
    return Outcome([changes.delete("workoutSets", last, **_stamp(stamp))])


def add_exercise(data: Data, screen: Screen, exercise_id: str, stamp: Stamp) -> Outcome:
    """Add an exercise to the running workout, prefilled from its last time; a library
    exercise becomes the person's own on first use (an archived one comes back)."""
    workout = _current(data)
    made: list[Change] = []
    own = exercise_map(data).get(exercise_id)
    if own is None:
        entry = BY_ID.get(exercise_id)
        if entry is None:
            raise ValidationError("That exercise no longer exists.")
        made.append(
            changes.create("exercises", entry.fields(), record_id=entry.id, **_stamp(stamp))
        )
    elif own.get("archived"):
        back = changes.edit("exercises", own, {"archived": False}, **_stamp(stamp))
        if back is not None:
            made.append(back)
    rows = prefill(exercise_id, data.workoutLogs, data.workoutSets, exclude=workout["id"])
    its = sets_of(data, workout["id"])
    first = max((s.get("position") or 0 for s in its), default=-1) + 1
    for fields in plan_sets(workout["id"], [(exercise_id, rows)], first_position=first):
        made.append(changes.create("workoutSets", fields, **_stamp(stamp)))
    screen.picking = False
    screen.query = ""
    return Outcome(made)


def set_rest(data: Data, screen: Screen, exercise_id: str, text: str, stamp: Stamp) -> Outcome:
    exercise = _find(data.exercises, exercise_id, "exercise")
    if not units.WHOLE_NUMBER.fullmatch(text) or text.startswith("-"):
        raise ValidationError("Rest must be a number of seconds.")
    change = changes.edit("exercises", exercise, {"restSeconds": int(text)}, **_stamp(stamp))
    return Outcome([c for c in (change,) if c is not None])


def set_notes(
    data: Data, screen: Screen, target: str, record_id: str, text: str, stamp: Stamp
) -> Outcome:
    workout = _current(data)
    value = text.strip() or None
    if target == "workout-notes":
        change = changes.edit("workoutLogs", workout, {"notes": value}, **_stamp(stamp))
    else:
        notes = dict(workout.get("exerciseNotes") or {})
        if value:
            notes[record_id] = value
        else:
            notes.pop(record_id, None)
        change = changes.edit("workoutLogs", workout, {"exerciseNotes": notes}, **_stamp(stamp))
    return Outcome([c for c in (change,) if c is not None])


def finish(data: Data, screen: Screen, stamp: Stamp) -> Outcome:
    """End the workout: unchecked sets are left out, the summary shows."""
    workout = _current(data)
    its = sets_of(data, workout["id"])
    unchecked = [s for s in its if not is_done(s)]
    if len(unchecked) == len(its) and its:
        raise ValidationError(
            "No set is checked off yet: check the sets you did, or discard the workout."
        )
    made = [changes.delete("workoutSets", s, **_stamp(stamp)) for s in unchecked]
    ended = changes.edit("workoutLogs", workout, {"finishedAt": stamp["now"]}, **_stamp(stamp))
    if ended is not None:
        made.append(ended)
    screen.summary_id = workout["id"]
    screen.rest_ends_at = 0
    screen.drafts = {}
    screen.picking = False
    screen.undo = []
    left = len(unchecked)
    message = f"{left} unchecked set{'' if left == 1 else 's'} left out." if left else None
    return Outcome(made, message)


def discard(data: Data, screen: Screen, stamp: Stamp) -> Outcome:
    """The running workout and its sets go, with Undo."""
    workout = _current(data)
    its = sets_of(data, workout["id"])
    made = [changes.delete("workoutSets", s, **_stamp(stamp)) for s in its]
    made.append(changes.delete("workoutLogs", workout, **_stamp(stamp)))
    screen.undo = [["workoutLogs", workout["id"]], *(["workoutSets", s["id"]] for s in its)]
    screen.rest_ends_at = 0
    screen.drafts = {}
    return Outcome(made, "Workout discarded.")


def undo(
    tombstones: list[Record | None], screen: Screen, stamp: Stamp, tables: list[str]
) -> Outcome:
    """Bring back what the last delete removed (``tombstones`` as the store holds them)."""
    made = [
        changes.undelete(table, record, **_stamp(stamp))
        for table, record in zip(tables, tombstones, strict=True)
        if record is not None and record.get("deleted")
    ]
    screen.undo = []
    return Outcome(made, "Restored.")


def rest_adjust(screen: Screen, seconds: int, now: int) -> None:
    if screen.rest_ends_at:
        screen.rest_ends_at = rest.adjust(max(screen.rest_ends_at, now), now, seconds)


def rest_skip(screen: Screen) -> None:
    screen.rest_ends_at = 0


def set_unit(data: Data, unit: str, stamp: Stamp) -> Outcome:
    if unit not in units.UNITS:
        raise ValidationError("Choose kg or lb.")
    return _settings(data, {"unit": unit}, stamp, f"Weights now show in {unit}.")


def set_bar_and_plates(data: Data, values: dict[str, str], stamp: Stamp) -> Outcome:
    """The bar and plates typed in Settings, in the person's unit (empty: the standard ones)."""
    unit = unit_of(data)
    fields = {
        "barWeight": plates.parse_bar(values.get("bar", ""), unit),
        "plates": plates.parse_plates(values.get("plates", ""), unit),
    }
    return _settings(data, fields, stamp, "Bar and plates saved.")


def _settings(data: Data, fields: dict[str, Any], stamp: Stamp, message: str) -> Outcome:
    current = next((s for s in data.settings if s["id"] == SETTINGS_ID), None)
    if current is None:
        made: Change | None = changes.create(
            "settings", fields, record_id=SETTINGS_ID, **_stamp(stamp)
        )
    else:
        made = changes.edit("settings", current, fields, **_stamp(stamp))
    return Outcome([c for c in (made,) if c is not None], message)
