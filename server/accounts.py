"""Accounts and sessions: sign-up, login, the account's own controls, and who a session is.

Passwords are hashed with argon2id, never more than ``HashGate`` allows at once, and only after
the attempt was counted (``server/throttle.py``).  A session is a random token in an HttpOnly
cookie; the database keeps only its sha256, so a leaked database opens no sessions.  A person
can list their sessions (by the device each was opened on), end any of them, change their
password (which ends every other session) and delete their account with everything in it.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any

import argon2
import argon2.profiles
from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from app.core.account import account_id
from app.core.credentials import (
    CredentialsError,
    check_new_password,
    check_password_text,
    legacy_email,
    normalise_email,
    normalise_password,
)
from server import throttle
from server.database import Database
from server.errors import ApiError
from server.passwords import weakness
from server.prepared import Prepared
from server.tables import attempts, sessions, users

SESSION_COOKIE = "setflow_session"
SESSION_SECONDS = 30 * 24 * 3600
# A session's public id: the start of its token's sha256 (which the database keeps anyway).
SESSION_ID_LENGTH = 16
WRONG_CREDENTIALS = "Wrong email or password."
# Who a session is: asked at the start of every sync request.
_SESSION_USER = Prepared(
    select(users.c.id, users.c.email)
    .select_from(sessions.join(users, users.c.id == sessions.c.user_id))
    .where(sessions.c.token_hash == bindparam("digest"), sessions.c.expires_at > bindparam("now"))
)


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
    # The sha256 of the session that asked (for "this device" in the session list).
    session: str = ""

    def public(self) -> dict[str, str]:
        """What sign-up, login and ``me`` answer: the email and the stable account id."""
        return {"email": self.email, "accountId": account_id(self.email)}


@dataclass(frozen=True)
class Session:
    id: str
    device: str
    created_at: int
    current: bool


_BROWSERS = (
    ("Edg/", "Edge"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "Mac"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def device_label(user_agent: str | None) -> str:
    """A session's device in a person's words ("Firefox on Android"), from its User-Agent."""
    agent = user_agent or ""
    browser = next((name for mark, name in _BROWSERS if mark in agent), "A browser")
    system = next((name for mark, name in _SYSTEMS if mark in agent), "")
    return f"{browser} on {system}" if system else browser


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
    def __init__(
        self,
        db: Database,
        hasher: argon2.PasswordHasher,
        gate: throttle.HashGate | None = None,
        limits: throttle.Limits | None = None,
    ) -> None:
        self.db = db
        self.hasher = hasher
        self.gate = gate or throttle.HashGate()
        self.limits = limits or throttle.Limits()
        self._dummy_hash: str | None = None

    # --- sign-up and login ------------------------------------------------------------------

    def signup(self, creds: Credentials, address: str = "", device: str = "") -> tuple[User, str]:
        self._check_new_password(creds.password, creds.email)
        now = now_ms()
        with self.db.write() as conn:
            throttle.prune(conn, now, self.limits)
            throttle.claim_signup(conn, creds.email, address, now, self.limits)
        with self.gate.slot():
            password_hash = self.hasher.hash(normalise_password(creds.password))
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
                token = self._new_session(conn, user_id, device)
        except IntegrityError:
            raise ApiError(
                409, "email_taken", "There is already an account with that email."
            ) from None
        return User(user_id, creds.email), token

    def login(self, creds: Credentials, address: str = "", device: str = "") -> tuple[User, str]:
        now = now_ms()
        # 1. Count and record the attempt before any hashing (see server/throttle.py).
        with self.db.write() as conn:
            throttle.prune(conn, now, self.limits)
            attempt = throttle.claim_login(conn, creds.email, address, now, self.limits)
            row = self._find(conn, creds)
        # 2. Check the password, as many at once as the gate allows.
        try:
            verified, as_typed = self._verify(
                None if row is None else row.password_hash, creds.password
            )
        except ApiError:
            with self.db.write() as conn:  # never checked: it was no guess
                conn.execute(delete(attempts).where(attempts.c.id == attempt))
            raise
        if row is None or not verified:
            raise ApiError(401, "unauthorized", WRONG_CREDENTIALS)
        # 3. The owner is in: their failures from here no longer count.
        with self.db.write() as conn:
            throttle.forget_login(conn, creds.email, address)
            if as_typed or self.hasher.check_needs_rehash(row.password_hash):
                with self.gate.slot():
                    new_hash = self.hasher.hash(normalise_password(creds.password))
                conn.execute(
                    update(users).where(users.c.id == row.id).values(password_hash=new_hash)
                )
            self._rename_legacy(conn, row, creds.email)
            token = self._new_session(conn, row.id, device)
        return User(row.id, creds.email), token

    def _check_new_password(self, password: str, email: str) -> None:
        try:
            check_new_password(password)
        except CredentialsError as err:
            raise invalid(err) from None
        reason = weakness(normalise_password(password), email)
        if reason is not None:
            raise ApiError(422, "weak_password", reason)

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

    # --- sessions ---------------------------------------------------------------------------

    def logout(self, token: str) -> None:
        with self.db.write() as conn:
            conn.execute(delete(sessions).where(sessions.c.token_hash == token_hash(token)))

    def user_for(self, token: str | None) -> User | None:
        """The user a session cookie belongs to, or None (no cookie, unknown or expired)."""
        if not token or len(token) > 200:
            return None
        digest = token_hash(token)
        with self.db.read() as conn:
            rows = _SESSION_USER.rows(conn, {"digest": digest, "now": now_ms()})
        return User(rows[0][0], rows[0][1], digest) if rows else None

    def sessions(self, user: User) -> list[Session]:
        """The account's live sessions, newest first."""
        with self.db.read() as conn:
            rows = conn.execute(
                select(sessions.c.token_hash, sessions.c.label, sessions.c.created_at)
                .where(sessions.c.user_id == user.id, sessions.c.expires_at > now_ms())
                .order_by(sessions.c.created_at.desc())
            ).all()
        return [
            Session(
                r.token_hash[:SESSION_ID_LENGTH],
                r.label or "A browser",
                r.created_at,
                r.token_hash == user.session,
            )
            for r in rows
        ]

    def end_session(self, user: User, session_id: str) -> bool:
        """End one of the account's sessions by its id; False when it has none such."""
        if not re.fullmatch(f"[0-9a-f]{{{SESSION_ID_LENGTH}}}", session_id):
            return False
        with self.db.write() as conn:
            ended = conn.execute(
                delete(sessions).where(
                    sessions.c.user_id == user.id,
                    sessions.c.token_hash.startswith(session_id, autoescape=True),
                )
            ).rowcount
        return bool(ended)

    def end_all_sessions(self, user: User) -> None:
        """Sign out everywhere, this device included."""
        with self.db.write() as conn:
            conn.execute(delete(sessions).where(sessions.c.user_id == user.id))

    # --- the account's own controls ---------------------------------------------------------

    def check_password(self, user: User, password: str, address: str) -> None:
        """401 unless ``password`` is the account's, throttled like a login."""
        try:
            check_password_text(password)
        except CredentialsError as err:
            raise invalid(err) from None
        creds = Credentials(user.email, password)
        now = now_ms()
        with self.db.write() as conn:
            attempt = throttle.claim_login(conn, user.email, address, now, self.limits)
            row = self._find(conn, creds)
        try:
            verified = row is not None and self._verify(row.password_hash, password)[0]
        except ApiError:
            with self.db.write() as conn:
                conn.execute(delete(attempts).where(attempts.c.id == attempt))
            raise
        if not verified:
            raise ApiError(422, "wrong_password", "That is not your current password.")
        with self.db.write() as conn:
            throttle.forget_login(conn, user.email, address)

    def change_password(self, user: User, current: str, new: str, address: str) -> None:
        """A new password; every other session ends (a thief's included), this one stays."""
        self._check_new_password(new, user.email)
        self.check_password(user, current, address)
        with self.gate.slot():
            new_hash = self.hasher.hash(normalise_password(new))
        with self.db.write() as conn:
            conn.execute(update(users).where(users.c.id == user.id).values(password_hash=new_hash))
            conn.execute(
                delete(sessions).where(
                    sessions.c.user_id == user.id, sessions.c.token_hash != user.session
                )
            )

    def delete_account(self, user: User, password: str, address: str) -> None:
        """The account and everything the server holds for it (records, sessions) are gone."""
        self.check_password(user, password, address)
        with self.db.write() as conn:
            # Every other table references users ON DELETE CASCADE.
            conn.execute(delete(users).where(users.c.id == user.id))

    # --- helpers ----------------------------------------------------------------------------

    def _verify(self, password_hash: str | None, password: str) -> tuple[bool, bool]:
        """(Whether ``password`` is the account's, whether its hash was made from the password
        as typed): the normal form is tried first; a hash an older server made from the form
        as typed matches that form, once, and login then replaces it."""
        normal = normalise_password(password)
        if self._verify_form(password_hash, normal):
            return True, False
        if normal == password:
            return False, False
        # Tried whether or not the account exists: the time taken tells nothing.
        return self._verify_form(password_hash, password), True

    def _verify_form(self, password_hash: str | None, password: str) -> bool:
        with self.gate.slot():
            if password_hash is None:
                # No such account: spend the same time as a real check, so timing tells nothing.
                if self._dummy_hash is None:
                    self._dummy_hash = self.hasher.hash(secrets.token_urlsafe(16))
                password_hash = self._dummy_hash
            try:
                return self.hasher.verify(password_hash, password)
            except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
                return False

    def _new_session(self, conn: Any, user_id: int, device: str = "") -> str:
        token = secrets.token_urlsafe(32)
        now = now_ms()
        conn.execute(
            insert(sessions).values(
                token_hash=token_hash(token),
                user_id=user_id,
                created_at=now,
                expires_at=now + SESSION_SECONDS * 1000,
                label=device[:120],
            )
        )
        return token
