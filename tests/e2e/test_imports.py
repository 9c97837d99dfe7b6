"""Moving in from Strong and Hevy on a phone: preview, units, a second import, undo, CSV export."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Locator, Page, expect

from devsupport.live_server import LiveServer
from tests.e2e.conftest import wait_ready
from tests.e2e.test_tracker import go

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PHONE = {"width": 390, "height": 844}


def phone(browser: Browser, url: str) -> Page:
    page = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True).new_page()
    page.goto(url + "/#settings")
    wait_ready(page)
    return page


def choose_file(page: Page, path: Path) -> None:
    go(page, "Settings")
    page.get_by_label("Import data").set_input_files(str(path))
    # Reading and matching a file runs in Python on the page: on a loaded 2-core machine it took
    # longer than the default 5 s once (CI), so the preview gets the time a slow phone needs.
    expect(page.locator("#import-preview")).to_be_visible(timeout=30_000)


def said(page: Page) -> Locator:
    """The message of the last action (not the sync status line)."""
    return page.locator("#view .notice")


def history_lines(page: Page) -> list[str]:
    go(page, "History")
    return page.get_by_role("list", name="Past workouts").get_by_role("listitem").all_inner_texts()


def chart_values(page: Page, exercise: str) -> list[float]:
    go(page, "History")
    page.get_by_label("Progress for").select_option(label=exercise)
    chart = page.get_by_role("img", name=f"{exercise}: estimated one-rep max")
    expect(chart).to_be_visible()
    values = chart.locator("[data-value]").evaluate_all("els => els.map(e => e.dataset.value)")
    return [round(float(v), 1) for v in values]


def test_strong_and_hevy_files_through_the_preview_then_again_undo_and_export(
    browser: Browser, server: LiveServer, tmp_path: Path
) -> None:
    page = phone(browser, server.url)

    # Strong's classic file names no unit: the preview asks before anything can be written.
    choose_file(page, FIXTURES / "strong_classic.csv")
    preview = page.locator("#import-preview")
    expect(preview.get_by_role("heading")).to_have_text("Import from Strong")
    expect(preview.get_by_role("list", name="Skipped rows")).to_contain_text(
        "1 rest-timer row (rests, not sets)"
    )
    confirm = preview.get_by_role("button", name="Import")
    expect(confirm).to_be_disabled()
    preview.get_by_label("lb").check()
    expect(page.locator("#import-workouts")).to_have_text("2 (2 new, 0 already here)")
    assert history_lines(page) == []  # nothing written by the preview
    go(page, "Settings")
    preview.get_by_label("lb").check()
    page.get_by_role("button", name="Import 2 workouts").click()
    expect(said(page)).to_have_text(
        "Imported from Strong: 2 new workouts with 8 sets, 0 already here."
    )

    # Hevy names its unit; its bench press goes onto the exercise Strong's file made.
    choose_file(page, FIXTURES / "hevy_kg.csv")
    expect(page.locator("#import-workouts")).to_have_text("3 (2 new, 0 already here)")
    expect(page.get_by_label("Bench Press (Barbell)")).not_to_have_value("")  # not "New exercise"
    expect(page.get_by_label("Triceps Pushdown")).to_have_value("")
    page.get_by_role("button", name="Import 2 workouts").click()
    expect(said(page)).to_contain_text("2 new workouts with 6 sets")

    lines = history_lines(page)
    days = page.get_by_role("list", name="Past workouts").get_by_role("listitem")
    assert days.evaluate_all("els => els.map(e => e.dataset.date)") == [
        "2025-12-24",
        "2025-12-22",
        "2024-03-06",
        "2024-03-04",
    ]
    # Strong's pounds are shown as kilograms: 82.5 lb x 5 -> 43.7 kg est. 1RM; Hevy: 85 kg x 5.
    assert chart_values(page, "Bench Press (Barbell)") == [43.7, 99.2]
    assert "100 kg" not in lines[3]

    # The same file again adds nothing, and says so.
    choose_file(page, FIXTURES / "hevy_kg.csv")
    expect(page.locator("#import-workouts")).to_have_text("3 (0 new, 2 already here)")
    page.get_by_role("button", name="Import 0 workouts").click()
    expect(said(page)).to_have_text(
        "Imported from Hevy: 0 new workouts with 0 sets, 2 already here."
    )
    assert len(history_lines(page)) == 4

    # Undo takes the last import (Hevy's) back, as deletes that sync.
    go(page, "Settings")
    page.get_by_role("button", name="Undo last import").click()
    expect(said(page)).to_have_text("Undid the import: removed 2 workouts.")
    history_lines(page)
    days = page.get_by_role("list", name="Past workouts").get_by_role("listitem")
    assert days.evaluate_all("els => els.map(e => e.dataset.date)") == ["2024-03-06", "2024-03-04"]

    # Strong CSV export: back into this device it is all already here; into a new one, the same.
    before = history_lines(page)
    go(page, "Settings")
    with page.expect_download() as info:
        page.get_by_role("button", name="Export as Strong CSV").click()
    exported = tmp_path / info.value.suggested_filename
    info.value.save_as(exported)
    assert exported.suffix == ".csv"
    choose_file(page, exported)
    page.locator("#import-preview").get_by_label("kg").check()
    expect(page.locator("#import-workouts")).to_have_text("2 (0 new, 2 already here)")
    page.get_by_role("button", name="Cancel").click()
    expect(said(page)).to_have_text("Import cancelled; nothing was written.")

    other = phone(browser, server.url)
    choose_file(other, exported)
    other.locator("#import-preview").get_by_label("kg").check()
    other.get_by_role("button", name="Import 2 workouts").click()
    expect(said(other)).to_contain_text("2 new workouts with 8 sets")
    assert history_lines(other) == before
    assert chart_values(other, "Bench Press (Barbell)") == [43.7]


def test_a_file_of_unknown_layout_is_refused_and_changes_nothing(
    browser: Browser, server: LiveServer
) -> None:
    page = phone(browser, server.url)
    go(page, "Settings")
    page.get_by_label("Import data").set_input_files(str(FIXTURES / "unknown.csv"))
    expect(page.get_by_role("alert")).to_have_text(
        "This file's layout is not one Setflow knows; it reads a Setflow export (JSON), "
        "or a CSV export from Strong, Hevy or FitNotes."
    )
    expect(page.locator("#import-preview")).to_have_count(0)
    assert history_lines(page) == []
