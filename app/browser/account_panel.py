"""Settings → Account: the controls that talk to the server through ``SyncController``.

Each says what happened (or why not, as the server or the network put it) on the screen.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from app.core.sync_controller import SyncController
from app.core.transport import AccountError
from app.views.state import Event

if TYPE_CHECKING:
    from app.browser.dom_events import Target
    from app.browser.ui import App

GUEST_KEPT = "The data made before you signed in stays apart, as guest data."


async def _say(
    app: App, call: Callable[[SyncController], Awaitable[str]], *, refresh_if_refused: bool = False
) -> None:
    """Run one of the account's calls; say what happened (or why not); show the data after.

    ``refresh_if_refused``: the data is shown again even when the server refused (a call that
    may have changed who is signed in before it failed); otherwise a refusal only repaints.
    """
    if app.sync is None:
        return
    since = app.screen.said
    try:
        app.screen.say_unless_overtaken(since, await call(app.sync))
    except AccountError as err:
        app.screen.say_unless_overtaken(since, str(err), ok=False)
        if not refresh_if_refused:
            app.render()
            return
    await app.refresh()


async def account(app: App, event: Event, form: Target) -> None:
    """Sign in, or create an account (the form's submit button says which)."""
    email, password = event.fields.get("email", "").strip(), event.fields.get("password", "")
    create = event.fields.get("intent") == "signup"
    await _say(app, lambda s: s.sign_in(email, password, create=create))


async def sign_out(app: App, event: Event, button: Target) -> None:
    if app.sync is not None:
        app.screen.say(await app.sync.sign_out())
    await app.refresh()


async def change_password(app: App, event: Event, form: Target) -> None:
    current, new = event.fields.get("current", ""), event.fields.get("new", "")
    await _say(app, lambda s: s.change_password(current, new), refresh_if_refused=True)


async def load_sessions(app: App, event: Event, button: Target) -> None:
    if app.sync is None:
        return
    try:
        app.account.sessions = await app.sync.sessions()
    except AccountError as err:
        app.screen.say(str(err), ok=False)
    app.render()


async def end_session(app: App, event: Event, button: Target) -> None:
    app.account.sessions = None
    await _say(app, lambda s: s.end_session(event.id), refresh_if_refused=True)


async def sign_out_everywhere(app: App, event: Event, button: Target) -> None:
    app.account.sessions = None
    await _say(app, lambda s: s.sign_out_everywhere(), refresh_if_refused=True)


async def delete_account(app: App, event: Event, form: Target) -> None:
    password = event.fields.get("password", "")
    app.account.sessions = None
    await _say(app, lambda s: s.delete_account(password), refresh_if_refused=True)


async def bring_guest_data(app: App, event: Event, button: Target) -> None:
    if app.sync is not None:
        outcome = await app.sync.bring_guest_data()
        app.screen.say(outcome.summary())
    await app.refresh()


async def keep_guest_data(app: App, event: Event, button: Target) -> None:
    if app.sync is not None:
        app.sync.keep_guest_data()
        app.screen.say(GUEST_KEPT)
    await app.refresh()


async def sync_now(app: App, event: Event, button: Target) -> None:
    if app.sync is not None:
        await app.sync.sync()
    await app.refresh()


HANDLERS = {
    "account": account,
    "sign_out": sign_out,
    "change_password": change_password,
    "load_sessions": load_sessions,
    "end_session": end_session,
    "sign_out_everywhere": sign_out_everywhere,
    "delete_account": delete_account,
    "bring_guest_data": bring_guest_data,
    "keep_guest_data": keep_guest_data,
    "sync_now": sync_now,
}
