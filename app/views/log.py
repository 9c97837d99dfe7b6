"""Log: a workout for a date; pick an exercise (or start from a program) and add sets."""

from __future__ import annotations

from app.core import changes, units
from app.core.schema import ValidationError
from app.views.html import esc, notices, options
from app.views.preferences import unit_of
from app.views.state import Account, Data, Event, Outcome, Record, Screen, Stamp, change_stamp, find


def workouts_for(data: Data, date: str) -> list[Record]:
    """Every workout of the day, in the same order on every device.

    Two devices offline can each start one for the same date; all of them are shown, and no
    device clock decides which (the order is by id, which means nothing but is the same
    everywhere).
    """
    return sorted((w for w in data.workoutLogs if w.get("date") == date), key=lambda w: w["id"])


def workout_for(data: Data, date: str) -> Record | None:
    """The workout new sets of the day go into: the first of ``workouts_for``."""
    found = workouts_for(data, date)
    return found[0] if found else None


def sets_of(data: Data, workout_ids: set[str]) -> list[Record]:
    return sorted(
        (s for s in data.workoutSets if s.get("workoutId") in workout_ids),
        key=lambda s: (s.get("position") or 0, s.get("createdAt", 0), s["id"]),
    )


def _set_row(number_in_group: int, s: Record, editing: bool, unit: str) -> str:
    sid = esc(s["id"])
    label = f"set {number_in_group}"
    if editing:
        return (
            f'<li><form class="grow" data-form="edit-set" data-id="{sid}"><div class="row">'
            f'<div><label for="reps-{sid}">Reps</label><input id="reps-{sid}" name="reps" '
            f'type="number" inputmode="numeric" min="0" max="1000" value="{esc(s["reps"])}" required></div>'
            f'<div><label for="weight-{sid}">Weight ({unit})</label><input id="weight-{sid}" name="weight" '
            f'type="number" inputmode="decimal" min="0" step="any" value="{units.format_weight(s["weight"], unit)}" required></div>'
            '<button type="submit">Save</button>'
            '<button type="button" class="secondary" data-action="cancel-edit">Cancel</button>'
            "</div></form></li>"
        )
    return (
        f'<li data-id="{sid}"><span class="grow">{number_in_group}. '
        f"<strong>{esc(s['reps'])} × {units.label(s['weight'], unit)}</strong></span>"
        f'<button type="button" class="secondary" data-action="edit" data-id="{sid}" '
        f'aria-label="Edit {label}">Edit</button>'
        f'<button type="button" class="danger" data-action="delete-set" data-id="{sid}" '
        f'aria-label="Delete {label}">Delete</button></li>'
    )


def _day(screen: Screen, data: Data) -> str:
    workouts = workouts_for(data, screen.log_date)
    if len(workouts) <= 1:
        return _sets(screen, data, workouts[0] if workouts else None)
    parts = [
        f'<section aria-label="Workout {i} of {len(workouts)}"><h3>Workout {i} of '
        f"{len(workouts)}</h3>{_sets(screen, data, w)}</section>"
        for i, w in enumerate(workouts, start=1)
    ]
    return "".join(parts)


def _sets(screen: Screen, data: Data, workout: Record | None) -> str:
    if workout is None:
        return '<p class="muted">No sets logged for this day yet.</p>'
    names = data.exercise_names()
    groups: dict[str, list[Record]] = {}
    for s in sets_of(data, {workout["id"]}):
        groups.setdefault(s["exerciseId"], []).append(s)
    if not groups:
        return '<p class="muted">No sets logged for this day yet.</p>'
    parts = []
    for exercise_id, its_sets in groups.items():
        name = esc(names.get(exercise_id, "Deleted exercise"))
        rows = "".join(
            _set_row(i, s, screen.editing == s["id"], unit_of(data))
            for i, s in enumerate(its_sets, start=1)
        )
        parts.append(
            f'<div class="card"><h3>{name}</h3><ul class="list" aria-label="Sets of {name}">{rows}</ul></div>'
        )
    return "".join(parts)


def _plan(data: Data, screen: Screen) -> str:
    program = next((p for p in data.programs if p["id"] == screen.program_id), None)
    if program is None:
        return ""
    names = data.exercise_names()
    items = []
    for item in program.get("items") or []:
        name = names.get(item["exerciseId"])
        if name is None:
            continue
        items.append(
            f'<li><span class="grow">{esc(name)} <span class="muted">{item["sets"]} × {item["reps"]}</span></span>'
            f'<button type="button" class="secondary" data-action="pick-exercise" '
            f'data-id="{esc(item["exerciseId"])}" aria-label="Log {esc(name)}">Log</button></li>'
        )
    return (
        f'<div class="card"><h3>Plan: {esc(program["name"])}</h3>'
        f'<ul class="list" aria-label="Program plan">{"".join(items)}</ul></div>'
    )


def render(screen: Screen, data: Data, account: Account) -> str:
    exercises = data.active_exercises()
    head = (
        '<section aria-labelledby="log-title"><h2 id="log-title">Log</h2>'
        f"{notices(screen.message, screen.message_ok, screen.undo)}"
    )
    date = (
        '<div class="card"><label for="log-date">Date</label>'
        f'<input id="log-date" type="date" data-action="pick-date" value="{esc(screen.log_date)}" required></div>'
    )
    if not exercises:
        return (
            head
            + date
            + (
                '<p class="card">Add an exercise first: <a href="#exercises">go to Exercises</a>.</p></section>'
            )
        )
    selected = screen.exercise_id if screen.exercise_id in data.exercise_names() else None
    selected = selected or exercises[0]["id"]
    exercise_options = options([(e["id"], e["name"]) for e in exercises], selected)
    programs = sorted(data.programs, key=lambda p: p["name"].casefold())
    start = ""
    if programs:
        program_options = options([(p["id"], p["name"]) for p in programs], screen.program_id)
        start = (
            '<form class="card" data-form="start-program"><div class="row">'
            f'<div><label for="log-program">Program</label><select id="log-program" name="programId">{program_options}</select></div>'
            '<button type="submit" class="secondary">Start from program</button></div></form>'
        )
    form = (
        '<form class="card" data-form="add-set">'
        f'<label for="log-exercise">Exercise</label><select id="log-exercise" name="exerciseId" data-action="pick-exercise-select">{exercise_options}</select>'
        '<div class="row">'
        '<div><label for="log-reps">Reps</label><input id="log-reps" name="reps" type="number" inputmode="numeric" min="0" max="1000" required></div>'
        f'<div><label for="log-weight">Weight ({unit_of(data)})</label><input id="log-weight" name="weight" type="number" inputmode="decimal" min="0" step="any" required></div>'
        '</div><p><button type="submit">Add set</button></p></form>'
    )
    # On a laptop the forms keep a column of their own beside the day's sets (.split).
    side = date + start + _plan(data, screen) + form
    return (
        f'{head}<div class="split"><div class="split-side">{side}</div>'
        f'<div class="split-main">{_day(screen, data)}</div></div></section>'
    )


# --- actions ----------------------------------------------------------------------------------


def parse_whole(text: str, label: str) -> int:
    """A count as typed ("Reps must be a whole number." otherwise); its range is the schema's."""
    cleaned = text.strip()
    if not units.WHOLE_NUMBER.fullmatch(cleaned):
        raise ValidationError(f"{label} must be a whole number.")
    return int(cleaned)


def add_set(data: Data, screen: Screen, event: Event, stamp: Stamp) -> Outcome:
    """A set for the day's workout (started with it, in the same write, if there is none yet)."""
    exercise_id = event.fields.get("exerciseId", "")
    find(data.exercises, exercise_id, "exercise")
    reps = parse_whole(event.fields.get("reps", ""), "Reps")
    weight = units.parse_weight(event.fields.get("weight", ""), unit_of(data))
    made = []
    workout = workout_for(data, screen.log_date)
    if workout is None:
        fields = {"date": screen.log_date, "programId": screen.program_id}
        made.append(changes.create("workoutLogs", fields, **change_stamp(stamp)))
        workout = made[0].record
    set_fields = {
        "workoutId": workout["id"],
        "exerciseId": exercise_id,
        "position": len(sets_of(data, {workout["id"]})),
        "reps": reps,
        "weight": weight,
    }
    made.append(changes.create("workoutSets", set_fields, **change_stamp(stamp)))
    screen.exercise_id = exercise_id
    return Outcome(made)


def edit_set(data: Data, screen: Screen, event: Event, stamp: Stamp) -> Outcome:
    current = find(data.workoutSets, event.id, "set")
    weight = event.fields.get("weight", "")
    fields = {
        "reps": parse_whole(event.fields.get("reps", ""), "Reps"),
        "weight": units.parse_weight(weight, unit_of(data), float(current["weight"])),
    }
    change = changes.edit("workoutSets", current, fields, **change_stamp(stamp))
    return Outcome([c for c in (change,) if c is not None])


def delete_set(data: Data, screen: Screen, event: Event, stamp: Stamp) -> Outcome:
    current = find(data.workoutSets, event.id, "set")
    screen.undo = [["workoutSets", current["id"]]]
    return Outcome([changes.delete("workoutSets", current, **change_stamp(stamp))])


def start_program(data: Data, screen: Screen, event: Event, stamp: Stamp) -> Outcome:
    """Log the day from a program: its first exercise is picked; the day's workout notes it."""
    program = find(data.programs, event.fields.get("programId", ""), "program")
    screen.program_id = program["id"]
    first = next(iter(program.get("items") or []), None)
    if first:
        screen.exercise_id = first["exerciseId"]
    workout = workout_for(data, screen.log_date)
    change = None
    if workout is not None:
        change = changes.edit(
            "workoutLogs", workout, {"programId": program["id"]}, **change_stamp(stamp)
        )
    return Outcome([c for c in (change,) if c is not None], f"Started {program['name']}.")


def pick_exercise(data: Data, screen: Screen, event: Event, stamp: Stamp) -> None:
    screen.exercise_id = event.id


def choose_exercise(data: Data, screen: Screen, event: Event, stamp: Stamp) -> None:
    """The exercise picker (a select): remembered, the form is left as the person set it."""
    screen.exercise_id = event.value


def pick_date(data: Data, screen: Screen, event: Event, stamp: Stamp) -> None:
    screen.log_date = event.value or stamp["today"]  # a cleared date picker means today
    screen.editing = None


def open_day(data: Data, screen: Screen, event: Event, stamp: Stamp) -> None:
    """History's "open this day in Log": the picker shows that day's exercise (unless the one
    picked already is one of the day's)."""
    screen.log_date = event.id
    day = sets_of(data, {w["id"] for w in workouts_for(data, event.id)})
    if day and screen.exercise_id not in {s["exerciseId"] for s in day}:
        screen.exercise_id = day[0]["exerciseId"]
