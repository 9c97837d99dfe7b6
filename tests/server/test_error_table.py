"""One table of the errors a client can get (``server.errors.ERRORS``): every error the server's
code raises is in it, nothing in it is never raised, and the protocol document shows it as is."""

from __future__ import annotations

import ast
from pathlib import Path

from server.errors import _HTTP_CODES, ERRORS
from tools.error_table import DOC, documented, error_table

SERVER = Path(__file__).resolve().parents[2] / "server"
RAISERS = {"ApiError", "error_response", "_json"}


def raised() -> tuple[set[tuple[int, str]], set[tuple[int, str]]]:
    """``(status, code)`` of every error the server's code makes; and ``(status, prefix)`` of
    codes it builds (``f"invalid_{field}"``)."""
    codes: set[tuple[int, str]] = {(status, code) for status, code in _HTTP_CODES.items()}
    prefixes: set[tuple[int, str]] = set()
    for path in SERVER.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or len(node.args) < 2:
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else None
            name = node.func.id if isinstance(node.func, ast.Name) else name
            first, second = node.args[0], node.args[1]
            if name not in RAISERS or not isinstance(first, ast.Constant):
                continue
            status = first.value
            if isinstance(status, bytes):  # a raw answer's status line, b"408 Request Timeout"
                status = int(status.split()[0])
            if isinstance(second, ast.Constant):
                codes.add((status, second.value))
            elif isinstance(second, ast.JoinedStr) and isinstance(second.values[0], ast.Constant):
                prefixes.add((status, str(second.values[0].value)))
    return codes, prefixes


def test_every_error_the_server_raises_is_in_the_table_and_each_row_is_raised() -> None:
    codes, prefixes = raised()
    table = {(status, code) for status, code, _ in ERRORS}
    assert len(codes) > 10  # the scan found the server's errors
    assert codes - table == set()
    for status, prefix in prefixes:
        assert any(s == status and c.startswith(prefix) for s, c in table), prefix
    built = {(s, c) for s, c in table if any(s == p and c.startswith(x) for p, x in prefixes)}
    assert table - codes - built == set()


def test_each_code_has_one_status() -> None:
    assert len({code for _, code, _ in ERRORS}) == len(ERRORS)


def test_the_protocol_document_shows_the_table() -> None:
    assert documented(DOC.read_text(encoding="utf-8")) == error_table()
