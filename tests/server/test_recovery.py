"""What a device needs to notice a restored server and recover: the pull answer's epoch,
account version and limits, the push answer's conflicts, and ``recover`` re-sends."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import update
from starlette.testclient import TestClient

from app.core import protocol
from app.core.protocol import APPLIED, CONFLICT
from app.core.schema import is_uuid
from server import identity
from server.app import create_app
from server.config import DEFAULT_MAX_BODY, ROOT
from server.database import Database
from server.tables import users
from tests.server.conftest import MakeClient, app_config
from tests.server.helpers import Device, mutation, new_id
from tests.server.test_sync import second_device


def test_pull_says_which_database_answered_and_the_account_version(device: Device) -> None:
    device.push(mutation(), mutation())
    page = device.pull_page()
    assert is_uuid(page["epoch"]) and page["accountVersion"] == 2
    assert page["limits"] == {
        "maxPushBytes": DEFAULT_MAX_BODY - protocol.PUSH_BYTES_HEADROOM,
        "maxPushMutations": protocol.PUSH_BATCH_MAX,
    }
    assert device.pull_page(since=2)["epoch"] == page["epoch"]  # the same database


def test_limits_follow_the_servers_configuration(make_client: MakeClient) -> None:
    small = Device(make_client(max_body=100_000, max_mutations=50))
    assert small.signup("ada@example.org").status_code == 201
    assert small.pull_page()["limits"] == {"maxPushBytes": 50_000, "maxPushMutations": 50}


def test_a_cursor_ahead_of_the_account_shows_in_an_otherwise_normal_answer(
    device: Device,
) -> None:
    device.push(mutation())
    page = device.pull_page(since=40)
    assert page["changes"] == [] and page["cursor"] == 40 and page["hasMore"] is False
    assert page["accountVersion"] == 1  # below the cursor: the server lost what the device saw
    assert protocol.parse_pull_response(page).server_lost_changes(since=40)


def test_push_answer_carries_the_conflict_records_it_made(
    device: Device, make_client: MakeClient
) -> None:
    exercise = new_id()
    device.push(mutation(exercise, fields={"name": "Squat"}))
    laptop = second_device(make_client)
    device.push(mutation(exercise, base=1, fields={"name": "Back squat"}))
    response = laptop.push_raw([mutation(exercise, base=1, fields={"name": "Front squat"})])
    answer = response.json()
    assert [r["status"] for r in answer["results"]] == [CONFLICT]
    (conflict,) = answer["conflicts"]
    pulled = laptop.pull_all()
    assert pulled[("conflicts", conflict["id"])] == conflict  # exactly what a pull brings
    assert conflict["recordTable"] == "exercises" and conflict["recordId"] == exercise
    assert conflict["fields"] == {"name": "Front squat"}
    assert conflict["serverFields"] == {"name": "Back squat"}
    assert conflict["lostBy"] == "laptop" and conflict["wonBy"] == "phone"
    assert answer["results"][0]["record"] == pulled[("exercises", exercise)]
    assert device.push_raw([mutation()]).json()["conflicts"] == []


def test_a_recovery_re_send_restores_what_the_server_lost_without_a_conflict(
    device: Device,
) -> None:
    """The server holds the record at version 1 but the phone held it at version 9 (before the
    server was restored from a backup): its re-sent copy is taken whole, no conflict."""
    exercise, lost = new_id(), new_id()
    device.push(mutation(exercise, fields={"name": "Squat", "muscleGroup": "Legs"}))
    whole = {"name": "Pause squat", "muscleGroup": "Quads"}
    results = device.push(
        mutation(exercise, kind="recover", base=9, fields=whole),
        mutation(lost, kind="recover", base=7, fields={"name": "Row", "muscleGroup": None}),
    )
    assert [r["status"] for r in results] == [APPLIED, APPLIED]
    records = device.pull_all()
    assert {k[0] for k in records} == {"exercises"}  # no conflict records
    assert records[("exercises", exercise)]["name"] == "Pause squat"
    assert records[("exercises", lost)]["name"] == "Row"


def test_a_recovery_re_send_must_be_whole(device: Device) -> None:
    response = device.push_raw([mutation(kind="recover", base=3, fields={"muscleGroup": "Legs"})])
    assert response.status_code == 422 and "Exercise name is required" in response.json()["message"]


def test_restore_mark_gives_the_database_a_new_epoch(database_url: str, device: Device) -> None:
    before = device.pull_page()["epoch"]
    db = Database(database_url)
    try:
        fresh = identity.mark_restored(db)
    finally:
        db.close()
    assert is_uuid(fresh) and fresh != before
    assert device.pull_page()["epoch"] == fresh


def _restore_file(backup: Path, target: Path) -> None:
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(backup, target)


def test_a_server_restored_from_a_file_copy_is_noticed_and_recovered(tmp_path: Path) -> None:
    """Back up the SQLite file, sync more, put the copy back, run restore-mark: the phone sees a
    new epoch and a cursor ahead of the account, re-sends what was lost, and nothing conflicts."""
    database = tmp_path / "setflow.sqlite3"
    url = f"sqlite:///{database}"
    squat, bench = new_id(), new_id()
    with TestClient(create_app(app_config(url))) as client:
        phone = Device(client, "phone")
        assert phone.signup("ada@example.org").status_code == 201
        phone.push(mutation(squat, fields={"name": "Squat", "muscleGroup": "Legs"}))
        first = phone.pull_page()
        client.app.state.db.close()  # type: ignore[attr-defined]  # checkpoint, as a backup tool
        shutil.copyfile(database, tmp_path / "backup.sqlite3")
        phone.push(
            mutation(bench, fields={"name": "Bench", "muscleGroup": "Chest"}),
            mutation(squat, base=1, fields={"name": "Pause squat"}),
        )
        assert phone.pull_page(since=1)["cursor"] == 3  # the phone has seen version 3
    _restore_file(tmp_path / "backup.sqlite3", database)
    marked_at = int(time.time() * 1000)
    marked = subprocess.run(
        [sys.executable, "-m", "server", "restore-mark", "--database", url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert marked.returncode == 0, marked.stderr
    with TestClient(create_app(app_config(url))) as client:
        phone = Device(client, "phone")
        assert phone.login("ada@example.org").status_code == 200
        page = phone.pull_page(since=3)
        assert page["epoch"] != first["epoch"] and page["epoch"] in marked.stdout
        # The restore moved the account's counter past the gap: whatever is written from now
        # on is newer than anything a device kept from before the restore.
        assert page["accountVersion"] >= marked_at * identity.VERSIONS_PER_MS
        # The recovery sync: pull everything, re-send what the server lacks or holds older.
        held = phone.pull_all()
        assert held[("exercises", squat)]["version"] == 1 and ("exercises", bench) not in held
        results = phone.push(
            mutation(
                squat, kind="recover", base=3, fields={"name": "Pause squat", "muscleGroup": "Legs"}
            ),
            mutation(
                bench, kind="recover", base=2, fields={"name": "Bench", "muscleGroup": "Chest"}
            ),
        )
        assert [r["status"] for r in results] == [APPLIED, APPLIED]
        after = phone.pull_all()
        assert after[("exercises", squat)]["name"] == "Pause squat"
        assert after[("exercises", bench)]["name"] == "Bench"
        assert not [key for key in after if key[0] == "conflicts"]


def test_a_recovery_re_send_never_overwrites_an_edit_made_after_the_restore(
    database_url: str, device: Device, make_client: MakeClient
) -> None:
    """The laptop renames a record after the restore, before the phone recovers: the phone's
    older copy (base 3, from before the restore) loses to it, kept in a conflict record."""
    squat = new_id()
    device.push(mutation(squat, fields={"name": "Squat", "muscleGroup": "Legs"}))
    db = Database(database_url)
    try:
        identity.mark_restored(db)  # the server was put back to version 1; the phone held 3
    finally:
        db.close()
    laptop = second_device(make_client)
    (renamed,) = laptop.push(mutation(squat, base=1, fields={"name": "Front squat"}))
    assert renamed["version"] > 3
    (result,) = device.push(
        mutation(
            squat, kind="recover", base=3, fields={"name": "Pause squat", "muscleGroup": "Legs"}
        )
    )
    assert result["status"] == CONFLICT and result["record"]["name"] == "Front squat"
    (conflict,) = [r for k, r in device.pull_all().items() if k[0] == "conflicts"]
    assert conflict["fields"] == {"name": "Pause squat"} and conflict["wonBy"] == "laptop"


def test_a_tombstone_re_sent_after_a_wipe_keeps_its_data(device: Device) -> None:
    gone = new_id()
    device.push(mutation(gone, kind="delete", base=6, fields={"name": "Good mornings"}))
    tombstone = device.pull_all()[("exercises", gone)]
    assert tombstone["deleted"] is True and tombstone["name"] == "Good mornings"


def test_a_second_restore_still_writes_above_every_version_handed_out_before_it(
    database_url: str, device: Device, make_client: MakeClient
) -> None:
    """The same backup put back twice (or a wipe after a restore): the versions written between
    the two restores are held by devices, so everything written after the second must be above
    them, or a device's re-send would be taken for newer than an edit made after the restore."""
    squat = new_id()
    device.push(mutation(squat, fields={"name": "Squat", "muscleGroup": "Legs"}))
    db = Database(database_url)
    try:
        identity.mark_restored(db, now_ms=1_767_225_600_000)
        laptop = second_device(make_client)
        (renamed,) = laptop.push(mutation(squat, base=1, fields={"name": "Front squat"}))
        with db.write() as conn:  # the backup again: the account back at version 1
            conn.execute(update(users).values(version=1))
        identity.mark_restored(db, now_ms=1_767_225_600_001)  # a millisecond later
    finally:
        db.close()
    assert device.pull_page()["accountVersion"] > renamed["version"]
