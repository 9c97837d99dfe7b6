"""The screen state a reload finds, kept in localStorage, and what only the browser can tell.

Screen state the person would expect to find after a reload (rest timer, drafts typed, the
open picker, the last summary: ``Screen.KEPT``) is kept under
``app.core.storage_keys.WORKOUT_SCREEN``.
"""

from __future__ import annotations

import js  # type: ignore[import-not-found]

from app.browser import page
from app.browser.local_storage import LocalStorage
from app.core import storage_keys as keys
from app.views.controls import typed_before
from app.views.state import Screen

# The keys the page kept before this start (``TYPING``), whose ``seq`` it gave them.
BEFORE_START = 0


def restore_screen(screen: Screen, storage: LocalStorage | None = None) -> None:
    """The screen a reload finds: as kept, with the keys typed that the app had not yet taken
    (the page forgets those once they are kept here, ``taken``)."""
    storage = storage if storage is not None else LocalStorage()
    screen.restore(storage.get(keys.WORKOUT_SCREEN))
    untaken = storage.get(keys.TYPING)
    if untaken:
        typed_before(screen, untaken)
        keep_screen(screen)
        taken(BEFORE_START)
    screen.date_pattern = _date_pattern()


def keep_screen(screen: Screen) -> None:
    LocalStorage()[keys.WORKOUT_SCREEN] = screen.kept()


def taken(seq: int) -> None:
    """The keys the page sent up to ``seq`` are kept (``keep_screen``): it may forget them."""
    page.post("typed", seq=seq)


def _date_pattern() -> str:
    """The device's date order and separator, e.g. "dmy/" (see app.core.dates)."""
    try:
        parts = js.Intl.DateTimeFormat.new().formatToParts(js.Date.new(2026, 10, 24))
        order, sep = "", ""
        for part in parts:
            kind = str(part.type)
            if kind in ("day", "month", "year"):
                order += kind[0]
            elif kind == "literal" and not sep:
                sep = str(part.value).strip()[:1]
        return order + sep
    except Exception:
        return "ymd-"


def notify_state() -> str:
    """What the platform allows for the rest timer's alerts, as the page last said
    (``app/js/ticker.mjs``)."""
    return str(page.facts.get("notify") or "unsupported")
