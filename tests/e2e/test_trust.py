"""Sync that survives real life: older files, awkward files, oversized imports, a restored server."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, Response, expect

from app.core import exchange
from app.core.protocol import SCHEMA_HEADER
from app.core.schema import SCHEMA_VERSION
from devsupport.live_server import ROOT, LiveServer
from tests.e2e.test_accounts import server_names
from tests.e2e.test_files import export_file, import_file
from tests.e2e.test_sync import (
    PASSWORD,
    agreed_names,
    device,
    expect_names,
    rename,
    sign_in,
    sync_now,
)
from tests.e2e.test_tracker import add_exercise, go


def server_errors(page: Page) -> list[str]:
    """Every sync or account answer of 500 or more this device's context gets, from now on.

    The live event stream is left out: it is told to go away (503) while its server stops.
    """
    seen: list[str] = []

    def note(response: Response) -> None:
        if response.status >= 500 and "/api/sync/events" not in response.url:
            seen.append(f"{response.status} {response.url}")

    page.context.on("response", note)
    return seen


def server_table(url: str, email: str, table: str) -> list[dict]:
    with httpx.Client(base_url=url) as client:
        assert (
            client.post("/api/auth/login", json={"email": email, "password": PASSWORD}).status_code
            == 200
        )
        rows: list[dict] = []
        since, more = 0, True
        while more:
            page = client.get(
                "/api/sync", params={"since": since}, headers={SCHEMA_HEADER: str(SCHEMA_VERSION)}
            )
            assert page.status_code == 200, page.text
            body = page.json()
            rows += [c for c in body["changes"] if c["table"] == table and not c["deleted"]]
            since, more = body["cursor"], body["hasMore"]
        return rows


def test_an_older_export_imported_after_newer_edits_rolls_nothing_back_silently(
    browser: Browser, own_server: LiveServer, tmp_path: Path
) -> None:
    page = device(browser, own_server.url)
    sign_in(page, "older@example.com", create=True)
    add_exercise(page, "Squat")
    sync_now(page)
    older = export_file(page, tmp_path)
    rename(page, "Squat", "Back squat")
    sync_now(page)

    import_file(page, older)
    expect(page.get_by_role("status").filter(has_text="Imported")).to_contain_text(
        "kept under Settings → Conflicts"
    )
    conflicts = page.get_by_role("list", name="Conflicts")
    expect(conflicts).to_contain_text("Back squat was replaced by the import's Squat")
    expect(page.locator('.tabbar a[data-view="settings"] .badge')).to_have_text("1")
    conflicts.get_by_role("button", name="Restore").click()
    expect(page.get_by_role("list", name="Conflicts")).to_have_count(0)
    expect(page.locator('.tabbar a[data-view="settings"] .badge')).to_have_count(0)
    sync_now(page)
    expect_names(page, {"Back squat"})
    assert server_names(own_server.url, "older@example.com") == {"Back squat"}


def _export(tables: dict[str, list[dict]]) -> str:
    data = exchange.build_export(tables, device_id="elsewhere", exported_at=datetime.now(UTC))
    return json.dumps(data)  # ASCII-escaped, so a lone surrogate stays a \\ud83d escape


def _workout(notes: str, day: int) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "createdAt": 1,
        "updatedAt": 1,
        "deviceId": "elsewhere",
        "deleted": False,
        "version": 3,  # another account's version: never trusted
        "date": f"2025-{1 + day // 28:02d}-{1 + day % 28:02d}",
        "programId": None,
        "notes": notes,
    }


@pytest.fixture
def small_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveServer]:
    """A server taking pushes of at most 200 KB, so an ordinary import exceeds one push."""
    monkeypatch.setenv("SETFLOW_MAX_BODY", "200000")
    live = LiveServer(f"sqlite:///{tmp_path / 'small.sqlite3'}").start()
    yield live
    live.stop()


def test_awkward_and_oversized_imports_end_with_every_valid_change_synced(
    browser: Browser, small_server: LiveServer, tmp_path: Path
) -> None:
    page = device(browser, small_server.url)
    errors = server_errors(page)
    sign_in(page, "imports@example.com", create=True)

    # Half an emoji, as a converter might leave it: refused with a sentence, nothing written.
    bad = tmp_path / "surrogate.json"
    broken = {**_workout("fine", 0), "notes": "Felt strong \ud83d"}
    bad.write_text(_export({"workoutLogs": [_workout("ok", 1), broken]}))
    import_file(page, bad)
    expect(page.get_by_role("alert")).to_contain_text("a character that cannot be stored")
    add_exercise(page, "Deadlift")

    # 300 workouts with long notes: about 360 KB, beyond one push.
    big = tmp_path / "big.json"
    big.write_text(_export({"workoutLogs": [_workout("n" * 1000, d) for d in range(300)]}))
    import_file(page, big)
    expect(page.get_by_role("status").filter(has_text="Imported")).to_contain_text("300 workouts")
    add_exercise(page, "Row")
    sync_now(page)
    expect(page.locator("#pending-count")).to_have_text("0")
    assert len(server_table(small_server.url, "imports@example.com", "workoutLogs")) == 300
    assert server_names(small_server.url, "imports@example.com") == {"Deadlift", "Row"}
    assert errors == []


def _restore_mark(database: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "server", "restore-mark", "--database", database],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def test_a_server_restored_from_a_file_copy_gets_back_what_two_devices_hold(
    browser: Browser, own_server: LiveServer, tmp_path: Path
) -> None:
    """The database file is copied, both devices go on, then the copy is put back (and marked):
    both devices notice, re-send what it lost, and everyone ends with the union."""
    email = "restored@example.com"
    db = Path(own_server.database.removeprefix("sqlite:///"))
    phone, laptop = device(browser, own_server.url), device(browser, own_server.url)
    errors = {"phone": server_errors(phone), "laptop": server_errors(laptop)}
    sign_in(phone, email, create=True)
    add_exercise(phone, "Squat")
    add_exercise(phone, "Bench")
    sync_now(phone)
    sign_in(laptop, email, create=False)
    sync_now(laptop)
    expect_names(laptop, {"Squat", "Bench"})

    own_server.stop()
    backup = tmp_path / "backup"
    backup.mkdir()
    for f in db.parent.glob(db.name + "*"):
        shutil.copy2(f, backup / f.name)
    own_server.start()

    rename(phone, "Squat", "Back squat")
    add_exercise(phone, "Row")
    sync_now(phone)
    add_exercise(laptop, "Plank")
    sync_now(laptop)
    sync_now(phone)
    union = {"Back squat", "Bench", "Row", "Plank"}
    assert agreed_names(phone, laptop, 4) == union

    own_server.stop()
    for f in db.parent.glob(db.name + "*"):
        f.unlink()
    for f in backup.iterdir():
        shutil.copy2(f, db.parent / f.name)
    _restore_mark(own_server.database)
    own_server.start()
    # (The devices' live link may already be recovering: their syncs below finish the job.)

    for page in (phone, laptop, phone, laptop):
        sync_now(page)
    assert agreed_names(phone, laptop, 4) == union
    assert server_names(own_server.url, email) == union
    for page in (phone, laptop):
        go(page, "Settings")
        expect(page.locator("#pending-count")).to_have_text("0")
        expect(page.get_by_text("No conflicts.")).to_be_visible()  # nobody conflicted with itself
    assert errors == {"phone": [], "laptop": []}
