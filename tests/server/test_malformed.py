"""Every malformed push gets a clear 4xx and changes nothing: never a 500, on either database."""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.testclient import TestClient

from app.core.schema import SCHEMA_VERSION
from tests.server.helpers import HEADERS, Device, mutation, new_id
from tests.server.test_sync import counter, row_count

MAX_SAFE = 2**53


def send(device: Device, body: dict[str, Any]) -> Any:
    """Post ``body`` as a browser would: JSON.stringify escapes a lone surrogate as \\udXXX."""
    raw = json.dumps(body)  # ensure_ascii: lone surrogates travel as escapes, like the browser's
    headers = {**HEADERS, "Content-Type": "application/json"}
    return device.client.post("/api/sync", content=raw.encode("ascii"), headers=headers)


def push_body(device: Device, *mutations: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    return {
        "schemaVersion": SCHEMA_VERSION,
        "deviceId": device.device_id,
        "mutations": list(mutations),
        **overrides,
    }


def without(obj: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if k != key}


def assert_refused(device: Device, body: dict[str, Any], *words: str) -> None:
    before = counter(device.client), row_count(device.client)
    response = send(device, body)
    assert response.status_code == 422, response.text
    answer = response.json()
    assert answer["error"] == "invalid"
    for word in words:
        assert word in answer["message"], answer["message"]
    assert (counter(device.client), row_count(device.client)) == before  # nothing changed


MALFORMED_MUTATIONS: dict[str, dict[str, Any]] = {
    "no table": without(mutation(), "table"),
    "table not text": {**mutation(), "table": 7},
    "no id": without(mutation(), "id"),
    "no kind": without(mutation(), "kind"),
    "no baseVersion": without(mutation(), "baseVersion"),
    "clientTime 2**63": {**mutation(), "clientTime": 2**63},
    "clientTime 2**53": {**mutation(), "clientTime": MAX_SAFE},
    "clientTime negative": {**mutation(), "clientTime": -1},
    "delete with negative clientTime": {**mutation(kind="delete"), "clientTime": -1},
    "restore with negative clientTime": {**mutation(kind="restore", base=1), "clientTime": -1},
    "clientTime a float": {**mutation(), "clientTime": 1.5},
    "baseVersion 2**63": mutation(base=2**63, fields={"name": "Squat"}),
    "baseVersion 2**53": mutation(base=MAX_SAFE, fields={"name": "Squat"}),
    "lone surrogate in a name": mutation(fields={"name": "Squat \ud83d"}),
    "low surrogate alone": mutation(fields={"name": "\udc00 Squat"}),
    "NUL in a name": mutation(fields={"name": "Squat\x00"}),
    "bell in a muscle group": mutation(fields={"name": "Squat", "muscleGroup": "Le\x07gs"}),
    "C1 control in notes": mutation(
        table="workoutLogs", fields={"date": "2026-01-02", "notes": "ok\x85"}
    ),
    "escape in a program name": mutation(
        table="programs", fields={"name": "\x1b[31mRed", "items": []}
    ),
    "date with a trailing newline": mutation(table="workoutLogs", fields={"date": "2026-01-02\n"}),
    "date with non-ASCII digits": mutation(table="workoutLogs", fields={"date": "٢٠٢٦-01-02"}),
    "date that does not exist": mutation(table="workoutLogs", fields={"date": "2026-13-45"}),
    "id with non-ASCII digits": {**mutation(), "id": "١" + new_id()[1:]},
    "id with hyphens moved": {**mutation(), "id": new_id().replace("-", "")[:35] + "-"},
    "fields with a NUL key": mutation(fields={"name": "Squat", "\x00": 1}),
}


@pytest.mark.parametrize("case", sorted(MALFORMED_MUTATIONS))
def test_malformed_mutation_gets_422_and_changes_nothing(device: Device, case: str) -> None:
    device.push(mutation())  # something stored, so "changes nothing" means something
    assert_refused(device, push_body(device, mutation(), MALFORMED_MUTATIONS[case]))


@pytest.mark.parametrize(
    ("device_id", "words"),
    [
        ("phone\ud83d", ["deviceId"]),
        ("phone\x00", ["deviceId"]),
        ("phone\n", ["deviceId"]),
        ("", ["deviceId"]),
        ("x" * 81, ["deviceId"]),
    ],
)
def test_malformed_device_id_gets_422(device: Device, device_id: str, words: list[str]) -> None:
    assert_refused(device, push_body(device, mutation(), deviceId=device_id), *words)


def test_the_refusal_names_the_field_for_a_person(device: Device) -> None:
    body = push_body(device, mutation(fields={"name": "Squat \ud83d"}))
    assert_refused(device, body, "Exercise name", "character")


def test_text_people_really_type_is_kept(device: Device) -> None:
    notes = "Felt strong 💪\tPR!\nNext: 100 kg → 102,5 kg · Ünïcödé 日本語 \u200d👨‍👩‍👧"
    workout = new_id()
    (result,) = device.push(
        mutation(workout, table="workoutLogs", fields={"date": "2026-02-28", "notes": notes})
    )
    assert result["record"]["notes"] == notes
    assert device.pull_all()[("workoutLogs", workout)]["notes"] == notes


def test_largest_allowed_times_are_kept(device: Device) -> None:
    record = {**mutation(), "clientTime": MAX_SAFE - 1}
    response = send(device, push_body(device, record))
    assert response.status_code == 200, response.text
    assert response.json()["results"][0]["record"]["updatedAt"] == MAX_SAFE - 1


def test_a_push_refused_as_invalid_never_reaches_the_database(sqlite_client: TestClient) -> None:
    """The 500 of issue 9: a lone surrogate was committed, then every answer failed."""
    dev = Device(sqlite_client, "phone")
    assert dev.signup("ada@example.org").status_code == 201
    assert send(dev, push_body(dev, mutation(fields={"name": "\ud800"}))).status_code == 422
    page = dev.client.get("/api/sync", headers=HEADERS)
    assert page.status_code == 200 and page.json()["changes"] == []
