"""The header's sync status."""

from __future__ import annotations

from app.core import status


def test_someone_who_never_wanted_an_account_is_told_their_data_is_here() -> None:
    assert status.header(status.NOT_SIGNED_IN, had_account=False) == "On this device"


def test_someone_who_signed_out_is_told_so() -> None:
    assert status.header(status.NOT_SIGNED_IN, had_account=True) == "Not signed in"


def test_every_other_status_is_shown_as_is() -> None:
    for text in (status.OFFLINE, status.SYNCING, status.SYNCED, status.UPDATE_NEEDED):
        assert status.header(text, had_account=False) == text
