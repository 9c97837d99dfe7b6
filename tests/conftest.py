"""Test-session ordering shared by every suite."""

from __future__ import annotations

import pytest

BROWSER_SUITES = ("tests/e2e/", "tests/bench/")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser suites run last.

    Playwright's sync API keeps an event loop running on the main thread from its first test to
    the end of the session, and ``asyncio.run`` refuses to start inside a running loop; so the
    plain asyncio tests (core, server, simulation) go first.
    """

    def in_browser(item: pytest.Item) -> bool:
        path = str(item.path).replace("\\", "/")
        return any(suite in path for suite in BROWSER_SUITES)

    items.sort(key=in_browser)  # stable: each group keeps its own order
