"""Firefox driven over WebDriver BiDi, the protocol Firefox speaks itself (no driver program).

Debian's ``firefox-esr`` started with ``--remote-debugging-port 0`` prints the WebSocket address
it listens on; this module starts it with a fresh profile, connects, and sends the few commands
the tests need. Errors come back as ``BidiError`` with Firefox's own message.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

from websockets.sync.client import ClientConnection, connect

FIREFOX = shutil.which("firefox-esr") or "/usr/bin/firefox-esr"
LISTEN = ("--remote-debugging-port", "0", "about:blank")  # 0: Firefox picks a free port
LISTENING = re.compile(r"WebDriver BiDi listening on (ws://\S+)")

# A quiet profile: no first-run pages, updates, telemetry or remote services on a closed network.
PREFS = {
    "app.update.disabledForTesting": True,
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage_override.mstone": "ignore",
    "browser.startup.page": 0,
    "browser.aboutwelcome.enabled": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "datareporting.healthreport.uploadEnabled": False,
    "toolkit.telemetry.enabled": False,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "browser.safebrowsing.downloads.enabled": False,
    "extensions.update.enabled": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "services.settings.server": "http://127.0.0.1:9/",
    "remote.prefs.recommended": True,
}


class BidiError(RuntimeError):
    pass


class Firefox:
    """One Firefox process with a profile of its own: one simulated device."""

    def __init__(self, profile: Path, start_timeout: float = 60) -> None:
        if not Path(FIREFOX).exists():
            raise FileNotFoundError(f"{FIREFOX} is missing: `make setup` installs firefox-esr.")
        profile.mkdir(parents=True, exist_ok=True)
        (profile / "user.js").write_text(
            "".join(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in PREFS.items())
        )
        self.process = subprocess.Popen(
            [FIREFOX, "--headless", "--no-remote", "--profile", str(profile), *LISTEN],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.address = self._wait_for_address(start_timeout)
        self.ws: ClientConnection = connect(
            self.address + "/session", max_size=None, proxy=None, legacy=True
        )
        self.ids = itertools.count(1)
        self.send("session.new", {"capabilities": {}})
        tree = self.send("browsingContext.getTree", {"maxDepth": 0})
        self.context = tree["contexts"][0]["context"]

    def _wait_for_address(self, timeout: float) -> str:
        found: list[str] = []
        seen = threading.Event()

        def read() -> None:  # keeps draining stderr so Firefox never blocks on a full pipe
            assert self.process.stderr is not None
            for line in self.process.stderr:
                match = LISTENING.search(line)
                if match and not found:
                    found.append(match.group(1))
                    seen.set()

        threading.Thread(target=read, daemon=True).start()
        if not seen.wait(timeout):
            self.close()
            raise BidiError(f"Firefox did not open its WebDriver BiDi port within {timeout} s")
        return found[0]

    def send(self, method: str, params: dict[str, Any], timeout: float = 300) -> dict[str, Any]:
        """Send one command and return its result, skipping the events in between.

        The default outlasts every wait inside a page call (``screen.TIMEOUT_MS``), so a step
        that waits too long fails with the page's own message, not a socket timeout.
        """
        ident = next(self.ids)
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=timeout))
            if message.get("id") != ident:
                continue
            if message.get("type") == "error":
                raise BidiError(f"{method}: {message.get('error')}: {message.get('message')}")
            result: dict[str, Any] = message["result"]
            return result

    def navigate(self, url: str) -> None:
        params = {"context": self.context, "url": url, "wait": "complete"}
        self.send("browsingContext.navigate", params)

    def reload(self) -> None:
        self.send("browsingContext.reload", {"context": self.context, "wait": "complete"})

    def call(self, function: str, *args: Any) -> Any:
        """Run ``function(...args)`` in the page (awaiting a promise); returns its JSON result.

        Arguments and result cross as JSON text, so any JSON value works both ways.
        """
        wrapper = f"async (args) => JSON.stringify(await ({function})(...JSON.parse(args)))"
        result = self.send(
            "script.callFunction",
            {
                "functionDeclaration": wrapper,
                "arguments": [{"type": "string", "value": json.dumps(args)}],
                "target": {"context": self.context},
                "awaitPromise": True,
            },
        )
        if result.get("type") == "exception":
            details = result.get("exceptionDetails", {})
            raise BidiError(str(details.get("text") or details))
        value = result["result"]
        return None if value.get("type") == "undefined" else json.loads(value["value"])

    def set_files(self, selector_function: str, args: list[Any], paths: list[str]) -> None:
        """Choose files in the file input that ``selector_function(...args)`` returns."""
        result = self.send(
            "script.callFunction",
            {
                "functionDeclaration": f"(args) => ({selector_function})(...JSON.parse(args))",
                "arguments": [{"type": "string", "value": json.dumps(args)}],
                "target": {"context": self.context},
                "awaitPromise": True,
                "resultOwnership": "root",
            },
        )
        if result.get("type") == "exception":
            raise BidiError(str(result.get("exceptionDetails")))
        node = result["result"]
        element = {"sharedId": node["sharedId"]}
        self.send("input.setFiles", {"context": self.context, "element": element, "files": paths})

    def close(self) -> None:
        try:
            if getattr(self, "ws", None) is not None:
                # The process may already be gone; it is stopped below anyway.
                with contextlib.suppress(Exception):
                    self.send("browser.close", {}, timeout=10)
                self.ws.close()
        finally:
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait(timeout=15)
