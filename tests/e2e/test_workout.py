"""The lifting loop on a phone (390 x 844, touch): start, check sets off, rest, PR, finish."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from devsupport.live_server import LiveServer
from tests.e2e.conftest import wait_for_service_worker, wait_ready
from tests.e2e.lifter import export_path
from tests.e2e.test_files import import_file

PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}

COUNT_KEYS = """() => {
  window.__keys = 0;
  document.addEventListener('keydown', () => { window.__keys += 1; }, true);
}"""


class Taps:
    """Taps a person makes, counted."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, target: Locator) -> None:
        target.tap()
        self.count += 1


@pytest.fixture
def phone(browser: Browser, server: LiveServer, tmp_path: Path) -> Iterator[Page]:
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{server.url}/#settings")
    wait_ready(page)
    import_file(page, export_path(tmp_path))
    expect(page.get_by_role("status").filter(has_text="Imported")).to_be_visible()
    yield page
    context.close()


def workout_screen(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Workout").tap()
    expect(page.get_by_role("heading", name="Workout", level=2, exact=True)).to_be_visible()


def checks(page: Page) -> Locator:
    return page.locator('button[data-action="check-set"]')


def test_repeating_last_session_takes_eleven_taps_and_no_typing(phone: Page) -> None:
    """Repeat last time, confirm all 9 prefilled sets, finish: at most 13 taps, 0 keystrokes."""
    page = phone
    workout_screen(page)
    page.evaluate(COUNT_KEYS)
    tap = Taps()

    tap(page.get_by_role("button", name="Repeat last time"))
    expect(page.get_by_role("heading", name="Push day", level=2)).to_be_visible()
    expect(checks(page)).to_have_count(9)
    bench = page.get_by_role("table", name="Sets of Bench press")
    expect(bench.get_by_role("cell", name="5 × 80 kg")).to_have_count(3)
    expect(page.get_by_label("Weight in kg, set 1 of Squat")).to_have_value("100")

    for n in range(9):
        tap(checks(page).nth(n))
        expect(checks(page).nth(n)).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("timer")).to_be_visible()

    tap(page.get_by_role("button", name="Finish"))
    summary = page.locator(".summary")
    expect(summary.get_by_role("heading", name="Workout complete: Push day")).to_be_visible()
    expect(summary).to_contain_text("Sets9")
    expect(summary).to_contain_text("Volume3,600 kg")

    keys = page.evaluate("window.__keys")
    print(f"\n9-set routine repeated with {tap.count} taps and {keys} keystrokes")
    assert tap.count <= 13
    assert keys == 0


def test_program_workout_prefill_adjust_rest_pr_reload_and_finish(phone: Page) -> None:
    page = phone
    page.context.grant_permissions(["notifications"])
    workout_screen(page)
    page.get_by_role("button", name="Strength A").tap()
    expect(page.get_by_role("heading", name="Strength A", level=2)).to_be_visible()

    # Squat from last time (per set number), overhead press from the program's targets.
    expect(page.get_by_label("Weight in kg, set 1 of Squat")).to_have_value("100")
    expect(page.get_by_label("Weight in kg, set 1 of Overhead press")).to_have_value("40")
    expect(page.get_by_label("Reps, set 2 of Overhead press")).to_have_value("5")
    press = page.get_by_role("table", name="Sets of Overhead press")
    expect(press.locator("td.prev").first).to_have_text("—")

    # Adjust one with the stepper, check it: a PR badge and the rest timer.
    page.get_by_role("button", name="More weight, set 1 of Squat").tap()
    expect(page.get_by_label("Weight in kg, set 1 of Squat")).to_have_value("102.5")
    tapped = page.evaluate("Date.now()")
    page.get_by_role("button", name="Done: set 1 of Squat").tap()
    squat = page.get_by_role("table", name="Sets of Squat")
    expect(squat.locator(".pr")).to_have_count(1)
    expect(squat.locator(".pr")).to_contain_text("Heaviest weight")
    timer = page.get_by_role("timer")
    expect(timer).to_have_text(re.compile(r"^1:\d\d$"))
    drawn = page.evaluate("Date.now()")
    # The exercise's 90 s rest from the tap: its end is what the timer counts to (on a loaded
    # machine the first second may be gone before the timer is drawn, so not its text).
    ends = int(timer.get_attribute("data-ends") or 0)
    assert tapped + 90_000 <= ends <= drawn + 90_000
    # The rest ticks down by itself (however slowly this machine runs, it leaves 1:30).
    expect(timer).to_have_text(re.compile(r"1:[0-2]\d"), timeout=10_000)
    page.get_by_role("button", name="15 s more").tap()
    expect(timer).to_have_attribute("data-ends", str(ends + 15_000))

    # Take it down to nothing: the rest expires with its alert.
    for _ in range(8):
        page.get_by_role("button", name="15 s less").tap()
    expect(timer).to_have_text("Rest over")
    page.wait_for_function("document.documentElement.dataset.restOver !== undefined")
    expect(page.locator(".rest-note")).to_contain_text("notification")

    # A value typed and not yet left, a reload: the workout is exactly where it was.
    reps = page.get_by_label("Reps, set 2 of Squat")
    reps.fill("7")
    page.reload()
    wait_ready(page)
    expect(page.get_by_role("heading", name="Strength A", level=2)).to_be_visible()
    expect(page.get_by_label("Weight in kg, set 1 of Squat")).to_have_value("102.5")
    expect(
        page.get_by_role("button", name="Done: set 1 of Squat (checked; tap to undo)")
    ).to_be_visible()
    expect(page.get_by_label("Reps, set 2 of Squat")).to_have_value("7")
    expect(squat.locator(".pr")).to_have_count(1)

    page.get_by_role("button", name="Done: set 2 of Squat").tap()
    page.get_by_role("button", name="Done: set 1 of Overhead press").tap()
    page.get_by_role("button", name="Finish").tap()
    summary = page.locator(".summary")
    expect(summary).to_contain_text("Workout complete: Strength A")
    expect(summary).to_contain_text("Sets3")
    expect(summary.get_by_role("list", name="Personal records")).to_contain_text("Squat")
    expect(page.get_by_role("status").filter(has_text="unchecked set")).to_have_text(
        "1 unchecked set left out."
    )


def test_a_search_typed_quickly_keeps_every_letter_in_order(phone: Page) -> None:
    """Each letter re-draws the exercise list: the field keeps what was typed, the cursor at its
    end (it jumped to the start: "squat" came out "tauqs")."""
    page = phone
    workout_screen(page)
    page.get_by_role("button", name=re.compile("Start an empty workout")).tap()
    search = page.get_by_label("Search exercises")
    search.press_sequentially("overhead press")
    expect(search).to_have_value("overhead press")
    expect(page.locator("button.pick").first).to_contain_text("Overhead press")
    expect(search).to_be_focused()


def test_a_number_typed_into_a_prefilled_set_replaces_it(phone: Page) -> None:
    """The program's 5 reps, the lifter did 8: tap the field, type 8, it reads 8 (was "58")."""
    page = phone
    workout_screen(page)
    page.get_by_role("button", name="Strength A").tap()
    reps = page.get_by_label("Reps, set 1 of Overhead press")
    expect(reps).to_have_value("5")
    reps.tap()
    page.keyboard.type("8")
    expect(reps).to_have_value("8")
    weight = page.get_by_label("Weight in kg, set 1 of Overhead press")
    weight.click()
    page.keyboard.type("42.5")
    expect(weight).to_have_value("42.5")
    page.get_by_role("button", name="Done: set 1 of Overhead press").tap()
    press = page.get_by_role("table", name="Sets of Overhead press")
    expect(press.locator("tr.done")).to_have_count(1)
    expect(reps).to_have_value("8")
    expect(weight).to_have_value("42.5")


# The app's Python busy for a while (a slow phone, a long render): it cannot take the key yet.
BUSY = """
import time
async def bench(args):
    until = time.monotonic() + 3
    while time.monotonic() < until:
        pass
    return "done"
"""


def test_reps_typed_while_the_app_is_busy_survive_an_instant_reload(phone: Page) -> None:
    """Reps typed and the page reloaded (or the phone closing the tab) before the app's Python
    could take the key: the number is there after the reload, as typed."""
    page = phone
    workout_screen(page)
    page.get_by_role("button", name="Strength A").tap()
    reps = page.get_by_label("Reps, set 2 of Overhead press")
    expect(reps).to_have_value("5")
    page.evaluate("([c]) => { window.setflowRun(c, '{}'); }", [BUSY])
    reps.fill("7")
    page.reload()
    wait_ready(page)
    expect(page.get_by_label("Reps, set 2 of Overhead press")).to_have_value("7")
    # Kept as typed, not yet a saved set: leaving the field saves it, as ever.
    reps = page.get_by_label("Reps, set 2 of Overhead press")
    reps.fill("8")
    reps.blur()
    page.reload()
    wait_ready(page)
    expect(page.get_by_label("Reps, set 2 of Overhead press")).to_have_value("8")


def test_switching_units_round_trips_exactly(phone: Page) -> None:
    """kg -> lb -> kg shows the same numbers and stores the same kilograms."""
    page = phone
    page.get_by_role("button", name="Pounds (lb)").tap()
    expect(page.get_by_role("button", name="Pounds (lb)")).to_have_attribute("aria-pressed", "true")
    workout_screen(page)
    page.get_by_role("button", name="Repeat last time").tap()
    expect(page.get_by_label("Weight in lb, set 1 of Squat")).to_have_value("220.46")
    bench = page.get_by_role("table", name="Sets of Bench press")
    expect(bench.get_by_role("cell", name="5 × 176.37 lb")).to_have_count(3)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").tap()
    page.get_by_role("button", name="Kilograms (kg)").tap()
    expect(page.get_by_role("button", name="Kilograms (kg)")).to_have_attribute(
        "aria-pressed", "true"
    )
    workout_screen_running(page, "Push day")
    expect(page.get_by_label("Weight in kg, set 1 of Squat")).to_have_value("100")
    stored = page.evaluate(
        """async () => {
            const req = indexedDB.open('setflow');
            const db = await new Promise((ok) => { req.onsuccess = () => ok(req.result); });
            const all = db.transaction('workoutSets').objectStore('workoutSets').getAll();
            const rows = await new Promise((ok) => { all.onsuccess = () => ok(all.result); });
            db.close();
            return rows.filter((s) => s.done === false).map((s) => s.weight);
        }"""
    )
    assert sorted(stored) == [60.0] * 3 + [80.0] * 3 + [100.0] * 3


def workout_screen_running(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Workout").tap()
    expect(page.get_by_role("heading", name=name, level=2)).to_be_visible()


def test_archive_keeps_history_and_undo_brings_a_program_back(phone: Page) -> None:
    page = phone
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Exercises").tap()
    page.get_by_role("button", name="Archive Squat").tap()
    expect(page.get_by_role("status").filter(has_text="Archived Squat")).to_contain_text(
        "its 3 sets and charts stay"
    )
    expect(page.get_by_role("list", name="Your exercises")).not_to_contain_text("Squat")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="History").tap()
    expect(page.get_by_role("list", name="Past workouts")).to_contain_text(
        "Bench press, Squat, Barbell row"
    )
    workout_screen(page)
    page.get_by_role("button", name="Repeat last time").tap()
    expect(page.get_by_role("table", name="Sets of Squat")).to_have_count(0)  # not offered
    expect(checks(page)).to_have_count(6)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Programs").tap()
    page.get_by_role("button", name="Delete program Strength A").tap()
    expect(page.get_by_text("Strength A")).to_have_count(0)
    page.get_by_role("button", name="Undo").tap()
    expect(page.get_by_text("Strength A").first).to_be_visible()


def test_rpe_and_note_per_set_and_the_bar_and_plates_of_settings(phone: Page) -> None:
    """A set's RPE and note sit behind its "more" control and survive a reload; the bar and
    plates saved in Settings are what the plate calculator loads."""
    page = phone
    page.get_by_label("Bar (kg)").fill("15")
    page.get_by_label("Plates you have (kg)").fill("20, 10, 2.5")
    page.get_by_role("button", name="Save bar and plates").tap()
    expect(page.get_by_role("status").filter(has_text="Bar and plates saved.")).to_be_visible()

    workout_screen(page)
    page.get_by_role("button", name="Repeat last time").tap()
    bench = page.get_by_role("article").filter(has=page.get_by_role("heading", name="Bench press"))
    expect(bench.locator(".plates")).to_have_text("Plates per side: 20 + 10 + 2.5 kg (15 kg bar)")

    more = page.get_by_role("button", name="RPE and note for set 1 of Bench press")
    expect(page.get_by_label("RPE, set 1 of Bench press")).to_have_count(0)
    more.tap()
    expect(more).to_have_attribute("aria-expanded", "true")
    page.get_by_label("RPE, set 1 of Bench press").select_option("8.5")
    note = page.get_by_label("Note, set 1 of Bench press")
    note.fill("paused reps")
    note.blur()
    page.get_by_role("button", name="Done: set 1 of Bench press").tap()
    more.tap()  # folded: the set's details as one line under it
    expect(page.get_by_role("table", name="Sets of Bench press")).to_contain_text(
        "RPE 8.5 · paused reps"
    )

    page.reload()
    wait_ready(page)
    expect(page.get_by_role("table", name="Sets of Bench press")).to_contain_text(
        "RPE 8.5 · paused reps"
    )
    page.get_by_role("button", name="RPE and note for set 1 of Bench press").tap()
    expect(page.get_by_label("RPE, set 1 of Bench press")).to_have_value("8.5")
    expect(page.get_by_label("Note, set 1 of Bench press")).to_have_value("paused reps")


def test_a_superset_moves_to_the_other_exercise_and_rests_after_the_round(phone: Page) -> None:
    page = phone
    workout_screen(page)
    page.get_by_role("button", name="Repeat last time").tap()
    page.get_by_role("button", name="Superset: Bench press with Squat").tap()
    superset = page.get_by_role("group", name="Superset: Bench press and Squat")
    expect(superset.get_by_role("table")).to_have_count(2)

    page.get_by_role("button", name="Done: set 1 of Bench press").tap()
    squat = page.get_by_role("table", name="Sets of Squat")
    expect(squat.locator("tr.up-next")).to_have_count(1)
    expect(
        squat.locator("tr.up-next").get_by_role("button", name="Done: set 1 of Squat")
    ).to_be_visible()
    expect(page.get_by_role("timer")).to_have_count(0)  # no rest inside the round
    expect(squat.locator("tr.up-next")).to_be_in_viewport()

    page.get_by_role("button", name="Done: set 1 of Squat").tap()
    expect(page.get_by_role("timer")).to_be_visible()  # the round is done: rest
    bench = page.get_by_role("table", name="Sets of Bench press")
    expect(
        bench.locator("tr.up-next").get_by_role("button", name="Done: set 2 of Bench press")
    ).to_be_visible()

    page.reload()  # the superset is part of the workout
    wait_ready(page)
    expect(page.get_by_role("group", name="Superset: Bench press and Squat")).to_be_visible()
    page.get_by_role("button", name="Leave superset: Squat").tap()
    expect(page.get_by_role("group", name="Superset: Bench press and Squat")).to_have_count(0)


def test_an_offline_restart_mid_workout_finds_it_as_it_was(
    browser: Browser, own_server: LiveServer, tmp_path: Path
) -> None:
    """Sets checked, a weight stepped, an RPE picked and reps typed (not yet left); then the
    server process stops and the app restarts from its service worker: all of it is there, and
    the workout goes on offline."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{own_server.url}/#settings")
    wait_ready(page)
    wait_for_service_worker(page)
    import_file(page, export_path(tmp_path))
    expect(page.get_by_role("status").filter(has_text="Imported")).to_be_visible()
    workout_screen(page)
    page.get_by_role("button", name="Repeat last time").tap()
    page.get_by_role("button", name="Done: set 1 of Bench press").tap()
    page.get_by_role("button", name="More weight, set 2 of Bench press").tap()
    expect(page.get_by_label("Weight in kg, set 2 of Bench press")).to_have_value("82.5")
    page.get_by_role("button", name="RPE and note for set 1 of Bench press").tap()
    page.get_by_label("RPE, set 1 of Bench press").select_option("8")
    expect(page.get_by_role("button", name="RPE and note for set 1 of Bench press")).to_have_class(
        re.compile("has-details")
    )
    page.get_by_label("Reps, set 3 of Bench press").fill("4")

    own_server.stop()  # asserts the port refuses connections
    page.reload()
    wait_ready(page)
    expect(page.get_by_role("heading", name="Push day", level=2)).to_be_visible()
    expect(
        page.get_by_role("button", name="Done: set 1 of Bench press (checked; tap to undo)")
    ).to_be_visible()
    expect(page.get_by_label("Weight in kg, set 2 of Bench press")).to_have_value("82.5")
    expect(page.get_by_label("RPE, set 1 of Bench press")).to_have_value("8")
    expect(page.get_by_label("Reps, set 3 of Bench press")).to_have_value("4")
    expect(page.get_by_role("timer")).to_be_visible()  # the rest runs on from its end time

    page.get_by_role("button", name="Done: set 3 of Bench press").tap()
    expect(
        page.get_by_role("button", name="Done: set 3 of Bench press (checked; tap to undo)")
    ).to_be_visible()
    page.reload()
    wait_ready(page)
    expect(
        page.get_by_role("button", name="Done: set 3 of Bench press (checked; tap to undo)")
    ).to_be_visible()
    expect(page.get_by_label("Reps, set 3 of Bench press")).to_have_value("4")
    context.close()
