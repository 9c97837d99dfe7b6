"""The device's permanent identity, kept in a key-value settings store (localStorage)."""

from __future__ import annotations

from collections.abc import Callable, MutableMapping

DEVICE_ID_KEY = "setflow-device-id"
LAST_SYNCED_KEY = "setflow-last-synced-at"


def ensure_device_id(settings: MutableMapping[str, str], new_id: Callable[[], str]) -> str:
    """The stored device ID, made with ``new_id`` on first start only and never replaced."""
    current = settings.get(DEVICE_ID_KEY)
    if current:
        return current
    device_id = new_id()
    settings[DEVICE_ID_KEY] = device_id
    return device_id
