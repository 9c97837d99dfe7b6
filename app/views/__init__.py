"""The screens, as pure functions from data to HTML (no ``js``: tested under CPython)."""

from __future__ import annotations

from app.views import exercises, history, log, programs, settings
from app.views.state import Account, Data, Screen

RENDERERS = {
    "log": log.render,
    "history": history.render,
    "exercises": exercises.render,
    "programs": programs.render,
    "settings": settings.render,
}


def render(screen: Screen, data: Data, account: Account) -> str:
    return RENDERERS.get(screen.view, log.render)(screen, data, account)
