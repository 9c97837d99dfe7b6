"""One wire contract: every message the protocol module makes is what the OpenAPI document says.

Sample messages of every kind are made by ``app.core.protocol`` (the module the browser and the
server both run), validated against the document the server serves, parsed back by the same
module, and their fields compared both ways with the document's: a field added on one side only
fails here.
"""

from __future__ import annotations

import uuid
from typing import Any

import jsonschema_rs
import pytest
from fastapi.testclient import TestClient

from app.core import protocol
from app.core.protocol import (
    Mutation,
    MutationResult,
    PullResponse,
    PushLimits,
    PushRequest,
    PushResponse,
)

RECORD = {
    "id": str(uuid.uuid4()),
    "table": "exercises",
    "createdAt": 1,
    "updatedAt": 2,
    "deviceId": "phone",
    "deleted": False,
    "version": 7,
    "name": "Squat",
    "muscleGroup": None,
}


def _mutation(kind: str) -> Mutation:
    fields = {} if kind == "delete" else {"name": "Squat"}
    return Mutation(str(uuid.uuid4()), "exercises", RECORD["id"], kind, 3, fields, 1_700_000)


SAMPLES: dict[str, list[tuple[dict[str, Any], Any]]] = {
    "PushRequest": [
        (
            PushRequest(
                "phone", [_mutation(k) for k in ("put", "delete", "restore", "recover")]
            ).to_json(),
            protocol.parse_push_request,
        ),
        (PushRequest("phone", []).to_json(), protocol.parse_push_request),
    ],
    "PushResponse": [
        (
            PushResponse(
                [
                    MutationResult(
                        str(uuid.uuid4()), status, 7, RECORD if status != "duplicate" else None
                    )
                    for status in ("applied", "merged", "conflict", "duplicate")
                ],
                conflicts=[{**RECORD, "table": "conflicts", "recordTable": "exercises"}],
                epoch="e1",
            ).to_json(),
            protocol.parse_push_response,
        )
    ],
    "PullResponse": [
        (
            PullResponse([RECORD], 7, True, epoch="e1", account_version=9, horizon=2).to_json(),
            protocol.parse_pull_response,
        ),
        (
            PullResponse([], 0, False, limits=PushLimits(1000, 10)).to_json(),
            protocol.parse_pull_response,
        ),
    ],
}


@pytest.fixture
def document(sqlite_client: TestClient) -> dict[str, Any]:
    return sqlite_client.get("/api/openapi.json").json()  # type: ignore[no-any-return]


def _schema(document: dict[str, Any], name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}", "components": document["components"]}


def _properties(document: dict[str, Any], name: str) -> set[str]:
    return set(document["components"]["schemas"][name]["properties"])


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_message_the_protocol_makes_fits_the_document_and_parses_back(
    document: dict[str, Any], name: str
) -> None:
    validator = jsonschema_rs.validator_for(_schema(document, name))
    for message, parse in SAMPLES[name]:
        errors = [str(e) for e in validator.iter_errors(message)]
        assert errors == [], errors
        assert parse(message).to_json() == message


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("PushRequest", PushRequest("phone", [_mutation("put")]).to_json()),
        ("Mutation", _mutation("put").to_json()),
        ("MutationResult", MutationResult("m", "applied", 1, RECORD).to_json()),
        ("PushResponse", PushResponse([], epoch="e1").to_json()),
        ("PushLimits", PushLimits().to_json()),
        ("PullResponse", PullResponse([], 0, False, account_version=0).to_json()),
    ],
)
def test_the_document_names_exactly_the_fields_the_protocol_sends(
    document: dict[str, Any], name: str, message: dict[str, Any]
) -> None:
    assert set(message) == _properties(document, name)


def test_what_the_document_refuses_the_protocol_refuses(document: dict[str, Any]) -> None:
    validator = jsonschema_rs.validator_for(_schema(document, "PushRequest"))
    good = PushRequest("phone", [_mutation("put")]).to_json()
    bad = [
        {**good, "extra": 1},
        {**good, "mutations": [{**good["mutations"][0], "kind": "shout"}]},
        {**good, "mutations": [{**good["mutations"][0], "surprise": True}]},
        {key: value for key, value in good.items() if key != "deviceId"},
    ]
    for message in bad:
        assert not validator.is_valid(message), message
        with pytest.raises(protocol.ProtocolError):
            protocol.parse_push_request(message)
