"""One account on a WebKit phone, a Firefox laptop and a Chromium desktop.

A file exported on the phone is imported on the laptop; all three edit offline (the server
process stopped), the phone and the laptop renaming the same exercise; once the server is back,
every device shows the same exercises, and the edit that lost is kept as a conflict.
"""

from __future__ import annotations

from pathlib import Path

from devsupport.engines.drivers import Devices
from devsupport.live_server import LiveServer
from tests.e2e.engines.screen import Screen

EMAIL = "everywhere@example.com"
PASSWORD = "correct horse battery"


def test_phone_laptop_and_desktop_share_one_account(
    devices: Devices, own_server: LiveServer, tmp_path: Path
) -> None:
    phone, laptop, desktop = (
        Screen(devices.open(engine), own_server.url).open("exercises")
        for engine in ("webkit", "firefox", "chromium")
    )
    for device in (phone, laptop, desktop):
        device.wait_for_service_worker()

    # The phone is used without an account first; on signing up that data joins the account.
    phone.add_exercise("Bench press")
    phone.add_exercise("Squat")
    phone.sign_in(EMAIL, PASSWORD, create=True)
    phone.add_guest_data()
    phone.sync_now()

    # A file from Safari's engine opens in Firefox; then both other devices sign in.
    message = laptop.import_file(phone.export(tmp_path))
    assert message.startswith("Imported 2 exercises"), message
    laptop.sign_in(EMAIL, PASSWORD, create=False)
    laptop.add_guest_data()  # the imported file's records are the account's own: nothing doubles
    laptop.sync_now()
    desktop.sign_in(EMAIL, PASSWORD, create=False)
    desktop.sync_now()
    for device in (phone, laptop, desktop):
        device.wait_for_exercises({"Bench press", "Squat"})

    # The server process is stopped while all three edit: the phone and the laptop rename the
    # same exercise, each its own way. Each device says it is offline, and keeps its edits.
    own_server.stop()
    phone.rename_exercise("Squat", "Back squat")
    laptop.rename_exercise("Squat", "Low-bar squat")
    laptop.add_exercise("Plank")
    desktop.add_exercise("Row")
    for device in (phone, laptop, desktop):
        device.go("Settings")
        device.tap("Sync now")
        device.sync_status("Offline")

    # The server returns: each device syncs (the phone twice, to fetch what came after it).
    own_server.start()
    for device in (phone, laptop, desktop, phone):
        device.sync_now()
    names = phone.exercise_names()
    squat = next(n for n in names if n.endswith("squat"))
    assert squat in ("Back squat", "Low-bar squat")
    expected = {"Bench press", squat, "Row", "Plank"}
    for device in (phone, laptop, desktop):
        device.wait_for_exercises(expected)

    # The edit that reached the server first won everywhere; the other device keeps its value.
    loser, lost = (laptop, "Low-bar squat") if squat == "Back squat" else (phone, "Back squat")
    conflicts = loser.conflicts()
    assert any(lost in c for c in conflicts), conflicts
