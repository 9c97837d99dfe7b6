"""The sentence a person reads when the device's storage fails (app/core/storage_failure.py)."""

from __future__ import annotations

from app.core.storage_failure import (
    FULL_MESSAGE,
    LOST_MESSAGE,
    OPEN_MESSAGE,
    storage_error,
)
from app.views.controls import refusal


def test_a_closed_connection_says_reload_and_that_saved_data_stays() -> None:
    for name, cause in (
        ("DatabaseClosedError", ""),  # Dexie, once the connection closed
        ("AbortError", "UnknownError"),  # Safari: "Connection to Indexed Database server lost"
        ("OpenFailedError", "VersionError"),  # an update in another tab upgraded the database
    ):
        assert str(storage_error(name, cause)) == LOST_MESSAGE


def test_a_full_device_says_so_even_inside_an_aborted_transaction() -> None:
    assert str(storage_error("AbortError", "QuotaExceededError")) == FULL_MESSAGE
    assert str(storage_error("QuotaExceededError", opening=True)) == FULL_MESSAGE


def test_a_database_that_cannot_open_says_what_to_try() -> None:
    assert str(storage_error("OpenFailedError", "InvalidStateError", opening=True)) == OPEN_MESSAGE


def test_any_other_refusal_names_it_and_keeps_the_details_for_the_console() -> None:
    err = storage_error("BulkError", "ConstraintError", "Key already exists in the object store.")
    assert str(err) == (
        "This device's storage refused that (ConstraintError), so it was not saved. "
        "Reload the page and try again: everything saved before is still here."
    )
    assert (err.name, err.detail) == ("BulkError", "Key already exists in the object store.")


def test_the_person_reads_the_sentence_itself_not_something_went_wrong() -> None:
    assert refusal(storage_error("DatabaseClosedError")) == LOST_MESSAGE
