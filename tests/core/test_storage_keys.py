"""The localStorage keys: one home in Python, spelt the same by the JavaScript that reads them."""

from __future__ import annotations

import re
from pathlib import Path

from app.core import storage_keys as keys

JS = Path(__file__).resolve().parents[2] / "app" / "js"


def _js_constant(file: str, name: str) -> str:
    text = (JS / file).read_text(encoding="utf-8")
    found = re.search(rf'^const {name} = "([^"]+)";', text, re.MULTILINE)
    assert found, f"{file} no longer declares {name}"
    return found.group(1)


def test_no_two_purposes_share_a_key() -> None:
    assert len(set(keys.ALL)) == len(keys.ALL)
    assert all(key.startswith("setflow") for key in keys.ALL)


def test_the_javascript_reads_the_same_keys_as_python() -> None:
    # The last screen is painted before Python starts, for the account signed in then.
    assert _js_constant("last-screen.mjs", "KEY") == keys.LAST_SCREEN
    assert _js_constant("last-screen.mjs", "ACCOUNT_KEY") == keys.ACCOUNT
    assert _js_constant("ticker.mjs", "ALERTED_KEY") == keys.REST_ALERTED
    # Each key typed is kept by the page at once, before the app's Python has taken it.
    assert _js_constant("page.mjs", "TYPING_KEY") == keys.TYPING
