"""Writing the screen into the page: the view's HTML, the tab bar and the sync status lines.

What survives a re-render is decided in ``app.views.inputs``; the sentences in ``app.core.status``
and ``app.views.conflicts``.
"""

from __future__ import annotations

from typing import Any

import js  # type: ignore[import-not-found]

from app.browser.interop import attr, is_null
from app.core import status as sync_status
from app.views import inputs
from app.views.conflicts import settings_tab_label


def _fields(view: Any) -> list[inputs.Field]:
    return [
        inputs.Field(
            str(el.id),
            str(el.tagName),
            str(el.type),
            str(el.value),
            bool(attr(el, "data-action") or attr(el, "data-field")),
        )
        for el in view.querySelectorAll("input[id], select[id], textarea[id]")
    ]


def replace(view: Any, html: str) -> None:
    """The view's new HTML, with what the person was typing and the focus kept."""
    before = _fields(view)
    typed = inputs.typed(before)
    pickers = {str(el.id): el for el in view.querySelectorAll("input[type=file][id]")}
    active = js.document.activeElement
    focus = "" if is_null(active) else str(active.id or "")
    view.innerHTML = html
    for el_id in inputs.kept_in_place(before, _fields(view)):
        js.document.getElementById(el_id).replaceWith(pickers[el_id])
    for el_id, value in inputs.values_to_restore(typed, _fields(view)).items():
        js.document.getElementById(el_id).value = value
    if focus and not is_null(field := js.document.getElementById(focus)):
        field.focus()


def tabs(view_name: str, open_conflicts: int) -> None:
    """The tab bar: the current view marked; Settings counts open conflicts, while any are."""
    for link in js.document.querySelectorAll(".tabbar a"):
        if attr(link, "data-view") == view_name:
            link.setAttribute("aria-current", "page")
        else:
            link.removeAttribute("aria-current")
    link = js.document.querySelector('.tabbar a[data-view="settings"]')
    if is_null(link):
        return
    badge = link.querySelector(".badge")
    if open_conflicts and is_null(badge):
        badge = js.document.createElement("span")
        badge.className = "badge"
        badge.setAttribute("aria-hidden", "true")
        link.appendChild(badge)
    if open_conflicts:
        badge.textContent = str(open_conflicts)
    elif not is_null(badge):
        badge.remove()
    link.setAttribute("aria-label", settings_tab_label(open_conflicts))


def status(line: str, had_account: bool) -> None:
    """The header's short sync status, and Settings' full one when Settings shows."""
    js.document.getElementById("sync-status").textContent = sync_status.header(
        line, had_account=had_account
    )
    el = js.document.getElementById("settings-sync-status")
    if not is_null(el):
        el.textContent = line
