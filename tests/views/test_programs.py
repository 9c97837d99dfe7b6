"""Programs as a lifter reads them: each exercise with its sets × reps, in order, escaped."""

from __future__ import annotations

import re

from app.views import render
from app.views.state import Account, Data, Screen
from tests.views.test_workout import record

SQUAT = record(name="Squat")
PRESS = record(name="Press <strict>")


def program(**fields: object) -> dict[str, object]:
    items = [
        {"exerciseId": SQUAT["id"], "sets": 5, "reps": 5},
        {"exerciseId": PRESS["id"], "sets": 3, "reps": 8},
        {"exerciseId": "00000000-0000-4000-8000-000000000000", "sets": 2, "reps": 10},
    ]
    return record(name="Strength A", items=items, **fields)


def page(data: Data, **screen: object) -> str:
    return render(Screen(view="programs", **screen), data, Account())  # type: ignore[arg-type]


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_a_program_lists_its_exercises_in_order_with_sets_and_reps() -> None:
    html = page(Data(exercises=[SQUAT, PRESS], programs=[program()]))
    shown = text(html)
    assert "1. Squat 5 × 5" in shown
    assert "2. Press &lt;strict&gt; 3 × 8" in shown and "<strict>" not in html
    assert "3. Deleted exercise 2 × 10" in shown  # never "Unknown", never a crash


def test_programs_are_sorted_by_name_whatever_their_case() -> None:
    data = Data(
        exercises=[SQUAT],
        programs=[record(name="upper", items=[]), record(name="Lower", items=[])],
    )
    html = page(data)
    assert html.index("<h3>Lower</h3>") < html.index("<h3>upper</h3>")


def test_renaming_shows_the_name_in_a_form_and_nothing_to_add_without_exercises() -> None:
    made = program()
    html = page(Data(programs=[made]), editing=made["id"])
    assert 'value="Strength A"' in html and ">Save</button>" in html
    assert "Add exercises first, then put them in this program." in html
    assert page(Data()).count("No programs yet.") == 1


def test_the_program_name_fields_say_their_limit() -> None:
    one = program()
    html = page(Data(exercises=[SQUAT, PRESS], programs=[one]))
    assert 'maxlength="80" autocomplete="off" aria-describedby="program-name-limit">' in html
    assert '<small id="program-name-limit" class="hint">Up to 80 characters.</small>' in html
    html = page(Data(exercises=[SQUAT, PRESS], programs=[one]), editing=one["id"])
    assert f'<small id="rename-{one["id"]}-limit" class="hint">Up to 80 characters.</small>' in html
