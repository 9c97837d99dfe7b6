"""The network seam of the sync engine: two calls, and the errors they may raise.

The browser implements ``Transport`` with ``fetch``; tests and the simulation implement it
with an in-process server.  Whatever goes wrong on the way is turned into one of these
Python exceptions at that boundary, each with a sentence a person can read::

    SyncError             any failure to pull or push
    ├── OfflineError      network unreachable, request timed out, or the server is down
    ├── AuthRequired      401: no valid session; the person must sign in
    ├── UpgradeRequired   426: the server no longer speaks this app's schema; reload to update
    ├── AccountChanged    someone signed out (or in as another person) while this sync ran
    └── ServerError       any other HTTP error, or an answer that breaks the protocol
"""

from __future__ import annotations

from typing import Any, Protocol

from app.core.protocol import PullResponse, PushRequest, PushResponse


class SyncError(Exception):
    """A pull or push did not complete; nothing is assumed to have reached the device."""


class OfflineError(SyncError):
    """The server could not be reached."""


class AuthRequired(SyncError):
    """The server answered 401: the person is not signed in (or the session expired)."""


class UpgradeRequired(SyncError):
    """The server answered 426: this version of the app is too old for it."""


class AccountChanged(SyncError):
    """The device's account changed during a sync: what was under way stopped, untouched."""


class ServerError(SyncError):
    """The server answered with an error, or with something that is not the protocol."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


# Answers that say the server (or a proxy in front of it) is down for now.
UNAVAILABLE = (502, 503, 504)
# A request the server will take after some time: a retry may succeed.
TRANSIENT = (*UNAVAILABLE, 429)


def error_for_status(status: int, message: str | None = None) -> SyncError:
    """The one mapping of an HTTP error status to the exception both transports raise."""
    if status == 401:
        return AuthRequired(message or "You are not signed in.")
    if status == 426:
        return UpgradeRequired(message or "This version of Setflow needs an update.")
    if status in UNAVAILABLE:
        return OfflineError("The server is not answering right now.")
    return ServerError(message or f"The server answered {status}.", status)


class AccountError(Exception):
    """An account request (sign up or in, password, sessions) was refused; the message says
    why, for the person.  Not a ``SyncError``: it is shown where the person asked."""


def account_answer(status: int, data: Any) -> dict[str, Any]:
    """The body of an answer to ``/api/auth/...``, or the error it means.

    A server that is down is ``OfflineError`` (try again later); any other refusal is an
    ``AccountError`` carrying the server's own sentence when it sent one.
    """
    if status in UNAVAILABLE:
        raise error_for_status(status)
    if status >= 400:
        message = data.get("message") if isinstance(data, dict) else None
        raise AccountError(message or f"The server answered {status}.")
    return data if isinstance(data, dict) else {}


def is_transient(error: BaseException) -> bool:
    """Whether trying again later may succeed (network, 5xx, 429), as opposed to a refusal."""
    if isinstance(error, (OfflineError, AccountChanged)):
        return True
    if isinstance(error, ServerError):
        return error.status is None or error.status >= 500 or error.status in TRANSIENT
    return False


class Transport(Protocol):
    async def pull(self, since: int, limit: int) -> PullResponse:
        """``GET /api/sync?since=&limit=``: the changes after ``since``, one page."""
        ...

    async def push(self, request: PushRequest) -> PushResponse:
        """``POST /api/sync``: the server's result for each mutation, in order."""
        ...
