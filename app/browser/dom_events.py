"""The screen's DOM events, delegated from ``#view``, run as the controls of ``app.views.controls``.

Each event names a control (``data-form``, ``data-action``, ``data-field``); this module reads
what the control carried into an ``Event``, runs the control in the steps that module lists, and
does what only a browser can: ask, reset the form, move the focus, scroll.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import js  # type: ignore[import-not-found]
from pyodide.ffi import create_proxy  # type: ignore[import-not-found]

from app.browser import account_panel, files
from app.browser.interop import attr, is_null, to_js_data, to_py_data
from app.browser.kept_screen import keep_screen
from app.browser.tasks import spawn
from app.core.exchange import ImportRefused
from app.core.schema import ValidationError
from app.core.storage_failure import StorageError
from app.views.controls import (
    CHANGES,
    CLICKS,
    FORMS,
    Control,
    changed,
    refusal,
    typed,
    wants_alerts,
)
from app.views.state import Event

if TYPE_CHECKING:
    from app.browser.ui import App

Effect = Callable[["App", Event, Any], Awaitable[None]]
EFFECTS: dict[str, Effect] = {**files.HANDLERS, **account_panel.HANDLERS}


def _form_data(form: Any, submitter: Any = None) -> dict[str, str]:
    entries = js.FormData.new(form, submitter) if submitter else js.FormData.new(form)
    return {str(k): str(v) for k, v in to_py_data(getattr(js.Array, "from")(entries))}


def _refill(form: Any, fields: dict[str, str]) -> None:
    """Put a form's typed values back (after ``reset``), text fields and choices only."""
    for name, value in fields.items():
        field = form.elements.namedItem(name)
        if not is_null(field) and str(getattr(field, "type", "")) not in _NOT_TYPED:
            field.value = value


_NOT_TYPED = ("checkbox", "radio", "file", "submit", "button", "undefined")


class Events:
    def __init__(self, app: App) -> None:
        self.app = app
        self._lock = asyncio.Lock()  # one action at a time, each on the data the last one left
        self._proxies: list[Any] = []

    def attach(self, view: Any) -> None:
        for kind, handler in (
            ("submit", self._on_submit),
            ("click", self._on_click),
            ("change", self._on_change),
            ("input", self._on_input),
        ):
            self._proxies.append(create_proxy(handler))
            view.addEventListener(kind, self._proxies[-1])

    def _on_submit(self, event: Any) -> None:
        form = event.target
        control = FORMS.get(attr(form, "data-form"))
        if control is None:
            return
        event.preventDefault()
        fields = _form_data(form, event.submitter)
        self.run(control, Event(id=attr(form, "data-id"), fields=fields), form)

    def _on_click(self, event: Any) -> None:
        button = event.target.closest("[data-action]")
        if is_null(button) or button.tagName in ("INPUT", "SELECT"):
            return
        control = CLICKS.get(attr(button, "data-action"))
        if control is None:
            return
        event.preventDefault()
        carried = Event(
            id=attr(button, "data-id"),
            index=attr(button, "data-index"),
            unit=attr(button, "data-unit"),
        )
        self.run(control, carried, button)

    def _field_event(self, target: Any) -> Event:
        return Event(
            id=attr(target, "data-id"),
            value=str(target.value),
            field=attr(target, "data-field"),
            element=str(target.id),
        )

    def _on_input(self, event: Any) -> None:
        if not attr(event.target, "data-field"):
            return
        draw = typed(self.app.screen, self._field_event(event.target))
        keep_screen(self.app.screen)
        if draw:
            self.app.render()

    def _on_change(self, event: Any) -> None:
        target = event.target
        name = changed(attr(target, "data-field"), attr(target, "data-action"))
        control = CHANGES.get(name) if name else None
        if control is not None:
            self.run(control, self._field_event(target), target)

    def run(self, control: Control, event: Event, element: Any) -> None:
        spawn(self._guarded(control, event, element))

    async def _guarded(self, control: Control, event: Event, element: Any) -> None:
        try:
            await self._run(control, event, element)
        except Exception as err:
            if not isinstance(err, (ValidationError, ImportRefused)):
                js.console.error(f"Setflow: {type(err).__name__}: {err}")
            self.app.screen.say(refusal(err), ok=False)
            self.app.render()

    async def _run(self, control: Control, event: Event, element: Any) -> None:
        app = self.app
        if control.confirm is not None and not js.window.confirm(control.confirm(app.data, event)):
            return
        if control.effect is not None:
            await EFFECTS[control.effect](app, event, element)
        elif control.look is not None:
            control.look(app.data, app.screen, event, app.stamp())
            keep_screen(app.screen)
            if control.render:
                app.render()
        elif control.write is not None:
            async with self._lock:
                if control.reads is not None:
                    wanted = control.reads(app.data, app.screen, event)
                    found = [(table, await app.store.get(table, rid)) for table, rid in wanted]
                    event = replace(event, records=tuple(found))
                app.screen.undo = []  # Undo is offered until the next action
                outcome = control.write(app.data, app.screen, event, app.stamp())
                if control.reset_form:
                    element.reset()
                keep_screen(app.screen)
                try:
                    await app.save(outcome)
                except StorageError:
                    if control.reset_form:  # not saved: what the person typed stays for a retry
                        _refill(element, event.fields)
                    raise
        await self._after(control)

    async def _after(self, control: Control) -> None:
        app = self.app
        if control.navigate:
            js.location.hash = f"#{control.navigate}"
        if control.focus and not is_null(field := js.document.querySelector(control.focus)):
            field.focus()
        if control.reveal_next and app.screen.up_next:  # a superset: the next set comes into view
            row = js.document.querySelector(f'tr[data-id="{app.screen.up_next}"]')
            if not is_null(row):
                row.scrollIntoView(to_js_data({"block": "center"}))
        if control.ask_alerts and wants_alerts(app.screen):
            app.screen.notify = str(await js.window.setflowTicker.prepareAlerts())
            app.render()
        if control.scroll_top:
            js.window.scrollTo(0, 0)
