"""Every key Setflow keeps in the browser's localStorage, in one place.

The Python side reads and writes these through a ``MutableMapping`` (a ``dict`` in tests,
``app.browser.local_storage.LocalStorage`` in the browser).  Four keys are also used by the
JavaScript that runs before Python is up; those files spell them again, and
``tests/core/test_storage_keys.py`` checks they spell them the same.
"""

from __future__ import annotations

# The device
DEVICE_ID = "setflow-device-id"  # this device's permanent id, made on first start
LAST_SYNCED = "setflow-last-synced-at"  # ISO time of the last finished sync

# Whose data the device shows (app.core.account)
ACCOUNT = "setflow-account"  # the signed-in email, so an offline start knows it (last-screen.mjs)
ACCOUNT_ID = "setflow-account-id"  # the signed-in account's stable id
HAD_ACCOUNT = "setflow-had-account"  # some account has signed in on this device
GUEST_OFFER = "setflow-guest-offer"  # the account that has not yet chosen about guest data
# Before local data was kept per account, the one database held the data of the account that
# last synced (this key) plus edits made since; LAYOUT marks a device already moved on.
LEGACY_SYNCED = "setflow-synced-account"
LAYOUT = "setflow-local-layout"

# The screens
WORKOUT_SCREEN = "setflow.workoutScreen"  # the screen state a reload finds (Screen.KEPT)
LAST_SCREEN = "setflow-last-screen"  # the copy painted at start-up (app/js/last-screen.mjs)
REST_ALERTED = "setflow.restAlerted"  # the rest end last announced (app/js/ticker.mjs)
# Keys typed that the app's Python had not yet kept (app/js/page.mjs writes it on each key, at
# once): a reload or a closed tab while the app was busy still finds them (kept_screen.py).
TYPING = "setflow-typing"

ALL = (
    DEVICE_ID,
    LAST_SYNCED,
    ACCOUNT,
    ACCOUNT_ID,
    HAD_ACCOUNT,
    GUEST_OFFER,
    LEGACY_SYNCED,
    LAYOUT,
    WORKOUT_SCREEN,
    LAST_SCREEN,
    REST_ALERTED,
    TYPING,
)
