"""Whose data a device shows: two people on one device, guest data, and an upgraded device."""

from __future__ import annotations

import re
import uuid

import httpx
from playwright.sync_api import APIResponse, Browser, Page, Request, Route, expect

from app.core import storage_keys as keys
from app.core.protocol import SCHEMA_HEADER, SYNC_PATH, Mutation, PushRequest
from app.core.schema import SCHEMA_VERSION
from devsupport.live_server import LiveServer
from tests.e2e.conftest import READY_TIMEOUT_MS, wait_ready
from tests.e2e.test_sync import (
    PASSWORD,
    device,
    exercise_list,
    expect_names,
    finished_syncs,
    sign_in,
    sync_now,
)
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


def test_an_account_switch_in_another_tab_during_a_paged_pull_mixes_nothing(
    browser: Browser, own_server: LiveServer
) -> None:
    """Tab 1 pulls Alice's data two records a page.  Its second page is answered (as Alice)
    but held back on the way, while tab 2 signs out and Bob signs in; then it arrives.  Any
    later page would be asked for with Bob's session: nothing of it may reach Alice's data.
    Afterwards Bob's data holds Bob's exercises, and when Alice signs in again her data holds
    hers, all of them, and none of Bob's.

    What each account's data holds is read once the syncs are over: a sync shows what it
    brought only when it ends, so nothing is read while the pull is held."""
    alice, bob = "alice@example.com", "bob@example.com"
    alices = [f"Alice {n}" for n in range(1, 7)]
    bobs = [f"Bob {n}" for n in range(1, 11)]
    seed_account(own_server.url, alice, alices)
    seed_account(own_server.url, bob, bobs)
    first = device(browser, own_server.url)
    held: list[tuple[Route, APIResponse]] = []

    def two_a_page(route: Route) -> None:
        """Pulls come two records a page; tab 1's first later page is answered, then held."""
        request = route.request
        if request.method != "GET":
            route.continue_()
            return
        url = re.sub(r"limit=\d+", "limit=2", request.url)
        if not held and "since=0&" not in url and request.frame.page == first:
            held.append((route, route.fetch(url=url)))
            return
        route.continue_(url=url)

    def later_page(request: Request) -> bool:
        return "/api/sync?since=" in request.url and "since=0&" not in request.url

    first.context.route("**/api/sync?**", two_a_page)
    with first.expect_request(later_page, timeout=READY_TIMEOUT_MS):
        sign_in(first, alice, create=False)  # its sync pulls Alice's first page, then the second
    for _ in range(100):  # the request reaches this test's route handler in Playwright's loop
        if held:
            break
        first.wait_for_timeout(100)
    assert held, "tab 1 never asked for the second page of Alice's data"
    assert held[0][1].status == 200, held[0][1].text()

    second = first.context.new_page()  # another tab of the same browser
    second.goto(own_server.url + "/#settings")
    wait_ready(second)
    expect(second.locator("#account-email")).to_have_text(alice)
    sign_out(second)
    sign_in(second, bob, create=False)

    first.bring_to_front()
    before = finished_syncs(first)
    route, answer = held[0]
    route.fulfill(response=answer)  # Alice's second page arrives after the switch
    first.wait_for_function(
        f"Number(document.documentElement.dataset.syncs || 0) > {before}", timeout=60_000
    )
    go(first, "Settings")
    expect(first.locator("#account-email")).to_have_text(bob)  # tab 1 follows
    expect_names(first, set(bobs))  # Bob's data, once a sync of his has run in either tab
    second.bring_to_front()
    expect_names(second, set(bobs))

    first.context.unroute("**/api/sync?**")
    first.bring_to_front()
    sign_out(first)
    sign_in(first, alice, create=False)
    expect_names(first, set(alices))  # the rest of her pull, and nothing of Bob's
    sync_now(first)
    expect_names(first, set(alices))
    assert server_names(own_server.url, alice) == set(alices)
    assert server_names(own_server.url, bob) == set(bobs)
