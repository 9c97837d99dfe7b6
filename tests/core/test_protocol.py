"""The wire format's additions for recovery and limits: old answers still parse, new ones
round-trip, malformed ones are refused with a sentence."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from app.core import protocol
from app.core.protocol import (
    MutationResult,
    ProtocolError,
    PullResponse,
    PushLimits,
    PushResponse,
    parse_mutation,
    parse_pull_response,
    parse_push_response,
    push_limits,
)

EPOCH = "7d4f0c52-4c1f-4c1e-9d1c-1f0e0b6a2b11"


def record(table: str = "exercises", version: int = 3) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "table": table,
        "createdAt": 1,
        "updatedAt": 1,
        "deviceId": "phone",
        "deleted": False,
        "version": version,
        "name": "Squat",
    }


def test_an_old_pull_answer_parses_with_defaults() -> None:
    page = parse_pull_response({"schemaVersion": 1, "changes": [], "cursor": 4, "hasMore": False})
    assert page.epoch == "" and page.account_version is None
    assert page.limits == PushLimits()
    assert not page.server_lost_changes(since=9)  # an old server cannot say


def test_a_pull_answer_round_trips_epoch_account_version_and_limits() -> None:
    answer = PullResponse(
        [record()], 3, False, epoch=EPOCH, account_version=3, limits=PushLimits(1000, 10)
    )
    wire = answer.to_json()
    assert wire["epoch"] == EPOCH and wire["accountVersion"] == 3
    assert wire["limits"] == {"maxPushBytes": 1000, "maxPushMutations": 10}
    assert parse_pull_response(wire) == answer


def test_a_cursor_above_the_account_version_shows_the_server_lost_changes() -> None:
    page = parse_pull_response(
        {"changes": [], "cursor": 12, "hasMore": False, "epoch": EPOCH, "accountVersion": 5}
    )
    assert page.server_lost_changes(since=12)
    assert not page.server_lost_changes(since=5)


@pytest.mark.parametrize(
    "extra",
    [
        {"epoch": 7},
        {"accountVersion": -1},
        {"accountVersion": True},
        {"accountVersion": "5"},
        {"limits": []},
        {"limits": {"maxPushBytes": 0, "maxPushMutations": 10}},
        {"limits": {"maxPushBytes": 100}},
    ],
)
def test_malformed_pull_additions_are_refused(extra: dict[str, Any]) -> None:
    with pytest.raises(ProtocolError):
        parse_pull_response({"changes": [], "cursor": 0, "hasMore": False, **extra})


def test_limits_leave_headroom_under_the_body_limit() -> None:
    assert push_limits(5 * 1024 * 1024, 1000) == PushLimits(5 * 1024 * 1024 - 64 * 1024, 1000)
    assert push_limits(1000, 5).max_push_bytes == 500  # never less than half the limit
    assert PushLimits().max_push_bytes == protocol.MAX_BODY_DEFAULT - protocol.PUSH_BYTES_HEADROOM


def test_an_old_push_answer_parses_without_conflicts() -> None:
    mid = str(uuid.uuid4())
    answer = parse_push_response(
        {"results": [{"mutationId": mid, "status": "applied", "version": 3, "record": record()}]}
    )
    assert answer.conflicts == [] and answer.results[0].record is not None


def test_a_push_answer_round_trips_its_conflict_records() -> None:
    mid = str(uuid.uuid4())
    conflict = {**record("conflicts", 5), "recordTable": "exercises"}
    del conflict["name"]
    answer = PushResponse(
        [MutationResult(mid, "conflict", 4, record(version=4))], conflicts=[conflict]
    )
    assert parse_push_response(answer.to_json()) == answer


@pytest.mark.parametrize(
    "conflicts",
    [{}, [record("exercises")], [{"table": "conflicts"}], ["x"]],
)
def test_malformed_push_conflicts_are_refused(conflicts: Any) -> None:
    with pytest.raises(ProtocolError):
        parse_push_response({"results": [], "conflicts": conflicts})


def test_a_push_result_record_must_name_its_table() -> None:
    mid = str(uuid.uuid4())
    with pytest.raises(ProtocolError):
        parse_push_response(
            {"results": [{"mutationId": mid, "status": "applied", "version": 1, "record": {}}]}
        )


def test_recover_carries_the_whole_record() -> None:
    base = {
        "mutationId": str(uuid.uuid4()),
        "table": "exercises",
        "id": str(uuid.uuid4()),
        "kind": "recover",
        "baseVersion": 9,
        "clientTime": 1,
    }
    assert parse_mutation({**base, "fields": {"name": "Squat"}}).kind == "recover"
    with pytest.raises(ProtocolError, match="Exercise name is required"):
        parse_mutation({**base, "fields": {"muscleGroup": "Legs"}})


def mutation(**changed: Any) -> dict[str, Any]:
    good = {
        "mutationId": str(uuid.uuid4()),
        "table": "exercises",
        "id": str(uuid.uuid4()),
        "kind": "put",
        "baseVersion": 2,
        "fields": {"name": "Squat"},
        "clientTime": 5,
    }
    return {k: v for k, v in {**good, **changed}.items() if v is not None}


@pytest.mark.parametrize(
    ("sent", "said"),
    [
        ("not an object", "Mutation 0 must be an object."),
        (mutation(colour="red"), "Mutation 0 has unknown field(s): colour."),
        (mutation(mutationId=None), "Mutation 0 is missing 'mutationId'."),
        (mutation(id=7), "Mutation 0: 'id' has the wrong type."),
        (mutation(id="not-a-uuid"), "Mutation 0: mutationId and id must be UUIDs."),
        (mutation(kind="drop"), "Mutation 0: kind must be one of"),
        (mutation(baseVersion=True), "Mutation 0: 'baseVersion' must be a whole number."),
        (mutation(baseVersion=-1), "Mutation 0: baseVersion must be a whole number from 0"),
        (mutation(fields=[1]), "Mutation 0: fields must be an object."),
        (mutation(clientTime=-5), "Mutation 0: clientTime must be a whole number of milliseconds"),
        (mutation(table="secrets"), "Mutation 0: "),
    ],
)
def test_a_malformed_mutation_is_refused_with_what_is_wrong(sent: Any, said: str) -> None:
    with pytest.raises(ProtocolError) as refused:
        parse_mutation(sent)
    assert str(refused.value).startswith(said)


def push_body(**changed: Any) -> dict[str, Any]:
    good = {"schemaVersion": 2, "deviceId": "phone-1", "mutations": [mutation()]}
    return {k: v for k, v in {**good, **changed}.items() if v is not None}


@pytest.mark.parametrize(
    ("sent", "said"),
    [
        ([], "The push body must be a JSON object."),
        (push_body(extra=1), "The push body has unknown field(s): extra."),
        (push_body(deviceId=None), "The push body is missing 'deviceId'."),
        (push_body(deviceId=""), "The push body: "),
        (push_body(mutations={}), "The push body: 'mutations' has the wrong type."),
        (push_body(mutations=[mutation(), mutation(), mutation()]), "A push may hold at most 2"),
    ],
)
def test_a_malformed_push_body_is_refused_with_what_is_wrong(sent: Any, said: str) -> None:
    with pytest.raises(ProtocolError) as refused:
        protocol.parse_push_request(sent, max_mutations=2)
    assert str(refused.value).startswith(said)


def test_a_good_push_body_parses_into_its_mutations() -> None:
    body = push_body()
    parsed = protocol.parse_push_request(body)
    assert (parsed.device_id, parsed.schema_version) == ("phone-1", 2)
    (only,) = parsed.mutations
    assert (only.id, only.kind, only.base_version, only.fields, only.client_time) == (
        body["mutations"][0]["id"],
        "put",
        2,
        {"name": "Squat"},
        5,
    )
    assert protocol.parse_push_request(parsed.to_json()) == parsed  # the device's own body


@pytest.mark.parametrize(
    ("sent", "said"),
    [
        ([], "The pull answer must be a JSON object."),
        ({"cursor": 1, "hasMore": False}, "The pull answer is missing 'changes'."),
        ({"changes": [{"table": "x"}], "cursor": 1, "hasMore": False}, "A pulled change names"),
        (
            {"changes": [], "cursor": 1, "hasMore": False, "horizon": -1},
            "The pull answer's horizon",
        ),
        (
            {"changes": [], "cursor": 1, "hasMore": False, "limits": 3},
            "The pull answer's limits must be an object.",
        ),
        (
            {
                "changes": [],
                "cursor": 1,
                "hasMore": False,
                "limits": {"maxPushBytes": 0, "maxPushMutations": 1},
            },
            "The pull answer's limits must be positive.",
        ),
    ],
)
def test_a_malformed_pull_answer_is_refused_with_what_is_wrong(sent: Any, said: str) -> None:
    with pytest.raises(ProtocolError) as refused:
        parse_pull_response(sent)
    assert str(refused.value).startswith(said)


@pytest.mark.parametrize(
    ("parse", "sent", "read"),
    [
        (protocol.parse_schema_header, None, None),
        (protocol.parse_schema_header, " 2 ", 2),
        (protocol.parse_cursor, None, 0),
        (protocol.parse_cursor, "", 0),
        (protocol.parse_cursor, "120", 120),
        (protocol.parse_limit, None, protocol.PULL_LIMIT),
        (protocol.parse_limit, "0", 1),
        (protocol.parse_limit, "999999", protocol.PULL_LIMIT_MAX),
    ],
)
def test_header_and_query_numbers_are_read(parse: Any, sent: str | None, read: int | None) -> None:
    assert parse(sent) == read


@pytest.mark.parametrize(
    ("parse", "sent"),
    [
        (protocol.parse_schema_header, "²"),
        (protocol.parse_schema_header, "two"),
        (protocol.parse_cursor, "-1"),
        (protocol.parse_cursor, "١٢"),
        (protocol.parse_limit, "1e3"),
        (protocol.parse_limit, "1234567"),
    ],
)
def test_header_and_query_numbers_that_are_not_plain_digits_are_refused(
    parse: Any, sent: str
) -> None:
    with pytest.raises(ProtocolError):
        parse(sent)
