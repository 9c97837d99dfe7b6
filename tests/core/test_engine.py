"""SyncEngine against a scripted Transport: order of steps, paging, batching, failures, statuses."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import pytest

from app.core import changes, status
from app.core import storage_keys as keys
from app.core.engine import SyncEngine, iso_utc
from app.core.memory_store import MemoryStore
from app.core.protocol import (
    APPLIED,
    CONFLICT,
    Mutation,
    MutationResult,
    PullResponse,
    PushLimits,
    PushRequest,
    PushResponse,
)
from app.core.schema import EXERCISES
from app.core.transport import (
    AuthRequired,
    OfflineError,
    ServerError,
    SyncError,
    UpgradeRequired,
    error_for_status,
    is_transient,
)
from app.core.upstream import ENVELOPE_BYTES, mutation_bytes

T = TypeVar("T")
NOW = 1_767_225_600.0  # 2026-01-01T00:00:00Z


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


class ScriptedTransport:
    """A Transport answering from scripts: pull pages by ``since``, push via a function."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.pages: dict[int, PullResponse] = {}
        self.pull_error: SyncError | None = None
        self.push_errors: list[SyncError | None] = []
        self.answer: Callable[[PushRequest], PushResponse] = self.apply_all

    @staticmethod
    def apply_all(request: PushRequest) -> PushResponse:
        return PushResponse(
            [
                MutationResult(m.mutation_id, APPLIED, 100 + i)
                for i, m in enumerate(request.mutations)
            ]
        )

    async def pull(self, since: int, limit: int) -> PullResponse:
        self.calls.append(("pull", (since, limit)))
        if self.pull_error is not None:
            raise self.pull_error
        return self.pages.get(since, PullResponse([], since, False))

    async def push(self, request: PushRequest) -> PushResponse:
        self.calls.append(("push", [m.mutation_id for m in request.mutations]))
        if self.push_errors:
            error = self.push_errors.pop(0)
            if error is not None:
                raise error
        return self.answer(request)


def exercise(version: int, name: str = "Pulled") -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "createdAt": 1,
        "updatedAt": 1,
        "deviceId": "device-b",
        "deleted": False,
        "version": version,
        "name": name,
        "muscleGroup": None,
        "table": "exercises",
    }


def make(
    transport: ScriptedTransport, *, edits: int = 0, pull_limit: int = 2000, push_batch: int = 500
) -> tuple[SyncEngine, MemoryStore, dict[str, str]]:
    store = MemoryStore()
    settings = {keys.DEVICE_ID: "device-a"}
    for i in range(edits):
        change = changes.create(
            "exercises",
            {"name": f"Ex {i}"},
            device_id="device-a",
            now=i,
            new_id=lambda: str(uuid.uuid4()),
        )
        run(store.write([change]))
    engine = SyncEngine(
        store, transport, settings, lambda: NOW, pull_limit=pull_limit, push_batch=push_batch
    )
    return engine, store, settings


def test_pulls_before_pushing_and_records_success() -> None:
    transport = ScriptedTransport()
    transport.pages[0] = PullResponse([exercise(3)], 3, False)
    engine, store, settings = make(transport, edits=2)
    result = run(engine.full_sync())
    assert [kind for kind, _ in transport.calls] == ["pull", "push"]
    assert result.ok and result.pull_ok and result.push_ok
    assert (result.pulled, result.pushed, result.conflicts) == (1, 2, 0)
    assert result.status == status.SYNCED and result.error is None
    assert settings[keys.LAST_SYNCED] == "2026-01-01T00:00:00.000Z" == iso_utc(NOW)
    assert run(store.outbox_count()) == 0 and run(store.cursor()) == 3


def test_pull_pages_until_has_more_is_false() -> None:
    transport = ScriptedTransport()
    transport.pages[0] = PullResponse([exercise(1), exercise(2)], 2, True)
    transport.pages[2] = PullResponse([exercise(3), exercise(4)], 4, True)
    transport.pages[4] = PullResponse([exercise(5)], 5, False)
    engine, store, _ = make(transport, pull_limit=2)
    result = run(engine.full_sync())
    assert [args for kind, args in transport.calls if kind == "pull"] == [(0, 2), (2, 2), (4, 2)]
    assert result.pulled == 5 and len(run(store.all("exercises"))) == 5
    assert run(store.cursor()) == 5
    assert [kind for kind, _ in transport.calls] == ["pull", "pull", "pull"]  # empty outbox


def test_pull_that_does_not_advance_is_an_error_not_a_loop() -> None:
    transport = ScriptedTransport()
    transport.pages[0] = PullResponse([], 0, True)
    engine, _, settings = make(transport)
    result = run(engine.full_sync())
    assert not result.pull_ok and result.status == status.FAILED
    assert result.error is not None and "cursor" in result.error
    assert keys.LAST_SYNCED not in settings


def test_push_goes_in_batches_until_the_outbox_is_empty() -> None:
    transport = ScriptedTransport()
    engine, store, _ = make(transport, edits=5, push_batch=2)
    mutation_ids = [m.mutation_id for m in run(store.outbox(10))]
    result = run(engine.full_sync())
    pushes = [args for kind, args in transport.calls if kind == "push"]
    assert pushes == [mutation_ids[0:2], mutation_ids[2:4], mutation_ids[4:5]]
    assert result.pushed == 5 and run(store.outbox_count()) == 0


def test_push_is_attempted_even_when_pull_fails() -> None:
    transport = ScriptedTransport()
    transport.pull_error = ServerError("The server failed (500).", 500)
    engine, store, settings = make(transport, edits=1)
    result = run(engine.full_sync())
    assert [kind for kind, _ in transport.calls] == ["pull", "push"]
    assert not result.ok and not result.pull_ok and result.push_ok
    assert result.pushed == 1 and result.error == "The server failed (500)."
    assert result.status == status.FAILED
    assert run(store.outbox_count()) == 0
    assert keys.LAST_SYNCED not in settings


def test_a_failed_push_keeps_the_outbox_and_the_next_sync_resends_it() -> None:
    transport = ScriptedTransport()
    engine, store, settings = make(transport, edits=3, push_batch=2)
    before = [m.mutation_id for m in run(store.outbox(10))]
    transport.push_errors = [None, OfflineError("The server cannot be reached.")]
    result = run(engine.full_sync())
    assert not result.ok and result.pull_ok and not result.push_ok
    assert result.status == status.OFFLINE and result.pushed == 2
    assert [m.mutation_id for m in run(store.outbox(10))] == before[2:]
    assert keys.LAST_SYNCED not in settings
    again = run(engine.full_sync())
    assert again.ok and run(store.outbox_count()) == 0
    assert [args for kind, args in transport.calls if kind == "push"][-1] == before[2:]


def test_results_are_matched_by_mutation_id_and_conflicts_counted() -> None:
    transport = ScriptedTransport()
    engine, store, _ = make(transport, edits=2)
    first, second = run(store.outbox(10))

    def answer(request: PushRequest) -> PushResponse:
        return PushResponse(
            [
                MutationResult(str(uuid.uuid4()), APPLIED, 1),  # not ours: ignored
                MutationResult(second.mutation_id, CONFLICT, 2),
                MutationResult(first.mutation_id, APPLIED, 1),
            ]
        )

    transport.answer = answer
    result = run(engine.full_sync())
    assert result.ok and (result.pushed, result.conflicts) == (2, 1)


def test_an_answer_confirming_nothing_stops_the_push() -> None:
    transport = ScriptedTransport()
    transport.answer = lambda request: PushResponse([])
    engine, store, _ = make(transport, edits=1)
    result = run(engine.full_sync())
    assert not result.push_ok and result.status == status.FAILED
    assert run(store.outbox_count()) == 1
    assert len([c for c in transport.calls if c[0] == "push"]) == 1


def test_not_signed_in() -> None:
    transport = ScriptedTransport()
    transport.pull_error = AuthRequired("Sign in to sync.")
    transport.push_errors = [AuthRequired("Sign in to sync.")]
    engine, store, settings = make(transport, edits=1)
    result = run(engine.full_sync())
    assert result.status == status.NOT_SIGNED_IN == "Not signed in"
    assert result.error == "Sign in to sync."
    assert run(store.outbox_count()) == 1 and keys.LAST_SYNCED not in settings


def test_update_needed_outranks_other_failures() -> None:
    transport = ScriptedTransport()
    transport.pull_error = OfflineError("offline")
    transport.push_errors = [UpgradeRequired("Reload to update Setflow.")]
    engine, _, _ = make(transport, edits=1)
    result = run(engine.full_sync())
    assert result.status == status.UPDATE_NEEDED == "Update needed"


def test_offline() -> None:
    transport = ScriptedTransport()
    transport.pull_error = OfflineError("The server cannot be reached.")
    transport.push_errors = [OfflineError("The server cannot be reached.")]
    engine, _, _ = make(transport, edits=1)
    result = run(engine.full_sync())
    assert result.status == status.OFFLINE == "Offline"
    assert result.error == "The server cannot be reached."  # said once, not twice


def test_a_malformed_answer_reads_as_a_server_failure() -> None:
    transport = ScriptedTransport()

    async def bad_pull(since: int, limit: int) -> PullResponse:
        from app.core.protocol import parse_pull_response

        return parse_pull_response({"changes": "nope"})

    transport.pull = bad_pull  # type: ignore[method-assign]
    engine, _, _ = make(transport)
    result = run(engine.full_sync())
    assert result.status == status.FAILED
    assert result.error is not None and result.error.startswith("The server sent an answer")


def test_status_texts_and_mapping() -> None:
    assert status.STATUSES == (
        "Not signed in",
        "Offline",
        "Syncing",
        "Synced",
        "Sync failed — will retry",
        "Update needed",
    )
    assert status.status_for_error(None) == status.SYNCED
    assert status.status_for_error(AuthRequired("x")) == status.NOT_SIGNED_IN
    assert status.status_for_error(UpgradeRequired("x")) == status.UPDATE_NEEDED
    assert status.status_for_error(OfflineError("x")) == status.OFFLINE
    assert status.status_for_error(ServerError("x", 500)) == status.FAILED
    assert status.status_for_error(RuntimeError("x")) == status.FAILED


def test_a_device_id_is_made_when_missing() -> None:
    transport = ScriptedTransport()
    engine, _, settings = make(transport, edits=1)
    del settings[keys.DEVICE_ID]
    seen: list[str] = []

    def answer(request: PushRequest) -> PushResponse:
        seen.append(request.device_id)
        return ScriptedTransport.apply_all(request)

    transport.answer = answer
    assert run(engine.full_sync()).ok
    assert seen == [settings[keys.DEVICE_ID]]


def test_concurrent_syncs_do_not_overlap() -> None:
    transport = ScriptedTransport()
    engine, _, _ = make(transport, edits=1)

    async def both() -> None:
        gate = asyncio.Event()
        plain_pull = transport.pull

        async def slow_pull(since: int, limit: int) -> PullResponse:
            await gate.wait()
            return await plain_pull(since, limit)

        transport.pull = slow_pull  # type: ignore[method-assign]
        assert not engine.syncing
        first = asyncio.ensure_future(engine.full_sync())
        second = asyncio.ensure_future(engine.full_sync())
        await asyncio.sleep(0)
        assert engine.syncing
        gate.set()
        await asyncio.gather(first, second)
        assert not engine.syncing

    run(both())
    pushes = [args for kind, args in transport.calls if kind == "push"]
    assert len(pushes) == 1  # the second sync found the outbox already empty
    assert [kind for kind, _ in transport.calls] == ["pull", "push", "pull"]


# --- the outbox never wedges ---------------------------------------------------------------


def test_pushes_are_sized_by_the_bytes_the_server_advertises() -> None:
    transport = ScriptedTransport()
    one = mutation_bytes(run(make(transport, edits=1)[1].outbox(1))[0])
    limits = PushLimits(max_push_bytes=ENVELOPE_BYTES + 3 * one + 10, max_push_mutations=1000)
    transport.pages[0] = PullResponse([], 0, False, limits=limits)
    engine, store, _ = make(transport, edits=7)
    result = run(engine.full_sync())
    sizes = [len(ids) for kind, ids in transport.calls if kind == "push"]
    assert sizes == [3, 3, 1] and result.ok and run(store.outbox_count()) == 0


def test_a_413_splits_the_batch_like_a_422_and_a_lone_refusal_is_kept() -> None:
    transport = ScriptedTransport()
    engine, store, _ = make(transport, edits=4)
    (first, *_rest) = run(store.outbox(4))
    doomed = first.mutation_id

    def answer(request: PushRequest) -> PushResponse:
        if any(m.mutation_id == doomed for m in request.mutations):
            raise ServerError("Too large.", 413)
        return ScriptedTransport.apply_all(request)

    async def push(request: PushRequest) -> PushResponse:
        transport.calls.append(("push", [m.mutation_id for m in request.mutations]))
        return answer(request)

    transport.push = push  # type: ignore[method-assign]
    result = run(engine.full_sync())
    assert result.ok and run(store.outbox_count()) == 0
    assert result.pushed == 3 and result.conflicts == 1
    (kept,) = run(store.all("conflicts"))
    assert kept["reason"] == "refused" and kept["fields"] == first.fields


def test_a_change_too_big_for_any_push_is_set_aside_without_being_sent() -> None:
    transport = ScriptedTransport()
    transport.pages[0] = PullResponse([], 0, False, limits=PushLimits(700, 1000))
    engine, store, _ = make(transport)
    huge = changes.create(
        "workoutLogs",
        {"date": "2026-01-01", "notes": "x" * 900},
        device_id="device-a",
        now=1,
        new_id=lambda: str(uuid.uuid4()),
    )
    small = changes.create(
        "exercises", {"name": "Row"}, device_id="device-a", now=1, new_id=lambda: str(uuid.uuid4())
    )
    run(store.write([huge, small]))
    result = run(engine.full_sync())
    sent = [ids for kind, ids in transport.calls if kind == "push"]
    assert sent == [[small.mutation.mutation_id]]
    assert result.ok and result.conflicts == 1 and run(store.outbox_count()) == 0
    (kept,) = run(store.all("conflicts"))
    assert kept["recordId"] == huge.record["id"] and kept["fields"]["notes"] == "x" * 900


def test_other_refusals_stop_the_push_and_keep_the_outbox() -> None:
    transport = ScriptedTransport()
    transport.push_errors = [ServerError("Forbidden.", 403)]
    engine, store, _ = make(transport, edits=2)
    result = run(engine.full_sync())
    assert not result.push_ok and run(store.outbox_count()) == 2
    assert [kind for kind, _ in transport.calls].count("push") == 1


def test_one_status_mapping_for_every_transport() -> None:
    assert isinstance(error_for_status(401), AuthRequired)
    assert isinstance(error_for_status(426), UpgradeRequired)
    for unavailable in (502, 503, 504):
        assert isinstance(error_for_status(unavailable), OfflineError)
    assert [is_transient(error_for_status(s)) for s in (400, 413, 422, 429, 500, 503)] == [
        False,
        False,
        False,
        True,
        True,
        True,
    ]
    assert error_for_status(422, "Bad name.").status == 422  # type: ignore[attr-defined]


def test_the_push_answers_conflicts_show_after_the_same_sync() -> None:
    transport = ScriptedTransport()
    engine, store, _ = make(transport, edits=1)
    (pending,) = run(store.outbox(1))
    conflict = {
        "id": str(uuid.uuid4()),
        "table": "conflicts",
        "createdAt": 1,
        "updatedAt": 1,
        "deviceId": "server",
        "deleted": False,
        "version": 101,
        "recordTable": "exercises",
        "recordId": pending.id,
        "reason": "edited",
        "fields": {"name": "Ex 0"},
        "serverFields": {"name": "Theirs"},
        "lostBy": "device-a",
        "wonBy": "device-b",
    }
    transport.answer = lambda request: PushResponse(
        [MutationResult(pending.mutation_id, CONFLICT, 100)], conflicts=[conflict]
    )
    result = run(engine.full_sync())
    assert result.conflicts == 1
    (shown,) = run(store.all("conflicts"))
    assert shown["serverFields"] == {"name": "Theirs"} and shown["wonBy"] == "device-b"


def test_a_device_whose_first_pull_failed_learns_the_epoch_from_its_push_and_recovers() -> None:
    """Its pull failed, its push was taken: the versions it now holds belong to the database
    that answered.  Once that database is restored (another epoch), the device recovers and
    re-sends what it holds; before, it knew no epoch, so it never noticed."""
    transport = ScriptedTransport()
    transport.pull_error = OfflineError("The request was lost on the way.")
    engine, store, _ = make(transport, edits=1)
    (made,) = run(store.outbox(1))
    taken = run(store.get("exercises", made.id)) or {}
    transport.answer = lambda request: PushResponse(
        [
            MutationResult(
                made.mutation_id, APPLIED, 3, {**taken, "version": 3, "table": "exercises"}
            )
        ],
        epoch="first",
    )
    assert not run(engine.full_sync()).ok
    assert run(store.get_meta("epoch")) == "first"
    # The server comes back wiped, under a new identity: it holds nothing of this device's.
    transport.pull_error = None
    transport.pages[0] = PullResponse([], 0, False, epoch="second")
    transport.answer = transport.apply_all
    result = run(engine.full_sync())
    assert result.ok and result.recovered == 1
    (sent,) = [ids for kind, ids in transport.calls if kind == "push"][-1:]
    assert len(sent) == 1


# --- an account switch during a sync -----------------------------------------------------


def test_pages_arriving_after_the_account_changed_are_not_applied() -> None:
    transport = ScriptedTransport()
    transport.pages[0] = PullResponse([exercise(1)], 1, True)
    transport.pages[1] = PullResponse([exercise(2, "Bob's")], 2, False)
    signed_in = {"alice": True}
    engine, store, _ = make(transport, edits=1, pull_limit=1)
    engine.still_signed_in = lambda: signed_in["alice"]
    applied = store.apply_pulled

    async def then_switch(changes_: list[dict[str, Any]], cursor: int) -> int:
        taken = await applied(changes_, cursor)
        signed_in["alice"] = False  # another tab signs out after the first page
        return taken

    store.apply_pulled = then_switch  # type: ignore[method-assign]
    result = run(engine.full_sync())
    assert not result.ok
    assert {e["name"] for e in run(store.all("exercises"))} == {"Pulled", "Ex 0"}
    assert run(store.cursor()) == 1 and run(store.outbox_count()) == 1  # nothing pushed
    assert [kind for kind, _ in transport.calls].count("push") == 0


# --- recovery sync --------------------------------------------------------------------------


def test_a_new_epoch_pulls_everything_and_re_sends_what_the_server_lacks_or_holds_older() -> None:
    transport = ScriptedTransport()
    kept, older, lost = exercise(3, "Kept"), exercise(5, "Older"), exercise(6, "Lost")
    transport.pages[0] = PullResponse([kept, older, lost], 6, False, epoch="first")
    engine, store, _ = make(transport)
    run(engine.full_sync())
    assert run(store.get_meta("epoch")) == "first"
    # The server comes back from a backup: it holds `kept` as it was, `older` as it was at
    # version 2.
    transport.pages = {
        0: PullResponse(
            [kept, {**older, "version": 2, "name": "Older still"}], 3, False, epoch="second"
        ),
        6: PullResponse([], 6, False, epoch="second"),
    }
    transport.calls.clear()
    result = run(engine.full_sync())
    assert [args for kind, args in transport.calls if kind == "pull"] == [(6, 2000), (0, 2000)]
    (sent,) = [ids for kind, ids in transport.calls if kind == "push"]
    assert result.recovered == 2 and len(sent) == 2
    assert run(store.get_meta("epoch")) == "second"
    assert run(store.get("exercises", older["id"]))["name"] == "Older"  # never rolled back


def test_recovery_re_sends_a_copy_with_edits_waiting_as_a_whole_put_on_the_held_version() -> None:
    transport = ScriptedTransport()
    held = exercise(9, "Pause squat")
    transport.pages[0] = PullResponse([held], 9, False, epoch="e")
    engine, store, _ = make(transport)
    run(engine.full_sync())
    current = run(store.get("exercises", held["id"]))
    edit = changes.edit(
        "exercises",
        current,
        {"muscleGroup": "Legs"},
        device_id="device-a",
        now=2,
        new_id=lambda: str(uuid.uuid4()),
    )
    run(store.write([edit]))
    # No restore-mark: the account's version below the cursor tells.
    transport.pages = {9: PullResponse([], 9, False, epoch="e", account_version=0)}
    transport.pages[0] = PullResponse([], 0, False, epoch="e", account_version=0)
    pushed: list[Any] = []

    def answer(request: PushRequest) -> PushResponse:
        pushed.extend(request.mutations)
        return ScriptedTransport.apply_all(request)

    transport.answer = answer
    run(engine.full_sync())
    (recover,) = pushed  # the pending partial edit was folded into the whole copy
    assert (recover.kind, recover.base_version) == ("put", 9)
    assert recover.fields["name"] == "Pause squat" and recover.fields["muscleGroup"] == "Legs"
    assert set(recover.fields) == set(EXERCISES.field_map)  # the whole copy


def test_an_interrupted_recovery_starts_again_at_the_next_sync() -> None:
    transport = ScriptedTransport()
    transport.pages[0] = PullResponse([exercise(4)], 4, False, epoch="a")
    engine, store, _ = make(transport)
    run(engine.full_sync())
    transport.pages = {4: PullResponse([], 4, False, epoch="b")}
    transport.pages[0] = PullResponse([], 0, True, epoch="b")  # a server bug stops the pull
    assert not run(engine.full_sync()).pull_ok
    assert run(store.get_meta("epoch")) == "a" and run(store.get_meta("recovering"))
    transport.pages[0] = PullResponse([], 0, False, epoch="b")
    result = run(engine.full_sync())
    assert result.ok and result.recovered == 1 and not run(store.get_meta("recovering"))


def test_after_a_refusal_the_device_shows_the_servers_copy_again() -> None:
    """The refused values stay in their conflict record, not in the record itself."""
    transport = ScriptedTransport()
    squat = exercise(5, "Squat")
    transport.pages[0] = PullResponse([squat], 5, False)
    engine, store, _ = make(transport)
    run(engine.full_sync())
    current = run(store.get("exercises", squat["id"]))
    edit = changes.edit(
        "exercises", current, {"name": "Refused"}, device_id="device-a", now=2, new_id=_uuid4
    )
    assert edit is not None
    run(store.write([edit]))
    transport.push_errors = [ServerError("Invalid.", 422)]
    transport.pages[4] = PullResponse([squat], 5, False)  # what a pull from 4 brings
    run(engine.full_sync())
    assert run(store.cursor()) == 4 and run(store.outbox_count()) == 0
    run(engine.full_sync())
    assert run(store.get("exercises", squat["id"]))["name"] == "Squat"
    (kept,) = run(store.all("conflicts"))
    assert kept["reason"] == "refused" and kept["fields"] == {"name": "Refused"}


def _uuid4() -> str:
    return str(uuid.uuid4())


def test_after_a_refusal_of_an_edit_to_a_record_made_here_the_device_shows_the_servers_copy() -> (
    None
):
    """The record was made on this device and its creation reached the server in the same sync
    (still pending, so the answer's copy was not taken): the refused values must not stay on
    screen, nor make this device's copy differ from the server's for good."""
    transport = ScriptedTransport()
    engine, store, _ = make(transport, edits=1)
    (made,) = run(store.all("exercises"))
    refused_edit = changes.Change(
        {**made, "name": "Bad\x00name"},
        Mutation(_uuid4(), "exercises", made["id"], "put", 0, {"name": "Bad\x00name"}, 2),
    )
    run(store.write([refused_edit]))  # an older app version queued what this one refuses
    on_server = {**made, "version": 7, "table": "exercises"}

    def answer(request: PushRequest) -> PushResponse:
        if any(m.mutation_id == refused_edit.mutation.mutation_id for m in request.mutations):
            raise ServerError("Text holds a character that cannot be stored.", 422)
        return PushResponse(
            [MutationResult(m.mutation_id, APPLIED, 7, on_server) for m in request.mutations]
        )

    transport.answer = answer
    transport.pages[0] = PullResponse([on_server], 7, False)
    run(engine.full_sync())
    run(engine.full_sync())
    shown = run(store.get("exercises", made["id"]))
    assert shown is not None and (shown["name"], shown["version"]) == ("Ex 0", 7)
    (kept,) = run(store.all("conflicts"))
    assert kept["reason"] == "refused" and kept["fields"] == {"name": "Bad\ufffdname"}


def test_a_recovery_never_takes_an_older_copy_another_device_re_sent_first() -> None:
    """After a wipe, the laptop re-sent its copy of a record (from before this phone's edit); on
    the restored server that copy has a newer version than the phone's.  The phone's edit must
    not be replaced unseen: it is re-sent, and the server merges (a conflict at worst)."""
    transport = ScriptedTransport()
    squat = exercise(2, "Pause squat")  # the phone's copy, after its own edit at version 2
    transport.pages[0] = PullResponse([squat], 2, False, epoch="before")
    engine, store, _ = make(transport)
    run(engine.full_sync())
    laptops = {**squat, "name": "Squat", "version": 2**40, "deviceId": "laptop"}
    transport.pages = {
        2: PullResponse([], 2, False, epoch="after"),
        0: PullResponse([laptops], 2**40, False, epoch="after"),
    }
    pushed: list[Any] = []

    def answer(request: PushRequest) -> PushResponse:
        pushed.extend(request.mutations)
        return ScriptedTransport.apply_all(request)

    transport.answer = answer
    result = run(engine.full_sync())
    assert result.recovered == 1
    (sent,) = pushed
    assert (sent.kind, sent.base_version, sent.fields["name"]) == ("recover", 2, "Pause squat")
    assert run(store.get("exercises", squat["id"]))["name"] == "Pause squat"  # still shown


def test_a_push_answered_by_a_restored_server_starts_the_recovery_in_the_same_sync() -> None:
    """The pull failed, so the push was the first to reach a wiped server: its answer (another
    epoch) holds a record made again from this device's partial edit alone.  That copy is not
    taken (it lacks what only this device still holds); the device recovers at once instead."""
    transport = ScriptedTransport()
    squat = {**exercise(2, "Squat"), "muscleGroup": "Legs"}
    transport.pages[0] = PullResponse([squat], 2, False, epoch="before")
    engine, store, _ = make(transport)
    run(engine.full_sync())
    current = run(store.get("exercises", squat["id"]))
    edit = changes.edit(
        "exercises", current, {"name": "Pause squat"}, device_id="device-a", now=2, new_id=_uuid4
    )
    assert edit is not None
    run(store.write([edit]))
    partial = {**squat, "name": "Pause squat", "muscleGroup": None, "version": 2**40}
    transport.pull_error = OfflineError("The request was lost on the way.")
    pushed: list[Any] = []

    def answer(request: PushRequest) -> PushResponse:
        transport.pull_error = None  # the network is back after this push
        pushed.extend(request.mutations)
        taken = {**partial, "name": "Pause squat", "muscleGroup": "Legs"}
        record = partial if len(pushed) == 1 else taken
        results = [MutationResult(m.mutation_id, APPLIED, 2**40, record) for m in request.mutations]
        return PushResponse(results, epoch="after")

    transport.answer = answer
    transport.pages = {0: PullResponse([partial], 2**40, False, epoch="after")}
    run(engine.full_sync())
    # The edit again (the server answers it as a duplicate), then the whole copy.
    assert [m.kind for m in pushed] == ["put", "put", "recover"]
    assert pushed[2].fields["muscleGroup"] == "Legs"
    shown = run(store.get("exercises", squat["id"]))
    assert (shown["name"], shown["muscleGroup"]) == ("Pause squat", "Legs")
    assert run(store.get_meta("epoch")) == "after" and run(store.outbox_count()) == 0


# --- a sync with nothing to do --------------------------------------------------------------


class CountingStore(MemoryStore):
    """Counts the store's writes: a sync that changes nothing should write nothing."""

    def __init__(self) -> None:
        super().__init__()
        self.meta_writes: list[str] = []

    async def set_meta(self, key: str, value: Any) -> None:
        self.meta_writes.append(key)
        await super().set_meta(key, value)

    async def apply_pulled(self, changes: list[dict[str, Any]], cursor: int) -> int:
        self.meta_writes.append(f"pulled {len(changes)} to {cursor}")
        return await super().apply_pulled(changes, cursor)


def test_a_sync_that_brings_and_sends_nothing_writes_nothing() -> None:
    """The server's database id is stored when it is new, not rewritten at every sync: each
    write is an IndexedDB transaction on the phone, and most syncs find nothing to do."""
    transport = ScriptedTransport()
    transport.pages[0] = PullResponse([exercise(1)], 1, False, epoch="first")
    store = CountingStore()
    engine = SyncEngine(store, transport, {keys.DEVICE_ID: "device-a"}, lambda: NOW)
    assert run(engine.full_sync()).ok
    assert store.meta_writes == ["pulled 1 to 1", "epoch"]
    transport.pages[1] = PullResponse([], 1, False, epoch="first")
    assert run(engine.full_sync()).ok
    assert store.meta_writes == ["pulled 1 to 1", "epoch"]
    # A cursor that moved with nothing to take (versions of records pruned since) is saved.
    transport.pages[1] = PullResponse([], 4, False, epoch="first")
    assert run(engine.full_sync()).ok
    assert store.meta_writes[2:] == ["pulled 0 to 4"] and run(store.cursor()) == 4


class WritingTransport(ScriptedTransport):
    """A person checks a set while a request is on its way: written into ``store`` then."""

    def __init__(self, store: MemoryStore, *, during: str) -> None:
        super().__init__()
        self.store = store
        self.during = during
        self.made: list[str] = []

    async def _write(self) -> None:
        change = changes.create("exercises", {"name": "Dip"}, **KW)
        await self.store.write([change])
        self.made.append(change.mutation.mutation_id)

    async def pull(self, since: int, limit: int) -> PullResponse:
        if self.during == "pull" and not self.made:
            await self._write()
        return await super().pull(since, limit)

    async def push(self, request: PushRequest) -> PushResponse:
        if self.during == "push" and not self.made:
            await self._write()
        return await super().push(request)


KW: dict[str, Any] = {"device_id": "device-a", "now": 5, "new_id": lambda: str(uuid.uuid4())}


@pytest.mark.parametrize("waiting", [0, 1])
@pytest.mark.parametrize("during", ["pull", "push"])
def test_a_change_made_while_a_request_is_on_its_way_is_pushed_in_the_same_sync(
    during: str, waiting: int
) -> None:
    """A sync asked for while one runs is dropped (the controller is busy): the running sync
    must take along what is written meanwhile, whether the outbox held something or not."""
    store = MemoryStore()
    for _ in range(waiting):
        run(store.write([changes.create("exercises", {"name": "Row"}, **KW)]))
    transport = WritingTransport(store, during=during)
    engine = SyncEngine(store, transport, {keys.DEVICE_ID: "device-a"}, lambda: NOW)
    result = run(engine.full_sync())
    if during == "push" and not waiting:  # no push was on its way: nothing was written
        assert transport.made == [] and result.pushed == 0
        return
    pushed = [m for kind, ids in transport.calls if kind == "push" for m in ids]
    assert result.ok and transport.made and transport.made[0] in pushed
    assert result.pushed == waiting + 1 and run(store.outbox_count()) == 0


class ReadCountingStore(MemoryStore):
    def __init__(self) -> None:
        super().__init__()
        self.reads: list[str] = []

    async def outbox(self, limit: int) -> list[Mutation]:
        self.reads.append("outbox")
        return await super().outbox(limit)

    async def get_meta(self, key: str) -> Any:
        self.reads.append(key)
        return await super().get_meta(key)

    async def cursor(self) -> int:
        self.reads.append("cursor")
        return await super().cursor()


def test_a_one_change_sync_reads_the_outbox_once_beside_the_cursor() -> None:
    """Each read is an IndexedDB transaction on the phone: the batch to push is read with the
    pull's own reads, and after the acknowledgement only what waits next is read, in the
    acknowledgement's own step."""
    store = ReadCountingStore()
    run(store.write([changes.create("exercises", {"name": "Row"}, **KW)]))
    engine = SyncEngine(store, ScriptedTransport(), {keys.DEVICE_ID: "device-a"}, lambda: NOW)
    result = run(engine.full_sync())
    assert result.ok and result.pushed == 1 and run(store.outbox_count()) == 0
    assert sorted(store.reads) == sorted(["recovering", "cursor", "epoch", "outbox"])


# --- the pull asked for while the cursor is read ----------------------------------------------


class SlowReadStore(MemoryStore):
    """Each read of the cursor takes a few turns of the event loop, as IndexedDB's do."""

    def __init__(self, log: list[str]) -> None:
        super().__init__()
        self.log = log

    async def cursor(self) -> int:
        for _ in range(3):
            await asyncio.sleep(0)
        self.log.append("cursor read")
        return await super().cursor()


class LoggingTransport(ScriptedTransport):
    def __init__(self, log: list[str]) -> None:
        super().__init__()
        self.log = log

    async def pull(self, since: int, limit: int) -> PullResponse:
        self.log.append(f"pull {since}")
        return await super().pull(since, limit)


def test_the_next_sync_asks_for_changes_while_it_reads_the_cursor() -> None:
    """The cursor this engine saved is most likely still the stored one: its pull goes out at
    once, beside the reads, instead of one wait after the other."""
    log: list[str] = []
    store, transport = SlowReadStore(log), LoggingTransport(log)
    transport.pages[0] = PullResponse([exercise(3)], 3, False, epoch="e")
    engine = SyncEngine(store, transport, {keys.DEVICE_ID: "device-a"}, lambda: NOW)
    assert run(engine.full_sync()).ok
    assert log == ["cursor read", "pull 0"]  # a first sync knows no cursor yet
    log.clear()
    transport.pages[3] = PullResponse([exercise(4)], 4, False, epoch="e")
    result = run(engine.full_sync())
    assert log == ["pull 3", "cursor read"]
    assert result.ok and result.pulled == 1 and run(store.cursor()) == 4


def test_a_cursor_moved_meanwhile_is_pulled_from_as_stored() -> None:
    """Another tab synced (or a refusal moved the cursor back): the early answer is dropped and
    the pull starts from the stored cursor; a recovery started elsewhere pulls from 0."""
    log: list[str] = []
    store, transport = SlowReadStore(log), LoggingTransport(log)
    transport.pages[0] = PullResponse([exercise(3)], 3, False, epoch="e")
    engine = SyncEngine(store, transport, {keys.DEVICE_ID: "device-a"}, lambda: NOW)
    assert run(engine.full_sync()).ok
    run(store.apply_pulled([exercise(5)], 5))  # another tab's sync took up to version 5
    transport.pages[3] = PullResponse([exercise(4)], 4, False, epoch="e")
    transport.pages[5] = PullResponse([exercise(6)], 6, False, epoch="e")
    log.clear()
    result = run(engine.full_sync())
    assert log[-2:] == ["cursor read", "pull 5"]
    assert result.ok and result.pulled == 1 and run(store.cursor()) == 6
    assert len(run(store.all("exercises"))) == 3  # version 4's record was never taken
    run(store.set_meta("recovering", True))
    log.clear()
    transport.pages[0] = PullResponse([exercise(3)], 3, False, epoch="e")
    run(engine.full_sync())
    assert log[-1] == "pull 0"
