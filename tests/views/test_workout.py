"""The workout loop as pure functions: start, prefilled rows, one-tap check, rest, PR, finish."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest

from app.core.capabilities import CHROMIUM, SAFARI, Capabilities
from app.core.changes import Change
from app.core.schema import ValidationError
from app.views import render
from app.views import workout_actions as act
from app.views.state import Account, Data, Screen

_ids = itertools.count(1)
NOW = 1_800_000_000_000


def new_id() -> str:
    return f"00000000-0000-4000-8000-{next(_ids):012d}"


def stamp(now: int = NOW) -> dict[str, Any]:
    return {"device_id": "phone", "now": now, "new_id": new_id, "today": "2026-11-25"}


def apply(data: Data, outcome: act.Outcome) -> None:
    """Store the changes the way the device's store does: whole records, tombstones hidden."""
    for change in outcome.changes:
        rows: list[dict[str, Any]] = getattr(data, change.table)
        rows[:] = [r for r in rows if r["id"] != change.record["id"]]
        if not change.record["deleted"]:
            rows.append(change.record)


def record(**fields: Any) -> dict[str, Any]:
    return {"id": new_id(), "createdAt": 0, "version": 3, "deleted": False, **fields}


BENCH = record(name="Bench press", equipment="Barbell")
SQUAT = record(name="Squat", equipment="Barbell", restSeconds=180)
ROW = record(name="Barbell row")


def history() -> Data:
    """Last session: 3 exercises x 3 sets."""
    last = record(date="2026-11-22", name="Push day", startedAt=1, finishedAt=2)
    sets = [
        record(workoutId=last["id"], exerciseId=e["id"], position=i * 3 + n, reps=5, weight=w)
        for i, (e, w) in enumerate(((BENCH, 80), (SQUAT, 100), (ROW, 60)))
        for n in range(3)
    ]
    return Data(exercises=[BENCH, SQUAT, ROW], workoutLogs=[last], workoutSets=sets)


def page(data: Data, screen: Screen) -> str:
    screen.view = "workout"
    return render(screen, data, Account())


def check_buttons(html: str) -> list[str]:
    return re.findall(r'data-action="check-set" data-id="([^"]+)"', html)


def test_start_screen_offers_repeat_last_time_programs_and_empty() -> None:
    data = history()
    data.programs.append(
        record(name="5x5", items=[{"exerciseId": SQUAT["id"], "sets": 5, "reps": 5}])
    )
    html = page(data, Screen(date_pattern="dmy/"))
    assert "Repeat last time" in html
    assert "Push day · Sun 22/11/2026 · Bench press, Squat, Barbell row" in html
    assert 'data-action="start-program-workout"' in html and "Program · 1 exercise" in html
    assert "Start an empty workout" in html


def test_repeating_last_time_is_eleven_taps_and_no_typing() -> None:
    """Repeat (1) + nine checks (9) + Finish (1): the summary shows 9 sets and the volume."""
    data, screen = history(), Screen()
    apply(data, act.start_repeat(data, screen, stamp()))
    html = page(data, screen)
    assert html.count("5 × 80 kg") == 3 and html.count("5 × 100 kg") == 3  # "previous" column
    checks = check_buttons(html)
    assert len(checks) == 9
    for n, set_id in enumerate(checks):
        apply(data, act.check_set(data, screen, set_id, stamp(NOW + n * 60_000)))
    html = page(data, screen)
    assert html.count('aria-pressed="true"') == 9
    apply(data, act.finish(data, screen, stamp(NOW + 50 * 60_000)))
    html = page(data, screen)
    assert "Workout complete: Push day" in html
    assert "<dt>Sets</dt><dd>9</dd>" in html
    assert "<dt>Volume</dt><dd>3,600 kg</dd>" in html
    assert "<dt>Duration</dt><dd>50 min</dd>" in html
    assert "<dt>PRs</dt><dd>0</dd>" in html


def test_values_typed_are_drafts_until_saved_and_never_leak_between_exercises() -> None:
    data, screen = history(), Screen()
    apply(data, act.start_repeat(data, screen, stamp()))
    first = check_buttons(page(data, screen))[0]
    screen.drafts[f"w-{first}"] = "85"
    html = page(data, screen)
    assert f'id="w-{first}"' in html and 'value="85"' in html
    apply(data, act.check_set(data, screen, first, stamp()))
    done = next(s for s in data.workoutSets if s["id"] == first)
    assert (done["weight"], done["done"]) == (85, True)
    assert screen.drafts == {}
    squat_sets = [
        s
        for s in data.workoutSets
        if s["exerciseId"] == SQUAT["id"] and s.get("done", True) is not True
    ]
    assert all(s["weight"] == 100 for s in squat_sets)


def test_check_starts_the_exercises_rest_and_a_heavier_set_gets_a_pr_badge() -> None:
    data, screen = history(), Screen()
    apply(data, act.start_repeat(data, screen, stamp()))
    squat_first = next(
        s for s in data.workoutSets if s["exerciseId"] == SQUAT["id"] and s.get("done") is False
    )
    apply(data, act.step_weight(data, screen, squat_first["id"], 1, stamp()))
    apply(data, act.check_set(data, screen, squat_first["id"], stamp()))
    assert screen.rest_ends_at == NOW + 180_000 and screen.rest_seconds == 180
    screen.now = NOW + 30_000
    html = page(data, screen)
    assert 'class="pr"' in html and "Heaviest weight" in html
    assert 'data-ends="1800000180000"' in html and ">2:30<" in html
    act.rest_adjust(screen, 15, NOW + 30_000)
    assert screen.rest_ends_at == NOW + 195_000
    act.rest_skip(screen)
    assert 'role="timer"' not in page(data, screen)


@pytest.mark.parametrize(
    ("caps", "notify", "shown"),
    [
        # Safari on iPhone: no notifications for a website; on the Home Screen there are.
        (
            Capabilities(SAFARI, installed=False, persisted=False),
            "unsupported",
            "Add to Home Screen",
        ),
        (Capabilities(SAFARI, installed=True, persisted=True), "unsupported", "keep it open"),
        (Capabilities(CHROMIUM, installed=False, persisted=False), "unsupported", "keep it open"),
        (Capabilities(SAFARI, installed=False, persisted=False), "denied", "Notifications are off"),
    ],
)
def test_the_rest_bar_says_how_to_get_the_alert_where_the_browser_holds_it_back(
    caps: Capabilities, notify: str, shown: str
) -> None:
    data, screen = history(), Screen(capabilities=caps, notify=notify)
    apply(data, act.start_repeat(data, screen, stamp()))
    apply(data, act.check_set(data, screen, check_buttons(page(data, screen))[0], stamp()))
    html = page(data, screen)
    assert 'role="timer"' in html and shown in html
    assert ("Add to Home Screen" in html) == (shown == "Add to Home Screen")


def test_unchecking_a_set_undoes_it_and_starts_no_rest() -> None:
    data, screen = history(), Screen()
    apply(data, act.start_repeat(data, screen, stamp()))
    first = check_buttons(page(data, screen))[0]
    apply(data, act.check_set(data, screen, first, stamp()))
    screen.rest_ends_at = 0
    apply(data, act.check_set(data, screen, first, stamp()))
    assert next(s for s in data.workoutSets if s["id"] == first)["done"] is False
    assert screen.rest_ends_at == 0


def test_weights_show_and_step_in_pounds() -> None:
    data, screen = history(), Screen()
    data.settings.append(record(id="5e77a1a9-0000-4000-8000-000000000001", unit="lb"))
    data.settings[0]["id"] = "5e77a1a9-0000-4000-8000-000000000001"
    apply(data, act.start_repeat(data, screen, stamp()))
    html = page(data, screen)
    assert "5 × 220.46 lb" in html and '<th scope="col">lb</th>' in html
    first = check_buttons(html)[0]
    apply(data, act.step_weight(data, screen, first, 1, stamp()))
    assert (
        next(s for s in data.workoutSets if s["id"] == first)["weight"] == 82.268048
    )  # 176.37 lb + 5 lb


def test_finish_leaves_out_unchecked_sets_and_says_so() -> None:
    data, screen = history(), Screen()
    apply(data, act.start_repeat(data, screen, stamp()))
    for set_id in check_buttons(page(data, screen))[:7]:
        apply(data, act.check_set(data, screen, set_id, stamp()))
    outcome = act.finish(data, screen, stamp())
    assert outcome.message == "2 unchecked sets left out."
    apply(data, outcome)
    assert len([s for s in data.workoutSets if s.get("done") is True]) == 7


def test_finish_with_nothing_checked_asks_to_check_or_discard() -> None:
    data, screen = history(), Screen()
    apply(data, act.start_repeat(data, screen, stamp()))
    with pytest.raises(ValidationError, match="No set is checked off yet"):
        act.finish(data, screen, stamp())


def test_remove_set_offers_undo_and_discard_too() -> None:
    data, screen = history(), Screen()
    apply(data, act.start_repeat(data, screen, stamp()))
    outcome = act.remove_set(data, screen, ROW["id"], stamp())
    removed = outcome.changes[0].record
    apply(data, outcome)
    assert 'data-action="undo"' in page(data, screen)
    restored = act.undo([removed], screen, stamp(), ["workoutSets"])
    assert restored.changes[0].mutation.kind == "restore"
    apply(data, restored)
    assert any(s["id"] == removed["id"] for s in data.workoutSets) and screen.undo == []


def test_add_a_library_exercise_to_an_empty_workout() -> None:
    data, screen = Data(), Screen()
    apply(data, act.start_empty(data, screen, stamp()))
    assert screen.picking
    screen.query = "hip thrust"
    html = page(data, screen)
    assert "Hip thrust" in html
    library_id = re.findall(r'data-action="pick-exercise-add" data-id="([^"]+)"', html)[0]
    outcome = act.add_exercise(data, screen, library_id, stamp())
    apply(data, outcome)
    assert [e["name"] for e in data.exercises] == ["Hip thrust"]
    assert data.exercises[0]["id"] == library_id
    assert len(check_buttons(page(data, screen))) == 1 and not screen.picking


def test_a_second_workout_cannot_start_while_one_runs() -> None:
    data, screen = history(), Screen()
    apply(data, act.start_repeat(data, screen, stamp()))
    with pytest.raises(ValidationError, match="already running"):
        act.start_empty(data, screen, stamp())


def test_cycle_set_type_marks_a_warm_up() -> None:
    data, screen = history(), Screen()
    apply(data, act.start_repeat(data, screen, stamp()))
    first = check_buttons(page(data, screen))[0]
    apply(data, act.cycle_set_type(data, screen, first, stamp()))
    html = page(data, screen)
    assert 'class="set-type warmup"' in html and ">W</button>" in html


def test_unit_setting_is_one_synced_record() -> None:
    data = Data()
    outcome = act.set_unit(data, "lb", stamp())
    change: Change = outcome.changes[0]
    assert change.record["id"] == "5e77a1a9-0000-4000-8000-000000000001"
    assert outcome.message == "Weights now show in lb."
    apply(data, outcome)
    assert act.set_unit(data, "lb", stamp()).changes == []


def test_a_sets_rpe_and_note_sit_behind_its_more_control() -> None:
    data, screen = history(), Screen()
    apply(data, act.start_repeat(data, screen, stamp()))
    first = check_buttons(page(data, screen))[0]
    html = page(data, screen)
    assert f'id="rpe-{first}"' not in html  # folded away: no clutter, no extra tap
    assert 'aria-label="RPE and note for set 1 of Bench press"' in html
    act.toggle_set_details(screen, first)
    html = page(data, screen)
    assert f'id="rpe-{first}"' in html and '<option value="8.5">8.5</option>' in html
    apply(data, act.set_detail(data, screen, first, "rpe", "8.5", stamp()))
    apply(data, act.set_detail(data, screen, first, "set-notes", "  paused reps ", stamp()))
    done = next(s for s in data.workoutSets if s["id"] == first)
    assert (done["rpe"], done["notes"]) == (8.5, "paused reps")
    assert '<option value="8.5" selected>8.5</option>' in page(data, screen)
    act.toggle_set_details(screen, first)
    assert "RPE 8.5 · paused reps" in page(data, screen)  # shown folded, as one line
    apply(data, act.set_detail(data, screen, first, "rpe", "", stamp()))
    assert next(s for s in data.workoutSets if s["id"] == first)["rpe"] is None


@pytest.mark.parametrize("text", ["5.5", "10.5", "7.25", "hard"])
def test_rpe_outside_six_to_ten_in_halves_is_refused(text: str) -> None:
    data, screen = history(), Screen()
    apply(data, act.start_repeat(data, screen, stamp()))
    first = check_buttons(page(data, screen))[0]
    with pytest.raises(ValidationError, match="RPE must be 6 to 10"):
        act.set_detail(data, screen, first, "rpe", text, stamp())


def test_bar_and_plates_from_settings_drive_the_plate_calculator() -> None:
    data, screen = history(), Screen()
    apply(data, act.start_repeat(data, screen, stamp()))
    assert "Plates per side: 25 + 5 kg (20 kg bar)" in page(data, screen)  # bench 80 kg
    outcome = act.set_bar_and_plates(data, {"bar": "15", "plates": "20, 10, 2,5"}, stamp())
    assert outcome.message == "Bar and plates saved."
    apply(data, outcome)
    assert (data.settings[0]["barWeight"], data.settings[0]["plates"]) == (15.0, [20.0, 10.0, 2.5])
    assert "Plates per side: 20 + 10 + 2.5 kg (15 kg bar)" in page(data, screen)
    settings = render(Screen(view="settings"), data, Account())
    assert 'id="bar-weight-kg" name="bar" inputmode="decimal" autocomplete="off" value="15"' in (
        settings
    )
    assert 'value="20, 10, 2.5"' in settings
    # Empty fields: the standard bar and plates again.
    apply(data, act.set_bar_and_plates(data, {"bar": "", "plates": ""}, stamp()))
    assert "Plates per side: 25 + 5 kg (20 kg bar)" in page(data, screen)


def test_pound_lifters_type_their_bar_and_plates_in_pounds() -> None:
    data = history()
    apply(data, act.set_unit(data, "lb", stamp()))
    apply(data, act.set_bar_and_plates(data, {"bar": "35", "plates": "45 25 10 5"}, stamp()))
    settings = render(Screen(view="settings"), data, Account())
    assert 'id="bar-weight-lb"' in settings and 'value="35"' in settings
    assert 'value="45, 25, 10, 5"' in settings


def _set_ids(data: Data, exercise: dict[str, Any]) -> list[str]:
    return [
        s["id"]
        for s in sorted(data.workoutSets, key=lambda s: (s["position"], s["id"]))
        if s["exerciseId"] == exercise["id"] and s.get("done") is False
    ]


def test_a_superset_alternates_and_rests_after_each_round() -> None:
    data, screen = history(), Screen()
    apply(data, act.start_repeat(data, screen, stamp()))
    html = page(data, screen)
    assert 'aria-label="Superset: Bench press with Squat"' in html
    apply(data, act.link_superset(data, screen, BENCH["id"], stamp()))
    html = page(data, screen)
    assert 'role="group" aria-label="Superset: Bench press and Squat"' in html
    assert 'aria-label="Leave superset: Squat"' in html
    assert 'aria-label="Superset: Squat with Barbell row"' in html  # a tri-set is one tap away
    bench, squat = _set_ids(data, BENCH), _set_ids(data, SQUAT)

    apply(data, act.check_set(data, screen, bench[0], stamp()))
    assert screen.up_next == squat[0] and screen.rest_ends_at == 0  # on to B, no rest yet
    assert f'<tr class="up-next" data-id="{squat[0]}">' in page(data, screen)
    apply(data, act.check_set(data, screen, squat[0], stamp()))
    assert screen.up_next == bench[1] and screen.rest_ends_at == NOW + 180_000  # round done

    # Repeat last time brings the superset back.
    for set_id in bench[1:] + squat[1:]:
        apply(data, act.check_set(data, screen, set_id, stamp()))
    apply(data, act.finish(data, screen, stamp()))
    apply(data, act.start_repeat(data, screen, stamp(NOW + 86_400_000)))
    assert 'aria-label="Superset: Bench press and Squat"' in page(data, screen)


def test_leaving_a_superset_of_two_ends_it() -> None:
    data, screen = history(), Screen()
    apply(data, act.start_repeat(data, screen, stamp()))
    apply(data, act.link_superset(data, screen, SQUAT["id"], stamp()))
    running = next(w for w in data.workoutLogs if not w.get("finishedAt"))
    assert running["supersets"] == {SQUAT["id"]: 1, ROW["id"]: 1}
    apply(data, act.unlink_superset(data, screen, ROW["id"], stamp()))
    running = next(w for w in data.workoutLogs if not w.get("finishedAt"))
    assert running["supersets"] is None
    assert 'role="group" aria-label="Superset' not in page(data, screen)
    with pytest.raises(ValidationError, match="no exercise after"):
        act.link_superset(data, screen, ROW["id"], stamp())


def test_a_set_with_no_reps_is_not_checked_off() -> None:
    """A new exercise starts at 0 reps: a tap on its check asks for the reps, records nothing."""
    data, screen = Data(exercises=[BENCH]), Screen()
    apply(data, act.start_empty(data, screen, stamp()))
    apply(data, act.add_exercise(data, screen, BENCH["id"], stamp()))
    first = check_buttons(page(data, screen))[0]
    with pytest.raises(ValidationError, match="Enter the reps you did"):
        act.check_set(data, screen, first, stamp())
    assert screen.rest_ends_at == 0
    screen.drafts[f"r-{first}"] = "8"  # typed, then the check tapped: a body-weight set
    apply(data, act.check_set(data, screen, first, stamp()))
    done = next(s for s in data.workoutSets if s["id"] == first)
    assert (done["done"], done["reps"], done["weight"]) == (True, 8, 0)


@pytest.mark.parametrize("text", ["1e1", "²", "١٠", "1_0", "+5", "-1", "5.0", "", "1001"])
def test_reps_that_are_not_a_plain_whole_number_are_refused_in_words(text: str) -> None:
    """str.isdigit() says yes to "²" and int() says no: the lifter got an error screen."""
    with pytest.raises(ValidationError, match=r"^Reps must be a whole number from 0 to 1000\.$"):
        act.parse_reps(text)


def test_reps_typed_plainly_are_counted() -> None:
    assert [act.parse_reps(t) for t in ("0", " 8 ", "1000", "05")] == [0, 8, 1000, 5]


@pytest.mark.parametrize("text", ["²", "1e2", "-90", ""])
def test_a_rest_that_is_not_plain_seconds_is_refused_in_words(text: str) -> None:
    data = Data(exercises=[{"id": "e1", "name": "Squat", "createdAt": 0, "version": 1}])
    with pytest.raises(ValidationError, match=r"^Rest must be a number of seconds\.$"):
        act.set_rest(data, Screen(), "e1", text, {"device_id": "d", "now": 1, "new_id": str})


def alternating() -> Data:
    """An A/B lifter's last week, and an unnamed workout before it."""
    days = [
        ("2026-11-16", "Workout", (ROW,)),
        ("2026-11-17", "A", (SQUAT, BENCH)),
        ("2026-11-18", "B", (ROW, SQUAT)),
        ("2026-11-19", "A", (SQUAT, BENCH)),
        ("2026-11-20", "B", (ROW, SQUAT)),
    ]
    data = Data(exercises=[BENCH, SQUAT, ROW])
    for n, (date, name, done) in enumerate(days):
        w = record(date=date, name=name, startedAt=n + 1, finishedAt=n + 2)
        data.workoutLogs.append(w)
        data.workoutSets += [
            record(workoutId=w["id"], exerciseId=e["id"], position=i, reps=5, weight=60 + 10 * n)
            for i, e in enumerate(done)
        ]
    return data


def repeat_options(html: str) -> list[tuple[str, str, str]]:
    """(action, title, detail) of each "Repeat" start option, in order."""
    return re.findall(
        r'data-action="(repeat-[a-z]+)"[^>]*><span class="option-title">([^<]*)</span>'
        r'<span class="option-detail">([^<]*)</span>',
        html,
    )


def test_an_ab_lifter_is_offered_a_after_b_each_with_its_date() -> None:
    """After a B day, "Repeat last time" is B again: A is offered beside it, and an unnamed
    workout by its date and exercises; at most three, each kind once."""
    html = page(alternating(), Screen(date_pattern="dmy/"))
    assert repeat_options(html) == [
        ("repeat-last", "Repeat last time", "B · Fri 20/11/2026 · Barbell row, Squat"),
        ("repeat-workout", "Repeat A", "Thu 19/11/2026 · Squat, Bench press"),
        ("repeat-workout", "Repeat the workout of Mon 16/11/2026", "Barbell row"),
    ]


def test_repeating_a_is_one_tap_and_prefills_from_each_exercises_last_time() -> None:
    data, screen = alternating(), Screen()
    (a_id,) = re.findall(
        r'data-action="repeat-workout" data-id="([^"]+)"><span class="option-title">Repeat A<',
        page(data, screen),
    )
    apply(data, act.repeat_workout(data, screen, a_id, stamp()))
    html = page(data, screen)
    started = [w for w in data.workoutLogs if w.get("startedAt") == NOW]
    assert [w["name"] for w in started] == ["A"]
    assert len(check_buttons(html)) == 2
    assert html.index("Squat") < html.index("Bench press")
    assert "5 × 100 kg" in html  # Squat's last time was Friday's B
    assert "5 × 90 kg" in html  # Bench press's was Thursday's A


def test_unnamed_workouts_are_told_apart_by_their_exercises() -> None:
    data = Data(exercises=[BENCH, SQUAT, ROW])
    for n, done in enumerate(((ROW,), (BENCH,), (ROW,), (ROW,))):
        w = record(date=f"2026-11-1{n}", startedAt=n + 1, finishedAt=n + 2)
        data.workoutLogs.append(w)
        data.workoutSets.append(
            record(workoutId=w["id"], exerciseId=done[0]["id"], position=0, reps=5, weight=50)
        )
    options = repeat_options(page(data, Screen(date_pattern="dmy/")))
    assert [(title, detail) for _, title, detail in options] == [
        ("Repeat last time", "Workout · Fri 13/11/2026 · Barbell row"),
        ("Repeat the workout of Wed 11/11/2026", "Bench press"),
    ]


def test_a_workout_that_is_gone_or_running_cannot_be_repeated() -> None:
    data, screen = alternating(), Screen()
    with pytest.raises(ValidationError, match="no longer exists"):
        act.repeat_workout(data, screen, "00000000-0000-4000-8000-999999999999", stamp())
    first = data.workoutLogs[0]["id"]
    apply(data, act.start_empty(data, screen, stamp()))
    with pytest.raises(ValidationError, match="already running"):
        act.repeat_workout(data, screen, first, stamp())
