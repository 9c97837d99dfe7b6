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
