"""History: the person's date format and unit, expandable workouts, charts by range, body weight."""

from __future__ import annotations

from app.core.schema import SETTINGS_ID
from app.views import history, render
from app.views.state import Account, Data, Screen
from tests.views.test_workout import apply, record, stamp

NOW = 1_795_600_000_000  # 2026-11-25
BENCH = record(name="Bench press")


def data() -> Data:
    old = record(date="2025-01-10", name="Old day")
    recent = record(date="2026-11-20", name="Push day", startedAt=1, finishedAt=1 + 45 * 60_000)
    sets = [
        record(workoutId=old["id"], exerciseId=BENCH["id"], reps=5, weight=60, position=0),
        record(workoutId=recent["id"], exerciseId=BENCH["id"], reps=5, weight=80, position=0),
        record(
            workoutId=recent["id"],
            exerciseId=BENCH["id"],
            reps=10,
            weight=40,
            position=1,
            setType="warmup",
        ),
    ]
    return Data(exercises=[BENCH], workoutLogs=[old, recent], workoutSets=sets)


def test_workouts_show_in_the_persons_date_format_and_unit() -> None:
    d = data()
    d.settings.append(record(unit="lb") | {"id": SETTINGS_ID})
    html = render(Screen(view="history", now=NOW, date_pattern="dmy/"), d, Account())
    assert "Fri 20/11/2026 · Bench press" in html
    assert "2 sets · 882 lb · 45 min" in html  # the warm-up is a set but lifts no volume


def test_a_workout_expands_with_its_sets_editable_in_place() -> None:
    d = data()
    recent = d.workoutLogs[1]
    html = render(Screen(view="history", now=NOW, open_workout=recent["id"]), d, Account())
    assert 'aria-expanded="true"' in html and "5 × 80 kg" in html and ">W</span>" in html
    first = d.workoutSets[1]
    html = render(
        Screen(view="history", now=NOW, open_workout=recent["id"], editing=first["id"]),
        d,
        Account(),
    )
    assert 'data-form="history-edit-set"' in html and 'value="80"' in html
    outcome = history.edit_set(d, first["id"], {"weight": "82.5", "reps": "5"}, _stamp())
    apply(d, outcome)
    assert d.workoutSets[-1]["weight"] == 82.5


def test_chart_ranges_leave_out_older_sessions() -> None:
    d = data()
    three_months = render(Screen(view="history", now=NOW, chart_range="3m"), d, Account())
    everything = render(Screen(view="history", now=NOW, chart_range="all"), d, Account())
    assert three_months.count("<tr><td>") == 1 and everything.count("<tr><td>") == 2
    heaviest = render(Screen(view="history", now=NOW, chart_metric="weight"), d, Account())
    assert "Bench press: heaviest weight" in heaviest


def test_body_weight_log() -> None:
    d = data()
    outcome = history.add_body_weight(d, {"date": "2026-11-24", "weight": "82.4"}, _stamp())
    assert outcome.message == "Body weight 82.4 kg saved."
    apply(d, outcome)
    apply(d, history.add_body_weight(d, {"date": "2026-11-25", "weight": "82.0"}, _stamp()))
    html = render(Screen(view="history", now=NOW, date_pattern="dmy/"), d, Account())
    assert "Body weight chart" in html and "Wed 25/11/2026" in html and "82 kg" in html


def _stamp() -> dict[str, object]:
    return {k: v for k, v in stamp().items() if k != "today"}


def test_years_of_workouts_list_the_newest_and_older_ones_on_request() -> None:
    """Five years imported: History lists the newest workouts and offers older ones, so the
    records and charts below the list stay within reach on a phone."""
    from tests.views.test_controls import CLICKS, Device

    logs = [record(date=f"20{21 + i // 200}-0{1 + i % 9}-{10 + i % 18}") for i in range(300)]
    sets = [record(workoutId=w["id"], exerciseId=BENCH["id"], reps=5, weight=80) for w in logs]
    device = Device(Data(exercises=[BENCH], workoutLogs=logs, workoutSets=sets), now=NOW)

    def listed() -> int:
        device.screen.view = "history"
        return render(device.screen, device.data, Account()).count('class="workout-item"')

    assert listed() == 20
    assert "Show 20 older workouts (280 more)" in device.sees("history")
    assert "Records" in device.sees("history")
    device.press(CLICKS, "more-history")
    assert listed() == 40
    for _ in range(14):
        device.press(CLICKS, "more-history")
    assert listed() == 300
    assert "older workouts" not in device.sees("history")
