"""Guessing limits that hold under a parallel burst, cannot lock an owner out, and a bounded
number of password hashes at once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from typing import Any

import pytest
from starlette.testclient import TestClient

from server.app import create_app
from server.config import Config
from server.throttle import HashGate, Limits, client_address
from tests.server.conftest import app_config
from tests.server.helpers import PASSWORD, Device

LIMITS = Limits(signups_per_address=Config().signups_per_hour)


class Site:
    """One app on this test's database, reached from any client address."""

    def __init__(self, database_url: str, stack: ExitStack) -> None:
        self.app = create_app(app_config(database_url))
        self.stack = stack

    def device(self, address: str) -> Device:
        client = self.stack.enter_context(TestClient(self.app, client=(address, 50000)))
        return Device(client)


@pytest.fixture
def site(database_url: str) -> Iterator[Site]:
    with ExitStack() as stack:
        yield Site(database_url, stack)


def count_checks(site: Site) -> list[int]:
    """Count the argon2 verifications the app makes (every guess that reached the hash)."""
    accounts = site.app.state.accounts
    calls: list[int] = []
    real = accounts.hasher

    class Counting:
        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        def verify(self, *args: Any) -> Any:
            calls.append(1)
            return real.verify(*args)

    accounts.hasher = Counting()
    return calls


def test_a_parallel_burst_of_guesses_reaches_the_hash_only_up_to_the_limit(site: Site) -> None:
    owner = site.device("203.0.113.1")
    assert owner.signup("ada@example.org").status_code == 201
    checks = count_checks(site)
    attacker = site.device("198.51.100.7")
    barrier = threading.Barrier(50)

    def guess(i: int) -> int:
        barrier.wait()
        return int(attacker.login("ada@example.org", f"guess number {i}").status_code)

    with ThreadPoolExecutor(50) as pool:
        statuses = list(pool.map(guess, range(50)))
    assert len(checks) == LIMITS.per_account_address
    assert statuses.count(401) == LIMITS.per_account_address
    assert set(statuses) <= {401, 429}


def test_guesses_spread_over_many_emails_are_limited_per_address(site: Site) -> None:
    attacker = site.device("198.51.100.7")
    statuses = [
        attacker.login(f"person{i}@example.org", "a guess").status_code
        for i in range(LIMITS.per_address + 5)
    ]
    assert statuses[: LIMITS.per_address] == [401] * LIMITS.per_address
    assert statuses[LIMITS.per_address :] == [429] * 5


def test_a_strangers_guesses_do_not_lock_the_owner_out(site: Site) -> None:
    owner = site.device("203.0.113.1")
    assert owner.signup("ada@example.org").status_code == 201
    for address in ("198.51.100.7", "198.51.100.8", "2001:db8::1"):
        stranger = site.device(address)
        for _ in range(LIMITS.per_account_address + 2):
            assert stranger.login("ada@example.org", "wrong guess").status_code in (401, 429)
        assert stranger.login("ada@example.org").status_code == 429
    assert site.device("203.0.113.1").login("ada@example.org").status_code == 200


def test_one_ipv6_network_counts_as_one_address(site: Site) -> None:
    for i in range(LIMITS.per_account_address):
        status = site.device(f"2001:db8:0:1::{i + 1:x}").login("ada@example.org", "guess")
        assert status.status_code == 401
    assert site.device("2001:db8:0:1::ff").login("ada@example.org", "guess").status_code == 429
    assert client_address("::ffff:192.0.2.1") == "192.0.2.1"


def test_sign_ups_are_limited_per_address(site: Site) -> None:
    device = site.device("198.51.100.9")
    statuses = [
        device.signup(f"new{i}@example.org").status_code
        for i in range(LIMITS.signups_per_address + 2)
    ]
    assert statuses == [201] * LIMITS.signups_per_address + [429, 429]
    assert site.device("203.0.113.5").signup("someone@example.org").status_code == 201


def test_a_throttled_answer_says_when_to_retry(site: Site) -> None:
    device = site.device("198.51.100.7")
    for _ in range(LIMITS.per_account_address):
        device.login("ada@example.org", "wrong guess")
    answer = device.login("ada@example.org", "wrong guess")
    assert answer.status_code == 429 and answer.json()["error"] == "too_many_attempts"
    assert 0 < int(answer.headers["retry-after"]) <= 15 * 60


def test_the_hash_gate_queues_then_refuses_with_retry_after() -> None:
    gate = HashGate(slots=1, queue=1, patience=5)
    inside, release = threading.Event(), threading.Event()
    results: list[str] = []

    def hold() -> None:
        with gate.slot():
            inside.set()
            release.wait(5)

    def wait_in_line() -> None:
        with gate.slot():
            results.append("queued and served")

    holder = threading.Thread(target=hold)
    holder.start()
    inside.wait(5)
    waiter = threading.Thread(target=wait_in_line)
    waiter.start()
    while gate._waiting == 0:  # the second request is now in line
        threading.Event().wait(0.01)
    with pytest.raises(Exception) as refused, gate.slot():
        pass
    release.set()
    holder.join()
    waiter.join()
    assert refused.value.status == 503  # type: ignore[attr-defined]
    assert refused.value.headers["Retry-After"] == "5"  # type: ignore[attr-defined]
    assert results == ["queued and served"]


def test_a_refused_hash_is_not_counted_as_a_guess(site: Site) -> None:
    owner = site.device("203.0.113.1")
    owner.signup("ada@example.org")
    site.app.state.accounts.gate = HashGate(slots=1, queue=0, patience=0)
    with site.app.state.accounts.gate.slot():
        for _ in range(LIMITS.per_account_address + 1):
            assert owner.login("ada@example.org").status_code == 503
    assert owner.login("ada@example.org").status_code == 200


@pytest.mark.parametrize(
    "password", ["12345678", "password", "        ", "qwertyuiop", "Password1", "ada@example.org"]
)
def test_common_and_guessable_passwords_are_refused(site: Site, password: str) -> None:
    response = site.device("203.0.113.1").signup("ada@example.org", password)
    assert response.status_code == 422
    assert response.json()["error"] == "weak_password"
    assert "password" in response.json()["message"]


def test_old_attempts_and_expired_sessions_are_pruned(site: Site) -> None:
    from server import tables

    device = site.device("203.0.113.1")
    device.signup("ada@example.org")
    device.login("ada@example.org", "wrong guess")
    db = site.app.state.db
    with db.write() as conn:
        conn.execute(tables.attempts.update().values(at=1))
        conn.execute(tables.sessions.update().values(expires_at=1))
    site.device("203.0.113.2").login("bob@example.org", PASSWORD)
    with db.read() as conn:
        assert conn.execute(tables.sessions.select()).all() == []
        rows = conn.execute(tables.attempts.select()).all()
    assert [r.email for r in rows] == ["bob@example.org"]
