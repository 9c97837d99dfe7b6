"""The screens as pure HTML: what a person reads, escaped, with labelled controls."""

from __future__ import annotations

import re

from app.core.capabilities import SAFARI, Capabilities
from app.core.csv_import import ExerciseMatch, Preview
from app.views import render
from app.views.conflicts import settings_tab_html, settings_tab_label
from app.views.state import Account, Data, Screen

EX = {"id": "11111111-1111-4111-8111-111111111111", "name": "Bench <press>", "muscleGroup": "Chest"}
W = {"id": "22222222-2222-4222-8222-222222222222", "date": "2026-11-02", "createdAt": 1}
S = {
    "id": "33333333-3333-4333-8333-333333333333",
    "workoutId": W["id"],
    "exerciseId": EX["id"],
    "position": 0,
    "reps": 5,
    "weight": 62.5,
}


def page(view: str, data: Data, account: Account | None = None, **screen: object) -> str:
    return render(Screen(view=view, log_date="2026-11-02", **screen), data, account or Account())


def test_names_are_escaped_everywhere() -> None:
    data = Data(exercises=[EX], workoutLogs=[W], workoutSets=[S])
    for view in ("log", "history", "exercises", "workout"):  # each shows the name
        html = page(view, data)
        assert "Bench &lt;press&gt;" in html, view
        assert "<press>" not in html, view


def test_log_shows_the_days_sets_and_labelled_fields() -> None:
    html = page("log", Data(exercises=[EX], workoutLogs=[W], workoutSets=[S]))
    assert '<label for="log-reps">Reps</label>' in html
    assert '<label for="log-weight">Weight (kg)</label>' in html
    assert "5 × 62.5 kg" in html
    assert ">Add set</button>" in html


def test_log_without_exercises_points_to_exercises() -> None:
    assert 'href="#exercises"' in page("log", Data())


def test_history_lists_workouts_and_draws_the_chart() -> None:
    html = page("history", Data(exercises=[EX], workoutLogs=[W], workoutSets=[S]))
    assert "2026-11-02" in html
    assert 'role="img"' in html
    assert "1 set · 312 kg" in html and "1 sets" not in html


def test_settings_shows_account_state() -> None:
    signed_out = page("settings", Data())
    assert ">Create account</button>" in signed_out and ">Sign in</button>" in signed_out
    signed_in = page("settings", Data(), Account(email="a@example.com", status="Synced"))
    assert ">Sync now</button>" in signed_in and ">Sign out</button>" in signed_in
    assert "a@example.com" in signed_in


def test_conflicts_offer_restore_and_dismiss() -> None:
    conflict = {
        "id": "44444444-4444-4444-8444-444444444444",
        "recordTable": "exercises",
        "recordId": EX["id"],
        "reason": "edited",
        "fields": {"name": "Mine"},
        "serverFields": {"name": "Theirs"},
    }
    html = page("settings", Data(exercises=[EX], conflicts=[conflict]))
    assert ">Restore</button>" in html and ">Dismiss</button>" in html
    assert "Mine" in html and "Theirs" in html
    assert "Two devices changed the same thing." in html


def test_a_conflict_names_the_set_its_units_and_whose_value_won() -> None:
    """ "your phone's 42.5 kg lost to 45 kg from another device", in this app's words."""
    workout = {"id": "55555555-5555-4555-8555-555555555555", "date": "2026-03-03", "createdAt": 1}
    sets = [
        {
            "id": f"6666666{i}-6666-4666-8666-666666666666",
            "workoutId": workout["id"],
            "exerciseId": EX["id"],
            "position": i,
            "reps": 5,
            "weight": 40,
            "createdAt": 1,
        }
        for i in range(3)
    ]
    conflict = {
        "id": "44444444-4444-4444-8444-444444444444",
        "recordTable": "workoutSets",
        "recordId": sets[1]["id"],
        "reason": "edited",
        "fields": {"weight": 42.5},
        "serverFields": {"weight": 45},
        "lostBy": "phone",
        "wonBy": "laptop",
    }
    data = Data(exercises=[EX], workoutLogs=[workout], workoutSets=sets, conflicts=[conflict])
    html = page("settings", data, device_id="phone")
    assert "Set 2 of Bench &lt;press&gt;, 3 Mar 2026" in html
    assert "This device&#x27;s 42.5 kg lost to 45 kg from another device." in html
    laptop = page("settings", data, device_id="laptop")
    assert "Another device&#x27;s 42.5 kg lost to 45 kg from this device." in laptop
    assert settings_tab_label(1) == "Settings, 1 conflict to look at"
    assert settings_tab_html(0) == "Settings"


def _preview(**changes: object) -> Preview:
    fields: dict[str, object] = {
        "format": "Strong",
        "first_day": "2024-03-04",
        "last_day": "2024-03-06",
        "workouts": 2,
        "new_workouts": 2,
        "already_here": 0,
        "sets": 8,
        "exercises": [
            ExerciseMatch("Bench <press>", 4, EX["id"]),
            ExerciseMatch("Pull Up", 2, None),
        ],
        "skipped": ["1 rest-timer row (rests, not sets)"],
        "needs_unit": True,
        "unit": None,
    }
    return Preview(**{**fields, **changes})  # type: ignore[arg-type]


def test_import_preview_asks_the_unit_before_the_import_button_works() -> None:
    html = page("settings", Data(exercises=[EX]), import_preview=_preview())
    assert "This file does not say its unit." in html
    assert '<button type="button" data-action="confirm-import" disabled>Import</button>' in html
    assert "Choose the unit first" in html
    assert "<li>1 rest-timer row (rests, not sets)</li>" in html
    assert "Bench &lt;press&gt;" in html and "Bench <press>" not in html
    assert "2 exercises: 1 already here, 1 new" in html


def test_import_preview_with_a_unit_shows_what_is_new() -> None:
    html = page(
        "settings",
        Data(exercises=[EX]),
        import_preview=_preview(unit="lb", already_here=1, new_workouts=1),
    )
    assert '<dd id="import-workouts">2 (1 new, 1 already here)</dd>' in html
    assert 'value="lb" data-action="import-unit" checked' in html
    assert ">Import 1 workout</button>" in html


def test_the_last_import_can_be_undone_from_settings() -> None:
    html = page("settings", Data(), last_import="Imported from Hevy: 2 new workouts")
    assert "Last import: Imported from Hevy: 2 new workouts" in html
    assert 'data-action="undo-import"' in html
    assert 'data-action="undo-import"' not in page("settings", Data())


def test_settings_tells_a_safari_lifter_how_to_keep_their_data() -> None:
    safari = Capabilities(SAFARI, installed=False, persisted=False)
    html = page("settings", Data(), capabilities=safari)
    assert '<h3 id="advice-title">Add Setflow to your Home Screen</h3>' in html
    assert "<li>On iPhone or iPad: tap Share, then Add to Home Screen.</li>" in html
    installed = Capabilities(SAFARI, installed=True, persisted=False)
    assert "advice-title" not in page("settings", Data(), capabilities=installed)
    assert "advice-title" not in page("settings", Data())  # not read yet: no advice


def test_settings_offers_the_account_controls_in_plain_words() -> None:
    signed_out = page("settings", Data())
    assert "Delete my account" not in signed_out and "Change password" not in signed_out
    html = page("settings", Data(), Account(email="a@example.com", status="Synced"))
    for words in (
        "Change password",
        "Your other devices will be signed out",
        "Sign out everywhere",
        "Delete my account",
        "Export data first",
        "Your data on this device is kept",
        "Show where you are signed in",
    ):
        assert words in html, words
    visible = re.sub(r"<[^>]+>", " ", html)  # the words a person reads
    for jargon in ("session", "token", "cookie", "API", "401", "server data"):
        assert jargon not in visible, jargon


def test_settings_lists_the_devices_signed_in() -> None:
    sessions = [
        {"id": "0123456789abcdef", "device": "Chrome on Android", "createdAt": 0, "current": True},
        {"id": "fedcba9876543210", "device": "Firefox on Linux", "createdAt": 0, "current": False},
    ]
    html = page("settings", Data(), Account(email="a@example.com", sessions=sessions))
    assert "Chrome on Android" in html and "This device" in html
    assert "Firefox on Linux" in html and 'data-id="fedcba9876543210"' in html
    assert 'data-id="0123456789abcdef"' not in html  # this device signs out with "Sign out"
    assert "Signed in 01 Jan 1970" in html


def test_two_workouts_on_one_date_are_both_shown_with_every_set_editable() -> None:
    """Two devices each started a workout on the same date offline: no clock hides one."""
    later = {**W, "id": "77777777-7777-4777-8777-777777777777", "createdAt": 0}
    other_set = {**S, "id": "88888888-8888-4888-8888-888888888888", "workoutId": later["id"]}
    data = Data(exercises=[EX], workoutLogs=[W, later], workoutSets=[S, other_set])
    html = page("log", data)
    assert "Workout 1 of 2" in html and "Workout 2 of 2" in html
    for s in (S, other_set):
        assert f'data-action="edit" data-id="{s["id"]}"' in html
        assert f'data-action="delete-set" data-id="{s["id"]}"' in html
