"""Print (or with --write, rewrite) the error table of docs/sync-protocol.md from server/errors.py."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server.errors import ERRORS  # noqa: E402 - the one table of the errors a client can get

DOC = ROOT / "docs" / "sync-protocol.md"
BEGIN = "<!-- The table below is written by tools/error_table.py from server/errors.py. -->\n"
END = "<!-- End of the generated table. -->\n"


def error_table() -> str:
    rows = "".join(f"| {status} | `{code}` | {when} |\n" for status, code, when in ERRORS)
    return "| status | `error` | when |\n|---|---|---|\n" + rows


def documented(text: str) -> str:
    """The table as the document shows it now."""
    return text.split(BEGIN, 1)[1].split(END, 1)[0]


def main() -> None:
    table = error_table()
    if "--write" not in sys.argv:
        print(table, end="")
        return
    text = DOC.read_text(encoding="utf-8")
    DOC.write_text(text.replace(documented(text), table), encoding="utf-8")


if __name__ == "__main__":
    main()
