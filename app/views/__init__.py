"""The screens, as pure functions from data to HTML (no ``js``: tested under CPython)."""

from __future__ import annotations

from app.views import exercises, history, log, programs, settings, workout
from app.views.state import Account, Data, Screen

RENDERERS = {
    "workout": workout.render,
    "log": log.render,
    "history": history.render,
    "exercises": exercises.render,
    "programs": programs.render,
    "settings": settings.render,
}


def render(screen: Screen, data: Data, account: Account) -> str:
    return RENDERERS.get(screen.view, workout.render)(screen, data, account)
