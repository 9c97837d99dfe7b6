"""Every answer the server can produce encodes: whatever a push sends, whatever is stored."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from app.core.schema import SCHEMA_VERSION
from server import answers
from server.tables import records, users
from tests.server.helpers import HEADERS, Device, mutation, new_id

# Text from the whole Unicode range, lone surrogates included (a JSON body carries them as
# \\udXXX escapes, as JSON.stringify writes them).
ANY_TEXT = st.text(st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF), max_size=30)
ANY_NUMBER = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
)
ANY_JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), ANY_NUMBER, ANY_TEXT),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(ANY_TEXT, inner, max_size=3)
    ),
    max_leaves=8,
)
TABLES = st.sampled_from(["exercises", "programs", "workoutLogs", "workoutSets", "conflicts"])
FIELD_NAMES = st.sampled_from(
    [
        "name",
        "muscleGroup",
        "items",
        "date",
        "programId",
        "notes",
        "workoutId",
        "exerciseId",
        "position",
        "reps",
        "weight",
        "recordTable",
        "fields",
    ]
)


@st.composite
def mutations(draw: st.DrawFn) -> dict[str, Any]:
    shape = mutation(
        table=draw(TABLES),
        kind=draw(st.sampled_from(["put", "delete", "restore", "recover"])),
        base=draw(st.sampled_from([0, 1, 2, 2**53, 2**63])),
        fields=draw(st.dictionaries(FIELD_NAMES, ANY_JSON, max_size=4)),
    )
    shape["clientTime"] = draw(st.sampled_from([0, -1, 1_700_000_000_000, 2**53, 2**63]))
    return shape


def send(device: Device, body: Any) -> Any:
    headers = {**HEADERS, "Content-Type": "application/json"}
    return device.client.post(
        "/api/sync", content=json.dumps(body).encode("ascii"), headers=headers
    )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    batch=st.lists(mutations(), min_size=1, max_size=4),
    device_id=st.one_of(st.just("phone"), ANY_TEXT),
)
def test_any_push_gets_an_answer_and_every_pull_after_it_encodes(
    device: Device, batch: list[dict[str, Any]], device_id: str
) -> None:
    body = {"schemaVersion": SCHEMA_VERSION, "deviceId": device_id, "mutations": batch}
    response = send(device, body)
    assert response.status_code in (200, 422), response.text
    answer = response.json()  # a JSON body either way
    assert ("results" in answer) == (response.status_code == 200)
    page = device.client.get("/api/sync", headers=HEADERS)
    assert page.status_code == 200
    for change in page.json()["changes"]:
        json.dumps(change, ensure_ascii=False).encode("utf-8")  # every stored text is UTF-8


@given(ANY_JSON)
def test_any_json_value_encodes(value: Any) -> None:
    assert json.loads(answers.encode({"value": value})) == {"value": value}


def test_a_surrogate_already_in_storage_cannot_break_the_pull(sqlite_client: TestClient) -> None:
    """A database written before the schema refused lone surrogates still answers every pull."""
    dev = Device(sqlite_client, "phone")
    assert dev.signup("ada@example.org").status_code == 201
    record_id = new_id()
    db = sqlite_client.app.state.db  # type: ignore[attr-defined]
    with db.write() as conn:
        user_id = conn.execute(users.select()).first().id  # type: ignore[union-attr]
        conn.execute(
            records.insert().values(
                user_id=user_id,
                table_name="exercises",
                id=record_id,
                version=1,
                deleted=False,
                data='{"name": "Squat \\ud83d"}',
                field_versions="{}",
                device_id="phone",
                created_at=1,
                updated_at=1,
            )
        )
        conn.execute(users.update().values(version=1))
    page = dev.client.get("/api/sync", headers=HEADERS)
    assert page.status_code == 200
    assert page.json()["changes"][0]["name"] == "Squat \ud83d"
