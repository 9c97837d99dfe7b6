"""Whose data a device shows: two people on one device, guest data, and an upgraded device."""

from __future__ import annotations

import uuid

import httpx
from playwright.sync_api import Browser, Page, expect

from app.core import storage_keys as keys
from app.core.protocol import SCHEMA_HEADER, SYNC_PATH, Mutation, PushRequest
from app.core.schema import SCHEMA_VERSION
from devsupport.live_server import LiveServer
from tests.e2e.conftest import wait_ready
from tests.e2e.test_sync import PASSWORD, device, exercise_list, expect_names, sign_in, sync_now
from tests.e2e.test_tracker import add_exercise, go


def server_names(url: str, email: str) -> set[str]:
    """The live exercise names the server holds for ``email`` (asked as that person)."""
    with httpx.Client(base_url=url) as client:
        login = client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
        assert login.status_code == 200, login.text
        answer = client.get(
            "/api/sync", params={"since": 0}, headers={SCHEMA_HEADER: str(SCHEMA_VERSION)}
        )
        assert answer.status_code == 200, answer.text
        return {
            c["name"]
            for c in answer.json()["changes"]
            if c["table"] == "exercises" and not c["deleted"]
        }


def block_sync(page: Page) -> None:
    """The server is unreachable for syncing (sign-in still works): edits stay queued."""
    page.context.route("**/api/sync**", lambda route: route.fulfill(status=503, body=""))


def unblock_sync(page: Page) -> None:
    page.context.unroute("**/api/sync**")


def sign_out(page: Page) -> str:
    go(page, "Settings")
    page.get_by_role("button", name="Sign out").click()
    message = page.get_by_role("status").filter(has_text="Signed out")
    expect(message).to_be_visible()
    expect(page.locator("#sync-status")).to_have_text("Not signed in")
    return str(message.text_content())


def edit_that_cannot_upload(page: Page, name: str) -> None:
    block_sync(page)
    add_exercise(page, name)
    go(page, "Settings")
    expect(page.locator("#pending-count")).to_have_text("1")


def test_two_people_on_one_device_never_see_or_receive_each_others_data(
    browser: Browser, own_server: LiveServer
) -> None:
    """Alice leaves an edit that could not upload and signs out; Bob signs up on the same device.

    Bob sees none of Alice's data and his account receives none of it; when Alice signs in again
    her data is back, and her waiting edit uploads to her account.  Then the same the other way.
    """
    page = device(browser, own_server.url)
    alice, bob = "alice@example.com", "bob@example.com"
    sign_in(page, alice, create=True)
    add_exercise(page, "Alice squat")
    sync_now(page)
    edit_that_cannot_upload(page, "Alice bench")
    said = sign_out(page)
    assert "1 change not uploaded yet" in said and alice in said
    unblock_sync(page)
    expect(exercise_list(page).locator("li")).to_have_count(0)  # the guest's (empty) data

    sign_in(page, bob, create=True)
    expect(page.locator("#guest-offer")).to_have_count(0)  # the guest made nothing
    expect(exercise_list(page).locator("li")).to_have_count(0)
    add_exercise(page, "Bob deadlift")
    sync_now(page)
    assert server_names(own_server.url, bob) == {"Bob deadlift"}
    edit_that_cannot_upload(page, "Bob row")
    assert "1 change not uploaded yet" in sign_out(page)
    unblock_sync(page)

    sign_in(page, alice, create=False)
    expect_names(page, {"Alice squat", "Alice bench"})
    sync_now(page)
    expect(page.locator("#pending-count")).to_have_text("0")
    assert server_names(own_server.url, alice) == {"Alice squat", "Alice bench"}
    sign_out(page)

    sign_in(page, bob, create=False)
    expect_names(page, {"Bob deadlift", "Bob row"})
    sync_now(page)
    assert server_names(own_server.url, bob) == {"Bob deadlift", "Bob row"}
    assert server_names(own_server.url, alice) == {"Alice squat", "Alice bench"}


def test_guest_data_joins_an_account_only_when_the_person_says_so(
    browser: Browser, own_server: LiveServer
) -> None:
    page = device(browser, own_server.url)
    add_exercise(page, "Plank")
    sign_in(page, "guest@example.com", create=True)
    offer = page.locator("#guest-offer")
    expect(offer).to_contain_text("1 item made before you signed in")
    expect(exercise_list(page).locator("li")).to_have_count(0)  # not merged silently
    go(page, "Settings")
    page.get_by_role("button", name="Keep apart").click()
    expect(page.locator("#guest-offer")).to_have_count(0)
    sync_now(page)
    assert server_names(own_server.url, "guest@example.com") == set()

    sign_out(page)
    expect_names(page, {"Plank"})  # still the guest's
    sign_in(page, "guest@example.com", create=False)
    go(page, "Settings")
    page.get_by_role("button", name="Add to my data").click()
    expect(page.get_by_role("status").filter(has_text="Imported")).to_contain_text(
        "Imported 1 exercise"
    )
    expect_names(page, {"Plank"})
    sync_now(page)
    assert server_names(own_server.url, "guest@example.com") == {"Plank"}
    sign_out(page)
    expect(exercise_list(page).locator("li")).to_have_count(0)  # it moved into the account


def test_a_device_with_the_single_database_of_older_versions_upgrades_losing_nothing(
    browser: Browser, own_server: LiveServer
) -> None:
    """Older versions kept one ``setflow`` database for whoever last synced, outbox included."""
    email = "upgrade@example.com"
    page = device(browser, own_server.url)
    add_exercise(page, "Good morning")
    add_exercise(page, "Pull-up")
    go(page, "Settings")
    expect(page.locator("#pending-count")).to_have_text("2")
    # What an older version left behind after signing in: the session, and whose data it was.
    signup = page.request.post(
        own_server.url + "/api/auth/signup", data={"email": email, "password": PASSWORD}
    )
    assert signup.status == 201
    page.evaluate(
        """([email, keys]) => {
            localStorage.setItem(keys.account, email);
            localStorage.setItem(keys.synced, email);
            localStorage.removeItem(keys.layout);
        }""",
        [email, {"account": keys.ACCOUNT, "synced": keys.LEGACY_SYNCED, "layout": keys.LAYOUT}],
    )
    page.reload()
    wait_ready(page)
    expect(page.locator("#account-email")).to_have_text(email)
    expect(page.locator("#guest-offer")).to_have_count(0)  # it was the account's, not a guest's
    expect_names(page, {"Good morning", "Pull-up"})
    sync_now(page)
    expect(page.locator("#pending-count")).to_have_text("0")
    assert server_names(own_server.url, email) == {"Good morning", "Pull-up"}
    sign_out(page)
    expect(exercise_list(page).locator("li")).to_have_count(0)


def seed_account(url: str, email: str, names: list[str]) -> None:
    """Sign ``email`` up and give its account these exercises (made on another device)."""
    with httpx.Client(base_url=url) as client:
        creds = {"email": email, "password": PASSWORD}
        assert client.post("/api/auth/signup", json=creds).status_code == 201
        made = [
            Mutation(str(uuid.uuid4()), "exercises", str(uuid.uuid4()), "put", 0, {"name": n}, 1)
            for n in names
        ]
        answer = client.post(
            SYNC_PATH,
            json=PushRequest("laptop", made).to_json(),
            headers={SCHEMA_HEADER: str(SCHEMA_VERSION)},
        )
        assert answer.status_code == 200, answer.text
