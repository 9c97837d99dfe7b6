"""The tracker as a person uses it: exercises, sets, programs, history, across reloads and tabs."""

from __future__ import annotations

from playwright.sync_api import BrowserContext, Page, expect

from devsupport.live_server import LiveServer
from tests.e2e.conftest import RequestLog, wait_for_service_worker, wait_ready


def open_app(page: Page, url: str, view: str = "log") -> None:
    page.goto(f"{url}/#{view}")
    wait_ready(page)


def go(page: Page, view: str) -> None:
    """Tap a tab and wait until its screen shows (the app renders after the hash changes)."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name=view).click()
    expect(page.get_by_role("heading", name=view, level=2, exact=True)).to_be_visible()


def add_exercise(page: Page, name: str, group: str = "") -> None:
    go(page, "Exercises")
    page.get_by_label("Exercise name").fill(name)
    if group:
        page.get_by_label("Muscle group (optional)").fill(group)
    page.get_by_role("button", name="Add exercise").click()
    expect(
        page.get_by_role("list", name="Your exercises").get_by_text(name, exact=True)
    ).to_be_visible()


def log_set(page: Page, exercise: str, reps: int, weight: float) -> None:
    go(page, "Log")
    page.get_by_label("Exercise", exact=True).select_option(label=exercise)
    page.get_by_label("Reps").fill(str(reps))
    page.get_by_label("Weight").fill(str(weight))
    page.get_by_role("button", name="Add set").click()


def test_add_rename_delete_an_exercise(
    page: Page, server: LiveServer, request_log: RequestLog
) -> None:
    open_app(page, server.url, "exercises")
    add_exercise(page, "Bench press", "Chest")
    add_exercise(page, "Squat", "Legs")
    exercises = page.get_by_role("list", name="Your exercises")
    expect(exercises.get_by_role("listitem")).to_have_count(2)

    page.get_by_role("button", name="Rename Bench press").click()
    expect(page.get_by_label("New name for Bench press")).to_be_visible()
    page.get_by_label("New name for Bench press").fill("Incline bench press")
    page.get_by_role("button", name="Save").click()
    expect(exercises.get_by_text("Incline bench press", exact=True)).to_be_visible()
    expect(exercises.get_by_text("Bench press", exact=True)).to_have_count(0)

    page.get_by_role("button", name="Delete Squat").click()
    expect(exercises.get_by_role("listitem")).to_have_count(1)

    page.reload()
    wait_ready(page)
    expect(exercises.get_by_role("listitem")).to_have_count(1)
    expect(exercises.get_by_text("Incline bench press", exact=True)).to_be_visible()
    assert request_log.foreign(server.url) == []


def test_log_sets_edit_delete_and_see_history_and_chart(
    page: Page, server: LiveServer, request_log: RequestLog
) -> None:
    open_app(page, server.url, "exercises")
    add_exercise(page, "Deadlift", "Back")
    go(page, "Log")

    page.get_by_label("Date").fill("2026-11-01")
    page.get_by_label("Date").dispatch_event("change")
    log_set(page, "Deadlift", 5, 140)
    log_set(page, "Deadlift", 5, 150)
    sets = page.get_by_role("list", name="Sets of Deadlift")
    expect(sets.get_by_role("listitem")).to_have_count(2)
    expect(sets).to_contain_text("5 × 150 kg")

    page.get_by_role("button", name="Edit set 2").click()
    expect(page.get_by_role("button", name="Save")).to_be_visible()
    page.get_by_label("Weight").last.fill("152.5")
    page.get_by_role("button", name="Save").click()
    expect(sets).to_contain_text("5 × 152.5 kg")

    page.get_by_label("Date").fill("2026-11-08")
    page.get_by_label("Date").dispatch_event("change")
    log_set(page, "Deadlift", 3, 160)
    log_set(page, "Deadlift", 8, 20)
    page.get_by_role("button", name="Delete set 2").click()
    expect(page.get_by_role("list", name="Sets of Deadlift").get_by_role("listitem")).to_have_count(
        1
    )

    go(page, "History")
    workouts = page.get_by_role("list", name="Past workouts").get_by_role("listitem")
    expect(workouts).to_have_count(2)
    # Newest first, in the person's own date format (Playwright's browser speaks en-US).
    expect(workouts.first).to_contain_text("11/08/2026")
    expect(workouts.nth(1)).to_contain_text("2 sets")
    chart = page.get_by_role("img", name="Deadlift: estimated one-rep max")
    expect(chart).to_be_visible()
    # One dot per session: 152.5 x 5 -> 177.9 est. 1RM; 160 x 3 -> 176.
    expect(chart.locator("[data-value]")).to_have_count(2)
    values = chart.locator("[data-value]").evaluate_all("els => els.map(e => e.dataset.value)")
    assert [round(float(v), 1) for v in values] == [177.9, 176.0]
    assert request_log.foreign(server.url) == []


def test_data_survives_an_offline_start(
    page: Page, context: BrowserContext, own_server: LiveServer
) -> None:
    open_app(page, own_server.url, "exercises")
    wait_for_service_worker(page)
    add_exercise(page, "Overhead press", "Shoulders")
    own_server.stop()
    page.reload()
    wait_ready(page)
    expect(page.get_by_role("list", name="Your exercises")).to_contain_text("Overhead press")
    log_set(page, "Overhead press", 5, 50)  # still works with the server gone
    expect(page.get_by_role("list", name="Sets of Overhead press")).to_contain_text("5 × 50 kg")
    page.reload()
    wait_ready(page)
    expect(page.get_by_role("list", name="Sets of Overhead press")).to_contain_text("5 × 50 kg")


def test_a_change_in_one_tab_appears_in_another(
    page: Page, context: BrowserContext, server: LiveServer
) -> None:
    open_app(page, server.url, "exercises")
    other = context.new_page()
    open_app(other, server.url, "exercises")
    add_exercise(page, "Pull-up", "Back")
    expect(other.get_by_role("list", name="Your exercises")).to_contain_text("Pull-up")


def test_programs_drive_the_log(page: Page, server: LiveServer) -> None:
    open_app(page, server.url, "exercises")
    add_exercise(page, "Row", "Back")
    add_exercise(page, "Lunge", "Legs")
    go(page, "Programs")
    page.get_by_label("Program name").fill("Day A")
    page.get_by_role("button", name="Create program").click()
    program = page.get_by_role("article", name="Day A")
    program.get_by_label("Exercise", exact=True).select_option(label="Lunge")
    program.get_by_label("Sets").fill("4")
    program.get_by_label("Reps").fill("10")
    program.get_by_role("button", name="Add to Day A").click()
    expect(program.get_by_role("list", name="Exercises in Day A")).to_contain_text("Lunge 4 × 10")

    go(page, "Log")
    page.get_by_label("Program").select_option(label="Day A")
    page.get_by_role("button", name="Start from program").click()
    expect(page.get_by_role("list", name="Program plan")).to_contain_text("Lunge 4 × 10")
    picked = page.get_by_label("Exercise", exact=True)
    lunge = picked.locator("option", has_text="Lunge").get_attribute("value")
    expect(picked).to_have_value(lunge or "")
