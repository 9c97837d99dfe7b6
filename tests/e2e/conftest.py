"""End-to-end fixtures: Debian's Chromium driven by pytest-playwright, the real server."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from devsupport.chromium import CHROMIUM, CHROMIUM_FLAGS, READY_TIMEOUT_MS
from devsupport.engines.drivers import Devices, Xvfb
from devsupport.live_server import LiveServer

# What a person would see, waited for as long as a loaded 2-core CI machine may need: reading a
# file in the page's Python has taken over Playwright's default 5 s there. Speed is measured in
# the benchmark, never by these waits.
expect.set_options(timeout=20_000)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package.")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server for the session, for tests that do not stop it."""
    db = tmp_path_factory.mktemp("db") / "setflow.sqlite3"
    live = LiveServer(f"sqlite:///{db}").start()
    yield live
    live.stop()


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[LiveServer]:
    """A server of this test's own, which the test may stop and start."""
    live = LiveServer(f"sqlite:///{tmp_path / 'setflow.sqlite3'}").start()
    yield live
    live.stop()


class RequestLog:
    """Every request a context makes (pages and service worker alike)."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def attach(self, context: BrowserContext) -> None:
        context.on("request", lambda request: self.urls.append(request.url))

    def foreign(self, origin: str) -> list[str]:
        own = urlsplit(origin).netloc
        return [
            u
            for u in self.urls
            if urlsplit(u).scheme in ("http", "https", "ws", "wss") and urlsplit(u).netloc != own
        ]


@pytest.fixture
def request_log(context: BrowserContext) -> RequestLog:
    log = RequestLog()
    log.attach(context)
    return log


def wait_ready(page: Page, timeout: int = READY_TIMEOUT_MS) -> None:
    """Wait for Python to start and render; fail with the on-screen message if it errored."""
    page.wait_for_function(
        "['ready', 'error'].includes(document.documentElement.dataset.appState)",
        timeout=timeout,
    )
    state = page.evaluate("document.documentElement.dataset.appState")
    if state != "ready":
        message = page.locator("#startup-error-message").text_content()
        pytest.fail(f"app reached state {state!r}: {message}")


def run_python(page: Page, code: str, **args: object) -> str:
    """Run ``async def bench(args: str) -> str`` from ``code`` in the app's interpreter (its
    worker), with the running app as ``app`` (``window.setflowRun``, app/js/page.mjs)."""
    return str(page.evaluate("([c, a]) => window.setflowRun(c, a)", [code, json.dumps(args)]))


def wait_for_service_worker(page: Page) -> None:
    """Wait until the service worker is active (its precache complete) and controls the page."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=60_000)


@pytest.fixture(scope="session")
def display() -> Iterator[Callable[[], str]]:
    """The Xvfb display WebKit draws on, started the first time a test asks for it."""
    started: list[Xvfb] = []

    def get() -> str:
        if not started:
            started.append(Xvfb())
        return started[0].display

    yield get
    for xvfb in started:
        xvfb.close()


@pytest.fixture
def devices(
    request: pytest.FixtureRequest, tmp_path: Path, display: Callable[[], str]
) -> Iterator[Devices]:
    """Devices in any engine for this test (``devices.open("webkit")``), all closed afterwards."""
    opened = Devices(lambda: request.getfixturevalue("browser"), tmp_path, display)
    yield opened
    opened.close()
