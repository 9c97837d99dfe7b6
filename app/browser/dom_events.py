"""The screen's events, sent by the page, run as the controls of ``app.views.controls``.

The page (``app/js/page.mjs``) sends each event on a control (``data-form``, ``data-action``,
``data-field``) as one message holding what the control carried (and, for a form a refusal
answers, that it was edited or stopped by the browser: ``retried``); this module makes it an
``Event``, runs the control in the steps that module lists, and asks the page for what only a
browser can do: ask, reset the form, move the focus, scroll. ``Target`` stands for the element
the event came from, which stays on the page.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import js  # type: ignore[import-not-found]

from app.browser import account_panel, files, page
from app.browser.kept_screen import keep_screen, taken
from app.browser.tasks import spawn
from app.core.exchange import ImportRefused
from app.core.schema import ValidationError
from app.core.storage_failure import StorageError
from app.views.controls import (
    CHANGES,
    CLICKS,
    FORMS,
    RETRIED,
    Control,
    changed,
    refusal,
    retried,
    typed,
    wants_alerts,
)
from app.views.state import Event

if TYPE_CHECKING:
    from app.browser.ui import App


@dataclass(frozen=True)
class Target:
    """The element an event came from: the page holds it under ``handle``; a file picker's
    chosen file comes as its text (``None``: nothing chosen)."""

    handle: int
    file: str | None = None

    def reset(self) -> None:
        page.post("reset", handle=self.handle)

    def refill(self, fields: dict[str, str]) -> None:
        """Put a form's typed values back (after ``reset``), text fields and choices only."""
        page.post("refill", handle=self.handle, fields=fields)


Effect = Callable[["App", Event, Target], Awaitable[None]]
EFFECTS: dict[str, Effect] = {**files.HANDLERS, **account_panel.HANDLERS}


class Events:
    def __init__(self, app: App) -> None:
        self.app = app
        self._lock = asyncio.Lock()  # one action at a time, each on the data the last one left

    def attach(self) -> None:
        """Take the page's events; tell it which controls there are (it sends only theirs)."""
        page.on("event", self._on_event)
        page.post("controls", forms=sorted(FORMS), clicks=sorted(CLICKS), retried=sorted(RETRIED))

    def _on_event(self, message: page.Message) -> None:
        kind = message.get("kind")
        text = lambda key: str(message.get(key) or "")  # noqa: E731
        target = Target(int(message.get("handle") or 0), message.get("file"))
        if kind == "submit":
            control = FORMS.get(text("name"))
            fields = {str(k): str(v) for k, v in (message.get("fields") or {}).items()}
            if control is not None:
                self.run(control, Event(id=text("id"), fields=fields), target)
        elif kind == "click":
            control = CLICKS.get(text("name"))
            carried = Event(id=text("id"), index=text("index"), unit=text("unit"))
            if control is not None:
                self.run(control, carried, target)
        elif kind == "retried":
            if retried(self.app.screen, text("name")):
                keep_screen(self.app.screen)
                self.app.render()
        elif kind in ("input", "change"):
            event = Event(
                id=text("id"), value=text("value"), field=text("field"), element=text("element")
            )
            if kind == "input":
                self._typed(event, int(message.get("seq") or 0))
            else:
                name = changed(text("field"), text("action"))
                control = CHANGES.get(name) if name else None
                if control is not None:
                    self.run(control, event, target)

    def _typed(self, event: Event, seq: int) -> None:
        draw = typed(self.app.screen, event)
        keep_screen(self.app.screen)
        taken(seq)
        if draw:
            self.app.render()

    def run(self, control: Control, event: Event, element: Target) -> None:
        spawn(self._guarded(control, event, element))

    async def _guarded(self, control: Control, event: Event, element: Target) -> None:
        try:
            await self._run(control, event, element)
        except Exception as err:
            if not isinstance(err, (ValidationError, ImportRefused)):
                js.console.error(f"Setflow: {type(err).__name__}: {err}")
            self.app.screen.say(refusal(err), ok=False)
            self.app.render()

    async def _run(self, control: Control, event: Event, element: Target) -> None:
        app = self.app
        asked = control.confirm(app.data, event) if control.confirm is not None else None
        if asked is not None and not await page.ask("confirm", text=asked):
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
                        element.refill(event.fields)
                    raise
        await self._after(control)

    async def _after(self, control: Control) -> None:
        app = self.app
        if control.navigate:
            page.post("hash", value=f"#{control.navigate}")
        if control.focus:
            page.post("focus", selector=control.focus)
        if control.reveal_next and app.screen.up_next:  # a superset: the next set comes into view
            page.post("reveal", selector=f'tr[data-id="{app.screen.up_next}"]')
        if control.ask_alerts and wants_alerts(app.screen):
            app.screen.notify = str(await page.ask("alerts"))
            page.facts["notify"] = app.screen.notify
            app.render()
        if control.scroll_top:
            page.post("scroll_top")
