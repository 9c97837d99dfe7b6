"""Accounts and sessions: signup, login with throttling, logout, and who a session belongs to.

Passwords are hashed with argon2id.  A session is a random token in an HttpOnly cookie; the
database keeps only its sha256, so a leaked database opens no sessions.  Failed logins are
counted in the database, so several server processes throttle together.  (Counting and
recording are two steps: a burst of parallel guesses can get a few past the limit before the
count catches up; it cannot keep going.)
"""

from __future__ import annotations

import hashlib
import math
import secrets
import time
from dataclasses import dataclass
from typing import Any

import argon2
import argon2.profiles
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from app.core.credentials import (
    CredentialsError,
    check_new_password,
    check_password_text,
    legacy_email,
    normalise_email,
)
from server.database import Database
from server.errors import ApiError
from server.tables import login_failures, sessions, users

SESSION_COOKIE = "setflow_session"
SESSION_SECONDS = 30 * 24 * 3600
MAX_FAILURES = 5
FAILURE_WINDOW_MS = 15 * 60 * 1000
WRONG_CREDENTIALS = "Wrong email or password."


def now_ms() -> int:
    return int(time.time() * 1000)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def make_hasher(profile: str) -> argon2.PasswordHasher:
    """A hasher from a name in ``argon2.profiles`` (production: RFC_9106_LOW_MEMORY)."""
    params = getattr(argon2.profiles, profile, None)
    if not isinstance(params, argon2.Parameters):
        raise ValueError(f"Unknown argon2 profile {profile!r}.")
    return argon2.PasswordHasher.from_parameters(params)


@dataclass(frozen=True)
class User:
    id: int
    email: str


@dataclass(frozen=True)
class Credentials:
    email: str
    password: str
    # The email as accounts made before normalisation stored it (see ``Accounts.login``).
    legacy_email: str = ""


def invalid(err: CredentialsError) -> ApiError:
    return ApiError(422, f"invalid_{err.field}", str(err))


def parse_credentials(body: Any) -> Credentials:
    """``{"email", "password"}`` from a request body, or a 422 saying what is wrong."""
    if not isinstance(body, dict) or set(body) != {"email", "password"}:
        raise ApiError(422, "invalid", "Send an object with exactly an email and a password.")
    email, password = body["email"], body["password"]
    if not isinstance(email, str) or not isinstance(password, str):
        raise ApiError(422, "invalid", "Email and password must be text.")
    try:
        normal = normalise_email(email)
        check_password_text(password)
    except CredentialsError as err:
        raise invalid(err) from None
    return Credentials(normal, password, legacy_email(email))


class Accounts:
    def __init__(self, db: Database, hasher: argon2.PasswordHasher) -> None:
        self.db = db
        self.hasher = hasher
        self._dummy_hash: str | None = None

    def signup(self, creds: Credentials) -> tuple[User, str]:
        try:
            check_new_password(creds.password)
        except CredentialsError as err:
            raise invalid(err) from None
        password_hash = self.hasher.hash(creds.password)
        try:
            with self.db.write() as conn:
                user_id = conn.execute(
                    insert(users)
                    .values(
                        email=creds.email,
                        password_hash=password_hash,
                        version=0,
                        created_at=now_ms(),
                    )
                    .returning(users.c.id)
                ).scalar_one()
                token = self._new_session(conn, user_id)
        except IntegrityError:
            raise ApiError(
                409, "email_taken", "There is already an account with that email."
            ) from None
        return User(user_id, creds.email), token

    def login(self, creds: Credentials) -> tuple[User, str]:
        now = now_ms()
        with self.db.read() as conn:
            recent = (
                conn.execute(
                    select(login_failures.c.failed_at)
                    .where(
                        login_failures.c.email == creds.email,
                        login_failures.c.failed_at > now - FAILURE_WINDOW_MS,
                    )
                    .order_by(login_failures.c.failed_at.desc())
                    .limit(MAX_FAILURES)
                )
                .scalars()
                .all()
            )
            row = self._find(conn, creds)
        if len(recent) >= MAX_FAILURES:
            # Throttled until the oldest of the last MAX_FAILURES failures leaves the window.
            wait = math.ceil((recent[-1] + FAILURE_WINDOW_MS - now) / 1000)
            raise ApiError(
                429,
                "too_many_attempts",
                "Too many failed logins. Wait a few minutes and try again.",
                {"Retry-After": str(max(1, wait))},
            )
        verified = self._verify(None if row is None else row.password_hash, creds.password)
        if row is None or not verified:
            self._record_failure(creds.email, now)
            raise ApiError(401, "unauthorized", WRONG_CREDENTIALS)
        with self.db.write() as conn:
            conn.execute(delete(login_failures).where(login_failures.c.email == creds.email))
            conn.execute(
                delete(sessions).where(sessions.c.user_id == row.id, sessions.c.expires_at <= now)
            )
            if self.hasher.check_needs_rehash(row.password_hash):
                conn.execute(
                    update(users)
                    .where(users.c.id == row.id)
                    .values(password_hash=self.hasher.hash(creds.password))
                )
            self._rename_legacy(conn, row, creds.email)
            token = self._new_session(conn, row.id)
        return User(row.id, creds.email), token

    @staticmethod
    def _find(conn: Any, creds: Credentials) -> Any:
        """The account of these credentials: by the normalised email, or else by the form
        accounts made before normalisation stored (renamed to the normal form at login)."""
        emails = [creds.email]
        if creds.legacy_email and creds.legacy_email != creds.email:
            emails.append(creds.legacy_email)
        rows = conn.execute(
            select(users.c.id, users.c.email, users.c.password_hash).where(
                users.c.email.in_(emails)
            )
        ).all()
        rows.sort(key=lambda r: r.email != creds.email)
        return rows[0] if rows else None

    def _rename_legacy(self, conn: Any, row: Any, email: str) -> None:
        if row.email == email:
            return
        taken = conn.execute(select(users.c.id).where(users.c.email == email)).first()
        if taken is None:
            conn.execute(update(users).where(users.c.id == row.id).values(email=email))

    def logout(self, token: str) -> None:
        with self.db.write() as conn:
            conn.execute(delete(sessions).where(sessions.c.token_hash == token_hash(token)))

    def user_for(self, token: str | None) -> User | None:
        """The user a session cookie belongs to, or None (no cookie, unknown or expired)."""
        if not token or len(token) > 200:
            return None
        with self.db.read() as conn:
            row = conn.execute(
                select(users.c.id, users.c.email)
                .select_from(sessions.join(users, users.c.id == sessions.c.user_id))
                .where(
                    sessions.c.token_hash == token_hash(token),
                    sessions.c.expires_at > now_ms(),
                )
            ).first()
        return None if row is None else User(row.id, row.email)

    def failure_count(self, email: str) -> int:
        with self.db.read() as conn:
            return int(
                conn.execute(
                    select(func.count()).where(login_failures.c.email == email.lower())
                ).scalar_one()
            )

    def _verify(self, password_hash: str | None, password: str) -> bool:
        if password_hash is None:
            # No such account: spend the same time as a real check, so timing tells nothing.
            if self._dummy_hash is None:
                self._dummy_hash = self.hasher.hash(secrets.token_urlsafe(16))
            password_hash = self._dummy_hash
        try:
            return self.hasher.verify(password_hash, password)
        except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
            return False

    def _record_failure(self, email: str, now: int) -> None:
        with self.db.write() as conn:
            conn.execute(
                delete(login_failures).where(
                    login_failures.c.email == email,
                    login_failures.c.failed_at <= now - FAILURE_WINDOW_MS,
                )
            )
            conn.execute(insert(login_failures).values(email=email, failed_at=now))

    def _new_session(self, conn: Any, user_id: int) -> str:
        token = secrets.token_urlsafe(32)
        now = now_ms()
        conn.execute(
            insert(sessions).values(
                token_hash=token_hash(token),
                user_id=user_id,
                created_at=now,
                expires_at=now + SESSION_SECONDS * 1000,
            )
        )
        return token
