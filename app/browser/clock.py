"""The browser's clock and UUIDs, for the core functions that take them as arguments."""

from __future__ import annotations

import js  # type: ignore[import-not-found]


def now_ms() -> int:
    return int(js.Date.now())


def new_id() -> str:
    return str(js.crypto.randomUUID())
