"""Print (or with --write, rewrite) pyscript.toml's [files] table from the modules under app/."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server.static import NOT_SHIPPED  # noqa: E402 - the one list of modules kept off the browser

TOML = ROOT / "pyscript.toml"


def files_table() -> str:
    modules = sorted(
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "app").rglob("*.py")
        if "__pycache__" not in p.parts and p.name != "main.py"
    )
    modules = [m for m in modules if m not in NOT_SHIPPED]
    return "[files]\n" + "".join(f'"/{m}" = "{m}"\n' for m in modules)


def main() -> None:
    table = files_table()
    if "--write" not in sys.argv:
        print(table, end="")
        return
    text = TOML.read_text()
    head = text[: text.index("\n[files]\n") + 1]
    TOML.write_text(head + table)


if __name__ == "__main__":
    main()
