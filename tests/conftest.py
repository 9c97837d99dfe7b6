"""Test-session ordering and the machine-wide browser slots, shared by every suite."""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# Speed is measured in the benchmark, never in a test: Hypothesis's per-example deadline (200 ms)
# turned a supersets property test into a failure on a loaded machine (287 ms once, 0.3 ms again).
# `make test` runs the same examples every time, so a red run is a regression to look at, never
# the luck of the draw; SETFLOW_HYPOTHESIS_RANDOM=1 draws new ones (with more examples, e.g.
# SETFLOW_SIM_EXAMPLES=300, to hunt for new failures).
settings.register_profile(
    "setflow",
    deadline=None,
    derandomize=os.environ.get("SETFLOW_HYPOTHESIS_RANDOM") != "1",
    database=None if os.environ.get("SETFLOW_HYPOTHESIS_RANDOM") != "1" else settings().database,
)
settings.load_profile("setflow")

BROWSER_SUITES = ("tests/e2e/", "tests/bench/")

# The browser tests that take longest (1-4 minutes each on a 2-core machine) start first among
# the browser tests, so that `make test`'s two workers (pytest-xdist, which hands tests out in
# this order) never end with one of them running alone while the other has nothing left.
LONGEST_FIRST = (
    "tests/bench/test_smoke.py",
    "tests/e2e/test_sync_across_engines.py",
    "tests/e2e/test_every_engine.py",
    "tests/e2e/test_storage_failures.py",
)


@pytest.hookimpl(trylast=True)  # after pytest's own ordering by fixture, which would undo it
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser suites run last, their longest tests first.

    Playwright's sync API keeps an event loop running on the main thread from its first test to
    the end of the session, and ``asyncio.run`` refuses to start inside a running loop; so the
    plain asyncio tests (core, server, simulation) go first, in each worker too.
    """

    def order(item: pytest.Item) -> tuple[bool, int]:
        path = str(item.path).replace("\\", "/")
        in_browser = any(suite in path for suite in BROWSER_SUITES)
        rank = [i for i, long in enumerate(LONGEST_FIRST) if path.endswith(long)]
        return in_browser, rank[0] if rank else len(LONGEST_FIRST)

    items.sort(key=order)  # stable: each group keeps its own order


# At most this many browser tests run at once on the machine, across every pytest process (two
# checkouts, or pytest-xdist workers): a Pyodide start is CPU-bound, and a dozen at once on two
# cores only make every one of them time out.
BROWSER_SLOTS = int(os.environ.get("SETFLOW_BROWSER_SLOTS", "2"))
SLOT_DIR = Path(tempfile.gettempdir())


@contextlib.contextmanager
def browser_slot() -> Iterator[None]:
    files = [open(SLOT_DIR / f"setflow-browser-slot-{i}.lock", "a+") for i in range(BROWSER_SLOTS)]  # noqa: SIM115
    try:
        while True:
            for f in files:
                try:
                    fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue
                try:
                    yield
                finally:
                    fcntl.flock(f, fcntl.LOCK_UN)
                return
            time.sleep(0.2)
    finally:
        for f in files:
            f.close()


@pytest.fixture(autouse=True)
def _one_of_few_browser_tests(request: pytest.FixtureRequest) -> Iterator[None]:
    path = str(request.node.path).replace("\\", "/")
    if not any(suite in path for suite in BROWSER_SUITES):
        yield
        return
    with browser_slot():
        yield
