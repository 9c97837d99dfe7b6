"""Live sync measured: how soon a change on device A shows on open device B, and what idle
event streams cost the server.

* Propagation: two browser contexts (two devices) signed in to one account; B shows its
  exercise list.  A adds an exercise and syncs at once; the time is from just before A's sync
  starts to the moment B's page shows the name (a MutationObserver in B; both pages read the same
  system clock).  Live: B holds its event stream.  Baseline, polling as before live sync: B's
  stream is refused (the request is aborted), so only its periodic sync brings the change.
* Idle streams: N event streams held open on one server process (raw sockets on loopback, each
  waiting for its hello), then the server's resident memory and CPU over an idle interval,
  heartbeats included.  Baseline: the same process before the streams opened.  Bounded in count
  and time, loopback only.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import time
import uuid
from pathlib import Path

import httpx
from playwright.sync_api import Browser, BrowserContext, Page, expect

from app.core.schema import SCHEMA_VERSION
from bench.browser import new_context, wait_for_service_worker, wait_ready
from bench.servers import sign_up
from devsupport.live_server import LiveServer

PASSWORD = "benchmark-password"
HOST = "127.0.0.1"

# Starts watching: ``window.setflowSeen`` resolves with Date.now() as soon as the page's text
# contains ``name``, or with -1 after ``limit`` ms.
SEEN_JS = """([name, limit]) => { window.setflowSeen = new Promise((resolve) => {
  const seen = () => document.body.textContent.includes(name);
  if (seen()) { resolve(Date.now()); return; }
  const observer = new MutationObserver(() => {
    if (seen()) { observer.disconnect(); resolve(Date.now()); }
  });
  observer.observe(document.body, {subtree: true, childList: true, characterData: true});
  setTimeout(() => { observer.disconnect(); resolve(-1); }, limit);
}); }"""


def _device(browser: Browser, url: str, email: str, *, create: bool, live: bool) -> Page:
    context: BrowserContext = new_context(browser)
    if not live:
        context.route("**/api/sync/events*", lambda route: route.abort())
    page = context.new_page()
    page.goto(url + "/#settings")
    wait_ready(page)
    wait_for_service_worker(page)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account" if create else "Sign in").click()
    expect(page.locator("#account-email")).to_have_text(email)
    if live:
        expect(page.locator("#live-status")).to_be_visible(timeout=60_000)
    page.get_by_role("link", name="Exercises").click()
    page.get_by_label("Exercise name").wait_for(timeout=30_000)
    return page


def _add(page: Page, name: str) -> None:
    page.get_by_label("Exercise name").fill(name)
    page.get_by_role("button", name="Add exercise").click()
    expect(
        page.get_by_role("list", name="Your exercises").get_by_text(name, exact=True)
    ).to_be_visible()


def propagation(
    browser: Browser, url_a: str, url_b: str, changes: int, *, live: bool, timeout_s: float = 90
) -> list[float]:
    """Milliseconds from A's sync starting to B showing the change, one per change."""
    email = f"live-{uuid.uuid4().hex[:8]}@bench.invalid"
    a = _device(browser, url_a, email, create=True, live=True)
    b = _device(browser, url_b, email, create=False, live=live)
    times: list[float] = []
    try:
        for n in range(changes):
            name = f"Live {n} {uuid.uuid4().hex[:6]}"
            b.evaluate(SEEN_JS, [name, int(timeout_s * 1000)])  # watching from now on
            _add(a, name)
            started = a.evaluate("() => { const t = Date.now(); window.setflowSync(); return t; }")
            shown = b.evaluate("window.setflowSeen")
            if shown < 0:
                raise RuntimeError(f"device B never showed {name!r} within {timeout_s} s")
            times.append(float(shown) - float(started))
    finally:
        a.context.close()
        b.context.close()
    return times


# --- idle streams -------------------------------------------------------------------------------
def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _open_streams(port: int, cookie: str, n: int) -> list[asyncio.StreamWriter]:
    request = (
        f"GET /api/sync/events?schema={SCHEMA_VERSION} HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
        f"Cookie: {cookie}\r\nAccept: text/event-stream\r\n\r\n"
    ).encode()

    async def one() -> asyncio.StreamWriter:
        reader, writer = await asyncio.open_connection(HOST, port)
        writer.write(request)
        await reader.readuntil(b"event: hello")
        return writer

    writers: list[asyncio.StreamWriter] = []
    for start in range(0, n, 100):  # in batches, as devices would arrive
        writers += await asyncio.gather(*(one() for _ in range(min(100, n - start))))
    return writers


async def _hold(port: int, cookie: str, n: int, pid: int, idle_s: float) -> tuple[float, float]:
    """Open the streams, stay idle, measure; then close them.  (RSS MB, CPU share)"""
    writers = await asyncio.wait_for(_open_streams(port, cookie, n), timeout=120)
    try:
        await asyncio.sleep(1.0)
        cpu0, t0 = _cpu_s(pid), time.monotonic()
        await asyncio.sleep(idle_s)  # the client reads nothing: idle
        cpu = (_cpu_s(pid) - cpu0) / (time.monotonic() - t0)
        return _rss_mb(pid), cpu
    finally:
        for writer in writers:
            writer.close()


def idle_streams(work: Path, n: int, idle_s: float) -> dict[str, float]:
    """Server RSS before and with ``n`` idle streams, and its CPU while they idle."""
    # With the default connection cap: live streams are not counted against it.
    server = LiveServer(f"sqlite:///{work}/streams-{uuid.uuid4().hex[:6]}.sqlite3").start()
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            sign_up(client, f"streams-{uuid.uuid4().hex[:8]}@bench.invalid")
            cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
        assert server.process is not None
        pid = server.process.pid
        before = _rss_mb(pid)
        # In a thread of its own: the caller's thread may run an event loop (Playwright's).
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            during, cpu = pool.submit(
                asyncio.run, _hold(server.port, cookie, n, pid, idle_s)
            ).result()
        return {"rss_before": before, "rss": during, "cpu_pct": 100 * cpu, "streams": n}
    finally:
        server.stop()
