"""Programs: a named, ordered list of exercises with target sets and reps."""

from __future__ import annotations

from app.core import changes
from app.core.schema import PROGRAMS
from app.views.html import esc, name_input, notices, options
from app.views.log import parse_whole
from app.views.state import Account, Data, Event, Outcome, Record, Screen, Stamp, change_stamp, find


def _program(program: Record, data: Data, editing: bool) -> str:
    pid, name = esc(program["id"]), esc(program["name"])
    names = data.exercise_names()
    items = []
    for index, item in enumerate(program.get("items") or []):
        label = esc(names.get(item["exerciseId"], "Deleted exercise"))
        items.append(
            f'<li><span class="grow">{index + 1}. {label} <span class="muted">{item["sets"]} × {item["reps"]}</span></span>'
            f'<button type="button" class="danger" data-action="remove-item" data-id="{pid}" '
            f'data-index="{index}" aria-label="Remove {label} from {name}">Remove</button></li>'
        )
    title = (
        f'<form data-form="rename-program" data-id="{pid}"><label for="rename-{pid}">New name for {name}</label>'
        + name_input("rename-" + program["id"], PROGRAMS, program["name"])
        + '<div class="row"><button type="submit">Save</button>'
        '<button type="button" class="secondary" data-action="cancel-edit">Cancel</button></div></form>'
        if editing
        else f"<h3>{name}</h3>"
    )
    exercise_options = options([(e["id"], e["name"]) for e in data.sorted_exercises()], None)
    add = (
        f'<form data-form="add-item" data-id="{pid}"><div class="row">'
        f'<div><label for="item-exercise-{pid}">Exercise</label><select id="item-exercise-{pid}" name="exerciseId" required>{exercise_options}</select></div>'
        f'<div><label for="item-sets-{pid}">Sets</label><input id="item-sets-{pid}" name="sets" type="number" inputmode="numeric" min="1" max="50" value="3" required></div>'
        f'<div><label for="item-reps-{pid}">Reps</label><input id="item-reps-{pid}" name="reps" type="number" inputmode="numeric" min="1" max="1000" value="8" required></div>'
        f'</div><p><button type="submit" class="secondary">Add to {name}</button></p></form>'
        if data.exercises
        else '<p class="muted">Add exercises first, then put them in this program.</p>'
    )
    return (
        f'<article class="card" aria-label="{name}">{title}'
        f'<ul class="list" aria-label="Exercises in {name}">{"".join(items)}</ul>{add}'
        '<div class="row">'
        f'<button type="button" class="secondary" data-action="edit" data-id="{pid}" aria-label="Rename {name}">Rename</button>'
        f'<button type="button" class="danger" data-action="delete-program" data-id="{pid}" aria-label="Delete program {name}">Delete program</button>'
        "</div></article>"
    )


EMPTY = '<p class="muted">No programs yet.</p>'


def render(screen: Screen, data: Data, account: Account) -> str:
    programs = sorted(data.programs, key=lambda p: (p["name"].casefold(), p["id"]))
    cards = "".join(_program(p, data, screen.editing == p["id"]) for p in programs)
    return (
        '<section aria-labelledby="programs-title"><h2 id="programs-title">Programs</h2>'
        f"{notices(screen.message, screen.message_ok, screen.undo)}"
        '<div class="split"><form class="card" data-form="add-program">'
        '<label for="program-name">Program name</label>'
        + name_input("program-name", PROGRAMS, attrs=' autocomplete="off"')
        + '<p><button type="submit">Create program</button></p></form>'
        f'<div class="split-main">{cards or EMPTY}</div></div></section>'
    )


# --- actions ----------------------------------------------------------------------------------


def _edited(current: Record, fields: dict[str, object], stamp: Stamp) -> Outcome:
    change = changes.edit("programs", current, fields, **change_stamp(stamp))
    return Outcome([c for c in (change,) if c is not None])


def add_program(data: Data, screen: Screen, event: Event, stamp: Stamp) -> Outcome:
    name = event.fields.get("name", "").strip()
    change = changes.create("programs", {"name": name, "items": []}, **change_stamp(stamp))
    return Outcome([change], f"Created {name}.")


def rename_program(data: Data, screen: Screen, event: Event, stamp: Stamp) -> Outcome:
    current = find(data.programs, event.id, "program")
    return _edited(current, {"name": event.fields.get("name", "").strip()}, stamp)


def delete_program(data: Data, screen: Screen, event: Event, stamp: Stamp) -> Outcome:
    current = find(data.programs, event.id, "program")
    screen.undo = [["programs", current["id"]]]
    return Outcome([changes.delete("programs", current, **change_stamp(stamp))])


def add_item(data: Data, screen: Screen, event: Event, stamp: Stamp) -> Outcome:
    current = find(data.programs, event.id, "program")
    item = {
        "exerciseId": find(data.exercises, event.fields.get("exerciseId", ""), "exercise")["id"],
        "sets": parse_whole(event.fields.get("sets", ""), "Sets"),
        "reps": parse_whole(event.fields.get("reps", ""), "Reps"),
    }
    return _edited(current, {"items": [*(current.get("items") or []), item]}, stamp)


def remove_item(data: Data, screen: Screen, event: Event, stamp: Stamp) -> Outcome:
    current = find(data.programs, event.id, "program")
    index = int(event.index)
    items = [it for i, it in enumerate(current.get("items") or []) if i != index]
    return _edited(current, {"items": items}, stamp)
