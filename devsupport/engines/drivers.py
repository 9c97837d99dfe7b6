"""One simulated device in each browser engine, behind the same four calls.

A test never touches an engine's own API: it goes through ``Screen`` (``tests/e2e/engines/screen.py``), which only
needs ``goto``, ``reload``, ``call`` (run a JS function in the page, JSON in and out) and
``set_files``. Chromium runs under Playwright, Firefox over WebDriver BiDi (``bidi.py``), WebKit
(Safari's engine; WebKitGTK's MiniBrowser) under ``WebKitWebDriver`` through Selenium, on an Xvfb
display. Every engine comes from Debian's packages; a missing one fails the test.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any, Protocol

from playwright.sync_api import Browser, Page

from devsupport.engines.bidi import Firefox

ENGINES = ("chromium", "firefox", "webkit")
WEBKIT_DRIVER = Path("/usr/bin/WebKitWebDriver")
MINIBROWSER = Path("/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser")
# The app's start-up time limit (app/js/boot.mjs) says this and keeps starting: WebKit on a busy
# machine passes it; the first render then replaces the message with the screen.
SLOW = "The Python runtime did not start. Check your connection for the first visit."
CALL_TIMEOUT_S = 300  # longer than any wait inside a call (Screen.TIMEOUT_MS)

# Runs `fn(...args)` in the page and answers JSON text: {"ok": value} or {"error": message}.
WRAP = """async (fn, args) => {
  try { return JSON.stringify({ ok: (await fn(...JSON.parse(args))) ?? null }); }
  catch (e) { return JSON.stringify({ error: String((e && e.message) || e) }); }
}"""


class PageError(AssertionError):
    """What went wrong in the page, as the page's own message."""


def _answer(text: str) -> Any:
    answer = json.loads(text)
    if "error" in answer:
        raise PageError(answer["error"])
    return answer["ok"]


class Driver(Protocol):
    engine: str

    def goto(self, url: str) -> None: ...
    def reload(self) -> None: ...
    def call(self, function: str, *args: Any) -> Any: ...
    def set_files(self, finder: str, args: list[Any], paths: list[str]) -> None: ...
    def close(self) -> None: ...


class ChromiumDevice:
    engine = "chromium"

    def __init__(self, browser: Browser) -> None:
        self.context = browser.new_context()
        self.page: Page = self.context.new_page()
        self.page.set_default_timeout(CALL_TIMEOUT_S * 1000)

    def goto(self, url: str) -> None:
        self.page.goto(url)

    def reload(self) -> None:
        self.page.reload()

    def call(self, function: str, *args: Any) -> Any:
        script = f"(args) => ({WRAP})({function}, args)"
        return _answer(self.page.evaluate(script, json.dumps(args)))

    def set_files(self, finder: str, args: list[Any], paths: list[str]) -> None:
        handle = self.page.evaluate_handle(f"(args) => ({finder})(...args)", args)
        element = handle.as_element()
        assert element is not None, "no file field found"
        element.set_input_files(paths)

    def close(self) -> None:
        self.context.close()


class FirefoxDevice:
    engine = "firefox"

    def __init__(self, profile: Path) -> None:
        self.firefox = Firefox(profile)

    def goto(self, url: str) -> None:
        self.firefox.navigate(url)

    def reload(self) -> None:
        self.firefox.reload()

    def call(self, function: str, *args: Any) -> Any:
        wrapped = f"(args) => ({WRAP})({function}, args)"
        return _answer(self.firefox.call(wrapped, json.dumps(args)))

    def set_files(self, finder: str, args: list[Any], paths: list[str]) -> None:
        self.firefox.set_files(finder, args, paths)

    def close(self) -> None:
        self.firefox.close()


class Xvfb:
    """A virtual display for WebKitGTK, which has no headless mode of its own."""

    def __init__(self) -> None:
        if shutil.which("Xvfb") is None:
            raise FileNotFoundError("Xvfb is missing: `make setup` installs xvfb.")
        read, write = os.pipe()
        self.process = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
            pass_fds=[write],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(write)
        with os.fdopen(read) as lines:
            number = lines.readline().strip()  # Xvfb writes the display number once it is up
        if not number:
            raise RuntimeError("Xvfb did not start")
        self.display = f":{number}"

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


class WebKitDevice:
    engine = "webkit"

    def __init__(self, display: str) -> None:
        from selenium import webdriver
        from selenium.webdriver.webkitgtk.options import Options
        from selenium.webdriver.webkitgtk.service import Service

        for needed in (WEBKIT_DRIVER, MINIBROWSER):
            if not needed.exists():
                raise FileNotFoundError(f"{needed} is missing: `make setup` installs it.")
        options = Options()
        options.binary_location = str(MINIBROWSER)
        options.add_argument("--automation")
        service = Service(
            executable_path=str(WEBKIT_DRIVER), env={**os.environ, "DISPLAY": display}
        )
        self.driver = webdriver.WebKitGTK(options=options, service=service)
        self.driver.set_script_timeout(CALL_TIMEOUT_S)
        self.driver.set_page_load_timeout(CALL_TIMEOUT_S)

    def goto(self, url: str) -> None:
        self.driver.get(url)

    def reload(self) -> None:
        self.driver.refresh()

    def call(self, function: str, *args: Any) -> Any:
        script = (
            "const done = arguments[arguments.length - 1];"
            f"({WRAP})({function}, arguments[0]).then(done);"
        )
        return _answer(self.driver.execute_async_script(script, json.dumps(args)))

    def set_files(self, finder: str, args: list[Any], paths: list[str]) -> None:
        element = self.driver.execute_script(f"return ({finder})(...arguments[0]);", args)
        element.send_keys("\n".join(paths))

    def close(self) -> None:
        self.driver.quit()


class Devices:
    """Opens devices of any engine for one test and closes them all afterwards."""

    def __init__(self, browser: Any, folder: Path, display: Any) -> None:
        self.browser = browser  # a callable giving the Playwright Chromium, started on first use
        self.folder = folder
        self.display = display  # a callable giving the Xvfb display, started on first use
        self.opened: list[Driver] = []

    def open(self, engine: str) -> Driver:
        device: Driver
        if engine == "chromium":
            device = ChromiumDevice(self.browser())
        elif engine == "firefox":
            device = FirefoxDevice(self.folder / f"firefox-{len(self.opened)}")
        elif engine == "webkit":
            device = WebKitDevice(self.display())
        else:
            raise ValueError(engine)
        self.opened.append(device)
        return device

    def close(self) -> None:
        for device in reversed(self.opened):
            with contextlib.suppress(Exception):  # a crashed browser must not hide the test's error
                device.close()
