"""The Log screen: sets entered by hand for a date, in the person's own weight unit."""

from __future__ import annotations

import itertools
import re
from typing import Any

from app.core.schema import SETTINGS_ID
from app.views import log, render
from app.views.state import Account, Data, Event, Outcome, Screen

_ids = itertools.count(1)


def new_id() -> str:
    return f"00000000-0000-4000-8000-{next(_ids):012d}"


def stamp() -> dict[str, Any]:
    return {"device_id": "phone", "now": 1_800_000_000_000, "new_id": new_id, "today": "2026-11-25"}


def record(**fields: Any) -> dict[str, Any]:
    return {"id": new_id(), "createdAt": 0, "version": 3, "deleted": False, **fields}


def apply(data: Data, outcome: Outcome) -> None:
    for change in outcome.changes:
        rows: list[dict[str, Any]] = getattr(data, change.table)
        rows[:] = [r for r in rows if r["id"] != change.record["id"]]
        rows.append(change.record)


BENCH = record(name="Bench press")


def in_pounds() -> Data:
    return Data(exercises=[BENCH], settings=[record(id=SETTINGS_ID, unit="lb")])


def page(data: Data, screen: Screen) -> str:
    screen.view = "log"
    return render(screen, data, Account())


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_lifter_in_pounds_logs_pounds_and_reads_pounds() -> None:
    data, screen = in_pounds(), Screen(log_date="2026-11-25")
    assert "Weight (lb)" in text(page(data, screen))

    form = {"exerciseId": BENCH["id"], "reps": "5", "weight": "225"}
    apply(data, log.add_set(data, screen, Event(fields=form), stamp()))

    (stored,) = data.workoutSets
    assert stored["weight"] == 102.058283  # kilograms, like every stored weight
    assert "1. 5 × 225 lb" in text(page(data, screen))


def test_editing_a_set_shows_and_keeps_the_persons_unit() -> None:
    data, screen = in_pounds(), Screen(log_date="2026-11-25")
    form = {"exerciseId": BENCH["id"], "reps": "5", "weight": "135"}
    apply(data, log.add_set(data, screen, Event(fields=form), stamp()))
    (stored,) = data.workoutSets
    kept = stored["weight"]

    screen.editing = stored["id"]
    assert 'value="135"' in page(data, screen)
    # Saved as shown: the stored kilograms stay exactly as they were.
    same = {"reps": "6", "weight": "135"}
    apply(data, log.edit_set(data, screen, Event(id=stored["id"], fields=same), stamp()))
    assert data.workoutSets[0]["weight"] == kept
    assert data.workoutSets[0]["reps"] == 6


def test_kilograms_stay_the_default() -> None:
    data, screen = Data(exercises=[BENCH]), Screen(log_date="2026-11-25")
    assert "Weight (kg)" in text(page(data, screen))
    form = {"exerciseId": BENCH["id"], "reps": "5", "weight": "100"}
    apply(data, log.add_set(data, screen, Event(fields=form), stamp()))
    assert data.workoutSets[0]["weight"] == 100
    assert "1. 5 × 100 kg" in text(page(data, screen))


def test_a_weight_that_is_not_a_number_is_refused_in_words() -> None:
    data, screen = in_pounds(), Screen(log_date="2026-11-25")
    form = {"exerciseId": BENCH["id"], "reps": "5", "weight": "heavy"}
    try:
        log.add_set(data, screen, Event(fields=form), stamp())
    except Exception as err:
        assert str(err) == "Weight must be a number."
    else:
        raise AssertionError("a weight of 'heavy' was accepted")
    assert data.workoutSets == []


def test_reps_in_exponent_or_digit_groups_are_refused_in_words() -> None:
    """int() reads "1_0" as 10: a slip, not ten reps."""
    data, screen = in_pounds(), Screen(log_date="2026-11-25")
    for reps in ("1_0", "1e1", "١٠"):
        form = {"exerciseId": BENCH["id"], "reps": reps, "weight": "100"}
        try:
            log.add_set(data, screen, Event(fields=form), stamp())
        except Exception as err:
            assert str(err) == "Reps must be a whole number.", reps
        else:
            raise AssertionError(f"reps of {reps!r} were accepted")
    assert data.workoutSets == []


def test_a_day_opened_from_history_offers_that_days_exercise() -> None:
    """History's "Add or delete sets in Log" for a squat day: Log's picker shows Squat, not the
    first exercise of the list (nor the one logged last on another day)."""
    squat = record(name="Squat")
    day = record(date="2026-11-20", name="Legs")
    data = Data(
        exercises=[BENCH, squat],
        workoutLogs=[day],
        workoutSets=[
            record(workoutId=day["id"], exerciseId=squat["id"], position=0, reps=5, weight=100)
        ],
    )
    screen = Screen(device_id="phone", log_date="2026-11-25", exercise_id=BENCH["id"])
    log.open_day(data, screen, Event(id="2026-11-20"), stamp())
    html = page(data, screen)
    assert re.search(rf'<option value="{squat["id"]}" selected>', html), html
