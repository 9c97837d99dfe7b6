"""The Store contract: the rules every device store keeps, stated once.

``app.core.store`` names the rules; this module checks them.  The same checks run against
``MemoryStore`` under CPython (``tests/core/test_store_contract.py``) and against the browser's
``IndexedDBStore`` inside Pyodide in Chromium (``tests/e2e/test_store_contract.py``), where the
pull and acknowledge rules run as their JS transcription in ``app/js/db.mjs``.

Each check is an ``async def`` taking a fresh, empty store.  The module imports nothing but the
standard library and ``app.core`` (no pytest), so it runs unchanged inside the browser.

A store hands out the outbox entries it is asked to acknowledge: as the sync engine does, a check
reads ``outbox()`` before it acknowledges what it read.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from app.core import changes
from app.core.changes import Change
from app.core.protocol import APPLIED, CONFLICT, Mutation, MutationResult
from app.core.schema import USER_TABLES, ValidationError
from app.core.store import Store

Check = Callable[[Store], Awaitable[None]]
CHECKS: dict[str, Check] = {}


def check(fn: Check) -> Check:
    CHECKS[fn.__name__] = fn
    return fn


def kw(now: int = 1000) -> dict[str, Any]:
    return {"device_id": "device-a", "now": now, "new_id": lambda: str(uuid.uuid4())}


def server_copy(record: dict[str, Any], version: int, **fields: Any) -> dict[str, Any]:
    """The server's copy of ``record`` at ``version``, as a pull page or push answer carries it."""
    return {**record, **fields, "version": version, "deviceId": "device-b", "table": "exercises"}


def exercise(version: int = 0, **fields: Any) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "createdAt": 1,
        "updatedAt": 2,
        "deviceId": "old-phone",
        "deleted": False,
        "version": version,
        "name": "Row",
        "muscleGroup": "Back",
        **fields,
    }


async def new_exercise(store: Store, name: str = "Squat") -> Change:
    change = changes.create("exercises", {"name": name}, **kw())
    await store.write([change])
    return change


async def synced_exercise(store: Store, version: int = 3) -> dict[str, Any]:
    """An exercise this device made and the server acknowledged at ``version``."""
    created = await new_exercise(store)
    await store.outbox(10)
    answer = server_copy(created.record, version)
    await store.acknowledge(
        [MutationResult(created.mutation.mutation_id, APPLIED, version, answer)]
    )
    held = await store.get("exercises", created.record["id"])
    assert held is not None and held["version"] == version
    return held


async def raises(error: type[Exception], match: str, call: Awaitable[Any]) -> None:
    try:
        await call
    except error as err:
        assert match in str(err), f"{error.__name__} said {err!s}, not {match!r}"
        return
    raise AssertionError(f"{error.__name__} was not raised")


# --- writing ---------------------------------------------------------------------------------
@check
async def write_stores_records_and_queues_mutations_in_order(store: Store) -> None:
    first = await new_exercise(store, "Squat")
    second = await new_exercise(store, "Bench")
    assert await store.get("exercises", first.record["id"]) == first.record
    assert sorted(r["name"] for r in await store.all("exercises")) == ["Bench", "Squat"]
    ids = [m.mutation_id for m in await store.outbox(10)]
    assert ids == [first.mutation.mutation_id, second.mutation.mutation_id]
    assert [m.mutation_id for m in await store.outbox(1)] == [first.mutation.mutation_id]
    assert await store.outbox_count() == 2
    queued = (await store.outbox(1))[0]
    assert queued == first.mutation  # every field of the entry survives the round trip


@check
async def all_hides_tombstones_but_get_and_dump_keep_them(store: Store) -> None:
    created = await new_exercise(store)
    await store.write([changes.delete("exercises", created.record, **kw())])
    assert await store.all("exercises") == []
    assert (await store.get("exercises", created.record["id"]) or {})["deleted"] is True
    dump = await store.dump()
    assert set(dump) == {*USER_TABLES, "conflicts"}
    assert [r["deleted"] for r in dump["exercises"]] == [True]


@check
async def records_handed_out_are_copies(store: Store) -> None:
    created = await new_exercise(store)
    created.record["name"] = "changed after the write"
    got = await store.get("exercises", created.record["id"]) or {}
    got["name"] = "changed after the read"
    assert (await store.get("exercises", created.record["id"]) or {})["name"] == "Squat"


@check
async def text_of_every_kind_is_kept_exactly(store: Store) -> None:
    name = 'Ünïcödé 🏋️ squat\t"quoted" \\ back-slash 日本語'
    change = changes.create("exercises", {"name": name, "muscleGroup": "Legs"}, **kw())
    await store.write([change])
    assert (await store.get("exercises", change.record["id"]) or {})["name"] == name
    assert (await store.outbox(1))[0].fields["name"] == name


# --- pulling (rules 1 and 2) -----------------------------------------------------------------
@check
async def pull_takes_server_records_and_saves_the_cursor(store: Store) -> None:
    pulled = {**exercise(4, name="Deadlift", deviceId="device-b"), "table": "exercises"}
    assert await store.apply_pulled([pulled], 4) == 1
    assert await store.cursor() == 4
    local = await store.get("exercises", pulled["id"]) or {}
    assert "table" not in local and local["name"] == "Deadlift" and local["version"] == 4
    assert await store.outbox_count() == 0


@check
async def pull_never_overwrites_a_record_with_pending_edits(store: Store) -> None:
    created = await new_exercise(store)
    newer = server_copy(created.record, 5, name="Server name")
    assert await store.apply_pulled([newer], 5) == 0
    assert (await store.get("exercises", created.record["id"]) or {})["name"] == "Squat"
    assert await store.cursor() == 5  # the cursor moves on even so


@check
async def pull_cloud_wins_over_synced_records_but_never_rolls_back(store: Store) -> None:
    record = await synced_exercise(store, 3)
    assert await store.apply_pulled([server_copy(record, 6, name="Newer")], 6) == 1
    assert (await store.get("exercises", record["id"]) or {})["name"] == "Newer"
    assert await store.apply_pulled([server_copy(record, 2, name="Older")], 6) == 0
    assert (await store.get("exercises", record["id"]) or {})["name"] == "Newer"


@check
async def pull_of_an_unknown_table_takes_nothing(store: Store) -> None:
    good = {**exercise(2), "table": "exercises"}
    bad = {**exercise(3), "table": "passwords"}
    try:
        await store.apply_pulled([good, bad], 3)
    except Exception:
        pass
    else:
        raise AssertionError("a page with an unknown table was taken")
    assert await store.get("exercises", good["id"]) is None  # nothing of the page was stored
    assert await store.cursor() == 0


# --- acknowledging ---------------------------------------------------------------------------
@check
async def acknowledge_drops_the_entry_and_takes_the_servers_record(store: Store) -> None:
    created = await new_exercise(store)
    other = await new_exercise(store, "Bench")
    await store.outbox(10)
    merged = server_copy(created.record, 8, muscleGroup="Legs")
    await store.acknowledge([MutationResult(created.mutation.mutation_id, APPLIED, 8, merged)])
    assert [m.mutation_id for m in await store.outbox(10)] == [other.mutation.mutation_id]
    local = await store.get("exercises", created.record["id"]) or {}
    assert local["version"] == 8 and local["muscleGroup"] == "Legs" and "table" not in local


@check
async def acknowledge_keeps_a_record_with_newer_pending_edits(store: Store) -> None:
    created = await new_exercise(store)
    edited = changes.edit("exercises", created.record, {"name": "Front squat"}, **kw())
    assert edited is not None
    await store.write([edited])
    await store.outbox(10)
    answer = server_copy(created.record, 3)
    await store.acknowledge([MutationResult(created.mutation.mutation_id, APPLIED, 3, answer)])
    assert (await store.get("exercises", created.record["id"]) or {})["name"] == "Front squat"
    assert [m.mutation_id for m in await store.outbox(10)] == [edited.mutation.mutation_id]


@check
async def acknowledge_of_an_unknown_mutation_is_harmless(store: Store) -> None:
    created = await new_exercise(store)
    await store.outbox(10)
    await store.acknowledge([MutationResult(str(uuid.uuid4()), CONFLICT, 3, None)])
    assert await store.outbox_count() == 1
    assert await store.get("exercises", created.record["id"]) == created.record


@check
async def acknowledge_takes_the_conflict_records_the_push_made(store: Store) -> None:
    created = await new_exercise(store)
    await store.outbox(10)
    winner = server_copy(created.record, 4, name="Back squat")
    conflict = {
        "id": str(uuid.uuid4()),
        "createdAt": 5,
        "updatedAt": 5,
        "deviceId": "server",
        "deleted": False,
        "version": 5,
        "table": "conflicts",
        "recordTable": "exercises",
        "recordId": created.record["id"],
        "reason": "edited",
        "fields": {"name": "Squat"},
        "serverFields": {"name": "Back squat"},
    }
    result = MutationResult(created.mutation.mutation_id, CONFLICT, 4, winner)
    await store.acknowledge([result], [conflict])
    assert (await store.get("exercises", created.record["id"]) or {})["name"] == "Back squat"
    kept = await store.all("conflicts")
    assert [c["fields"] for c in kept] == [{"name": "Squat"}]
    assert await store.outbox_count() == 0


def _refusal(record_id: str, name: str) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "createdAt": 6,
        "updatedAt": 6,
        "deviceId": "device-a",
        "deleted": False,
        "version": 0,
        "recordTable": "exercises",
        "recordId": record_id,
        "reason": "refused",
        "fields": {"name": name},
    }


@check
async def acknowledge_hands_out_what_waits_next_in_the_same_step(store: Store) -> None:
    made = [await new_exercise(store, name) for name in ("Squat", "Bench", "Row", "Curl")]
    ids = [c.mutation.mutation_id for c in made]
    first = (await store.outbox(1))[0]
    answer = server_copy(made[0].record, 5)
    after = await store.acknowledge([MutationResult(first.mutation_id, APPLIED, 5, answer)], then=2)
    assert [m.mutation_id for m in after] == ids[1:3]  # the oldest that wait, in order
    assert after[0] == made[1].mutation  # whole entries, as outbox() hands them out
    # What it handed out is acknowledged in turn, as what outbox() hands out is.
    results = [MutationResult(m.mutation_id, APPLIED, 6 + i, None) for i, m in enumerate(after)]
    assert [m.mutation_id for m in await store.acknowledge(results, then=2)] == ids[3:]
    assert [m.mutation_id for m in await store.outbox(10)] == ids[3:]
    assert await store.acknowledge([MutationResult(ids[3], APPLIED, 9, None)]) == []
    assert await store.outbox_count() == 0


# --- refusing (rule 3) -----------------------------------------------------------------------
@check
async def refusal_keeps_the_change_as_a_conflict_and_pulls_the_record_again(store: Store) -> None:
    record = await synced_exercise(store, 3)
    await store.apply_pulled([], 9)
    edited = changes.edit("exercises", record, {"name": "Refused name"}, **kw())
    assert edited is not None
    await store.write([edited])
    (mutation,) = await store.outbox(10)
    await store.refuse(mutation, _refusal(record["id"], "Refused name"))
    assert await store.outbox_count() == 0
    assert [c["reason"] for c in await store.all("conflicts")] == ["refused"]
    assert await store.cursor() == 2  # just before the version held: the server's copy returns


@check
async def refusal_of_a_record_made_here_drops_its_copy_and_pulls_from_the_start(
    store: Store,
) -> None:
    # Never confirmed, nothing else waiting: the server may hold it (an earlier change taken
    # in the same sync), so the copy goes and a full pull brings the server's, if any.
    created = await new_exercise(store)
    await store.apply_pulled([], 7)
    (mutation,) = await store.outbox(10)
    await store.refuse(mutation, _refusal(created.record["id"], "Squat"))
    assert await store.get("exercises", created.record["id"]) is None
    assert await store.cursor() == 0
    assert [c["fields"] for c in await store.all("conflicts")] == [{"name": "Squat"}]


@check
async def refusal_of_a_record_made_here_with_changes_waiting_keeps_it(store: Store) -> None:
    created = await new_exercise(store)
    edited = changes.edit("exercises", created.record, {"name": "Box squat"}, **kw())
    assert edited is not None
    await store.write([edited])
    await store.apply_pulled([], 7)
    first, _ = await store.outbox(10)
    await store.refuse(first, _refusal(created.record["id"], "Squat"))
    assert (await store.get("exercises", created.record["id"]) or {})["name"] == "Box squat"
    assert await store.cursor() == 7
    assert [m.mutation_id for m in await store.outbox(10)] == [edited.mutation.mutation_id]


# --- bookkeeping and recovery ----------------------------------------------------------------
@check
async def meta_values_round_trip(store: Store) -> None:
    assert await store.get_meta("epoch") is None
    await store.set_meta("epoch", "b9c1")
    await store.set_meta("limits", {"maxBody": 5_000_000, "list": [1, 2]})
    assert await store.get_meta("epoch") == "b9c1"
    assert await store.get_meta("limits") == {"maxBody": 5_000_000, "list": [1, 2]}
    assert await store.cursor() == 0  # meta values and the cursor do not mix


@check
async def recovery_queues_what_the_server_lost_and_nothing_else(store: Store) -> None:
    kept = await synced_exercise(store, 3)
    lost = await synced_exercise(store, 4)
    pending = await new_exercise(store, "Not yet uploaded")
    # The restored server still has one of them as it was, now under another version.
    held = {("exercises", kept["id"]): {**kept, "version": 9}}
    assert await store.recover(held, 9, now=50) == 1
    queued = await store.outbox(10)
    assert [(m.id, m.kind, m.base_version) for m in queued] == [
        (pending.record["id"], "put", 0),
        (lost["id"], "recover", 4),
    ]
    assert queued[1].fields["name"] == "Squat"
    assert (await store.get("exercises", kept["id"]) or {})["version"] == 9  # the same values
    assert await store.cursor() == 9
    assert (await store.get("exercises", lost["id"]) or {})["version"] == 0  # as made here
    assert await store.recover(held, 9, now=60) == 0  # asked again: not queued twice
    assert [m.mutation_id for m in await store.outbox(10)] == [m.mutation_id for m in queued]


@check
async def recovery_holds_what_the_server_lost_as_made_here_until_it_is_taken(
    store: Store,
) -> None:
    """A record the restored server lacks is held at version 0 until its re-send is taken, as a
    record made here: if the server refuses the re-send (an edit an older app queued), the copy
    with the refused values goes (a full pull brings nothing back) and the refused conflict
    record keeps every value, whose Restore makes the record again."""
    record = await synced_exercise(store, 3)
    edited = Change(
        {**record, "name": "Refused\x00name"},
        Mutation(
            str(uuid.uuid4()), "exercises", record["id"], "put", 3, {"name": "Refused\x00name"}, 5
        ),
    )
    await store.write([edited])
    assert await store.recover({}, 9, now=50) == 1
    (resend,) = await store.outbox(10)
    assert (resend.kind, resend.base_version, resend.fields["name"]) == (
        "put",
        3,
        "Refused\x00name",
    )
    assert (await store.get("exercises", record["id"]) or {})["version"] == 0
    await store.refuse(resend, _refusal(record["id"], "Refused\ufffdname"))
    assert await store.get("exercises", record["id"]) is None
    assert await store.cursor() == 0
    assert [c["reason"] for c in await store.all("conflicts")] == ["refused"]


@check
async def recovery_keeps_and_re_sends_a_copy_the_server_holds_otherwise(store: Store) -> None:
    """Another device re-sent an older copy first (a newer version now): not taken."""
    mine = await synced_exercise(store, 4)
    theirs = {**mine, "name": "Front squat", "version": 2**40}
    assert await store.recover({("exercises", mine["id"]): theirs}, 2**40, now=50) == 1
    assert (await store.get("exercises", mine["id"]) or {})["name"] == mine["name"]
    (sent,) = await store.outbox(10)
    assert (sent.kind, sent.base_version, sent.fields["name"]) == ("recover", 4, mine["name"])


# --- importing -------------------------------------------------------------------------------
@check
async def import_stores_new_records_as_new_and_queues_them_on_base_0(store: Store) -> None:
    live = exercise(12)
    gone = {**exercise(13), "deleted": True}
    outcome = await store.import_records({"exercises": [live, gone], "programs": []})
    assert outcome.counts == {"exercises": 2}
    assert await store.get("exercises", live["id"]) == {**live, "version": 0}
    put, delete = await store.outbox(10)
    assert (put.kind, put.base_version, put.fields) == (
        "put",
        0,
        {
            "name": "Row",
            "muscleGroup": "Back",
            "equipment": None,
            "restSeconds": None,
            "archived": None,
        },
    )
    assert (delete.kind, delete.base_version, delete.id) == ("delete", 0, gone["id"])


@check
async def import_of_what_the_device_holds_changes_nothing(store: Store) -> None:
    record = await synced_exercise(store, 3)
    outcome = await store.import_records({"exercises": [{**record, "version": 40}]})
    assert outcome.counts == {}
    assert await store.outbox_count() == 0
    assert (await store.get("exercises", record["id"]) or {})["version"] == 3


@check
async def import_is_all_or_nothing(store: Store) -> None:
    good = exercise(0)
    bad = exercise(0, name="")
    await raises(
        ValidationError,
        "Exercise name is required",
        store.import_records({"exercises": [good, bad]}),
    )
    assert (await store.dump())["exercises"] == []
    assert await store.outbox_count() == 0
    await raises(
        ValidationError, "Unknown table", store.import_records({"exercises": [good], "nope": []})
    )
    assert await store.outbox_count() == 0
