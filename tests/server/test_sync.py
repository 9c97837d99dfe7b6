"""Push and pull through the real app, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.testclient import TestClient

from app.core import merge
from app.core.protocol import APPLIED, CONFLICT, DUPLICATE, MERGED, SCHEMA_HEADER
from app.core.schema import CONFLICTS, SCHEMA_VERSION, check_record, get_table
from server.app import create_app
from server.tables import records, users
from tests.server.conftest import MakeClient, app_config
from tests.server.helpers import HEADERS, Device, mutation, new_id


def counter(client: TestClient) -> int:
    """The signed-in user's version counter, straight from the database."""
    db = client.app.state.db  # type: ignore[attr-defined]
    with db.read() as conn:
        return int(conn.execute(users.select()).first().version)  # type: ignore[union-attr]


def row_count(client: TestClient) -> int:
    db = client.app.state.db  # type: ignore[attr-defined]
    with db.read() as conn:
        return len(conn.execute(records.select()).all())


def second_device(make_client: MakeClient, email: str = "ada@example.org") -> Device:
    laptop = Device(make_client(), "laptop")
    assert laptop.login(email).status_code == 200
    return laptop


def test_sync_needs_a_session(client: TestClient) -> None:
    pull = client.get("/api/sync", headers=HEADERS)
    push = client.post("/api/sync", headers=HEADERS, json={})
    assert pull.status_code == push.status_code == 401
    assert pull.json()["error"] == "unauthorized" and "message" in pull.json()


def test_push_then_pull_round_trip(device: Device) -> None:
    push = mutation(fields={"name": "Squat", "muscleGroup": "Legs"})
    (result,) = device.push(push)
    assert result["status"] == APPLIED and result["version"] == 1
    assert result["mutationId"] == push["mutationId"]
    record = result["record"]
    assert record == {
        "id": push["id"],
        "table": "exercises",
        "createdAt": push["clientTime"],
        "updatedAt": push["clientTime"],
        "deviceId": "phone",
        "deleted": False,
        "version": 1,
        "name": "Squat",
        "muscleGroup": "Legs",
    }
    page = device.pull_page()
    server = {k: page[k] for k in ("epoch", "accountVersion", "limits", "horizon")}
    assert page == {
        "schemaVersion": SCHEMA_VERSION,
        "changes": [record],
        "cursor": 1,
        "hasMore": False,
        **server,
    }
    # Nothing new after the cursor.
    assert device.pull_page(since=1) == {
        "schemaVersion": SCHEMA_VERSION,
        "changes": [],
        "cursor": 1,
        "hasMore": False,
        **server,
    }
    local = {k: v for k, v in record.items() if k != "table"}
    check_record(get_table("exercises"), local)


def test_every_table_round_trips(device: Device) -> None:
    exercise, program, workout = new_id(), new_id(), new_id()
    device.push(
        mutation(exercise, fields={"name": "Bench"}),
        mutation(
            program,
            table="programs",
            fields={"name": "A", "items": [{"exerciseId": exercise, "sets": 3, "reps": 5}]},
        ),
        mutation(
            workout,
            table="workoutLogs",
            fields={"date": "2026-01-31", "programId": program, "notes": "Felt strong"},
        ),
        mutation(
            table="workoutSets",
            fields={
                "workoutId": workout,
                "exerciseId": exercise,
                "position": 0,
                "reps": 5,
                "weight": 82.5,
            },
        ),
    )
    pulled = device.pull_all()
    assert sorted(t for t, _ in pulled) == ["exercises", "programs", "workoutLogs", "workoutSets"]
    assert pulled[("programs", program)]["items"][0]["sets"] == 3
    assert [c["version"] for c in pulled.values()] == [1, 2, 3, 4]


def test_pull_pages_with_cursor_and_has_more(device: Device) -> None:
    ids = [new_id() for _ in range(25)]
    device.push(*[mutation(i, fields={"name": f"Exercise {n}"}) for n, i in enumerate(ids)])
    seen: list[dict[str, Any]] = []
    since, pages = 0, 0
    while True:
        page = device.pull_page(since, limit=10)
        pages += 1
        seen.extend(page["changes"])
        assert page["cursor"] == (page["changes"][-1]["version"] if page["changes"] else since)
        since = page["cursor"]
        if not page["hasMore"]:
            break
    assert pages == 3
    assert [c["id"] for c in seen] == ids
    versions = [c["version"] for c in seen]
    assert versions == sorted(versions) and len(set(versions)) == 25


def test_pull_shows_only_the_latest_state_of_a_record(device: Device) -> None:
    rid = new_id()
    device.push(mutation(rid, fields={"name": "A"}))
    device.push(mutation(rid, base=1, fields={"name": "B"}))
    page = device.pull_page()
    assert [(c["name"], c["version"]) for c in page["changes"]] == [("B", 2)]


def test_retried_push_is_answered_duplicate_and_changes_nothing(device: Device) -> None:
    first = mutation(fields={"name": "Squat"})
    (applied,) = device.push(first)
    before = counter(device.client)
    again = device.push(first, first)
    assert [r["status"] for r in again] == [DUPLICATE, DUPLICATE]
    assert all(r["version"] == applied["version"] for r in again)
    assert again[0]["record"] == applied["record"]
    assert counter(device.client) == before
    assert len(device.pull_page()["changes"]) == 1
    # The same mutation twice within one push is applied once.
    twice = mutation(fields={"name": "Row"})
    assert [r["status"] for r in device.push(twice, twice)] == [APPLIED, DUPLICATE]
    assert row_count(device.client) == 2


def test_duplicate_answers_with_the_current_record(device: Device) -> None:
    rid = new_id()
    create = mutation(rid, fields={"name": "A"})
    device.push(create)
    device.push(mutation(rid, base=1, fields={"name": "B"}))
    (retry,) = device.push(create)
    assert retry["status"] == DUPLICATE and retry["version"] == 1
    assert retry["record"]["name"] == "B" and retry["record"]["version"] == 2


def test_edits_of_different_fields_on_two_devices_both_survive(
    device: Device, make_client: MakeClient
) -> None:
    rid = new_id()
    device.push(mutation(rid, fields={"name": "Squat", "muscleGroup": "Legs"}))
    laptop = second_device(make_client)
    assert laptop.pull_all()[("exercises", rid)]["version"] == 1
    device.push(mutation(rid, base=1, fields={"name": "Back squat"}))
    (result,) = laptop.push(mutation(rid, base=1, fields={"muscleGroup": "Quads"}))
    assert result["status"] == MERGED
    assert result["record"]["name"] == "Back squat" and result["record"]["muscleGroup"] == "Quads"
    final = device.pull_all()
    assert set(final) == {("exercises", rid)}


def test_conflict_end_to_end(device: Device, make_client: MakeClient) -> None:
    rid = new_id()
    device.push(mutation(rid, fields={"name": "Squat", "muscleGroup": "Legs"}))
    laptop = second_device(make_client)
    laptop.pull_all()
    # The phone renames first; the laptop, offline, renames too and changes the muscle group.
    device.push(mutation(rid, base=1, fields={"name": "Back squat"}))
    lost = mutation(rid, base=1, fields={"name": "Low-bar squat", "muscleGroup": "Glutes"})
    (result,) = laptop.push(lost)
    assert result["status"] == CONFLICT
    assert result["record"]["name"] == "Back squat"
    assert result["record"]["muscleGroup"] == "Glutes"

    pulled = device.pull_all(since=2)
    conflicts = [c for (t, _), c in pulled.items() if t == "conflicts"]
    assert len(conflicts) == 1
    conflict = conflicts[0]
    assert conflict["recordTable"] == "exercises" and conflict["recordId"] == rid
    assert conflict["reason"] == "edited" and conflict["lostBy"] == "laptop"
    assert conflict["fields"] == {"name": "Low-bar squat"}
    assert conflict["serverFields"] == {"name": "Back squat"}
    assert conflict["deleted"] is False and conflict["deviceId"] == "server"
    local = {k: v for k, v in conflict.items() if k != "table"}
    check_record(CONFLICTS, local)
    assert pulled[("exercises", rid)]["muscleGroup"] == "Glutes"

    # A retry of the losing push makes no second conflict record.
    assert laptop.push(lost)[0]["status"] == DUPLICATE
    assert len([k for k in laptop.pull_all() if k[0] == "conflicts"]) == 1

    # Dismissing it is a delete that syncs to every device.
    (dismissed,) = laptop.push(
        mutation(conflict["id"], table="conflicts", kind="delete", base=conflict["version"])
    )
    assert dismissed["status"] == APPLIED and dismissed["record"]["deleted"] is True
    again = device.pull_all(since=conflict["version"])
    assert again[("conflicts", conflict["id"])]["deleted"] is True


def test_edit_of_a_record_the_server_lacks_must_be_whole(device: Device) -> None:
    """An edit (base > 0) of an id the server never had would store a record without its
    required fields; it is refused like any bad input, and the push changes nothing."""
    good = mutation(fields={"name": "Fine"})
    partial = mutation(base=4, fields={"muscleGroup": "Legs"})
    response = device.push_raw([good, partial])
    assert response.status_code == 422 and "Exercise name is required" in response.text
    assert row_count(device.client) == 0 and counter(device.client) == 0
    (whole,) = device.push(mutation(base=4, fields={"name": "Squat"}))
    assert whole["status"] == APPLIED


def test_device_may_not_claim_to_be_the_server(device: Device) -> None:
    device.device_id = "server"
    assert device.push_raw([mutation()]).status_code == 422
    assert row_count(device.client) == 0


def test_devices_cannot_write_conflict_records(device: Device) -> None:
    fields = {
        "recordTable": "exercises",
        "recordId": new_id(),
        "reason": "edited",
        "fields": {},
        "serverFields": {},
        "lostBy": "x",
    }
    response = device.push_raw([mutation(table="conflicts", fields=fields)])
    assert response.status_code == 422 and response.json()["error"] == "invalid"
    assert device.pull_page()["changes"] == []


def test_deleted_records_stay_deleted(device: Device, make_client: MakeClient) -> None:
    rid = new_id()
    device.push(mutation(rid, fields={"name": "Squat"}))
    old = second_device(make_client)
    old.pull_all()
    (deleted,) = device.push(mutation(rid, kind="delete", base=1))
    assert deleted["status"] == APPLIED and deleted["record"]["deleted"] is True
    assert deleted["record"]["name"] == "Squat"  # the tombstone keeps the data
    # An old device that never saw the delete syncs late: the delete wins, the edit is kept.
    (late,) = old.push(mutation(rid, base=1, fields={"name": "Front squat"}))
    assert late["status"] == CONFLICT and late["record"]["deleted"] is True
    pulled = device.pull_all()
    assert pulled[("exercises", rid)]["deleted"] is True
    (conflict,) = [c for (t, _), c in pulled.items() if t == "conflicts"]
    assert conflict["reason"] == "deleted" and conflict["fields"] == {"name": "Front squat"}
    # Not even a fresh create of the same id brings it back.
    (create,) = old.push(mutation(rid, fields={"name": "Zombie"}))
    assert create["record"]["deleted"] is True


def test_delete_of_unknown_id_leaves_a_tombstone(device: Device) -> None:
    rid = new_id()
    (result,) = device.push(mutation(rid, kind="delete"))
    assert result["status"] == APPLIED and result["record"]["deleted"] is True
    (later,) = device.push(mutation(rid, fields={"name": "Squat"}))
    assert later["record"]["deleted"] is True


def test_delete_after_edits_elsewhere_keeps_them(device: Device, make_client: MakeClient) -> None:
    rid = new_id()
    device.push(mutation(rid, fields={"name": "Squat"}))
    laptop = second_device(make_client)
    laptop.pull_all()
    laptop.push(mutation(rid, base=1, fields={"name": "Pause squat"}))
    (result,) = device.push(mutation(rid, kind="delete", base=1))
    assert result["status"] == CONFLICT and result["record"]["deleted"] is True
    (conflict,) = [c for (t, _), c in device.pull_all().items() if t == "conflicts"]
    assert conflict["reason"] == "edited-then-deleted"
    assert conflict["fields"] == {"name": "Pause squat"} and conflict["lostBy"] == "laptop"


def test_restore_brings_a_deleted_record_back(device: Device) -> None:
    rid = new_id()
    device.push(mutation(rid, fields={"name": "Squat", "muscleGroup": "Legs"}))
    device.push(mutation(rid, kind="delete", base=1))
    (result,) = device.push(mutation(rid, kind="restore", base=2, fields={"name": "Squat 2"}))
    assert result["status"] == APPLIED and result["record"]["deleted"] is False
    assert result["record"]["name"] == "Squat 2" and result["record"]["muscleGroup"] == "Legs"


def test_unchanged_put_takes_no_version(device: Device) -> None:
    rid = new_id()
    device.push(mutation(rid, fields={"name": "Squat"}))
    (result,) = device.push(mutation(rid, base=1, fields={"name": "Squat"}))
    assert result["status"] == APPLIED and result["version"] == 1
    assert counter(device.client) == 1


def test_users_never_see_or_change_each_others_records(make_client: MakeClient) -> None:
    ada = Device(make_client(), "ada-phone")
    ada.signup("ada@example.org")
    rid = new_id()
    create = mutation(rid, fields={"name": "Ada's squat"})
    ada.push(create)
    bob = Device(make_client(), "bob-phone")
    bob.signup("bob@example.org")
    assert bob.pull_all() == {}
    # Bob names Ada's record id, and even her mutationId: he gets a row of his own.
    (mine,) = bob.push({**create, "fields": {"name": "Bob's squat"}})
    assert mine["status"] == APPLIED and mine["record"]["name"] == "Bob's squat"
    bob.push(mutation(rid, base=5, fields={"name": "Hijack"}))
    bob.push(mutation(rid, kind="delete", base=9))
    assert bob.pull_all()[("exercises", rid)]["deleted"] is True
    ada_view = ada.pull_all()
    assert ada_view[("exercises", rid)]["name"] == "Ada's squat"
    assert ada_view[("exercises", rid)]["deleted"] is False
    assert ada_view[("exercises", rid)]["version"] == 1
    assert set(ada_view) == {("exercises", rid)}


# --- bad input changes nothing ----------------------------------------------------------------


def body(device: Device, mutations: list[Any], **extra: Any) -> bytes:
    return json.dumps(
        {"schemaVersion": 1, "deviceId": device.device_id, "mutations": mutations, **extra}
    ).encode()


BAD_BODIES = {
    "invalid json": (lambda d: b'{"schemaVersion": 1, "mutations": [', 400),
    "not an object": (lambda d: b"[1, 2, 3]", 422),
    "nan": (lambda d: body(d, [mutation(fields={"name": "A"})]).replace(b"1,", b"NaN,", 1), 400),
    "missing deviceId": (
        lambda d: json.dumps({"schemaVersion": 1, "mutations": []}).encode(),
        422,
    ),
    "unknown top-level key": (lambda d: body(d, [], extra=1), 422),
    "wrong shape": (lambda d: body(d, [{"mutationId": new_id()}]), 422),
    "unknown table": (lambda d: body(d, [mutation(table="users")]), 422),
    "unknown field": (lambda d: body(d, [mutation(fields={"name": "A", "isAdmin": True})]), 422),
    "bad uuid": (lambda d: body(d, [{**mutation(), "id": "../../etc/passwd"}]), 422),
    "bad field value": (lambda d: body(d, [mutation(fields={"name": "x" * 81})]), 422),
    "too many mutations": (
        lambda d: body(d, [mutation(fields={"name": "A"}) for _ in range(1001)]),
        422,
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_BODIES))
def test_bad_push_changes_nothing(device: Device, case: str) -> None:
    device.push(mutation(fields={"name": "Existing"}))
    make, status = BAD_BODIES[case]
    good = mutation(fields={"name": "Good"})
    raw = make(device)
    if status == 422 and case not in ("not an object", "missing deviceId"):
        # A valid mutation ahead of the bad one must not be written either.
        parsed = json.loads(raw)
        parsed["mutations"].insert(0, good)
        raw = json.dumps(parsed).encode()
    response = device.client.post(
        "/api/sync", content=raw, headers={**HEADERS, "Content-Type": "application/json"}
    )
    assert response.status_code == status, response.text
    assert set(response.json()) == {"error", "message"}
    assert counter(device.client) == 1 and row_count(device.client) == 1


def test_body_over_the_limit_is_413_and_changes_nothing(make_client: MakeClient) -> None:
    device = Device(make_client(max_body=2000), "phone")
    device.signup("ada@example.org")
    many = [mutation(fields={"name": "A" * 50}) for _ in range(20)]
    response = device.push_raw(many)
    assert response.status_code == 413 and response.json()["error"] == "too_large"

    # A streamed body without Content-Length is counted too.
    def chunks() -> Any:
        yield body(device, many)

    response = device.client.post(
        "/api/sync", content=chunks(), headers={**HEADERS, "Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert counter(device.client) == 0 and row_count(device.client) == 0
    assert device.push(mutation(fields={"name": "small"}))[0]["status"] == APPLIED


@pytest.mark.parametrize(
    ("since", "limit"), [("-1", None), ("abc", None), ("1.5", None), ("0", "x"), ("0", "-3")]
)
def test_bad_pull_parameters_are_422(device: Device, since: str, limit: str | None) -> None:
    params = {"since": since} if limit is None else {"since": since, "limit": limit}
    response = device.client.get("/api/sync", params=params, headers=HEADERS)
    assert response.status_code == 422 and response.json()["error"] == "invalid"


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    ("header", "status"),
    [(None, 400), ("", 400), ("one", 400), ("1.0", 400), ("999", 426), ("1", 426), ("2", 426)],
)
def test_schema_handshake(
    sqlite_client: TestClient, method: str, header: str | None, status: int
) -> None:
    """Checked before the session (so on SQLite only: no storage involved)."""
    device = Device(sqlite_client, "phone")
    device.signup("ada@example.org")
    headers = {} if header is None else {SCHEMA_HEADER: header}
    if method == "get":
        response = device.client.get("/api/sync", headers=headers)
    else:
        payload = {"schemaVersion": SCHEMA_VERSION, "deviceId": "phone", "mutations": [mutation()]}
        response = device.client.post("/api/sync", json=payload, headers=headers)
    assert response.status_code == status
    expected = "update_required" if status == 426 else "bad_request"
    assert response.json()["error"] == expected
    assert row_count(device.client) == 0


@pytest.mark.parametrize("version", [1, 2, SCHEMA_VERSION + 1])
def test_push_body_with_unsupported_schema_is_426(device: Device, version: int) -> None:
    """An app of schema 1 (before set check-offs) or 2 (before supersets) is told to update,
    and nothing is stored."""
    payload = {"schemaVersion": version, "deviceId": "phone", "mutations": [mutation()]}
    response = device.client.post("/api/sync", json=payload, headers=HEADERS)
    assert response.status_code == 426 and response.json()["error"] == "update_required"
    assert row_count(device.client) == 0


def test_a_push_that_fails_midway_changes_nothing(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One push is one transaction: a failure at the second mutation undoes the first."""
    app = create_app(app_config(database_url))
    quiet = TestClient(app, raise_server_exceptions=False)
    device = Device(quiet, "phone")
    device.signup("ada@example.org")
    real_apply = merge.apply
    calls = []

    def failing_apply(*args: Any, **kwargs: Any) -> merge.Outcome:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk on fire")
        return real_apply(*args, **kwargs)

    monkeypatch.setattr(merge, "apply", failing_apply)
    response = device.push_raw([mutation(fields={"name": "A"}), mutation(fields={"name": "B"})])
    assert response.status_code == 500
    reference = response.headers["x-request-id"]
    assert response.json() == {
        "error": "internal",
        "message": f"Something went wrong on the server (reference {reference}).",
    }
    assert row_count(quiet) == 0 and counter(quiet) == 0
    app.state.db.close()


def test_largest_push_creates_edits_and_retries(device: Device) -> None:
    creates = [mutation(fields={"name": f"Exercise {n}"}) for n in range(1000)]
    results = device.push(*creates)
    assert [r["version"] for r in results] == list(range(1, 1001))
    edits = [
        mutation(m["id"], base=n + 1, fields={"muscleGroup": "Legs"}) for n, m in enumerate(creates)
    ]
    assert {r["status"] for r in device.push(*edits)} == {APPLIED}
    assert {r["status"] for r in device.push(*edits)} == {DUPLICATE}
    pulled = device.pull_all()
    assert len(pulled) == 1000 and all(c["muscleGroup"] == "Legs" for c in pulled.values())
    assert counter(device.client) == 2000


def test_reused_mutation_id_answers_for_the_record_it_first_changed(device: Device) -> None:
    first = mutation(fields={"name": "First"})
    device.push(first)
    (retry,) = device.push({**first, "id": new_id(), "fields": {"name": "Other"}})
    assert retry["status"] == DUPLICATE and retry["record"]["id"] == first["id"]
    assert row_count(device.client) == 1


def test_changes_queued_by_a_schema_1_app_are_taken_after_it_updates(device: Device) -> None:
    """An old app (schema 1) got 426 and reloaded into this version: its outbox, unchanged,
    pushes under schema 2 and every entry is taken, none refused or dropped."""
    from tests.fixtures import schema1

    results = device.push(*schema1.OUTBOX)
    assert [r["status"] for r in results] == [APPLIED] * 5 + [MERGED, APPLIED]
    pulled = device.pull_all()
    new_set = pulled[("workoutSets", schema1.SET_2)]
    assert (new_set["reps"], new_set["weight"], new_set.get("done")) == (5, 97.5, None)
    assert pulled[("exercises", schema1.SQUAT)]["name"] == "Back squat"
    assert pulled[("programs", schema1.PROGRAM)]["deleted"] is True
