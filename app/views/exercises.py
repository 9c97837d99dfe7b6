"""Exercises: the person's own (add, rename, rest time), archived ones, and the built-in library.

Deleting is safe: an exercise with history is archived (hidden from pickers; its sets keep its
name and charts), one without history is deleted with Undo, and "Delete for good" says how many
sets go with it.
"""

from __future__ import annotations

from typing import Any

from app.core import changes
from app.core.library import BY_ID, LIBRARY
from app.core.schema import EXERCISES, ValidationError
from app.views.html import counted, esc, name_input, notices
from app.views.state import Account, Data, Event, Outcome, Record, Screen, Stamp, change_stamp, find

MUSCLE_GROUPS = ("Chest", "Back", "Legs", "Shoulders", "Arms", "Core", "Full body", "Cardio")


def set_count(data: Data, exercise_id: str) -> int:
    return sum(1 for s in data.workoutSets if s["exerciseId"] == exercise_id)


def _row(exercise: Record, editing: bool, sets: int) -> str:
    eid, name = esc(exercise["id"]), esc(exercise["name"])
    group = esc(exercise.get("muscleGroup") or "")
    if editing:
        return (
            f'<li><form class="grow" data-form="rename-exercise" data-id="{eid}">'
            f'<label for="rename-{eid}">New name for {name}</label>'
            + name_input("rename-" + exercise["id"], EXERCISES, exercise["name"])
            + f'<label for="group-{eid}">Muscle group</label>'
            f'<input id="group-{eid}" name="muscleGroup" value="{group}" list="muscle-groups" maxlength="80">'
            '<div class="row"><button type="submit">Save</button>'
            '<button type="button" class="secondary" data-action="cancel-edit">Cancel</button></div>'
            "</form></li>"
        )
    details = [str(x) for x in (exercise.get("equipment"), exercise.get("muscleGroup")) if x]
    if sets:
        details.append(counted(sets, "set"))
    detail = f'<br><span class="muted">{esc(" · ".join(details))}</span>' if details else ""
    action = "Archive" if sets else "Delete"
    return (
        f'<li data-id="{eid}"><span class="grow"><strong>{name}</strong>{detail}</span>'
        f'<button type="button" class="secondary small" data-action="edit" data-id="{eid}" '
        f'aria-label="Rename {name}">Rename</button>'
        f'<button type="button" class="danger small" data-action="delete-exercise" data-id="{eid}" '
        f'aria-label="{action} {name}">{action}</button></li>'
    )


def _archived(data: Data) -> str:
    archived = [e for e in data.sorted_exercises() if e.get("archived")]
    if not archived:
        return ""
    rows = "".join(
        f'<li><span class="grow"><strong>{esc(e["name"])}</strong><br><span class="muted">'
        f"{counted(set_count(data, e['id']), 'set')} kept</span></span>"
        f'<button type="button" class="secondary small" data-action="unarchive-exercise" data-id="{esc(e["id"])}" '
        f'aria-label="Bring back {esc(e["name"])}">Bring back</button>'
        f'<button type="button" class="danger small" data-action="purge-exercise" data-id="{esc(e["id"])}" '
        f'aria-label="Delete {esc(e["name"])} for good">Delete for good</button></li>'
        for e in archived
    )
    return (
        f'<details class="card"><summary>Archived ({len(archived)})</summary>'
        f'<ul class="list" aria-label="Archived exercises">{rows}</ul></details>'
    )


def _library(data: Data, is_open: bool) -> str:
    # Listed only once asked for: ~100 rows would weigh down every render of this screen (and
    # its copy painted at the next start).
    toggle = (
        f'<button type="button" class="secondary wide" data-action="toggle-library" '
        f'aria-expanded="{"true" if is_open else "false"}">'
        f"Exercise library ({len(LIBRARY)})</button>"
    )
    if not is_open:
        return f'<div class="card">{toggle}</div>'
    owned = {e["id"] for e in data.exercises} | {e["name"].casefold() for e in data.exercises}
    rows = "".join(
        f'<li><span class="grow"><strong>{esc(e.name)}</strong><br>'
        f'<span class="muted">{esc(e.equipment)} · {esc(e.muscles)}</span></span>'
        f'<button type="button" class="secondary small" data-action="add-library-exercise" '
        f'data-id="{esc(e.id)}" aria-label="Add {esc(e.name)}">Add</button></li>'
        for e in LIBRARY
        if e.id not in owned and e.name.casefold() not in owned
    )
    return (
        f'<div class="card">{toggle}'
        '<p class="muted">Common exercises, ready to use. In a workout, search finds them too.</p>'
        f'<ul class="list" aria-label="Exercise library">{rows}</ul></div>'
    )


def render(screen: Screen, data: Data, account: Account) -> str:
    rows = [
        _row(e, screen.editing == e["id"], set_count(data, e["id"]))
        for e in data.active_exercises()
    ]
    listing = (
        f'<ul class="list" aria-label="Your exercises">{"".join(rows)}</ul>'
        if rows
        else '<p class="muted">No exercises yet. Add your own, or pick from the library below.</p>'
    )
    groups = "".join(f'<option value="{esc(g)}"></option>' for g in MUSCLE_GROUPS)
    return (
        '<section aria-labelledby="exercises-title"><h2 id="exercises-title">Exercises</h2>'
        f"{notices(screen.message, screen.message_ok, screen.undo)}"
        '<div class="split"><form class="card" data-form="add-exercise">'
        '<label for="exercise-name">Exercise name</label>'
        + name_input("exercise-name", EXERCISES, attrs=' autocomplete="off"')
        + '<label for="exercise-group">Muscle group (optional)</label>'
        '<input id="exercise-group" name="muscleGroup" list="muscle-groups" maxlength="80">'
        f'<datalist id="muscle-groups">{groups}</datalist>'
        '<p><button type="submit">Add exercise</button></p></form>'
        f'<div class="split-main">{listing}{_archived(data)}{_library(data, screen.library_open)}'
        "</div></div></section>"
    )


# --- actions ----------------------------------------------------------------------------------


def _find(data: Data, exercise_id: str) -> Record:
    for e in data.exercises:
        if e["id"] == exercise_id:
            return e
    raise ValidationError("That exercise no longer exists (it may have been deleted elsewhere).")


def delete_or_archive(
    data: Data, screen: Screen, exercise_id: str, stamp: dict[str, Any]
) -> Outcome:
    """One tap never destroys history: an exercise with sets is archived, one without is
    deleted with Undo."""
    exercise = _find(data, exercise_id)
    sets = set_count(data, exercise_id)
    if sets:
        change = changes.edit("exercises", exercise, {"archived": True}, **stamp)
        screen.undo = []
        return Outcome(
            [c for c in (change,) if c is not None],
            f"Archived {exercise['name']}: its {counted(sets, 'set')} and charts stay "
            "in your history. Bring it back under Archived.",
        )
    screen.undo = [["exercises", exercise_id]]
    return Outcome([changes.delete("exercises", exercise, **stamp)])


def unarchive(data: Data, screen: Screen, exercise_id: str, stamp: dict[str, Any]) -> Outcome:
    exercise = _find(data, exercise_id)
    change = changes.edit("exercises", exercise, {"archived": False}, **stamp)
    return Outcome([c for c in (change,) if c is not None], f"{exercise['name']} is back.")


def purge_question(data: Data, exercise_id: str) -> str:
    exercise = _find(data, exercise_id)
    sets = set_count(data, exercise_id)
    return (
        f"Delete {exercise['name']} for good? Its {counted(sets, 'set')} "
        "go with it, from every device."
    )


def purge(data: Data, screen: Screen, exercise_id: str, stamp: dict[str, Any]) -> Outcome:
    """The exercise and its sets, deleted (the person confirmed ``purge_question``)."""
    exercise = _find(data, exercise_id)
    its_sets = [s for s in data.workoutSets if s["exerciseId"] == exercise_id]
    made = [changes.delete("workoutSets", s, **stamp) for s in its_sets]
    made.append(changes.delete("exercises", exercise, **stamp))
    screen.undo = [["exercises", exercise_id], *(["workoutSets", s["id"]] for s in its_sets)]
    return Outcome(made, f"Deleted {exercise['name']} and {counted(len(its_sets), 'set')}.")


def add(data: Data, screen: Screen, event: Event, stamp: Stamp) -> Outcome:
    """A new exercise of the person's own; Log picks it if nothing is picked yet."""
    name = event.fields.get("name", "").strip()
    group = event.fields.get("muscleGroup", "").strip() or None
    change = changes.create(
        "exercises", {"name": name, "muscleGroup": group}, **change_stamp(stamp)
    )
    screen.exercise_id = screen.exercise_id or change.record["id"]
    return Outcome([change], f"Added {name}.")


def rename(data: Data, screen: Screen, event: Event, stamp: Stamp) -> Outcome:
    current = find(data.exercises, event.id, "exercise")
    fields = {
        "name": event.fields.get("name", "").strip(),
        "muscleGroup": event.fields.get("muscleGroup", "").strip() or None,
    }
    change = changes.edit("exercises", current, fields, **change_stamp(stamp))
    return Outcome([c for c in (change,) if c is not None])


def add_from_library(data: Data, screen: Screen, event: Event, stamp: Stamp) -> Outcome:
    """A built-in exercise becomes the person's own (an archived copy comes back instead)."""
    entry = BY_ID.get(event.id)
    if entry is None:
        raise ValidationError("That exercise is not in the library.")
    existing = next((e for e in data.exercises if e["id"] == entry.id), None)
    if existing is not None:
        made = changes.edit("exercises", existing, {"archived": False}, **change_stamp(stamp))
    else:
        made = changes.create(
            "exercises", entry.fields(), record_id=entry.id, **change_stamp(stamp)
        )
    return Outcome([c for c in (made,) if c is not None], f"Added {entry.name}.")


def toggle_library(data: Data, screen: Screen, event: Event, stamp: Stamp) -> None:
    screen.library_open = not screen.library_open


def start_edit(data: Data, screen: Screen, event: Event, stamp: Stamp) -> None:
    """Rename (an exercise, a program, a set) in place; one record at a time."""
    screen.editing = event.id
    screen.message = None


def cancel_edit(data: Data, screen: Screen, event: Event, stamp: Stamp) -> None:
    screen.editing = None
