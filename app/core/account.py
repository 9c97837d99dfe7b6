"""Whose data the device is showing: each account's local data apart, and the guest's.

Every account that has used this device has a local database of its own, named after the
account's stable id; data made before any sign-in is the device's guest data, in the guest
database.  Signing out switches back to the guest database and leaves the account's data (and
its unsynced changes) where it is; signing in as that account again brings it back, and its
outbox uploads to that account only.  Guest data joins an account only when the person says so.

The settings (localStorage) keys (``app.core.storage_keys``) say which account is signed in;
the databases hold the rest (records, outbox, pull cursor, server epoch), so nothing of one
account's sync state can leak into another's.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, MutableMapping
from typing import Any

from app.core import storage_keys as keys

LAYOUT = "per-account"  # the value of keys.LAYOUT on a device already moved on

GUEST_DATABASE = "setflow"  # today's name: a device that never signed in keeps its data as is
ACCOUNT_NAMESPACE = uuid.UUID("b0c5e1e4-3a3f-4a47-9d0a-7f35c2a1d9e2")


def account_id(email: str) -> str:
    """The account's stable id, derived from its (normalised) email.

    The server hands it out with every sign-in answer; deriving it means it stays the same after
    the server's database is restored or wiped and the person signs up again, so the device finds
    that account's data (and re-sends what the server lost), and an offline start knows it too.
    """
    return str(uuid.uuid5(ACCOUNT_NAMESPACE, email.strip().lower()))


def database_name(account: str | None) -> str:
    """The local database of an account (by its id), or of the guest (``None``)."""
    return f"setflow-account-{account}" if account else GUEST_DATABASE


def signed_in(settings: Mapping[str, str]) -> str | None:
    """The id of the account signed in on this device, or ``None`` for the guest."""
    if not settings.get(keys.ACCOUNT):
        return None
    return settings.get(keys.ACCOUNT_ID) or account_id(settings[keys.ACCOUNT])


def remember_sign_in(settings: MutableMapping[str, str], answer: Mapping[str, Any]) -> str:
    """Keep a sign-in answer's account as the signed-in one; returns its id."""
    email = str(answer["email"])
    account = answer.get("accountId")
    account = account if isinstance(account, str) and account else account_id(email)
    settings[keys.ACCOUNT] = email
    settings[keys.ACCOUNT_ID] = account
    settings[keys.HAD_ACCOUNT] = "1"
    return account


def forget_sign_in(settings: MutableMapping[str, str]) -> None:
    for key in (keys.ACCOUNT, keys.ACCOUNT_ID, keys.GUEST_OFFER):
        settings.pop(key, None)


def legacy_owner(settings: Mapping[str, str]) -> str | None:
    """Whose account the one database of an older app version belongs to, if anyone's.

    That version kept everything in the guest database's place; the account that last synced
    it (or, failing that, the one signed in) owns what is there: its records carry that
    account's versions and its outbox was meant for that account.  ``None``: it is guest data.
    """
    if settings.get(keys.LAYOUT) == LAYOUT:
        return None
    email = settings.get(keys.LEGACY_SYNCED) or settings.get(keys.ACCOUNT)
    return account_id(email) if email else None


def sign_out_message(pending: int, email: str | None) -> str:
    who = f" as {email}" if email else ""
    if pending == 0:
        return (
            "Signed out. Your data stays on this device and comes back when you sign in"
            f"{who} again."
        )
    if pending == 1:
        return (
            "Signed out. 1 change not uploaded yet stays on this device; it uploads when you "
            f"sign in{who} again."
        )
    return (
        f"Signed out. {pending:,} changes not uploaded yet stay on this device; they upload "
        f"when you sign in{who} again."
    )


def guest_offer(records: int) -> str:
    things = "1 item" if records == 1 else f"{records:,} items"
    return f"This device holds {things} made before you signed in."
