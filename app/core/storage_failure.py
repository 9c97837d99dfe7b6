"""What the person reads when the device's storage fails under the app.

The browser adapter (``app/browser/idb.py``) reports a failed IndexedDB step by the error's
name (and the name of the error inside it, as Dexie wraps one in another); the sentence is
chosen here. Whatever failed was not saved; what was saved before stays on the device.
"""

from __future__ import annotations

# The connection is gone: Safari drops it at times ("Connection to Indexed Database server
# lost"), an app update opened in another tab closes it to upgrade the database.
LOST = frozenset(
    {
        "DatabaseClosedError",
        "InvalidStateError",
        "TransactionInactiveError",
        "UnknownError",
        "VersionError",
    }
)
FULL = frozenset({"QuotaExceededError"})

LOST_MESSAGE = (
    "Setflow lost its connection to this device's storage, so that was not saved. "
    "Reload the page to carry on: everything saved before is still here."
)
FULL_MESSAGE = (
    "This device has no room left for Setflow's data, so that was not saved. "
    "Free some space on the device, or export your data in Settings, then try again."
)
OPEN_MESSAGE = (
    "Setflow cannot open its storage on this device. Reload the page; in a private window, "
    "open Setflow in a normal one."
)


class StorageError(Exception):
    """A step the device's storage refused or lost; its message is for the person, ``name``
    and ``detail`` (the error's own name and message) for the console and the adapter."""

    def __init__(self, message: str, name: str = "", detail: str = "") -> None:
        super().__init__(message)
        self.name = name
        self.detail = detail


def storage_error(
    name: str, cause: str = "", detail: str = "", *, opening: bool = False
) -> StorageError:
    """The error for a failed storage step, from its error names (``cause``: the inner one)."""
    names = {name, cause}
    if names & FULL:
        message = FULL_MESSAGE
    elif opening:
        message = OPEN_MESSAGE
    elif names & LOST:
        message = LOST_MESSAGE
    else:
        message = (
            f"This device's storage refused that ({cause or name}), so it was not saved. "
            "Reload the page and try again: everything saved before is still here."
        )
    return StorageError(message, name, detail)
