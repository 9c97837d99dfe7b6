"""The browser's clock and UUIDs, for the core functions that take them as arguments."""

from __future__ import annotations

from collections.abc import Callable

import js  # type: ignore[import-not-found]
import setflow_db as db  # type: ignore[import-not-found]  # app/js/db.mjs


def now_ms() -> int:
    return int(js.Date.now())


def new_id() -> str:
    return str(js.crypto.randomUUID())


def id_pool(chunk: int = 2_000) -> Callable[[], str]:
    """A ``new_id`` for bulk work (imports): UUIDs fetched ``chunk`` at a time from JS."""
    ids: list[str] = []

    def take() -> str:
        if not ids:
            ids.extend(str(db.newIds(chunk)).split(","))
        return ids.pop()

    return take
