"""Whose data a device shows: each account's local data apart, the guest's apart, old devices moved."""

from __future__ import annotations

from app.core import account
from app.core import storage_keys as keys
from app.core.account import GUEST_DATABASE, LAYOUT


def test_each_account_has_its_own_database_and_the_guest_has_one() -> None:
    alice, bob = account.account_id("alice@example.com"), account.account_id("bob@example.com")
    assert alice != bob
    assert account.database_name(alice) != account.database_name(bob)
    assert GUEST_DATABASE not in (account.database_name(alice), account.database_name(bob))
    assert account.database_name(None) == GUEST_DATABASE


def test_an_account_id_outlives_a_server_wipe_and_ignores_case_and_spaces() -> None:
    # Derived from the email alone: signing up again after a wipe finds the same local data.
    assert account.account_id(" Alice@Example.com ") == account.account_id("alice@example.com")


def test_signing_in_remembers_the_servers_account_id_and_signing_out_forgets_it() -> None:
    settings: dict[str, str] = {keys.GUEST_OFFER: "x"}
    assert account.signed_in(settings) is None
    chosen = account.remember_sign_in(settings, {"email": "a@example.com", "accountId": "acc-1"})
    assert chosen == "acc-1" and account.signed_in(settings) == "acc-1"
    assert settings[keys.HAD_ACCOUNT] == "1"
    account.forget_sign_in(settings)
    assert account.signed_in(settings) is None
    assert keys.ACCOUNT not in settings and keys.GUEST_OFFER not in settings
    assert settings[keys.HAD_ACCOUNT] == "1"  # the device remembers someone had an account


def test_an_answer_without_an_account_id_uses_the_emails() -> None:
    settings: dict[str, str] = {}
    for missing in ({"email": "a@example.com"}, {"email": "a@example.com", "accountId": ""}):
        chosen = account.remember_sign_in(settings, missing)
        assert chosen == account.account_id("a@example.com") == settings[keys.ACCOUNT_ID]


def test_an_older_device_signed_in_before_ids_were_kept_is_still_its_accounts() -> None:
    settings = {keys.ACCOUNT: "a@example.com"}
    assert account.signed_in(settings) == account.account_id("a@example.com")


def test_an_old_devices_one_database_belongs_to_the_account_that_last_synced_it() -> None:
    assert account.legacy_owner({}) is None  # never signed in: it is guest data
    synced = {keys.LEGACY_SYNCED: "a@example.com", keys.ACCOUNT: "b@example.com"}
    assert account.legacy_owner(synced) == account.account_id("a@example.com")
    assert account.legacy_owner({keys.ACCOUNT: "b@example.com"}) == account.account_id(
        "b@example.com"
    )
    assert account.legacy_owner({**synced, keys.LAYOUT: LAYOUT}) is None  # moved already


def test_sign_out_says_what_stays_and_how_much_is_not_uploaded() -> None:
    assert account.sign_out_message(0, "a@example.com") == (
        "Signed out. Your data stays on this device and comes back when you sign in"
        " as a@example.com again."
    )
    assert account.sign_out_message(1, None) == (
        "Signed out. 1 change not uploaded yet stays on this device; it uploads when you"
        " sign in again."
    )
    assert "1,250 changes" in account.sign_out_message(1250, "a@example.com")


def test_guest_offer_counts_what_was_made_before_signing_in() -> None:
    assert account.guest_offer(1) == "This device holds 1 item made before you signed in."
    assert account.guest_offer(1200).startswith("This device holds 1,200 items")
