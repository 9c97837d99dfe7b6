"""When this device syncs, and what a sync's end means for the next one: the whole policy.

Triggers: once at start-up when signed in, when the browser comes back online, when the app
becomes visible, shortly after a local change (``CHANGE_DELAY_S``), every ``PERIOD_S`` while the
app is visible, and on "Sync now".  A failure is a quiet status, retried with backoff and full
jitter; a status that needs the person (signed out, update needed) waits for them.  One plan at
a time: a new trigger replaces the sync already planned.  A planned sync that comes due while a
sync runs is not dropped: it runs as soon as this tab's sync ends, or shortly (``LOCK_RETRY_S``)
when another tab holds the lock.

The timer is injected, so the policy runs under CPython in tests; the browser adapter
(``app/browser/sync.py``) only wires ``online``/``visibilitychange``/``storage`` events, Web Locks
and ``setTimeout`` to it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from app.core import status
from app.core.backoff import Backoff
from app.core.engine import SyncResult

CHANGE_DELAY_S = 1.5
PERIOD_S = 60.0
LOCK_RETRY_S = 1.0  # another tab holds the sync lock: ask again after this


class Timer(Protocol):
    def start(self, delay_s: float, callback: Callable[[], None]) -> Any:
        """Call ``callback`` once after ``delay_s`` seconds; a handle for ``cancel``."""
        ...

    def cancel(self, handle: Any) -> None: ...


@dataclass(frozen=True)
class Outcome:
    """What follows a sync: the status to show and the next sync, if one is planned."""

    status: str
    next_in: float | None  # seconds until the next sync; None: none until a trigger
    forget_sign_in: bool = False  # the server ended the session: this account's data rests
    check_for_update: bool = False  # the server moved on: fetch the new app version now


class Scheduler:
    """Plans the next sync; ``run`` starts one (the adapter takes the lock and calls the engine)."""

    def __init__(
        self, timer: Timer, run: Callable[[], None], signed_in: Callable[[], bool]
    ) -> None:
        self._timer = timer
        self._run = run
        self._signed_in = signed_in
        self._handle: Any = None
        self.backoff = Backoff()
        self.planned_in: float | None = None  # the delay of the plan in force, for the tests
        self._again = False  # a planned sync came due while this tab was syncing

    # --- triggers ------------------------------------------------------------------------------
    def started(self) -> None:
        if self._signed_in():
            self.soon(0)

    def online(self) -> None:
        self.soon(0)

    def visible(self, now_visible: bool) -> None:
        if now_visible:
            self.soon(0)

    def local_change(self) -> None:
        self.soon(CHANGE_DELAY_S)

    def soon(self, delay_s: float) -> None:
        """Sync after ``delay_s`` seconds, replacing any sync already planned."""
        self.cancel()
        if not self._signed_in():
            return
        self.planned_in = delay_s
        self._handle = self._timer.start(delay_s, self._fire)

    def cancel(self) -> None:
        if self._handle is not None:
            self._timer.cancel(self._handle)
        self._handle = None
        self.planned_in = None

    def _fire(self) -> None:
        self._handle = None
        self.planned_in = None
        self._run()

    # --- a planned sync that found a sync running: never dropped ---------------------------
    def due_during_a_sync(self) -> None:
        """This tab was still syncing (what came since may have missed its push): sync again as
        soon as that sync ends."""
        self._again = True

    def due_while_another_tab_syncs(self) -> None:
        """Another tab holds the sync lock: ask again shortly (it may have pushed before what
        made this sync due was written)."""
        self.soon(LOCK_RETRY_S)

    # --- what a sync's end means -----------------------------------------------------------
    def finished(self, result: SyncResult, *, visible: bool) -> Outcome:
        """A sync ended with ``result``: plan the next one and say what to show."""
        outcome = after_sync(result, visible=visible, backoff=self.backoff)
        again, self._again = self._again, False
        if result.ok and again:
            self.soon(0)
        elif result.ok and self._handle is not None and outcome.next_in is not None:
            pass  # a trigger during the sync (a set logged) keeps its sooner plan
        else:
            self._plan(outcome)
        return outcome

    def crashed(self) -> Outcome:
        """A sync raised (a bug, not the network): say so quietly and try again later."""
        outcome = Outcome(status.FAILED, self.backoff.failed())
        self._again = False  # the backoff's retry syncs it
        self._plan(outcome)
        return outcome

    def account_changed(self) -> Outcome:
        """A sync ended after the person signed out or in as someone else: its outcome is not
        the current account's news; the current account (if any) syncs now."""
        self.backoff.succeeded()
        self._again = False  # the plan below syncs now
        outcome = Outcome(status.SYNCING if self._signed_in() else status.NOT_SIGNED_IN, 0)
        self._plan(outcome)
        return outcome

    def _plan(self, outcome: Outcome) -> None:
        if outcome.next_in is None:
            self.cancel()
        else:
            self.soon(outcome.next_in)


def after_sync(result: SyncResult, *, visible: bool, backoff: Backoff) -> Outcome:
    """The status and next sync after ``result`` (``backoff`` records the success or failure)."""
    if result.ok:
        backoff.succeeded()
        return Outcome(result.status, PERIOD_S if visible else None)
    forget = result.status == status.NOT_SIGNED_IN
    update = result.status == status.UPDATE_NEEDED
    if result.status in status.NEEDS_PERSON:
        return Outcome(result.status, None, forget_sign_in=forget, check_for_update=update)
    return Outcome(result.status, backoff.failed())
