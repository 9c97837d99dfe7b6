"""Limits on password guessing and on password hashing, that hold under a parallel burst.

1. Every login or sign-up is *recorded before* its password is hashed, in the same transaction
   that counts the recent ones (SQLite: the write lock; PostgreSQL: an advisory lock on the
   client address), so fifty requests sent at once are counted one after another: the sixth
   guess is refused without ever reaching argon2.
2. Logins are limited per account *from one address* and per address over all accounts.  There
   is deliberately no limit per account alone: that would let a stranger keep the owner out by
   guessing wrong on purpose.  A successful login deletes its own attempts, so only failures
   (and requests still in flight) count.
3. Sign-ups are limited per address.
4. ``HashGate`` caps how many argon2 hashes run at once (each takes 64 MiB): the others wait a
   little in line, and past the line's length or its patience the answer is 503 + Retry-After.
   Memory then stays bounded whatever the burst.

Counts live in the database, so several server processes throttle together.
"""

from __future__ import annotations

import ipaddress
import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, delete, func, insert, select

from server.errors import ApiError
from server.tables import attempts, sessions

LOGIN = "login"
SIGNUP = "signup"
MINUTE_MS = 60 * 1000


@dataclass(frozen=True)
class Limits:
    window_ms: int = 15 * MINUTE_MS
    per_account_address: int = 5  # wrong passwords for one account from one address
    per_address: int = 20  # wrong passwords from one address, over all accounts
    signup_window_ms: int = 60 * MINUTE_MS
    signups_per_address: int = 5


def client_address(host: str | None) -> str:
    """The address a limit counts by: an IPv4 address, or the /64 an IPv6 address is in (one
    household or phone gets a whole /64, and can pick any address in it)."""
    if not host:
        return "unknown"
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _too_many(oldest: int, window_ms: int, now: int, message: str) -> ApiError:
    wait = math.ceil((oldest + window_ms - now) / 1000)
    return ApiError(429, "too_many_attempts", message, {"Retry-After": str(max(1, wait))})


def _lock_address(conn: Connection, address: str) -> None:
    """Serialise the count-then-record of one address (SQLite's write lock already does)."""
    if conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_advisory_xact_lock(func.hashtext("attempts:" + address))))


def _oldest_of_recent(
    conn: Connection, where: list[ColumnElement[bool]], since: int, limit: int
) -> int | None:
    """The time of the oldest of the last ``limit`` attempts after ``since``, when there are
    ``limit`` of them (the limit is reached), else None."""
    times = (
        conn.execute(
            select(attempts.c.at)
            .where(*where, attempts.c.at > since)
            .order_by(attempts.c.at.desc())
            .limit(limit)
        )
        .scalars()
        .all()
    )
    return times[-1] if len(times) >= limit else None


def prune(conn: Connection, now: int, limits: Limits) -> None:
    """Forget attempts no limit looks at any more, and sessions that have expired."""
    oldest = now - max(limits.window_ms, limits.signup_window_ms)
    conn.execute(delete(attempts).where(attempts.c.at <= oldest))
    conn.execute(delete(sessions).where(sessions.c.expires_at <= now))


def claim_login(conn: Connection, email: str, address: str, now: int, limits: Limits) -> int:
    """Count, then record, one login attempt (429 when over a limit).  Returns its id."""
    _lock_address(conn, address)
    since = now - limits.window_ms
    by_address = [attempts.c.kind == LOGIN, attempts.c.address == address]
    oldest = _oldest_of_recent(
        conn, [*by_address, attempts.c.email == email], since, limits.per_account_address
    )
    if oldest is None:
        oldest = _oldest_of_recent(conn, by_address, since, limits.per_address)
    if oldest is not None:
        raise _too_many(
            oldest,
            limits.window_ms,
            now,
            "Too many failed sign-ins. Wait a few minutes and try again.",
        )
    return int(
        conn.execute(
            insert(attempts)
            .values(kind=LOGIN, email=email, address=address, at=now)
            .returning(attempts.c.id)
        ).scalar_one()
    )


def forget_login(conn: Connection, email: str, address: str) -> None:
    """A successful login: its failures from this address no longer count."""
    conn.execute(
        delete(attempts).where(
            attempts.c.kind == LOGIN, attempts.c.email == email, attempts.c.address == address
        )
    )


def claim_signup(conn: Connection, email: str, address: str, now: int, limits: Limits) -> None:
    _lock_address(conn, address)
    oldest = _oldest_of_recent(
        conn,
        [attempts.c.kind == SIGNUP, attempts.c.address == address],
        now - limits.signup_window_ms,
        limits.signups_per_address,
    )
    if oldest is not None:
        raise _too_many(
            oldest,
            limits.signup_window_ms,
            now,
            "Too many new accounts from here. Try again later.",
        )
    conn.execute(insert(attempts).values(kind=SIGNUP, email=email, address=address, at=now))


class HashGate:
    """At most ``slots`` password hashes at once; up to ``queue`` more wait up to ``patience``
    seconds for a slot; anything beyond is refused with 503 and Retry-After."""

    def __init__(self, slots: int = 2, queue: int = 8, patience: float = 10.0) -> None:
        self.slots = threading.BoundedSemaphore(slots)
        self.queue = queue
        self.patience = patience
        self._waiting = 0
        self._lock = threading.Lock()

    @contextmanager
    def slot(self) -> Iterator[None]:
        if not self.slots.acquire(blocking=False):
            with self._lock:
                if self._waiting >= self.queue:
                    raise _busy()
                self._waiting += 1
            try:
                acquired = self.slots.acquire(timeout=self.patience)
            finally:
                with self._lock:
                    self._waiting -= 1
            if not acquired:
                raise _busy()
        try:
            yield
        finally:
            self.slots.release()


def _busy() -> ApiError:
    return ApiError(503, "busy", "The server is busy. Try again in a moment.", {"Retry-After": "5"})
