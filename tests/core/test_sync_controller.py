"""The sync controller: what the status line says, whose data is shown, and what an account
change resets, with the browser's parts (databases, requests, lock, timer) faked at the seam."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import pytest

from app.core import account, changes, status
from app.core import storage_keys as keys
from app.core.memory_store import MemoryStore
from app.core.protocol import PullResponse
from app.core.scheduler import CHANGE_DELAY_S, LOCK_RETRY_S, PERIOD_S
from app.core.sync_controller import UNREACHABLE, SyncController, open_local_data
from app.core.transport import (
    AccountError,
    AuthRequired,
    OfflineError,
    Transport,
    UpgradeRequired,
    account_answer,
)
from tests.core.test_engine import ScriptedTransport, exercise
from tests.core.test_scheduler import FakeTimer

EMAIL = "ana@example.com"
ANA = account.account_id(EMAIL)


class LocalDb(MemoryStore):
    """A named local database, as the browser's IndexedDB store is."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.cleared = False

    async def holds(self) -> tuple[int, int]:
        tables = await self.dump()
        live = sum(
            1
            for table, rows in tables.items()
            if table != "conflicts"
            for r in rows
            if not r["deleted"]
        )
        return live, await self.outbox_count()

    async def clear(self) -> None:
        MemoryStore.__init__(self)
        self.cleared = True


class FakeDevice:
    def __init__(self) -> None:
        self.timer = FakeTimer()
        self.databases: dict[str, LocalDb] = {}
        self.server = ScriptedTransport()
        self.answers: dict[str, dict[str, Any] | Exception] = {}
        self.requests: list[str] = []
        self.lock_free = True
        self.on_screen = True
        self.background: list[Coroutine[Any, Any, Any]] = []
        self.syncs = 0
        self.update_checks = 0
        self.reports: list[str] = []

    def now(self) -> float:
        return 1_767_225_600.0

    def visible(self) -> bool:
        return self.on_screen

    def transport(self) -> Transport:
        return self.server

    async def open(self, name: str) -> LocalDb:
        return self.databases.setdefault(name, LocalDb(name))

    async def move_all(self, source: str, target: str) -> None:
        moved = await (await self.open(source)).dump()
        await (await self.open(target)).import_records(moved)
        await self.databases[source].clear()

    async def account_request(
        self, path: str, body: dict[str, str] | None = None, method: str | None = None
    ) -> dict[str, Any]:
        self.requests.append(path)
        answer = self.answers.get(path, {})
        if isinstance(answer, Exception):
            raise answer
        return dict(answer)

    async def with_lock(self, run: Callable[[], Awaitable[None]]) -> bool:
        if not self.lock_free:
            return False
        await run()
        return True

    def spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        self.background.append(work)

    async def settle(self) -> None:
        while self.background:
            await self.background.pop(0)

    def synced(self) -> None:
        self.syncs += 1

    def check_for_update(self) -> None:
        self.update_checks += 1

    def report(self, text: str) -> None:
        self.reports.append(text)


def run(coro: Coroutine[Any, Any, Any]) -> Any:
    return asyncio.run(coro)


def record(store: LocalDb, name: str = "Squat") -> None:
    change = changes.create(
        "exercises", {"name": name}, device_id="d", now=1, new_id=lambda: str(uuid.uuid4())
    )
    run(store.write([change]))


class Screen:
    """What the app shows: the status line (repainted on every update) and whose data."""

    def __init__(self) -> None:
        self.updates = 0
        self.shown: list[str] = []


@pytest.fixture
def device() -> FakeDevice:
    return FakeDevice()


@pytest.fixture
def screen() -> Screen:
    return Screen()


def controller(
    device: FakeDevice, screen: Screen, settings: dict[str, str] | None = None
) -> SyncController:
    settings = {keys.DEVICE_ID: "device-a"} if settings is None else settings
    store = run(open_local_data(settings, device))

    def updated() -> None:
        screen.updates += 1

    made = SyncController(
        store, settings, device, updated, lambda shown: screen.shown.append(shown.name)
    )
    made.scheduler.backoff._random = lambda: 1.0  # the ceiling, so delays are known
    return made


def signed_in(device: FakeDevice, screen: Screen) -> SyncController:
    return controller(device, screen, {keys.ACCOUNT: EMAIL, keys.ACCOUNT_ID: ANA})


def test_a_signed_in_start_syncs_at_once_and_then_every_minute_while_visible(
    device: FakeDevice, screen: Screen
) -> None:
    sync = signed_in(device, screen)
    assert sync.status == status.SYNCING and sync.store.name == account.database_name(ANA)
    device.server.pages[0] = PullResponse([exercise(3)], 3, False)
    sync.started()
    device.timer.fire()
    run(device.settle())
    assert sync.status == status.SYNCED and not sync.busy
    assert len(run(sync.store.all("exercises"))) == 1
    assert sync.last_synced_at == "2026-01-01T00:00:00.000Z"
    assert device.syncs == 1 and device.timer.delays() == [PERIOD_S]


def test_a_guest_never_syncs(device: FakeDevice, screen: Screen) -> None:
    sync = controller(device, screen)
    assert (sync.status, sync.store.name) == (status.NOT_SIGNED_IN, account.GUEST_DATABASE)
    sync.started()
    sync.local_change()
    assert run(sync.sync()) is None
    assert device.timer.delays() == [] and device.server.calls == []


def test_while_another_tab_syncs_this_one_does_not(device: FakeDevice, screen: Screen) -> None:
    sync = signed_in(device, screen)
    device.lock_free = False
    assert run(sync.sync()) is None
    assert device.server.calls == [] and sync.status == status.SYNCING


def test_a_change_due_while_a_sync_runs_is_pushed_right_after_it(
    device: FakeDevice, screen: Screen
) -> None:
    """A set logged while a sync is pushing: its own sync comes due (1.5 s later) before that
    sync ends, finds it running and steps aside; it then runs at once, not a minute later."""
    sync = signed_in(device, screen)
    record(sync.store, "Squat")
    push = device.server.push

    async def scenario() -> None:
        pushing, release = asyncio.Event(), asyncio.Event()

        async def held_push(request: Any) -> Any:
            pushing.set()
            await release.wait()
            return await push(request)

        device.server.push = held_push  # type: ignore[method-assign]
        running = asyncio.create_task(sync.sync())
        await pushing.wait()  # the Squat is on its way: what follows is not in that push
        device.server.push = push  # type: ignore[method-assign]
        logged = changes.create(
            "exercises", {"name": "Zercher squat"}, device_id="d", now=2, new_id=lambda: "zs"
        )
        await sync.store.write([logged])
        sync.local_change()
        device.timer.fire()  # its 1.5 s are up while the first sync still pushes
        await device.settle()
        release.set()
        assert (await running) is not None
        assert device.timer.delays() == [0]  # not PERIOD_S
        device.timer.fire()
        await device.settle()
        assert await sync.store.outbox_count() == 0

    run(scenario())
    pushes = [ids for call, ids in device.server.calls if call == "push"]
    assert len(pushes) == 2 and len(pushes[1]) == 1 and sync.status == status.SYNCED


def test_while_another_tab_syncs_this_one_tries_again_shortly(
    device: FakeDevice, screen: Screen
) -> None:
    sync = signed_in(device, screen)
    record(sync.store)
    sync.local_change()
    device.lock_free = False
    device.timer.fire()  # the change's sync comes due while another tab holds the lock
    run(device.settle())
    assert device.server.calls == [] and device.timer.delays() == [LOCK_RETRY_S]
    device.lock_free = True
    device.timer.fire()
    run(device.settle())
    assert run(sync.store.outbox_count()) == 0 and device.timer.delays() == [PERIOD_S]


def test_a_change_plans_a_sync_shortly_and_offline_is_said(
    device: FakeDevice, screen: Screen
) -> None:
    sync = signed_in(device, screen)
    sync.local_change()
    assert device.timer.delays() == [CHANGE_DELAY_S]
    sync.offline()
    assert sync.status == status.OFFLINE
    device.on_screen = True
    sync.visibility_changed()
    sync.online()
    assert device.timer.delays() == [0]


def test_a_failed_sync_is_quiet_and_retried_with_backoff(
    device: FakeDevice, screen: Screen
) -> None:
    sync = signed_in(device, screen)
    device.server.pull_error = OfflineError("The server cannot be reached.")
    result = run(sync.sync())
    assert result is not None and not result.ok
    assert sync.status == status.OFFLINE and device.timer.delays() == [2.0]


def test_a_bug_during_a_sync_is_a_quiet_failure_reported_to_the_console(
    device: FakeDevice, screen: Screen
) -> None:
    sync = signed_in(device, screen)
    device.server.pull_error = RuntimeError("bug")  # type: ignore[assignment]
    run(sync.sync())
    assert sync.status == status.FAILED and not sync.busy
    assert device.reports == ["Setflow sync: RuntimeError: bug"]
    assert device.timer.delays() == [2.0]


def test_a_session_ended_on_the_server_shows_the_guest_data_and_keeps_the_account_s(
    device: FakeDevice, screen: Screen
) -> None:
    sync = signed_in(device, screen)
    record(sync.store)
    device.server.pull_error = AuthRequired("You are not signed in.")
    device.server.push_errors = [AuthRequired("You are not signed in.")]
    run(sync.sync())
    assert (sync.status, sync.email, sync.store.name) == (
        status.NOT_SIGNED_IN,
        None,
        account.GUEST_DATABASE,
    )
    assert screen.shown == [account.GUEST_DATABASE]
    assert run(device.databases[account.database_name(ANA)].outbox_count()) == 1
    assert device.timer.delays() == []


def test_a_server_that_moved_on_asks_for_the_new_app_version(
    device: FakeDevice, screen: Screen
) -> None:
    sync = signed_in(device, screen)
    device.server.pull_error = UpgradeRequired("This version of Setflow needs an update.")
    run(sync.sync())
    assert sync.status == status.UPDATE_NEEDED and device.update_checks == 1
    assert device.timer.delays() == []


def test_a_sign_out_during_a_sync_does_not_show_its_outcome(
    device: FakeDevice, screen: Screen
) -> None:
    sync = signed_in(device, screen)
    pull = device.server.pull

    async def signed_out_meanwhile(since: int, limit: int) -> PullResponse:
        account.forget_sign_in(sync.settings)  # another tab signs out
        return await pull(since, limit)

    device.server.pull = signed_out_meanwhile  # type: ignore[method-assign]
    device.server.pages[0] = PullResponse([exercise(3)], 3, False)
    run(sync.sync())
    assert run(sync.store.all("exercises")) == []  # the page for the old session is not applied
    assert sync.status == status.NOT_SIGNED_IN and device.timer.delays() == []


def test_signing_in_shows_that_account_s_data_and_offers_the_guest_s(
    device: FakeDevice, screen: Screen
) -> None:
    sync = controller(device, screen)
    record(sync.store)
    record(sync.store, "Bench")
    sync.settings[keys.LAST_SYNCED] = "earlier"
    device.answers["login"] = {"accountId": ANA}
    said = run(sync.sign_in(EMAIL, "secret", create=False))
    assert said == (
        f"Signed in as {EMAIL}. This device holds 2 items made before you signed in."
        " Choose below what to do with it."
    )
    assert sync.store.name == account.database_name(ANA) and screen.shown == [sync.store.name]
    assert sync.last_synced_at is None  # the guest's time is not this account's
    assert run(sync.guest_records()) == 2
    run(device.settle())  # the first sync of the account
    assert sync.status == status.SYNCED
    outcome = run(sync.bring_guest_data())
    assert outcome.summary().startswith("Imported 2 exercises")
    assert len(run(sync.store.all("exercises"))) == 2
    assert device.databases[account.GUEST_DATABASE].cleared
    assert run(sync.guest_records()) == 0 and device.timer.delays() == [0]


def test_keeping_the_guest_data_apart_ends_the_offer(device: FakeDevice, screen: Screen) -> None:
    sync = controller(device, screen)
    record(sync.store)
    run(sync.sign_in(EMAIL, "secret", create=True))
    assert device.requests == ["signup"]
    sync.keep_guest_data()
    assert run(sync.guest_records()) == 0
    assert len(run(device.databases[account.GUEST_DATABASE].all("exercises"))) == 1
    run(device.settle())


@pytest.mark.parametrize(
    ("refusal", "said"),
    [
        (OfflineError("The server is not answering right now."), UNREACHABLE),
        (AccountError("Wrong email or password."), "Wrong email or password."),
    ],
)
def test_a_refused_sign_in_changes_nothing(
    device: FakeDevice, screen: Screen, refusal: Exception, said: str
) -> None:
    sync = controller(device, screen)
    device.answers["login"] = refusal
    with pytest.raises(AccountError, match=said):
        run(sync.sign_in(EMAIL, "wrong", create=False))
    assert (sync.email, sync.store.name, screen.shown) == (None, account.GUEST_DATABASE, [])


@pytest.mark.parametrize(("pending", "count"), [(0, "Your data stays"), (2, "2 changes")])
def test_signing_out_keeps_the_account_s_data_here_even_offline(
    device: FakeDevice, screen: Screen, pending: int, count: str
) -> None:
    sync = signed_in(device, screen)
    for _ in range(pending):
        record(sync.store)
    sync.local_change()
    device.answers["logout"] = OfflineError("The server cannot be reached.")
    said = run(sync.sign_out())
    assert count in said and EMAIL in said
    assert (sync.status, sync.store.name) == (status.NOT_SIGNED_IN, account.GUEST_DATABASE)
    assert device.timer.delays() == []  # the planned sync is off
    assert run(device.databases[account.database_name(ANA)].outbox_count()) == pending


def test_another_tab_signing_in_or_out_is_followed(device: FakeDevice, screen: Screen) -> None:
    sync = signed_in(device, screen)
    sync.local_change()
    account.forget_sign_in(sync.settings)
    sync.storage_changed(keys.ACCOUNT)
    run(device.settle())
    assert (sync.status, sync.store.name) == (status.NOT_SIGNED_IN, account.GUEST_DATABASE)
    assert device.timer.delays() == []
    account.remember_sign_in(sync.settings, {"email": EMAIL})
    sync.storage_changed(keys.ACCOUNT_ID)
    run(device.settle())
    assert sync.store.name == account.database_name(ANA)
    sync.storage_changed(keys.LAST_SYNCED)  # that tab synced: its data is in the shared database
    assert sync.status == status.SYNCED


def test_a_sync_after_a_sign_in_this_tab_missed_uses_that_account_s_data(
    device: FakeDevice, screen: Screen
) -> None:
    sync = controller(device, screen)
    account.remember_sign_in(sync.settings, {"email": EMAIL})
    run(sync.sync())
    assert sync.store.name == account.database_name(ANA) and sync.status == status.SYNCED


def test_signing_out_everywhere_and_deleting_the_account(
    device: FakeDevice, screen: Screen
) -> None:
    sync = signed_in(device, screen)
    record(sync.store)
    said = run(sync.sign_out_everywhere())
    assert said == "Signed out on every device. Your data stays on this device."
    assert run(sync.store.all("exercises")) == [] and sync.email is None
    sync = signed_in(device, screen)
    said = run(sync.delete_account("secret"))
    assert said.startswith("Your account and its data on the server are deleted.")
    assert sync.store.name == account.GUEST_DATABASE
    assert len(run(sync.store.all("exercises"))) == 1  # the device keeps its copy
    assert device.requests == ["logout-everywhere", "delete"]


def test_password_and_sessions(device: FakeDevice, screen: Screen) -> None:
    sync = signed_in(device, screen)
    assert run(sync.change_password("a", "b")).startswith("Password changed.")
    device.answers["sessions"] = {"sessions": [{"id": "s1"}]}
    assert run(sync.sessions()) == [{"id": "s1"}]
    device.answers["sessions"] = {"sessions": "not a list"}
    assert run(sync.sessions()) == []
    assert run(sync.end_session("s1")) == "That device is signed out."
    assert device.requests[-1] == "sessions/s1"
    device.answers["password"] = OfflineError("down")
    with pytest.raises(AccountError, match=UNREACHABLE):
        run(sync.change_password("a", "b"))


def test_an_older_device_s_one_database_moves_to_the_account_that_synced_it(
    device: FakeDevice, screen: Screen
) -> None:
    record(run(device.open(account.GUEST_DATABASE)))
    settings = {keys.ACCOUNT: EMAIL, keys.LEGACY_SYNCED: EMAIL}
    sync = controller(device, screen, settings)
    assert sync.store.name == account.database_name(ANA)
    assert len(run(sync.store.all("exercises"))) == 1
    assert settings[keys.HAD_ACCOUNT] == "1" and settings[keys.LAYOUT] == account.LAYOUT
    assert keys.LEGACY_SYNCED not in settings


@pytest.mark.parametrize(
    ("code", "body", "error", "said"),
    [
        (503, None, OfflineError, "not answering"),
        (401, {"message": "Wrong email or password."}, AccountError, "Wrong email or password."),
        (409, "not json", AccountError, "The server answered 409."),
    ],
)
def test_an_account_answer_s_error_says_why(
    code: int, body: Any, error: type[Exception], said: str
) -> None:
    with pytest.raises(error, match=said):
        account_answer(code, body)


def test_an_account_answer_s_body() -> None:
    assert account_answer(200, {"email": EMAIL}) == {"email": EMAIL}
    assert account_answer(204, None) == {}
