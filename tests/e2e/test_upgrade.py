"""A device that ran the schema-1 or schema-2 app opens this version: its database is upgraded in
place and the changes it queued offline reach the server unchanged."""

from __future__ import annotations

import httpx
from playwright.sync_api import Page, expect

from app.core.protocol import SCHEMA_HEADER
from app.core.schema import SCHEMA_VERSION
from devsupport.live_server import LiveServer
from tests.e2e.conftest import wait_ready
from tests.e2e.test_sync import bring_guest_data, sign_in, sync_now
from tests.e2e.test_tracker import go
from tests.fixtures import schema1, schema2

# The schema-1 app's db.mjs declaration, frozen: this is what old devices hold.
WRITE_SCHEMA_1_DATABASE = """
async ([records, outbox]) => {
  const { default: Dexie } = await import('/vendor/dexie/dexie.mjs');
  const db = new Dexie('setflow');
  db.version(1).stores({
    exercises: 'id',
    programs: 'id',
    workoutLogs: 'id, date',
    workoutSets: 'id, workoutId, exerciseId',
    conflicts: 'id',
    outbox: '++seq, &mutationId, [table+id]',
    meta: 'key',
  });
  await db.open();
  for (const [table, rows] of Object.entries(records)) await db.table(table).bulkPut(rows);
  await db.outbox.bulkAdd(outbox);
  const version = db.verno;
  db.close();
  return version;
}
"""


def test_a_schema_1_device_is_upgraded_and_its_outbox_pushed(
    page: Page, own_server: LiveServer
) -> None:
    page.goto(f"{own_server.url}/manifest.json")  # same origin, without starting the app
    assert page.evaluate(WRITE_SCHEMA_1_DATABASE, [schema1.RECORDS, schema1.OUTBOX]) == 1

    page.goto(f"{own_server.url}/#settings")
    wait_ready(page)
    # The old data shows, and the seven queued changes are still waiting.
    expect(page.locator("#pending-count")).to_have_text("7")
    go(page, "Exercises")
    expect(page.get_by_role("list", name="Your exercises")).to_contain_text("Back squat")
    version = page.evaluate(
        "new Promise(r => { const q = indexedDB.open('setflow');"
        " q.onsuccess = () => { const v = q.result.version; q.result.close(); r(v); }; })"
    )
    assert version == 30  # Dexie's version 3 (IndexedDB counts in tens)

    sign_in(page, "upgraded@example.org", create=True)
    bring_guest_data(page)  # made before any sign-in: it joins the account when asked to
    sync_now(page)
    expect(page.locator("#pending-count")).to_have_text("0")
    expect(page.get_by_role("list", name="Conflicts")).to_have_count(0)

    with httpx.Client(base_url=own_server.url) as client:
        client.post(
            "/api/auth/login",
            json={"email": "upgraded@example.org", "password": "correct horse battery"},
        )
        page_of_changes = client.get("/api/sync", headers={SCHEMA_HEADER: str(SCHEMA_VERSION)})
    pulled = {(c["table"], c["id"]): c for c in page_of_changes.json()["changes"]}
    new_set = pulled[("workoutSets", schema1.SET_2)]
    assert (new_set["reps"], new_set["weight"]) == (5, 97.5)
    assert pulled[("exercises", schema1.SQUAT)]["name"] == "Back squat"
    assert pulled[("programs", schema1.PROGRAM)]["deleted"] is True


# The schema-2 app's db.mjs declaration, frozen.
WRITE_SCHEMA_2_DATABASE = """
async ([records, outbox]) => {
  const { default: Dexie } = await import('/vendor/dexie/dexie.mjs');
  const db = new Dexie('setflow');
  db.version(1).stores({
    exercises: 'id',
    programs: 'id',
    workoutLogs: 'id, date',
    workoutSets: 'id, workoutId, exerciseId',
    conflicts: 'id',
    outbox: '++seq, &mutationId, [table+id]',
    meta: 'key',
  });
  db.version(2).stores({ settings: 'id', bodyWeights: 'id, date' });
  await db.open();
  for (const [table, rows] of Object.entries(records)) await db.table(table).bulkPut(rows);
  await db.outbox.bulkAdd(outbox);
  const version = db.verno;
  db.close();
  return version;
}
"""


def test_a_schema_2_device_mid_workout_is_upgraded_and_its_outbox_pushed(
    page: Page, own_server: LiveServer
) -> None:
    """The lifter was mid-workout when the app updated: the workout is there as it was, the
    eleven changes queued offline are pushed under schema 3."""
    page.goto(f"{own_server.url}/manifest.json")  # same origin, without starting the app
    assert page.evaluate(WRITE_SCHEMA_2_DATABASE, [schema2.RECORDS, schema2.OUTBOX]) == 2

    page.goto(f"{own_server.url}/#workout")
    wait_ready(page)
    expect(page.get_by_role("heading", name="Upper", level=2)).to_be_visible()
    expect(
        page.get_by_role("button", name="Done: set 1 of Bench press (checked; tap to undo)")
    ).to_be_visible()
    expect(page.get_by_label("Weight in kg, set 1 of Barbell row")).to_have_value("62.5")
    expect(page.get_by_role("table", name="Sets of Bench press")).to_contain_text("RPE 9.5")
    version = page.evaluate(
        "new Promise(r => { const q = indexedDB.open('setflow');"
        " q.onsuccess = () => { const v = q.result.version; q.result.close(); r(v); }; })"
    )
    assert version == 30

    go(page, "Settings")
    expect(page.locator("#pending-count")).to_have_text(str(len(schema2.OUTBOX)))
    expect(page.get_by_label("Bar (kg)")).to_have_value("15")
    sign_in(page, "upgraded2@example.org", create=True)
    bring_guest_data(page)
    sync_now(page)
    expect(page.locator("#pending-count")).to_have_text("0")
    expect(page.get_by_role("list", name="Conflicts")).to_have_count(0)

    with httpx.Client(base_url=own_server.url) as client:
        client.post(
            "/api/auth/login",
            json={"email": "upgraded2@example.org", "password": "correct horse battery"},
        )
        page_of_changes = client.get("/api/sync", headers={SCHEMA_HEADER: str(SCHEMA_VERSION)})
    pulled = {(c["table"], c["id"]): c for c in page_of_changes.json()["changes"]}
    assert pulled[("workoutSets", schema2.SET_3)]["rpe"] == 9.5
    assert pulled[("workoutLogs", schema2.RUNNING)].get("finishedAt") is None
    assert pulled[("settings", schema2.SETTINGS_ID)]["plates"] == [20, 10, 5, 2.5]
    assert pulled[("bodyWeights", schema2.BODY_WEIGHT)]["weight"] == 82.4
