"""This device's syncs and whose data it shows: what the screens ask of "sync" and "account".

When to sync is ``app.core.scheduler``'s policy; this controller runs the syncs it plans (one at
a time, in one tab at a time), keeps the status line, and switches the data shown when the
person signs in or out, here or in another tab.  What an account change resets:

1. the local database shown: each account's own, or the guest's (``app.core.account``);
2. the sync engine, bound to that account: a sync still running for the one before stops before
   its next page or batch (``still_signed_in``) and its outcome is not shown;
3. the last-synced time, and any planned sync (the new account syncs now, the guest never);
4. the backoff: the new account's first sync is not held back by the old one's failures.

Everything the browser provides (the local databases, requests, Web Locks, ``setTimeout``,
whether the page is visible) comes through ``Device``, so all of this runs under CPython in
tests; ``app/browser/sync.py`` is the browser's ``Device`` and its event wiring.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Coroutine, MutableMapping
from typing import Any, Protocol

from app.core import account, status
from app.core import storage_keys as keys
from app.core.engine import SyncEngine, SyncResult
from app.core.importer import ImportOutcome
from app.core.scheduler import Scheduler, Timer
from app.core.store import Store
from app.core.transport import AccountError, OfflineError, Transport

UNREACHABLE = "The server cannot be reached. Try again when online."


class LocalData(Store, Protocol):
    """One account's (or the guest's) local database."""

    name: str

    async def holds(self) -> tuple[int, int]:
        """``(live records of the person's tables, changes not yet uploaded)``."""
        ...

    async def clear(self) -> None: ...


class Device(Protocol):
    """What the platform gives the controller (the browser's is in ``app/browser/sync.py``)."""

    timer: Timer

    def now(self) -> float:
        """Seconds since the epoch."""
        ...

    def visible(self) -> bool:
        """The app is on screen (periodic syncs run only then)."""
        ...

    def transport(self) -> Transport: ...

    async def open(self, name: str) -> LocalData:
        """The local database called ``name``, created if new."""
        ...

    async def move_all(self, source: str, target: str) -> None:
        """Move every record and queued change of database ``source`` into ``target``."""
        ...

    async def account_request(
        self, path: str, body: dict[str, str] | None = None, method: str | None = None
    ) -> dict[str, Any]:
        """``/api/auth/<path>``: the answer's body, or ``AccountError``/``OfflineError``."""
        ...

    async def with_lock(self, run: Callable[[], Awaitable[None]]) -> bool:
        """Run ``run`` holding the device-wide sync lock; False (not run) if another tab has it."""
        ...

    def spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        """Run ``work`` in the background."""
        ...

    def synced(self) -> None:
        """A sync finished in this tab (the page counts them for tests and benchmarks)."""
        ...

    def check_for_update(self) -> None:
        """Fetch the new app version now."""
        ...

    def report(self, text: str) -> None:
        """A bug, for the developer's console; the person sees only a quiet status."""
        ...


async def open_local_data(settings: MutableMapping[str, str], device: Device) -> LocalData:
    """The signed-in account's local database (or the guest's), after upgrading an old device.

    An older app version kept one database for everything; what it holds belongs to the account
    that last synced it, so it moves into that account's database, queued changes included.
    """
    owner = account.legacy_owner(settings)
    if owner is not None:
        settings[keys.HAD_ACCOUNT] = "1"
        await device.move_all(account.GUEST_DATABASE, account.database_name(owner))
    settings[keys.LAYOUT] = account.LAYOUT
    settings.pop(keys.LEGACY_SYNCED, None)
    return await device.open(account.database_name(account.signed_in(settings)))


class SyncController:
    def __init__(
        self,
        store: LocalData,
        settings: MutableMapping[str, str],
        device: Device,
        on_update: Callable[[], None],
        on_store: Callable[[LocalData], None] = lambda _store: None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.device = device
        self.on_store = on_store  # the app shows another account's (or the guest's) data
        self.on_update = on_update
        self.engine = self._engine_for(store)
        self.scheduler = Scheduler(
            device.timer, lambda: device.spawn(self._sync(planned=True)), lambda: bool(self.email)
        )
        self.status = status.SYNCING if self.email else status.NOT_SIGNED_IN
        self.busy = False
        self.last_result: SyncResult | None = None

    @property
    def email(self) -> str | None:
        return self.settings.get(keys.ACCOUNT) or None

    @property
    def last_synced_at(self) -> str | None:
        return self.settings.get(keys.LAST_SYNCED)

    def _engine_for(self, store: LocalData) -> SyncEngine:
        bound = account.signed_in(self.settings)

        def still_signed_in() -> bool:
            # Another tab (or this one) signed out or in as someone else: the session cookie
            # is no longer this data's, so not one more page or batch may cross.
            return bound is not None and account.signed_in(self.settings) == bound

        return SyncEngine(
            store,
            self.device.transport(),
            self.settings,
            self.device.now,
            still_signed_in=still_signed_in,
        )

    def _use(self, store: LocalData) -> None:
        """Show and sync ``store`` (another account's data, or the guest's) from now on."""
        if store.name == self.store.name:
            return
        self.store = store
        self.engine = self._engine_for(store)
        self.settings.pop(keys.LAST_SYNCED, None)
        self.on_store(store)

    async def follow_account(self) -> None:
        """Open the data of whoever is signed in now (after another tab signed in or out)."""
        name = account.database_name(account.signed_in(self.settings))
        if name != self.store.name:
            self._use(await self.device.open(name))
        if not self.email:
            self.status = status.NOT_SIGNED_IN
            self.scheduler.cancel()
        self.on_update()

    # --- triggers (the browser's events) -----------------------------------------------------
    def started(self) -> None:
        self.scheduler.started()

    def online(self) -> None:
        self.scheduler.online()

    def offline(self) -> None:
        self._set_status(status.OFFLINE)

    def visibility_changed(self) -> None:
        self.scheduler.visible(self.device.visible())

    def storage_changed(self, key: str) -> None:
        """Another tab changed ``key``: it synced, or signed in or out."""
        if key in (keys.ACCOUNT, keys.ACCOUNT_ID, keys.GUEST_OFFER):
            self.device.spawn(self.follow_account())  # show the right account's data
        elif key == keys.LAST_SYNCED and self.email:
            self.status = status.SYNCED  # what it found arrives through the shared database
            self.on_update()

    def local_change(self) -> None:
        self.scheduler.local_change()

    def soon(self, delay: float) -> None:
        self.scheduler.soon(delay)

    # --- syncing ------------------------------------------------------------------------------
    async def sync(self) -> SyncResult | None:
        """One full sync (pull, then push) if this tab gets the lock; None if a sync is running
        (in this tab, or in another one: it holds the lock)."""
        return await self._sync(planned=False)

    async def _sync(self, *, planned: bool) -> SyncResult | None:
        if not self.email:
            return None
        if self.busy:
            if planned:
                self.scheduler.due_during_a_sync()
            return None
        if account.database_name(account.signed_in(self.settings)) != self.store.name:
            await self.follow_account()  # signed in without this tab hearing of it
        if not await self.device.with_lock(self._locked_sync):
            if planned:
                self.scheduler.due_while_another_tab_syncs()
            return None
        return self.last_result

    async def _locked_sync(self) -> None:
        self.busy = True
        self._set_status(status.SYNCING)
        engine = self.engine
        try:
            result = await engine.full_sync()
        except Exception as err:  # a bug, not the network: say so quietly and try again later
            self.device.report(f"Setflow sync: {type(err).__name__}: {err}")
            self.busy = False
            if not engine.still_signed_in():
                self._account_changed()
            else:
                self._set_status(self.scheduler.crashed().status)
            return
        finally:
            self.busy = False
        self.last_result = result
        self.device.synced()
        if not engine.still_signed_in():
            self._account_changed()
            return
        outcome = self.scheduler.finished(result, visible=self.device.visible())
        if outcome.forget_sign_in:
            # The session ended on the server: this account's data stays, out of sight.
            account.forget_sign_in(self.settings)
            await self.follow_account()
        if outcome.check_for_update:
            # The server moved on: fetch the new app version now; the outbox waits for it.
            self.device.check_for_update()
        self._set_status(outcome.status)

    def _account_changed(self) -> None:
        self._set_status(self.scheduler.account_changed().status)

    def _set_status(self, text: str) -> None:
        self.status = text
        self.on_update()

    # --- account ------------------------------------------------------------------------------
    async def _account_call(
        self, path: str, body: dict[str, str] | None = None, method: str | None = None
    ) -> dict[str, Any]:
        try:
            return await self.device.account_request(path, body, method)
        except OfflineError:
            raise AccountError(UNREACHABLE) from None

    async def sign_in(self, email: str, password: str, *, create: bool) -> str:
        """Sign up or in, and show that account's own data.  Returns a sentence.

        Data made before signing in (the guest's) stays apart until the person chooses.
        """
        answer = await self._account_call(
            "signup" if create else "login", {"email": email, "password": password}
        )
        answer.setdefault("email", email)
        guest = self.store if self.store.name == account.GUEST_DATABASE else None
        chosen = account.remember_sign_in(self.settings, answer)
        guest_records = 0
        if guest is not None:
            records, pending = await guest.holds()
            guest_records = records or pending
        if guest_records:
            self.settings[keys.GUEST_OFFER] = chosen
        self._use(await self.device.open(account.database_name(chosen)))
        self.scheduler.backoff.succeeded()
        self.device.spawn(self.sync())
        text = f"Signed in as {self.email}."
        if guest_records:
            text += " " + account.guest_offer(guest_records) + " Choose below what to do with it."
        return text

    async def guest_records(self) -> int:
        """How much guest data waits for the person's choice (0: none, or no choice to make)."""
        if self.settings.get(keys.GUEST_OFFER) != account.signed_in(self.settings):
            return 0
        guest = await self.device.open(account.GUEST_DATABASE)
        records, pending = await guest.holds()
        return records or pending

    async def bring_guest_data(self) -> ImportOutcome:
        """The person chose to add the guest's data to the signed-in account's."""
        guest = await self.device.open(account.GUEST_DATABASE)
        outcome = await self.store.import_records(
            await guest.dump(), device_id=self.settings.get(keys.DEVICE_ID, "")
        )
        await guest.clear()
        self.settings.pop(keys.GUEST_OFFER, None)
        self.soon(0)
        return outcome

    def keep_guest_data(self) -> None:
        self.settings.pop(keys.GUEST_OFFER, None)

    async def change_password(self, current: str, new: str) -> str:
        await self._account_call("password", {"currentPassword": current, "newPassword": new})
        return "Password changed. Your other devices are signed out."

    async def sessions(self) -> list[dict[str, Any]]:
        answer = await self._account_call("sessions")
        found = answer.get("sessions")
        return list(found) if isinstance(found, list) else []

    async def end_session(self, session_id: str) -> str:
        await self._account_call(f"sessions/{session_id}", method="DELETE")
        return "That device is signed out."

    async def sign_out_everywhere(self) -> str:
        await self._account_call("logout-everywhere", {})
        await self._forget_account()
        return "Signed out on every device. Your data stays on this device."

    async def delete_account(self, password: str) -> str:
        await self._account_call("delete", {"password": password})
        await self._forget_account(keep_copy=True)
        return "Your account and its data on the server are deleted. This device keeps its copy."

    async def _forget_account(self, *, keep_copy: bool = False) -> None:
        """Signed out by the server's doing: show the guest's data.  ``keep_copy`` (the account
        is gone): the account's data joins the guest's, so this device keeps showing it."""
        account.forget_sign_in(self.settings)
        self.scheduler.cancel()
        guest = await self.device.open(account.GUEST_DATABASE)
        if keep_copy:
            await guest.import_records(
                await self.store.dump(), device_id=self.settings.get(keys.DEVICE_ID, "")
            )
        self._use(guest)
        self._set_status(status.NOT_SIGNED_IN)

    async def sign_out(self) -> str:
        """Switch to the guest's data; this account's data (and unsynced changes) stay here."""
        pending = await self.store.outbox_count()
        email = self.email
        # Forget first: a sync running in any tab stops before its next request.
        account.forget_sign_in(self.settings)
        self.scheduler.cancel()
        # Offline, the server session outlives this (the cookie is HttpOnly); the next sign-in
        # replaces the cookie.
        with contextlib.suppress(AccountError, OfflineError):
            await self.device.account_request("logout", {})
        self._use(await self.device.open(account.GUEST_DATABASE))
        self._set_status(status.NOT_SIGNED_IN)
        return account.sign_out_message(pending, email)
