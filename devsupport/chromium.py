"""Debian's Chromium, as the tests and the benchmarks launch it on this machine."""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
# Needed as root, headless, on a closed network (see the browser-stack notes).
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# How long a page may take to say it is ready (or why not) on a loaded 2-core machine.
READY_TIMEOUT_MS = 60_000
