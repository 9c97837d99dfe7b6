"""Every screen on a phone (390 px, touch) and a laptop (1280 px), light and dark: screenshots
saved as artifacts under test-artifacts/screenshots/, and axe-core finds no violations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from devsupport.live_server import LiveServer
from tests.e2e.conftest import wait_ready
from tests.e2e.lifter import export_path
from tests.e2e.test_files import import_file

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

SIZES: dict[str, dict[str, Any]] = {
    "390": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
    "1280": {"viewport": {"width": 1280, "height": 800}},
}

VIOLATIONS = """async () => {
  const result = await axe.run(document, { resultTypes: ['violations'] });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map(n => n.target.join(' ') + ': ' + (n.failureSummary || '')),
  }));
}"""


class Screens:
    def __init__(self, page: Page, label: str) -> None:
        self.page = page
        self.label = label
        self.problems: dict[str, list[dict[str, Any]]] = {}
        self.saved: list[Path] = []

    def check(self, name: str) -> None:
        page = self.page
        page.wait_for_timeout(300)  # let the ticker draw the clocks once
        path = SHOTS / f"{name}-{self.label}.png"
        page.screenshot(path=str(path), full_page=True)
        self.saved.append(path)
        if not page.evaluate("typeof axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE))
        found = page.evaluate(VIOLATIONS)
        if found:
            self.problems[name] = found

    def go(self, view: str, heading: str) -> None:
        self.page.evaluate(f"location.hash = '#{view}'")
        expect(self.page.get_by_role("heading", name=heading, level=2, exact=True)).to_be_visible()


@pytest.mark.parametrize(
    ("size", "scheme"), [("390", "light"), ("1280", "light"), ("390", "dark"), ("1280", "dark")]
)
def test_every_screen_is_saved_and_passes_axe(
    browser: Browser, server: LiveServer, tmp_path: Path, size: str, scheme: str
) -> None:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make setup` installs the npm dev dependencies.")
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(**SIZES[size], bypass_csp=True, color_scheme=scheme)
    page = context.new_page()
    page.goto(f"{server.url}/#settings")
    wait_ready(page)
    import_file(page, export_path(tmp_path))
    expect(page.get_by_role("status").filter(has_text="Imported")).to_be_visible()
    screens = Screens(page, f"{size}{'-dark' if scheme == 'dark' else ''}")

    screens.go("workout", "Workout")
    screens.check("workout-start")
    page.get_by_role("button", name="Repeat last time").click()
    expect(page.get_by_role("heading", name="Push day", level=2)).to_be_visible()
    page.get_by_role("button", name="More weight, set 1 of Bench press").click()
    expect(page.get_by_label("Weight in kg, set 1 of Bench press")).to_have_value("82.5")
    page.get_by_role("button", name="Done: set 1 of Bench press").click()
    expect(page.get_by_role("timer")).to_be_visible()
    page.get_by_role("button", name="Done: set 2 of Bench press").click()
    expect(page.locator("tr.done")).to_have_count(2)
    page.get_by_role("button", name="Superset: Squat with Barbell row").click()
    expect(page.get_by_role("group", name="Superset: Squat and Barbell row")).to_be_visible()
    page.get_by_role("button", name="RPE and note for set 3 of Bench press").click()
    page.get_by_label("RPE, set 3 of Bench press").select_option("9")
    expect(page.get_by_label("Note, set 3 of Bench press", exact=True)).to_be_visible()
    screens.check("workout-active")
    page.get_by_role("button", name="+ Add exercise").click()
    page.get_by_label("Search exercises").fill("curl")
    expect(page.get_by_role("button", name="Hammer curl")).to_be_visible()
    screens.check("workout-add-exercise")
    page.get_by_role("button", name="Close").click()
    page.get_by_role("button", name="Finish").click()
    expect(page.locator(".summary")).to_be_visible()
    screens.check("workout-summary")

    screens.go("log", "Log")
    screens.check("log")
    screens.go("history", "History")
    page.get_by_role("button", name="Push day").first.click()
    expect(page.get_by_role("list", name="Sets of Bench press").first).to_be_visible()
    screens.check("history")
    screens.go("exercises", "Exercises")
    screens.check("exercises")
    screens.go("programs", "Programs")
    screens.check("programs")
    screens.go("settings", "Settings")
    screens.check("settings")
    context.close()

    print(f"\nscreenshots: {', '.join(str(p.relative_to(ROOT)) for p in screens.saved)}")
    assert screens.problems == {}, json.dumps(screens.problems, indent=1)
