"""Every control of every screen, as data: what a tap, a form or a changed field does.

The browser (``app/browser/dom_events.py``) reads a control's name from the DOM (``data-action``,
``data-form``, ``data-field``), builds an ``Event`` and runs the ``Control`` in these steps:

1. ``confirm``: the question asked first; "Cancel" stops here.
2. ``write``: one action at a time (a field's change and a tap on its check mark arrive
   together), each on the data the one before left.  The records ``reads`` names are fetched
   from the store; Undo is dropped (it is offered until the next action); the action returns
   its changes and sentence (``Outcome``); the store writes them in one transaction, the screen
   state is kept for a reload, the outcome is shown and the tables are read again.
   ``look``: only the screen state changes; it is kept, and drawn again unless ``render`` is off.
   ``effect``: one of the browser's own handlers (files, the account, sync), named here so that
   every control is found in one table.
3. After: ``reset_form``, ``navigate``, ``focus``, ``reveal_next``, ``ask_alerts``,
   ``scroll_top``.

A refused action (``ValidationError``, ``ImportRefused``) shows its sentence and changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.core.exchange import ImportRefused
from app.core.schema import ValidationError
from app.core.storage_failure import StorageError
from app.views import conflicts, exercises, history, log, programs
from app.views import workout_actions as workout
from app.views.state import HISTORY_PAGE, Data, Event, Outcome, Screen, Stamp, change_stamp

Write = Callable[[Data, Screen, Event, Stamp], Outcome]
Look = Callable[[Data, Screen, Event, Stamp], None]
Reads = Callable[[Data, Screen, Event], list[tuple[str, str]]]


@dataclass(frozen=True)
class Control:
    write: Write | None = None
    look: Look | None = None
    effect: str | None = None  # the name of the browser's handler
    render: bool = True  # (look) draw the screen again
    confirm: Callable[[Data, Event], str] | None = None
    reads: Reads | None = None
    reset_form: bool = False  # the form is emptied once its action is made
    navigate: str | None = None  # the view opened afterwards
    focus: str | None = None  # CSS selector of the field to type in next
    reveal_next: bool = False  # scroll the set to do next (a superset's) into view
    ask_alerts: bool = False  # a rest started: ask whether it may alert when it ends
    scroll_top: bool = False


def _on(action: Callable[..., Outcome], *args: Callable[[Event], Any]) -> Write:
    """A workout action ``(data, screen, *args, stamp)`` as a control's ``write``."""

    def write(data: Data, screen: Screen, event: Event, stamp: Stamp) -> Outcome:
        return action(data, screen, *(arg(event) for arg in args), stamp)

    return write


def _plain(action: Callable[..., Outcome]) -> Write:
    """An exercise action ``(data, screen, id, changes' stamp)`` as a control's ``write``."""

    def write(data: Data, screen: Screen, event: Event, stamp: Stamp) -> Outcome:
        return action(data, screen, event.id, change_stamp(stamp))

    return write


def _id(event: Event) -> str:
    return event.id


def _value(event: Event) -> str:
    return event.value


def _field(event: Event) -> str:
    return event.field


def _undo_reads(data: Data, screen: Screen, event: Event) -> list[tuple[str, str]]:
    return [(table, record_id) for table, record_id in screen.undo]


def _undo(data: Data, screen: Screen, event: Event, stamp: Stamp) -> Outcome:
    tables = [table for table, _record in event.records]
    return workout.undo([record for _table, record in event.records], screen, stamp, tables)


def _set_notes(data: Data, screen: Screen, event: Event, stamp: Stamp) -> Outcome:
    screen.drafts.pop(event.element, None)  # a workout's or exercise's note: saved, not a draft
    return workout.set_notes(data, screen, event.field, event.id, event.value, stamp)


def _history_edit_set(data: Data, screen: Screen, event: Event, stamp: Stamp) -> Outcome:
    return history.edit_set(data, event.id, event.fields, change_stamp(stamp))


def _body_weight(data: Data, screen: Screen, event: Event, stamp: Stamp) -> Outcome:
    return history.add_body_weight(data, event.fields, change_stamp(stamp))


def _unit(data: Data, screen: Screen, event: Event, stamp: Stamp) -> Outcome:
    return workout.set_unit(data, event.unit, stamp)


def _plates(data: Data, screen: Screen, event: Event, stamp: Stamp) -> Outcome:
    return workout.set_bar_and_plates(data, event.fields, stamp)


# Screen state only.
def _set_details(data: Data, screen: Screen, event: Event, stamp: Stamp) -> None:
    workout.toggle_set_details(screen, event.id)


def _open_picker(data: Data, screen: Screen, event: Event, stamp: Stamp) -> None:
    screen.picking = True


def _close_picker(data: Data, screen: Screen, event: Event, stamp: Stamp) -> None:
    screen.picking = False
    screen.query = ""


def _close_summary(data: Data, screen: Screen, event: Event, stamp: Stamp) -> None:
    screen.summary_id = None
    screen.message = None


def _rest(seconds: int) -> Look:
    def look(data: Data, screen: Screen, event: Event, stamp: Stamp) -> None:
        workout.rest_adjust(screen, seconds, stamp["now"])

    return look


def _rest_skip(data: Data, screen: Screen, event: Event, stamp: Stamp) -> None:
    workout.rest_skip(screen)


def _toggle_workout(data: Data, screen: Screen, event: Event, stamp: Stamp) -> None:
    screen.open_workout = None if screen.open_workout == event.id else event.id
    screen.editing = None


def _more_history(data: Data, screen: Screen, event: Event, stamp: Stamp) -> None:
    screen.history_shown += HISTORY_PAGE


def _chart_metric(data: Data, screen: Screen, event: Event, stamp: Stamp) -> None:
    screen.chart_metric = event.id


def _chart_range(data: Data, screen: Screen, event: Event, stamp: Stamp) -> None:
    screen.chart_range = event.id


def _progress_exercise(data: Data, screen: Screen, event: Event, stamp: Stamp) -> None:
    screen.progress_exercise_id = event.value


def _discard_question(data: Data, event: Event) -> str:
    return "Discard this workout and all its sets?"


def _purge_question(data: Data, event: Event) -> str:
    return exercises.purge_question(data, event.id)


# Taps on ``[data-action]`` buttons and links.
CLICKS: dict[str, Control] = {
    # Workout
    "repeat-last": Control(_on(workout.start_repeat), scroll_top=True),
    "repeat-workout": Control(_on(workout.repeat_workout, _id), scroll_top=True),
    "start-program-workout": Control(_on(workout.start_program, _id), scroll_top=True),
    "start-empty": Control(_on(workout.start_empty)),
    "check-set": Control(_on(workout.check_set, _id), reveal_next=True, ask_alerts=True),
    "set-details": Control(look=_set_details),
    "link-superset": Control(_on(workout.link_superset, _id)),
    "unlink-superset": Control(_on(workout.unlink_superset, _id)),
    "weight-up": Control(_on(workout.step_weight, _id, lambda _e: 1)),
    "weight-down": Control(_on(workout.step_weight, _id, lambda _e: -1)),
    "cycle-set-type": Control(_on(workout.cycle_set_type, _id)),
    "add-set": Control(_on(workout.add_set, _id)),
    "remove-set": Control(_on(workout.remove_set, _id)),
    "pick-exercise-add": Control(_on(workout.add_exercise, _id)),
    "finish-workout": Control(_on(workout.finish), scroll_top=True),
    "discard-workout": Control(_on(workout.discard), confirm=_discard_question),
    "undo": Control(_undo, reads=_undo_reads),
    "open-picker": Control(look=_open_picker, focus="#exercise-search"),
    "close-picker": Control(look=_close_picker),
    "close-summary": Control(look=_close_summary),
    "rest-minus": Control(look=_rest(-15)),
    "rest-plus": Control(look=_rest(15)),
    "rest-skip": Control(look=_rest_skip),
    "set-unit": Control(_unit),
    # Exercises: archive rather than destroy; library entries become the person's own.
    "delete-exercise": Control(_plain(exercises.delete_or_archive)),
    "unarchive-exercise": Control(_plain(exercises.unarchive)),
    "purge-exercise": Control(_plain(exercises.purge), confirm=_purge_question),
    "add-library-exercise": Control(exercises.add_from_library),
    "toggle-library": Control(look=exercises.toggle_library),
    "edit": Control(look=exercises.start_edit, focus="#view form[data-id] input"),
    "cancel-edit": Control(look=exercises.cancel_edit),
    # Log and History
    "delete-set": Control(log.delete_set),
    "pick-exercise": Control(look=log.pick_exercise, focus="#log-reps"),
    "open-day": Control(look=log.open_day, render=False, navigate="log"),
    "toggle-workout": Control(look=_toggle_workout),
    "more-history": Control(look=_more_history),
    "chart-metric": Control(look=_chart_metric),
    "chart-range": Control(look=_chart_range),
    # Programs
    "delete-program": Control(programs.delete_program),
    "remove-item": Control(programs.remove_item),
    # Settings: files, the account, sync, conflicts
    "export": Control(effect="export"),
    "export-csv": Control(effect="export_csv"),
    "confirm-import": Control(effect="confirm_import"),
    "cancel-import": Control(effect="cancel_import"),
    "undo-import": Control(effect="undo_import"),
    "sign-out": Control(effect="sign_out"),
    "load-sessions": Control(effect="load_sessions"),
    "end-session": Control(effect="end_session"),
    "sign-out-everywhere": Control(effect="sign_out_everywhere"),
    "bring-guest-data": Control(effect="bring_guest_data"),
    "keep-guest-data": Control(effect="keep_guest_data"),
    "sync-now": Control(effect="sync_now"),
    "restore-conflict": Control(conflicts.restore, reads=conflicts.restore_reads),
    "dismiss-conflict": Control(conflicts.dismiss),
}

# Submitted ``[data-form]`` forms.
FORMS: dict[str, Control] = {
    "add-exercise": Control(exercises.add, reset_form=True),
    "rename-exercise": Control(exercises.rename),
    "add-set": Control(log.add_set),
    "edit-set": Control(log.edit_set),
    "start-program": Control(log.start_program),
    "add-program": Control(programs.add_program, reset_form=True),
    "rename-program": Control(programs.rename_program),
    "add-item": Control(programs.add_item),
    "history-edit-set": Control(_history_edit_set),
    "add-body-weight": Control(_body_weight, reset_form=True),
    "bar-and-plates": Control(_plates),
    "account": Control(effect="account"),
    "change-password": Control(effect="change_password"),
    "delete-account": Control(effect="delete_account"),
}

# Changed fields and pickers (``change`` events), by ``changed``'s answer.
CHANGES: dict[str, Control] = {
    "set-value": Control(_on(workout.set_value, _id, _field, _value)),
    "set-detail": Control(_on(workout.set_detail, _id, _field, _value)),
    "set-notes": Control(_set_notes),
    "set-rest": Control(_on(workout.set_rest, _id, _value)),
    "pick-date": Control(look=log.pick_date),
    "pick-progress": Control(look=_progress_exercise),
    "pick-exercise-select": Control(look=log.choose_exercise, render=False),
    "import": Control(effect="import_file"),
    "import-unit": Control(effect="import_unit"),
    "import-map": Control(effect="import_map"),
}


def changed(field: str, action: str) -> str | None:
    """The ``CHANGES`` control for a changed element (its data-field, its data-action)."""
    if field == "search":
        return None  # the picker's search follows every key (``typed``)
    if field in ("weight", "reps"):
        return "set-value"
    if field in ("rpe", "set-notes"):
        return "set-detail"
    if field:
        return "set-notes"  # the workout's notes, an exercise's note
    return action or None


def typed(screen: Screen, event: Event) -> bool:
    """A key typed into a workout field: kept as a draft (a reload finds it), or, in the
    exercise picker's search, filtering at once.  True: draw the screen again."""
    if event.field == "search":
        screen.query = event.value
        return True
    screen.drafts[event.element] = event.value
    return False


# The forms a refusal answers ("Wrong email or password."): once the person edits one, or the
# browser stops its submit over a field it rejects (an email like "bob@": the app never hears of
# that attempt), the last refusal would read as the answer to the new attempt.
RETRIED = frozenset({"account", "change-password", "delete-account"})


def retried(screen: Screen, form: str) -> bool:
    """The person edits ``form`` or tries to send it again: a refusal on screen goes (a
    sentence that said something was done stays).  True: draw the screen again."""
    if form not in RETRIED or screen.message is None or screen.message_ok:
        return False
    screen.message = None
    return True


def typed_before(screen: Screen, text: str | None) -> None:
    """Keys typed on the page before a reload that the app had not yet taken (the page keeps
    them, ``app/js/page.mjs``): taken now, in the order typed, as ``typed`` takes each key.
    Anything unreadable is left out; the screen is as it was kept."""
    try:
        kept = json.loads(text or "[]")
    except ValueError:
        return
    for key in kept if isinstance(kept, list) else []:
        if isinstance(key, dict) and all(isinstance(key.get(k), str) for k in _TYPED_KEYS):
            typed(screen, Event(**{k: key[k] for k in _TYPED_KEYS}))


_TYPED_KEYS = ("id", "field", "element", "value")


def refusal(err: Exception) -> str:
    """What the person reads when an action fails."""
    if isinstance(err, (ValidationError, ImportRefused, StorageError)):
        return str(err)
    return f"Something went wrong: {err}"


def wants_alerts(screen: Screen) -> bool:
    """A rest is running and the platform has not yet been asked whether it may alert."""
    return bool(screen.rest_ends_at) and screen.notify == "default"
