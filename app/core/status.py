"""The one-line sync status a person sees, and how a sync's outcome maps to it."""

from __future__ import annotations

from collections.abc import Iterable

from app.core.transport import AuthRequired, OfflineError, UpgradeRequired

NOT_SIGNED_IN = "Not signed in"
OFFLINE = "Offline"
SYNCING = "Syncing"
SYNCED = "Synced"
FAILED = "Sync failed — will retry"
UPDATE_NEEDED = "Update needed"

STATUSES = (NOT_SIGNED_IN, OFFLINE, SYNCING, SYNCED, FAILED, UPDATE_NEEDED)

# What the header says to someone who never made an account: their data is safe here, and
# nothing is wrong (they are not "not signed in": they never wanted to be).
LOCAL_ONLY = "On this device"


def header(status: str, *, had_account: bool) -> str:
    return LOCAL_ONLY if status == NOT_SIGNED_IN and not had_account else status


# Statuses a retry cannot fix: the person has to act (sign in, reload the app).
NEEDS_PERSON = (NOT_SIGNED_IN, UPDATE_NEEDED)


def status_for_error(error: BaseException | None) -> str:
    if error is None:
        return SYNCED
    if isinstance(error, UpgradeRequired):
        return UPDATE_NEEDED
    if isinstance(error, AuthRequired):
        return NOT_SIGNED_IN
    if isinstance(error, OfflineError):
        return OFFLINE
    return FAILED


# When pull and push fail differently, the one that asks most of the person is shown.
_PRIORITY = (UPDATE_NEEDED, NOT_SIGNED_IN, FAILED, OFFLINE, SYNCED)


def status_for_errors(errors: Iterable[BaseException | None]) -> str:
    statuses = {status_for_error(e) for e in errors} or {SYNCED}
    return min(statuses, key=_PRIORITY.index)
