"""When the device's storage fails under the app, in every engine: a sentence, never a hang.

The connection to IndexedDB can close while the app is open: Safari drops it ("Connection to
Indexed Database server lost"), and an app update opened in another tab closes it to upgrade.
Here the app's own database connection is closed in the page, then the person adds an exercise.
A rejected promise reaching Python once hung WebKit's sync (``app/js/net.mjs``); the storage
calls must answer too: the person reads what happened and what to do, and a reload finds all
that was saved before. What the person typed stays in the form.
"""

from __future__ import annotations

import json

import pytest

from devsupport.engines.drivers import ENGINES, Devices
from devsupport.live_server import LiveServer
from tests.e2e.engines.screen import Screen

LOST = (
    "Setflow lost its connection to this device's storage, so that was not saved. "
    "Reload the page to carry on: everything saved before is still here."
)


# The connection closes under the app (run beside it: window.setflowRun, app/js/page.mjs).
CLOSE_DATABASE = """
async def bench(args):
    app.store.db.close()
    return ""
"""


@pytest.mark.parametrize("engine", ENGINES)
def test_a_closed_database_is_said_plainly_and_loses_nothing_saved(
    engine: str, devices: Devices, server: LiveServer
) -> None:
    app = Screen(devices.open(engine), server.url).open("exercises")
    app.add_exercise("Bench press")

    app.run(f"return window.setflowRun({json.dumps(CLOSE_DATABASE)});")
    app.go("Exercises")
    app.fill("Exercise name", "Squat")
    app.tap("Add exercise")
    assert app.wait_for_text("alert", None, "Setflow lost") == LOST
    assert app.value_of("Exercise name") == "Squat"  # still there, to add after the reload

    app.reload()
    assert app.exercise_names() == ["Bench press"]
