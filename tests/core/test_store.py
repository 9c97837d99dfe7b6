"""The import rule shared by every Store: check everything, then queue what syncs."""

from __future__ import annotations

import itertools

import pytest

from app.core.schema import ValidationError
from app.core.store import import_mutations

EX = {
    "id": "11111111-1111-4111-8111-111111111111",
    "createdAt": 1,
    "updatedAt": 2,
    "deviceId": "dev-a",
    "deleted": False,
    "version": 7,
    "name": "Squat",
    "muscleGroup": None,
}
GONE = {**EX, "id": "22222222-2222-4222-8222-222222222222", "deleted": True}
CONFLICT = {
    **EX,
    "id": "33333333-3333-4333-8333-333333333333",
    "recordTable": "exercises",
    "recordId": EX["id"],
    "reason": "edited",
    "fields": {"name": "Mine"},
    "serverFields": {"name": "Squat"},
    "lostBy": "dev-b",
}
del CONFLICT["name"], CONFLICT["muscleGroup"]


def ids() -> itertools.count[int]:
    return itertools.count(1)


def test_records_are_queued_on_their_version_and_conflicts_are_not_pushed() -> None:
    counter = ids()
    mutations = import_mutations(
        {"exercises": [EX, GONE], "conflicts": [CONFLICT]},
        now=5,
        new_id=lambda: f"00000000-0000-4000-8000-{next(counter):012d}",
    )
    assert [(m.table, m.id, m.kind, m.base_version) for m in mutations] == [
        ("exercises", EX["id"], "put", 7),
        ("exercises", GONE["id"], "delete", 7),
    ]
    assert mutations[0].fields == {
        "name": "Squat",
        "muscleGroup": None,
        "equipment": None,
        "restSeconds": None,
        "archived": None,
    }


def test_one_bad_record_refuses_the_whole_import() -> None:
    with pytest.raises(ValidationError, match="malformed id"):
        import_mutations({"exercises": [EX, {**EX, "id": "nope"}]}, now=0, new_id=lambda: "x")
