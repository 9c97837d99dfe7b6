"""Every control of every screen, run as the browser runs it (app/views/controls.py), without one.

``press`` follows the steps ``app.views.controls`` lists (reads, Undo dropped, the action, the
store's write, the outcome shown); the tests check what the person then sees and what is stored.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from app.core.library import LIBRARY
from app.core.schema import ValidationError
from app.views import controls, render
from app.views.controls import (
    CHANGES,
    CLICKS,
    FORMS,
    Control,
    changed,
    refusal,
    retried,
    typed,
    typed_before,
)
from app.views.state import Account, Data, Event, Screen
from tests.views.test_workout import apply, record, stamp

ROOT = Path(__file__).resolve().parents[2]


class Device:
    """One device's data and screen, with a store that keeps tombstones as the real one does."""

    def __init__(self, data: Data | None = None, **screen: Any) -> None:
        self.data = data or Data()
        self.screen = Screen(log_date="2026-11-25", **screen)
        self.stored: dict[tuple[str, str], dict[str, Any]] = {}
        self.writes = 0

    def press(self, table: dict[str, Control], name: str, **carried: Any) -> None:
        control = table[name]
        event = Event(**carried)
        if control.look is not None:
            control.look(self.data, self.screen, event, stamp())
            return
        assert control.write is not None, f"{name} is the browser's own: not run here"
        if control.reads is not None:
            wanted = control.reads(self.data, self.screen, event)
            event = replace(event, records=tuple((t, self.stored.get((t, r))) for t, r in wanted))
        self.screen.undo = []
        outcome = control.write(self.data, self.screen, event, stamp())
        if outcome.changes:
            self.writes += 1
        for change in outcome.changes:
            self.stored[(change.table, change.record["id"])] = change.record
        apply(self.data, outcome)
        self.screen.show(outcome)

    def sees(self, view: str) -> str:
        self.screen.view = view
        html = render(self.screen, self.data, Account())
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_every_control_a_screen_renders_has_one_and_each_control_does_one_thing() -> None:
    source = "".join(p.read_text() for p in (ROOT / "app" / "views").glob("*.py"))
    actions = set(re.findall(r'data-action="([a-z-]+)"', source))
    forms = set(re.findall(r'data-form="([a-z-]+)"', source))
    assert actions - set(CLICKS) - set(CHANGES) == set()
    assert forms - set(FORMS) == set()
    for control in [*CLICKS.values(), *FORMS.values(), *CHANGES.values()]:
        assert [control.write, control.look, control.effect].count(None) == 2


def test_every_effect_has_a_handler_in_the_browser() -> None:
    handlers: set[str] = set()
    for module in ("files.py", "account_panel.py"):
        tree = ast.parse((ROOT / "app" / "browser" / module).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "HANDLERS":
                assert isinstance(node.value, ast.Dict)
                handlers |= {k.value for k in node.value.keys if isinstance(k, ast.Constant)}
    named = {c.effect for c in [*CLICKS.values(), *FORMS.values(), *CHANGES.values()]}
    assert named - {None} == handlers


def test_a_first_set_on_an_empty_day_starts_that_days_workout_in_the_same_write() -> None:
    squat = record(name="Squat")
    device = Device(Data(exercises=[squat]))
    device.press(FORMS, "add-set", fields={"exerciseId": squat["id"], "reps": "5", "weight": "100"})
    device.press(FORMS, "add-set", fields={"exerciseId": squat["id"], "reps": "3", "weight": "110"})
    assert device.writes == 2
    (workout,) = device.data.workoutLogs
    assert workout["date"] == "2026-11-25"
    sets = sorted(device.data.workoutSets, key=lambda s: s["position"])
    assert [(s["position"], s["reps"], s["weight"]) for s in sets] == [(0, 5, 100.0), (1, 3, 110.0)]
    assert {s["workoutId"] for s in sets} == {workout["id"]}
    assert device.screen.exercise_id == squat["id"]  # the next set is of the same exercise


@pytest.mark.parametrize(
    ("reps", "weight", "sentence"),
    [("five", "100", "Reps must be a whole number."), ("5", "heavy", "Weight must be a number.")],
)
def test_a_set_that_is_not_numbers_is_refused_with_a_sentence(
    reps: str, weight: str, sentence: str
) -> None:
    squat = record(name="Squat")
    device = Device(Data(exercises=[squat]))
    with pytest.raises(ValidationError) as refused:
        device.press(
            FORMS, "add-set", fields={"exerciseId": squat["id"], "reps": reps, "weight": weight}
        )
    assert refusal(refused.value) == sentence
    assert device.data.workoutLogs == [] and device.data.workoutSets == []


def test_a_deleted_set_comes_back_with_undo() -> None:
    squat = record(name="Squat")
    device = Device(Data(exercises=[squat]))
    device.press(FORMS, "add-set", fields={"exerciseId": squat["id"], "reps": "5", "weight": "100"})
    (s,) = device.data.workoutSets
    device.press(FORMS, "edit-set", id=s["id"], fields={"reps": "6", "weight": "102.5"})
    assert (device.data.workoutSets[0]["reps"], device.data.workoutSets[0]["weight"]) == (6, 102.5)
    device.press(CLICKS, "delete-set", id=s["id"])
    assert device.data.workoutSets == [] and "Undo" in device.sees("log")
    device.press(CLICKS, "undo")
    assert [x["id"] for x in device.data.workoutSets] == [s["id"]]
    assert device.screen.message == "Restored." and device.screen.undo == []


def test_a_program_is_made_renamed_filled_and_emptied_as_typed() -> None:
    squat, press = record(name="Squat"), record(name="Press")
    device = Device(Data(exercises=[squat, press]))
    device.press(FORMS, "add-program", fields={"name": "  Strength A "})
    assert device.screen.message == "Created Strength A."
    (program,) = device.data.programs
    device.press(FORMS, "rename-program", id=program["id"], fields={"name": "Strength B"})
    for exercise in (squat, press):
        fields = {"exerciseId": exercise["id"], "sets": "5", "reps": "5"}
        device.press(FORMS, "add-item", id=program["id"], fields=fields)
    assert "1. Squat 5 × 5" in device.sees("programs") and "2. Press 5 × 5" in device.sees(
        "programs"
    )
    device.press(CLICKS, "remove-item", id=program["id"], index="0")
    shown = device.sees("programs")
    assert "Strength B" in shown and "1. Press 5 × 5" in shown and "Squat 5 × 5" not in shown
    with pytest.raises(ValidationError, match="Sets must be a whole number"):
        device.press(
            FORMS,
            "add-item",
            id=program["id"],
            fields={"exerciseId": squat["id"], "sets": "x", "reps": "5"},
        )


def test_a_deleted_program_is_offered_back_until_the_next_action() -> None:
    device = Device()
    device.press(FORMS, "add-program", fields={"name": "Strength A"})
    device.press(CLICKS, "delete-program", id=device.data.programs[0]["id"])
    assert device.data.programs == [] and device.screen.undo
    device.press(FORMS, "add-program", fields={"name": "Other"})
    assert device.screen.undo == []  # Undo is offered until the next action


def test_starting_a_program_in_log_picks_its_first_exercise_and_notes_the_days_workout() -> None:
    squat = record(name="Squat")
    program = record(name="Strength A", items=[{"exerciseId": squat["id"], "sets": 5, "reps": 5}])
    device = Device(Data(exercises=[squat], programs=[program]))
    device.press(FORMS, "add-set", fields={"exerciseId": squat["id"], "reps": "5", "weight": "60"})
    device.screen.exercise_id = None
    device.press(FORMS, "start-program", fields={"programId": program["id"]})
    assert device.screen.message == "Started Strength A."
    assert device.screen.exercise_id == squat["id"]
    assert device.data.workoutLogs[0]["programId"] == program["id"]
    with pytest.raises(ValidationError, match="That program no longer exists"):
        device.press(FORMS, "start-program", fields={"programId": "gone"})


def test_a_new_exercise_is_picked_in_log_only_when_nothing_is_picked() -> None:
    device = Device()
    device.press(FORMS, "add-exercise", fields={"name": "Squat", "muscleGroup": " Legs "})
    (squat,) = device.data.exercises
    assert (squat["muscleGroup"], device.screen.message) == ("Legs", "Added Squat.")
    assert device.screen.exercise_id == squat["id"]
    device.press(FORMS, "add-exercise", fields={"name": "Press", "muscleGroup": ""})
    assert device.screen.exercise_id == squat["id"]
    device.press(CLICKS, "edit", id=squat["id"])
    assert device.screen.editing == squat["id"] and device.screen.message is None
    device.press(
        FORMS, "rename-exercise", id=squat["id"], fields={"name": "Back squat", "muscleGroup": ""}
    )
    assert device.screen.editing is None  # a saved edit closes the form
    assert "Back squat" in device.sees("exercises")


def test_a_library_exercise_is_added_once_and_an_archived_one_comes_back() -> None:
    device = Device()
    device.press(CLICKS, "toggle-library")
    assert device.screen.library_open
    entry = LIBRARY[0]
    device.press(CLICKS, "add-library-exercise", id=entry.id)
    assert device.screen.message == f"Added {entry.name}."
    device.data.exercises[0]["archived"] = True
    device.press(CLICKS, "add-library-exercise", id=entry.id)
    assert len(device.data.exercises) == 1 and not device.data.exercises[0]["archived"]
    with pytest.raises(ValidationError):
        device.press(CLICKS, "add-library-exercise", id="not-in-the-library")


def test_a_conflict_restored_puts_the_losing_value_back_on_the_record_as_stored() -> None:
    squat = record(name="Squat")
    conflict = record(recordTable="exercises", recordId=squat["id"], fields={"name": "Back squat"})
    device = Device(Data(exercises=[squat], conflicts=[conflict]))
    device.stored[("exercises", squat["id"])] = squat
    device.press(CLICKS, "restore-conflict", id=conflict["id"])
    assert device.screen.message == "Restored your values; they will sync."
    assert device.data.exercises[0]["name"] == "Back squat" and device.data.conflicts == []


def test_a_conflict_dismissed_leaves_the_record_as_it_is() -> None:
    squat = record(name="Squat")
    conflict = record(recordTable="exercises", recordId=squat["id"], fields={"name": "Back squat"})
    device = Device(Data(exercises=[squat], conflicts=[conflict]))
    device.press(CLICKS, "dismiss-conflict", id=conflict["id"])
    assert device.screen.message == "Dismissed."
    assert device.data.conflicts == [] and device.data.exercises[0]["name"] == "Squat"


def test_screen_only_controls_change_what_shows_and_write_nothing() -> None:
    device = Device(open_workout="w1")
    device.press(CLICKS, "toggle-workout", id="w1")
    device.press(CLICKS, "chart-metric", id="volume")
    device.press(CLICKS, "chart-range", id="3m")
    device.press(CHANGES, "pick-progress", value="e1")
    device.press(CHANGES, "pick-date", value="")  # a cleared date picker means today
    device.press(CLICKS, "open-day", id="2026-11-01")
    assert (device.screen.open_workout, device.screen.chart_metric, device.screen.chart_range) == (
        None,
        "volume",
        "3m",
    )
    assert (device.screen.progress_exercise_id, device.screen.log_date) == ("e1", "2026-11-01")
    device.press(CLICKS, "open-picker")
    device.screen.query = "squ"
    device.press(CLICKS, "close-picker")
    assert (device.screen.picking, device.screen.query) == (False, "")
    assert device.writes == 0
    assert CLICKS["open-day"].navigate == "log" and not CLICKS["open-day"].render


def test_the_rest_timer_moves_by_fifteen_seconds_and_skips() -> None:
    device = Device(rest_ends_at=stamp()["now"] + 60_000)
    device.press(CLICKS, "rest-plus")
    assert device.screen.rest_ends_at == stamp()["now"] + 75_000
    device.press(CLICKS, "rest-minus")
    device.press(CLICKS, "rest-minus")
    assert device.screen.rest_ends_at == stamp()["now"] + 45_000
    assert controls.wants_alerts(device.screen)  # a rest runs; the platform was not asked yet
    device.screen.notify = "granted"
    assert not controls.wants_alerts(device.screen)
    device.press(CLICKS, "rest-skip")
    assert device.screen.rest_ends_at == 0 and not controls.wants_alerts(device.screen)


@pytest.mark.parametrize(
    ("field", "action", "control"),
    [
        ("weight", "", "set-value"),
        ("reps", "", "set-value"),
        ("rpe", "", "set-detail"),
        ("set-notes", "", "set-detail"),
        ("workout-notes", "", "set-notes"),
        ("exercise-notes", "", "set-notes"),
        ("search", "", None),
        ("", "set-rest", "set-rest"),
        ("", "pick-date", "pick-date"),
        ("", "", None),
    ],
)
def test_a_changed_field_names_its_control(field: str, action: str, control: str | None) -> None:
    assert changed(field, action) == control
    assert control is None or control in CHANGES


def test_typing_keeps_a_draft_and_searching_filters_at_once() -> None:
    screen = Screen()
    assert typed(screen, Event(field="weight", element="w-s1", value="10")) is False
    assert screen.drafts == {"w-s1": "10"}
    assert typed(screen, Event(field="search", element="exercise-search", value="squ")) is True
    assert screen.query == "squ"


def test_keys_the_page_kept_before_a_reload_are_drafts_again_in_order() -> None:
    screen = Screen()
    screen.restore(json.dumps({"drafts": {"w-s1": "10", "r-s1": "5"}}))
    kept = [
        {"id": "s1", "field": "reps", "element": "r-s1", "value": "7"},
        {"id": "", "field": "search", "element": "exercise-search", "value": "squ"},
        {"id": "s2", "field": "weight", "element": "w-s2", "value": "102,5 😀 ü"},
    ]
    typed_before(screen, json.dumps(kept))
    assert screen.drafts == {"w-s1": "10", "r-s1": "7", "w-s2": "102,5 😀 ü"}
    assert screen.query == "squ"


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "not json",
        "{}",
        "[1, null]",
        '[{"id": "s1", "field": "reps", "element": "r-s1"}]',
        '[{"id": "s1", "field": "reps", "element": "r-s1", "value": 7}]',
    ],
)
def test_unreadable_keys_kept_by_the_page_leave_the_screen_as_kept(text: str | None) -> None:
    screen = Screen()
    screen.restore(json.dumps({"drafts": {"r-s1": "5"}}))
    typed_before(screen, text)
    assert screen.drafts == {"r-s1": "5"}


def test_a_workout_note_left_is_saved_and_no_longer_a_draft() -> None:
    device = Device()
    device.press(CLICKS, "start-empty")
    device.screen.drafts["workout-notes"] = "felt strong"
    device.press(
        CHANGES, "set-notes", field="workout-notes", element="workout-notes", value=" felt strong "
    )
    assert device.data.workoutLogs[0]["notes"] == "felt strong"
    assert device.screen.drafts == {}


def test_an_unexpected_failure_still_reads_as_a_sentence() -> None:
    assert refusal(ValidationError("Choose kg or lb.")) == "Choose kg or lb."
    assert refusal(KeyError("x")) == "Something went wrong: 'x'"


def test_a_workout_runs_from_start_to_summary_through_its_controls() -> None:
    squat = record(name="Squat", restSeconds=90)
    device = Device(Data(exercises=[squat]))
    device.press(CLICKS, "start-empty")
    assert device.screen.picking  # an empty workout opens the exercise picker
    device.press(CLICKS, "pick-exercise-add", id=squat["id"])
    device.press(CLICKS, "add-set", id=squat["id"])
    first, second = sorted(device.data.workoutSets, key=lambda s: s["position"])
    device.press(CHANGES, "set-value", id=first["id"], field="weight", value="100")
    device.press(CHANGES, "set-value", id=first["id"], field="reps", value="5")
    device.press(CLICKS, "weight-up", id=first["id"])
    device.press(CLICKS, "cycle-set-type", id=second["id"])
    device.press(CLICKS, "set-details", id=first["id"])
    assert device.screen.set_open == first["id"]
    device.press(CHANGES, "set-detail", id=first["id"], field="rpe", value="8")
    device.press(CHANGES, "set-rest", id=squat["id"], value="120")
    device.press(CLICKS, "check-set", id=first["id"])
    done = next(s for s in device.data.workoutSets if s["id"] == first["id"])
    assert (done["weight"], done["reps"], done["rpe"], done["done"]) == (102.5, 5, 8.0, True)
    assert device.screen.rest_ends_at == stamp()["now"] + 120_000  # the exercise's new rest
    assert CLICKS["check-set"].ask_alerts and CLICKS["check-set"].reveal_next
    device.press(CLICKS, "finish-workout")
    assert device.screen.message == "1 unchecked set left out."
    assert [s["id"] for s in device.data.workoutSets] == [first["id"]]
    assert device.screen.summary_id == device.data.workoutLogs[0]["id"]
    device.press(CLICKS, "close-summary")
    assert device.screen.summary_id is None and device.screen.message is None


def test_a_discarded_workout_is_asked_about_first_and_comes_back_with_undo() -> None:
    squat = record(name="Squat")
    device = Device(Data(exercises=[squat]))
    device.press(CLICKS, "start-empty")
    device.press(CLICKS, "pick-exercise-add", id=squat["id"])
    question = CLICKS["discard-workout"].confirm
    assert question is not None and question(device.data, Event()) == (
        "Discard this workout and all its sets?"
    )
    device.press(CLICKS, "discard-workout")
    assert device.data.workoutLogs == [] and device.screen.message == "Workout discarded."
    # One line says it, with its Undo (not "Workout discarded." and "Deleted. Undo" stacked).
    device.screen.view = "workout"
    shown = re.sub(r"<[^>]+>", " ", render(device.screen, device.data, Account()))
    assert "Workout discarded." in shown and "Deleted." not in shown
    html = render(device.screen, device.data, Account())
    assert html.count('role="status"') == 1 and 'data-action="undo"' in html
    device.press(CLICKS, "undo")
    assert len(device.data.workoutLogs) == 1 and len(device.data.workoutSets) == 1


def test_an_exercise_with_history_is_archived_and_only_purged_after_the_question() -> None:
    squat = record(name="Squat")
    device = Device(Data(exercises=[squat]))
    device.press(FORMS, "add-set", fields={"exerciseId": squat["id"], "reps": "5", "weight": "100"})
    device.press(CLICKS, "delete-exercise", id=squat["id"])
    assert device.data.exercises[0]["archived"] and "Archived Squat" in str(device.screen.message)
    device.press(CLICKS, "unarchive-exercise", id=squat["id"])
    assert not device.data.exercises[0]["archived"]
    question = CLICKS["purge-exercise"].confirm
    assert question is not None
    assert question(device.data, Event(id=squat["id"])) == (
        "Delete Squat for good? Its 1 set go with it, from every device."
    )
    device.press(CLICKS, "purge-exercise", id=squat["id"])
    assert device.data.exercises == [] and device.data.workoutSets == []


def test_history_edits_a_set_and_records_body_weight_in_the_persons_unit() -> None:
    squat = record(name="Squat")
    device = Device(Data(exercises=[squat]))
    device.press(CLICKS, "set-unit", unit="lb")
    assert device.screen.message == "Weights now show in lb."
    device.press(FORMS, "add-set", fields={"exerciseId": squat["id"], "reps": "5", "weight": "100"})
    (s,) = device.data.workoutSets
    device.press(FORMS, "history-edit-set", id=s["id"], fields={"weight": "225", "reps": "3"})
    assert device.screen.message == "Saved." and device.data.workoutSets[0]["reps"] == 3
    assert round(device.data.workoutSets[0]["weight"], 2) == 102.06  # 225 lb, stored in kg
    device.press(FORMS, "add-body-weight", fields={"date": "2026-11-25", "weight": "180"})
    assert device.screen.message == "Body weight 180 lb saved."
    device.press(FORMS, "bar-and-plates", fields={"bar": "45", "plates": "45, 25"})
    assert device.screen.message == "Bar and plates saved."
    with pytest.raises(ValidationError):
        device.press(CLICKS, "set-unit", unit="stone")


def test_a_refusal_on_an_account_form_goes_once_the_person_tries_again() -> None:
    screen = Screen(view="settings")
    screen.say("Wrong email or password.", ok=False)
    said = screen.said
    assert not retried(screen, "add-exercise")  # another form: its sentence is not about this
    assert retried(screen, "account")
    assert "Wrong email or password." not in render(screen, Data(), Account())
    assert screen.said == said  # an answer on its way (signing in waits) is still shown
    assert not retried(screen, "account")  # nothing left to take away: no redraw
    screen.say("Signed out.")
    assert not retried(screen, "account") and screen.message == "Signed out."
