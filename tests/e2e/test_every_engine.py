"""The same lifter's day in Chromium, Firefox and WebKit (Safari's engine), each from Debian.

One test, parametrised per engine, driven through ``tests/e2e/engines/screen.py``: first visit,
an exercise and a set, a reload, the advice about keeping the data, a start with the server
process stopped, then export and import.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from devsupport.engines.drivers import ENGINES, Devices
from devsupport.live_server import LiveServer
from tests.e2e.engines.screen import Screen
from tests.e2e.test_accounts import PASSWORD, server_names

# What Settings advises about keeping the data, in a browser that has not installed the app:
# its heading, a phrase of its text, and its first step (none where the browser cannot install).
ADVICE = {
    "chromium": (
        "Install Setflow",
        "installed, Setflow keeps it",
        "Open the browser menu and choose Install Setflow (or Add to Home screen).",
    ),
    # Firefox offers no install: it is told to keep a copy.
    "firefox": ("Keep a copy of your data", "use Export data now and then", None),
    # Safari's engine: no install prompt, and a site's data may go after weeks unopened.
    "webkit": (
        "Add Setflow to your Home Screen",
        "Safari may clear the data of a website you have not opened for a few weeks.",
        "On iPhone or iPad: tap Share, then Add to Home Screen.",
    ),
}


@pytest.mark.parametrize("engine", ENGINES)
def test_a_lifters_day_in_every_engine(
    engine: str, devices: Devices, own_server: LiveServer, tmp_path: Path
) -> None:
    app = Screen(devices.open(engine), own_server.url).open("exercises")
    app.wait_for_service_worker()
    app.add_exercise("Bench press")
    app.log_set("Bench press", 5, 80)
    assert "5 × 80 kg" in app.sets_of("Bench press", 1)[0]

    # The reload starts Python from the snapshot the first start made (instant start).
    app.wait_for_snapshot()
    app.reload()
    assert app.started_from_snapshot(), f"{engine} started Python without its snapshot"
    assert "5 × 80 kg" in app.sets_of("Bench press", 1)[0]

    # Settings says whether the browser keeps the data, and what to do about it.
    app.go("Settings")
    assert app.fact("Safe from clearing") == "No"
    heading, says, first_step = ADVICE[engine]
    advice = app.advice()
    assert advice["heading"] == heading
    assert says in advice["text"], advice["text"]
    assert (advice["steps"][0] if advice["steps"] else None) == first_step

    # No server at all: the service worker starts the app and the data is on the device.
    own_server.stop()
    app.reload()
    assert app.exercise_names() == ["Bench press"]
    app.log_set("Bench press", 3, 90)
    shown = app.sets_of("Bench press", 2)
    assert "5 × 80 kg" in shown[0] and "3 × 90 kg" in shown[1]

    # Export, then import that file: it holds both sets, and importing it duplicates nothing.
    exported = json.loads(app.export(tmp_path).read_text())
    sets = exported["tables"]["workoutSets"]
    assert sorted((s["reps"], s["weight"]) for s in sets) == [(3, 90), (5, 80)]
    message = app.import_file(tmp_path / f"setflow-export-{engine}.json")
    # The device already holds every record of its own export: nothing is written twice.
    assert message.startswith("Nothing new to import."), message
    assert "were already here as in the file" in message, message
    assert app.exercise_names() == ["Bench press"]
    assert len(app.sets_of("Bench press", 2)) == 2


def test_webkit_says_offline_when_the_server_is_down_and_syncs_once_it_is_back(
    devices: Devices, own_server: LiveServer
) -> None:
    """Safari's engine, signed in, the server process stopped: a sync says "Offline" within
    seconds (sooner than the request's own 30 s time limit, so the refusal itself was heard),
    never "Syncing" for good; once the server is back, the next sync uploads what was made."""
    phone = Screen(devices.open("webkit"), own_server.url).open("exercises")
    phone.sign_in("offline-phone@example.com", PASSWORD, create=True)
    phone.sync_now()

    own_server.stop()
    phone.add_exercise("Plank")
    phone.go("Settings")
    phone.tap("Sync now")
    phone.sync_status("Offline", within_ms=25_000)

    own_server.start()
    phone.sync_now()
    assert server_names(own_server.url, "offline-phone@example.com") == {"Plank"}
