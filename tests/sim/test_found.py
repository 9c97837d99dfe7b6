"""Runs the simulation found failing, replayed draw by draw: each stays fixed once fixed.

Each case is the list of values a random Hypothesis draw gave ``tests/sim/test_sync_sim.py``
(its "Draw N" lines, in order), replayed through the simulation's own steps against the real
server on SQLite and PostgreSQL, and checked as every simulated example is.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from fastapi import FastAPI

from tests.sim import test_sync_sim as sim
from tests.sim.network import Network


class Replayed:
    """Stands in for Hypothesis's ``data``: hands out the recorded draws in order."""

    def __init__(self, draws: list[Any]) -> None:
        self.draws = list(draws)

    def draw(self, _strategy: Any, label: str | None = None) -> Any:
        assert self.draws, f"the case ran past its recorded draws (at {label})"
        return self.draws.pop(0)


def _creates(device: int, n: int) -> list[Any]:
    return [device, "create", "exercises"] * n


# Device-1 deletes a workout it had renamed; the server is wiped before the delete reaches it
# and device-0 re-sends its own older edit first.  The tombstone kept device-0's value and
# device-1's was nowhere (merge rule 5 took the delete's values only where nobody wrote after
# its base).
DELETE_AFTER_WIPE = [
    *(0, 2, 1, "workoutLogs", 16),
    *(1, "edit", "workoutLogs", 0),
    *_creates(0, 4),
    *(0, "edit", "workoutLogs", 0),
    *_creates(0, 2),
    *(1, "sync", [], False),
    *(0, "resolve"),
    *(1, "delete", "workoutLogs", 0),
    *_creates(0, 2),
    *(0, "resolve"),
    *_creates(0, 1),
    *(0, "restore"),
]

# Device-1's long note is synced, the server wiped twice, then an older app version queues an
# edit of it that the schema refuses.  The recovery re-sends the whole note with the refused
# text; the server refuses it, and device-1 kept its copy at the old version forever: the
# server had no copy to send back.
REFUSED_RESEND_AFTER_WIPE = [
    *(0, 2, 1, "workoutLogs", 26),
    *(1, "edit", "workoutLogs", 0),
    *(1, "long_note"),
    *(0, "edit", "exercises"),
    *_creates(0, 1),
    *_creates(1, 1),
    *_creates(0, 1),
    *(0, "edit", "workoutLogs", 0),
    *_creates(0, 2),
    *(1, "sync", [], False),
    *(0, "edit", "workoutLogs", 0),
    *(1, "edit", "exercises", 0, "name"),
    *_creates(0, 1),
    *(0, "resolve"),
    *_creates(0, 1),
    *(0, "restore"),
    *_creates(0, 3),
    *(0, "restore"),
    *_creates(0, 4),
    *(1, "deliver"),
    *(1, "awkward", "workoutLogs", 0, "\U00095eb2\x00ÁV\x8d\U000a4354\U00055e64È\x01"),
]


# Device-0 holds a name an older app version queued (a control character) and imports device-1's
# export: the import's conflict record kept the refused text as it was, and its Restore raised.
IMPORT_OVER_REFUSED_TEXT = [
    *(0, 2, 2, "exercises", "exercises", 4),
    *(0, "awkward", "exercises", 0, "\x1f"),
    *(1, "export"),
    *(0, "import_file", 0),
    *(0, "resolve", 0, True),
]

# Three devices, two accounts, imports, restores: a conflict record only device-0 had (what an
# import replaced) is dismissed, the server's tombstone of it lost in a wipe; the device keeps
# that empty tombstone as its own (version 0), which the check did not count as a local one.
SWITCHES_IMPORTS_AND_RESTORES = [
    *(0, 3, 2, "exercises", "exercises", 29),
    *(0, "edit", "exercises", 0, "name"),
    *(1, "export"),
    *(0, "import_file", 0),
    *(0, "resolve", 0, True),
    *(1, "backup"),
    *(0, "delete", "workoutLogs"),
    *(1, "resolve"),
    *(2, "create", "workoutLogs"),
    *(1, "awkward", "workoutLogs"),
    *(1, "awkward", "exercises", 1, "Ô´#Z\U0003eb18\x9c\x8eü«\x19"),
    *(0, "backup"),
    *(1, "import_file", 0),
    *(0, "long_note"),
    *(1, "restore", False),
    *(0, "sync", ["ok", "duplicate"], False),
    *(2, "deliver"),
    *(2, "awkward", "workoutLogs", 0, "IÄØw·6"),
    *(1, "switch", 0),
    *(0, "edit", "workoutLogs", 0),
    *(1, "sync", ["delay", "duplicate", "error", "ok"], True),
    *(1, "export"),
    *(2, "sync", [], True),
    *(0, "edit", "workoutLogs", 0),
    *(1, "create", "exercises"),
    *(1, "backup"),
    *(0, "restore", False),
    *(2, "resolve", 0, False),
    *(2, "switch", 0),
    *(0, "restore", True, 0),
]


# Bob's first sync on a shared device: its pull fails, its push is taken.  His device knew no
# epoch (only pulls told it), so after a wipe it never noticed, and kept a tombstone the server
# no longer had.
PUSHED_BEFORE_ANY_PULL_THEN_WIPED = [
    5000,
    2,
    3,
    "exercises",
    "exercises",
    "exercises",
    29,
    0,
    "sync",
    ["ok"],
    True,
    1,
    "switch",
    0,
    0,
    "export",
    0,
    "switch",
    0,
    1,
    "long_note",
    0,
    "sync",
    ["lose", "lose"],
    True,
    1,
    "switch",
    0,
    0,
    "edit",
    "exercises",
    0,
    "sync",
    ["ok", "drop", "ok", "delay", "duplicate", "delay"],
    False,
    0,
    "long_note",
    1,
    "switch",
    0,
    0,
    "deliver",
    1,
    "edit",
    "workoutLogs",
    0,
    1,
    "export",
    0,
    "awkward",
    "exercises",
    1,
    "delete",
    "workoutLogs",
    0,
    1,
    "resolve",
    0,
    "switch",
    0,
    1,
    "sync",
    ["error"],
    False,
    0,
    "edit",
    "exercises",
    0,
    "muscleGroup",
    1,
    "edit",
    "workoutLogs",
    1,
    "resolve",
    1,
    "edit",
    "exercises",
    1,
    "create",
    "exercises",
    1,
    "edit",
    "exercises",
    0,
    "name",
    1,
    "create",
    "workoutLogs",
    0,
    "edit",
    "exercises",
    1,
    "muscleGroup",
    0,
    "edit",
    "exercises",
    0,
    "muscleGroup",
    0,
    "restore",
]


# Device-0's edit of a workout is re-sent to a wiped server; it is wiped again, and device-1
# deletes the workout there (never seeing device-0's edit).  After a third wipe device-0 re-sends
# its copy, then device-1 its tombstone, based on a version from the second epoch: the merge
# read it as "device-1 saw device-0's edit", and the edit was gone with no conflict record.
TOMBSTONE_OVER_RECOVERED_EDIT = [
    175,
    2,
    3,
    "workoutLogs",
    "exercises",
    "exercises",
    28,
    0,
    "delete",
    "exercises",
    0,
    0,
    "create",
    "exercises",
    0,
    "sync",
    ["ok", "ok", "ok"],
    False,
    0,
    "awkward",
    "exercises",
    0,
    "\x95\x9e\U0007002aòû20°",
    0,
    "awkward",
    "exercises",
    0,
    "ãÆ\x82c¢ÃO \x06",
    1,
    "awkward",
    "exercises",
    0,
    "(\x08\x7f\x05Ð\x00𥶛\U00107488YgpÍ",
    0,
    "export",
    0,
    "resolve",
    0,
    "edit",
    "exercises",
    1,
    "name",
    0,
    "edit",
    "exercises",
    0,
    "muscleGroup",
    0,
    "restore",
    0,
    "edit",
    "workoutLogs",
    0,
    0,
    "sync",
    [],
    True,
    1,
    "delete",
    "workoutLogs",
    0,
    0,
    "deliver",
    1,
    "create",
    "exercises",
    1,
    "resolve",
    1,
    "edit",
    "workoutLogs",
    1,
    "restore",
    1,
    "sync",
    ["lose"],
    True,
    1,
    "delete",
    "exercises",
    0,
    1,
    "restore",
    0,
    "delete",
    "exercises",
    0,
    1,
    "delete",
    "workoutLogs",
    1,
    "awkward",
    "exercises",
    0,
    "\U000cf3e0\U0008711d\U0006ed57S[\U0010ceddnÑ\r",
    0,
    "backup",
    0,
    "restore",
    False,
    1,
    "create",
    "exercises",
]


# Device-0 holds a rename an older app version queued (text the schema refuses), then deletes the
# exercise; the server is wiped before either arrives.  The recovery folds both into one re-sent
# tombstone, which dropped all its data for the one value it cannot carry: the exercise's muscle
# group was gone from the tombstone, and the refused name was never kept as a refused change.
REFUSED_EDIT_THEN_DELETE_AFTER_WIPE = [
    0,
    2,
    3,
    "exercises",
    "exercises",
    "exercises",
    28,
    0,
    "delete",
    "exercises",
    0,
    0,
    "create",
    "exercises",
    0,
    "sync",
    [],
    False,
    0,
    "awkward",
    "exercises",
    0,
    "\x95\x9e\U0007002aòû20°",
    0,
    "create",
    "exercises",
    0,
    "create",
    "exercises",
    0,
    "create",
    "exercises",
    0,
    "create",
    "exercises",
    0,
    "create",
    "exercises",
    0,
    "create",
    "exercises",
    0,
    "create",
    "exercises",
    0,
    "create",
    "exercises",
    0,
    "restore",
    0,
    "delete",
    "exercises",
    0,
    0,
    "create",
    "exercises",
    0,
    "create",
    "exercises",
    0,
    "export",
    0,
    "create",
    "exercises",
    0,
    "export",
    0,
    "resolve",
    0,
    "create",
    "exercises",
    0,
    "create",
    "exercises",
    0,
    "create",
    "exercises",
    0,
    "create",
    "exercises",
    0,
    "create",
    "exercises",
    0,
    "create",
    "exercises",
    0,
    "create",
    "exercises",
    0,
    "create",
    "exercises",
]


@pytest.mark.parametrize(
    "draws",
    [
        DELETE_AFTER_WIPE,
        REFUSED_RESEND_AFTER_WIPE,
        IMPORT_OVER_REFUSED_TEXT,
        SWITCHES_IMPORTS_AND_RESTORES,
        PUSHED_BEFORE_ANY_PULL_THEN_WIPED,
        TOMBSTONE_OVER_RECOVERED_EDIT,
        REFUSED_EDIT_THEN_DELETE_AFTER_WIPE,
    ],
    ids=[
        "delete-after-wipe",
        "refused-resend-after-wipe",
        "import-over-refused-text",
        "switches-imports-and-restores",
        "pushed-before-any-pull-then-wiped",
        "tombstone-over-recovered-edit",
        "refused-edit-then-delete-after-wipe",
    ],
)
def test_found_case_converges_and_loses_nothing(
    server_app: FastAPI, draws: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sim, "event", lambda *_: None)  # Hypothesis's statistics: none here
    data = Replayed(draws)

    async def scenario() -> None:
        run = sim.Sim(server_app, data, Network())  # type: ignore[arg-type]
        await run.sign_up(data.draw(None, "devices"))
        try:
            await run.run()
            await run.heal()
            await run.check()
        finally:
            await run.close()

    asyncio.run(scenario())
    assert data.draws == []  # every recorded draw was used: the case ran as recorded
