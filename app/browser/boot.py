"""Start-up: settings, device identity, first render, then ``data-app-state="ready"``."""

from __future__ import annotations

import js  # type: ignore[import-not-found]

from app.browser.settings import LocalStorage
from app.core.device import ensure_device_id


def _set_state(state: str) -> None:
    js.document.documentElement.dataset.appState = state


async def start() -> None:
    try:
        settings = LocalStorage()
        device_id = ensure_device_id(settings, lambda: str(js.crypto.randomUUID()))
        view = js.document.getElementById("view")
        js.document.getElementById("loading").hidden = True
        section = js.document.createElement("section")
        section.innerHTML = (
            '<h2>Settings</h2><dl class="facts"><dt>Device ID</dt><dd id="device-id"></dd></dl>'
        )
        view.appendChild(section)
        js.document.getElementById("device-id").textContent = device_id
        _set_state("ready")
    except Exception as err:  # any failure must reach the person as a sentence
        js.window.setflowStartupError(f"{type(err).__name__}: {err}")
        raise
