"""Exercises: one tap never destroys history; the library beside your own."""

from __future__ import annotations

from typing import Any

from app.core.library import LIBRARY
from app.views import exercises, render
from app.views.state import Account, Data, Screen
from tests.views.test_workout import apply, record, stamp

SQUAT = record(name="Squat")
LUNGE = record(name="Lunge")


def data() -> Data:
    workout = record(date="2026-11-20")
    sets = [
        record(workoutId=workout["id"], exerciseId=SQUAT["id"], reps=5, weight=100)
        for _ in range(3)
    ]
    return Data(exercises=[dict(SQUAT), dict(LUNGE)], workoutLogs=[workout], workoutSets=sets)


def plain(s: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in stamp().items() if k != "today"}


def test_an_exercise_with_history_is_archived_and_keeps_its_name() -> None:
    d, screen = data(), Screen()
    outcome = exercises.delete_or_archive(d, screen, SQUAT["id"], plain({}))
    assert outcome.message is not None and "its 3 sets and charts stay" in outcome.message
    apply(d, outcome)
    assert d.exercise_names()[SQUAT["id"]] == "Squat"  # history still names it
    assert [e["name"] for e in d.active_exercises()] == ["Lunge"]  # pickers do not offer it
    html = render(Screen(view="exercises"), d, Account())
    assert "Archived (1)" in html and "3 sets kept" in html
    apply(d, exercises.unarchive(d, screen, SQUAT["id"], plain({})))
    assert [e["name"] for e in d.active_exercises()] == ["Lunge", "Squat"]


def test_an_exercise_without_history_is_deleted_with_undo() -> None:
    d, screen = data(), Screen()
    outcome = exercises.delete_or_archive(d, screen, LUNGE["id"], plain({}))
    assert outcome.changes[0].mutation.kind == "delete"
    assert screen.undo == [["exercises", LUNGE["id"]]]


def test_deleting_for_good_says_how_many_sets_go_and_takes_them() -> None:
    d, screen = data(), Screen()
    assert exercises.purge_question(d, SQUAT["id"]) == (
        "Delete Squat for good? Its 3 sets go with it, from every device."
    )
    outcome = exercises.purge(d, screen, SQUAT["id"], plain({}))
    assert sorted(c.table for c in outcome.changes) == ["exercises"] + ["workoutSets"] * 3
    assert len(screen.undo) == 4


def test_buttons_say_archive_or_delete_and_the_library_is_listed() -> None:
    html = render(Screen(view="exercises"), data(), Account())
    assert "Hip thrust" not in html  # listed only once asked for
    html = render(Screen(view="exercises", library_open=True), data(), Account())
    assert 'aria-label="Archive Squat">Archive</button>' in html
    assert 'aria-label="Delete Lunge">Delete</button>' in html
    assert f"Exercise library ({len(LIBRARY)})" in html and "Hip thrust" in html


def test_the_name_fields_say_their_limit_before_it_is_reached() -> None:
    """The browser stops typing at maxlength without a word: the limit is written beside it."""
    html = render(Screen(view="exercises"), data(), Account())
    assert 'maxlength="80" autocomplete="off" aria-describedby="exercise-name-limit">' in html
    assert '<small id="exercise-name-limit" class="hint">Up to 80 characters.</small>' in html
    html = render(Screen(view="exercises", editing=SQUAT["id"]), data(), Account())
    rename = f"rename-{SQUAT['id']}"
    assert f'maxlength="80" aria-describedby="{rename}-limit">' in html
    assert f'<small id="{rename}-limit" class="hint">Up to 80 characters.</small>' in html
