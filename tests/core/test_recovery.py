"""What a recovery sync re-sends to a server that lost records (``app.core.recovery``)."""

from __future__ import annotations

import itertools
from typing import Any

from app.core.changes import REFUSED
from app.core.recovery import recovery_mutations, recovery_rows, set_aside

_ids = itertools.count()


def _new_id() -> str:
    return f"00000000-0000-4000-8000-{next(_ids):012d}"


def _exercise(version: int, *, deleted: bool = False, **fields: Any) -> dict[str, Any]:
    return {
        "id": "11111111-1111-4111-8111-111111111111",
        "createdAt": 1,
        "updatedAt": 2,
        "deviceId": "phone",
        "deleted": deleted,
        "version": version,
        **fields,
    }


def test_a_lost_tombstone_is_re_sent_with_the_data_it_keeps() -> None:
    """Tombstones keep their data (a person can restore them), also on a restored server."""
    gone = _exercise(7, deleted=True, name="Squat", muscleGroup="Legs")
    (sent,) = recovery_mutations({"exercises": [gone]}, {}, set(), now=5, new_id=_new_id)
    assert (sent.kind, sent.base_version) == ("delete", 7)
    assert sent.fields == {"name": "Squat", "muscleGroup": "Legs"}


def test_a_tombstone_holding_text_the_schema_refuses_is_re_sent_as_its_id() -> None:
    """Data from before the schema refused it never makes the re-send itself refused."""
    gone = _exercise(7, deleted=True, name="Squat\x00")
    (sent,) = recovery_mutations({"exercises": [gone]}, {}, set(), now=5, new_id=_new_id)
    assert (sent.kind, sent.fields) == ("delete", {})


def test_a_record_with_changes_waiting_is_re_sent_whole_even_when_the_server_holds_it_newer() -> (
    None
):
    """After a wipe, a late copy of this device's partial edit (only the name) made the record
    again on the server, newer than the device's copy: the fields the edit did not carry exist
    only on the device now, so the whole copy goes (merged field by field, rule 8 then 3)."""
    squat = _exercise(1, name="Back squat", muscleGroup="Legs")
    key = ("exercises", squat["id"])
    (sent,) = recovery_mutations({"exercises": [squat]}, {key: 2**40}, {key}, now=5, new_id=_new_id)
    assert (sent.kind, sent.base_version) == ("recover", 1)
    assert sent.fields["muscleGroup"] == "Legs" and sent.fields["name"] == "Back squat"


def test_a_conflict_record_the_server_lost_stays_on_the_device_as_its_own() -> None:
    """Conflict records are the server's and never re-sent; one a wiped server no longer has
    stays here (version 0, like a refused change's), so the losing values can still be restored."""
    lost = {
        "id": "22222222-2222-4222-8222-222222222222",
        "createdAt": 1,
        "updatedAt": 1,
        "deviceId": "server",
        "deleted": False,
        "version": 9,
        "recordTable": "exercises",
        "recordId": "11111111-1111-4111-8111-111111111111",
        "reason": "edited",
        "fields": {"name": "Front squat"},
        "serverFields": {"name": "Squat"},
        "lostBy": "phone",
        "wonBy": "laptop",
    }
    rows = recovery_rows({"conflicts": [lost]}, {}, set())
    assert rows == [("conflicts", {**lost, "version": 0})]


def test_text_a_re_sent_tombstone_cannot_carry_is_kept_as_a_refused_change() -> None:
    """An older app queued a name the schema refuses, then the person deleted the exercise; the
    server was wiped before either reached it.  The re-sent tombstone carries the rest of its
    data, and the refused name is kept on the device as a refused change (as it would have been
    had the server refused the edit itself), so nothing the person typed disappears unseen."""
    gone = _exercise(7, deleted=True, name="Squat\x00", muscleGroup="Legs")
    (sent,) = recovery_mutations({"exercises": [gone]}, {}, set(), now=5, new_id=_new_id)
    assert (sent.kind, sent.fields) == ("delete", {"muscleGroup": "Legs"})
    (kept,) = set_aside({"exercises": [gone]}, [sent], now=5)
    assert kept["reason"] == REFUSED and kept["version"] == 0
    assert (kept["recordTable"], kept["recordId"]) == ("exercises", gone["id"])
    assert kept["fields"] == {"name": "Squat\ufffd"} and kept["lostBy"] == "phone"
    assert set_aside({"exercises": [gone]}, [], now=5) == []  # nothing re-sent, nothing set aside
