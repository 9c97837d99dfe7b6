"""The device's permanent identity, kept in a key-value settings store (localStorage)."""

from __future__ import annotations

from collections.abc import Callable, MutableMapping

from app.core.storage_keys import DEVICE_ID


def ensure_device_id(settings: MutableMapping[str, str], new_id: Callable[[], str]) -> str:
    """The stored device ID, made with ``new_id`` on first start only and never replaced."""
    current = settings.get(DEVICE_ID)
    if current:
        return current
    device_id = new_id()
    settings[DEVICE_ID] = device_id
    return device_id
