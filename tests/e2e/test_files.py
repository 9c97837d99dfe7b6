"""Export on device A, import on device B; every kind of bad file is refused and changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from app.core import storage_keys as keys
from devsupport.live_server import LiveServer
from tests.e2e.conftest import wait_ready
from tests.e2e.test_tracker import add_exercise, go, log_set


def export_file(page: Page, folder: Path) -> Path:
    go(page, "Settings")
    with page.expect_download() as info:
        page.get_by_role("button", name="Export data").click()
    download = info.value
    path = folder / download.suggested_filename
    download.save_as(path)
    return path


def import_file(page: Page, path: Path) -> None:
    go(page, "Settings")
    page.get_by_label("Import data").set_input_files(str(path))


def table_dump(page: Page) -> dict:
    return page.evaluate(
        """async () => {
            const out = {};
            const req = indexedDB.open('setflow');
            const db = await new Promise((ok, bad) => { req.onsuccess = () => ok(req.result); req.onerror = bad; });
            for (const name of db.objectStoreNames) {
                const tx = db.transaction(name);
                const all = tx.objectStore(name).getAll();
                out[name] = await new Promise((ok) => { all.onsuccess = () => ok(all.result); });
            }
            db.close();
            return out;
        }"""
    )


def fresh_device(browser: Browser, url: str) -> Page:
    """A device of its own: a new browser context has its own IndexedDB and localStorage."""
    page = browser.new_context().new_page()
    page.goto(url + "/#exercises")
    wait_ready(page)
    return page


@pytest.fixture
def device_a(browser: Browser, server: LiveServer) -> Page:
    return fresh_device(browser, server.url)


@pytest.fixture
def device_b(browser: Browser, server: LiveServer) -> Page:
    return fresh_device(browser, server.url)


def test_export_on_a_import_on_b(device_a: Page, device_b: Page, tmp_path: Path) -> None:
    add_exercise(device_a, "Front squat", "Legs")
    add_exercise(device_a, "Dip", "Arms")
    log_set(device_a, "Dip", 10, 20)
    expect(device_a.get_by_role("list", name="Sets of Dip")).to_contain_text("10 × 20 kg")
    path = export_file(device_a, tmp_path)
    assert path.name.startswith("setflow-export-") and path.suffix == ".json"
    exported = json.loads(path.read_text())
    assert exported["format"] == "setflow-export"
    assert exported["deviceId"] == device_a.evaluate(
        "(key) => localStorage.getItem(key)", keys.DEVICE_ID
    )
    assert len(exported["tables"]["exercises"]) == 2

    import_file(device_b, path)
    expect(device_b.get_by_role("status").filter(has_text="Imported")).to_contain_text(
        "2 exercises"
    )
    go(device_b, "Exercises")
    expect(device_b.get_by_role("list", name="Your exercises")).to_contain_text("Front squat")
    go(device_b, "History")
    expect(device_b.get_by_role("list", name="Past workouts")).to_contain_text("Dip")
    a, b = table_dump(device_a), table_dump(device_b)
    for table in ("exercises", "workoutLogs", "workoutSets"):
        key = lambda r: r["id"]  # noqa: E731
        assert sorted(a[table], key=key) == sorted(b[table], key=key)


BAD_FILES = {
    "not-json.json": ("{not json", "damaged or is not a Setflow export"),
    "not-setflow.json": (json.dumps({"hello": "world"}), "not a Setflow export"),
    "newer.json": (
        json.dumps({"format": "setflow-export", "formatVersion": 99, "tables": {}}),
        "newer version",
    ),
}


@pytest.mark.parametrize("name", [*BAD_FILES, "bad-record.json"])
def test_a_bad_file_is_refused_and_changes_nothing(
    device_b: Page, tmp_path: Path, name: str
) -> None:
    add_exercise(device_b, "Curl", "Arms")
    before = table_dump(device_b)
    if name == "bad-record.json":
        good = export_file(device_b, tmp_path)
        data = json.loads(good.read_text())
        data["tables"]["exercises"].append({**data["tables"]["exercises"][0], "id": "x"})
        data["tables"]["exercises"][0]["name"] = "Renamed by a bad file"
        text, expected = json.dumps(data), "malformed id"
    else:
        text, expected = BAD_FILES[name]
    path = tmp_path / name
    path.write_text(text)
    import_file(device_b, path)
    expect(device_b.get_by_role("alert")).to_contain_text(expected, ignore_case=True)
    assert table_dump(device_b) == before
    go(device_b, "Exercises")
    expect(device_b.get_by_role("list", name="Your exercises")).to_contain_text("Curl")


def test_a_file_chosen_while_the_screen_redraws_is_still_imported(
    device_a: Page, device_b: Page, tmp_path: Path
) -> None:
    """The file picker stays open for seconds; a sync or a live change may redraw Settings
    meanwhile. The choice must still reach the app (it was silently lost: the picker's element
    had been replaced, so its change went nowhere)."""
    add_exercise(device_a, "Front squat", "Legs")
    path = export_file(device_a, tmp_path)

    go(device_b, "Settings")
    picker = device_b.get_by_label("Import data").element_handle()  # the picker opens...
    device_b.get_by_role("button", name="Pounds (lb)").click()  # ...the screen redraws...
    expect(device_b.get_by_role("button", name="Pounds (lb)")).to_have_attribute(
        "aria-pressed", "true"
    )
    picker.set_input_files(str(path))  # ...and the person picks the file
    expect(device_b.locator("#view .notice")).to_contain_text("Imported")
    go(device_b, "Exercises")
    expect(device_b.get_by_role("list", name="Your exercises")).to_contain_text("Front squat")
