"""Exercises: add, rename, delete, each with an optional muscle group."""

from __future__ import annotations

from app.views.html import esc, notice
from app.views.state import Account, Data, Record, Screen

MUSCLE_GROUPS = ("Chest", "Back", "Legs", "Shoulders", "Arms", "Core", "Full body", "Cardio")


def _row(exercise: Record, editing: bool) -> str:
    eid, name = esc(exercise["id"]), esc(exercise["name"])
    group = esc(exercise.get("muscleGroup") or "")
    if editing:
        return (
            f'<li><form class="grow" data-form="rename-exercise" data-id="{eid}">'
            f'<label for="rename-{eid}">New name for {name}</label>'
            f'<input id="rename-{eid}" name="name" value="{name}" required maxlength="80">'
            f'<label for="group-{eid}">Muscle group</label>'
            f'<input id="group-{eid}" name="muscleGroup" value="{group}" list="muscle-groups" maxlength="40">'
            '<div class="row"><button type="submit">Save</button>'
            '<button type="button" class="secondary" data-action="cancel-edit">Cancel</button></div>'
            "</form></li>"
        )
    detail = f' <span class="muted">{group}</span>' if group else ""
    return (
        f'<li data-id="{eid}"><span class="grow"><strong>{name}</strong>{detail}</span>'
        f'<button type="button" class="secondary" data-action="edit" data-id="{eid}" '
        f'aria-label="Rename {name}">Rename</button>'
        f'<button type="button" class="danger" data-action="delete-exercise" data-id="{eid}" '
        f'aria-label="Delete {name}">Delete</button></li>'
    )


def render(screen: Screen, data: Data, account: Account) -> str:
    rows = [_row(e, screen.editing == e["id"]) for e in data.sorted_exercises()]
    listing = (
        f'<ul class="list" aria-label="Your exercises">{"".join(rows)}</ul>'
        if rows
        else '<p class="muted">No exercises yet. Add the ones you train.</p>'
    )
    groups = "".join(f'<option value="{esc(g)}"></option>' for g in MUSCLE_GROUPS)
    return (
        '<section aria-labelledby="exercises-title"><h2 id="exercises-title">Exercises</h2>'
        f"{notice(screen.message, screen.message_ok)}"
        '<form class="card" data-form="add-exercise">'
        '<label for="exercise-name">Exercise name</label>'
        '<input id="exercise-name" name="name" required maxlength="80" autocomplete="off">'
        '<label for="exercise-group">Muscle group (optional)</label>'
        '<input id="exercise-group" name="muscleGroup" list="muscle-groups" maxlength="40">'
        f'<datalist id="muscle-groups">{groups}</datalist>'
        '<p><button type="submit">Add exercise</button></p></form>'
        f"{listing}</section>"
    )
