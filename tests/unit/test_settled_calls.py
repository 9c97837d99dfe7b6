"""Python awaits no promise of ``app/js/db.mjs`` that can reject (``settle`` there, ``settled``
in ``app/browser/idb.py``): a rejection awaited from Python never settled, and the lifter's
action waited for good."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_storage_call_from_python_goes_through_settled() -> None:
    raw = re.compile(r"await\s+db\.(?!settle\()")
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "app" / "browser").glob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if raw.search(line)
    ]
    assert found == [], "call these through app.browser.idb.settled"
