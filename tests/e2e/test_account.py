"""A person's own account controls in Settings: change the password, see the devices signed in,
sign one out, and delete the account while this device keeps its data."""

from __future__ import annotations

from playwright.sync_api import Browser, Locator, Page, expect

from devsupport.live_server import LiveServer
from tests.e2e.test_sync import PASSWORD, device, sign_in, sync_now
from tests.e2e.test_tracker import add_exercise, go

NEW_PASSWORD = "a brand new squat rack"


def notice(page: Page) -> Locator:
    """The sentence the app shows after an action."""
    return page.locator("p.notice")


def test_change_password_sign_out_a_device_and_delete_the_account(
    browser: Browser, server: LiveServer
) -> None:
    phone = device(browser, server.url)
    add_exercise(phone, "Deadlift")
    sign_in(phone, "owner@example.com", create=True)
    sync_now(phone)
    laptop = device(browser, server.url)
    sign_in(laptop, "owner@example.com", create=False)

    # Two devices are listed; the laptop can be signed out from the phone.
    go(phone, "Settings")
    phone.get_by_text("Devices signed in").click()
    phone.get_by_role("button", name="Show where you are signed in").click()
    devices = phone.get_by_role("list", name="Signed in on")
    expect(devices.get_by_role("listitem")).to_have_count(2)
    expect(devices).to_contain_text("This device")
    devices.get_by_role("button", name="Sign out").click()
    expect(notice(phone)).to_contain_text("That device is signed out")

    # Changing the password keeps this device signed in.
    phone.get_by_text("Change password", exact=True).first.click()
    phone.get_by_label("Current password").fill(PASSWORD)
    phone.get_by_label("New password").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="Change password").click()
    expect(notice(phone)).to_contain_text("Password changed")
    expect(phone.locator("#account-email")).to_have_text("owner@example.com")

    # Deleting the account: export is offered first, and this device keeps its data.
    phone.get_by_text("Delete account", exact=True).click()
    expect(phone.get_by_role("button", name="Export data first")).to_be_visible()
    phone.get_by_label("Your password").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="Delete my account").click()
    expect(notice(phone)).to_contain_text("deleted")
    expect(phone.locator("#sync-status")).to_have_text("Not signed in")
    go(phone, "Exercises")
    expect(phone.get_by_role("list", name="Your exercises")).to_contain_text("Deadlift")


def test_a_refusal_goes_once_the_person_tries_again(browser: Browser, server: LiveServer) -> None:
    """After "Wrong email or password.", the person types an email the browser itself rejects
    and taps "Create account": the browser stops that submit before the app hears of it, so the
    old sentence must not stay on screen as if it answered the new attempt."""
    page = device(browser, server.url)
    go(page, "Settings")
    page.get_by_label("Email").fill("nobody@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(notice(page)).to_have_text("Wrong email or password.")

    page.get_by_label("Email").fill("bob@")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#account-email-input:invalid")).to_have_count(1)  # the browser said no
    expect(page.get_by_text("Wrong email or password.")).to_have_count(0)
    expect(page.get_by_role("button", name="Create account")).to_be_visible()  # nobody signed in
