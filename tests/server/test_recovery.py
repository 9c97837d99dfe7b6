"""What a device needs to notice a restored server and recover: the pull answer's epoch,
account version and limits, the push answer's conflicts, and ``recover`` re-sends."""

from __future__ import annotations

from app.core import protocol
from app.core.protocol import APPLIED, CONFLICT
from app.core.schema import is_uuid
from server.config import DEFAULT_MAX_BODY
from tests.server.conftest import MakeClient
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
