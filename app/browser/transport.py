"""``Transport`` over ``fetch``: the sync and account requests, with the session cookie.

Network failures and HTTP errors become the Python exceptions of ``app.core.transport`` here,
at the boundary, each with a sentence a person can read; no JS error travels further.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, overload

import js  # type: ignore[import-not-found]

from app.browser.interop import to_js_data, to_js_object, to_py_data
from app.core import protocol
from app.core.schema import SCHEMA_VERSION
from app.core.transport import UNAVAILABLE, OfflineError, ServerError, error_for_status

TIMEOUT_MS = 30_000
# The keys of a pull answer besides its records (JSON.stringify's key filter, nested included).
PULL_HEAD_KEYS = (
    "schemaVersion",
    "cursor",
    "hasMore",
    "epoch",
    "accountVersion",
    "limits",
    "maxPushBytes",
    "maxPushMutations",
)


async def _fetch(method: str, path: str, body: Any = None) -> Any:
    """One request to our own server, with the session cookie; the JS ``Response``.

    Raises ``OfflineError`` when the server cannot be reached at all.
    """
    headers = {protocol.SCHEMA_HEADER: str(SCHEMA_VERSION), "Accept": "application/json"}
    options: dict[str, Any] = {
        "method": method,
        "credentials": "include",
        "cache": "no-store",
        "headers": headers,
        "signal": js.AbortSignal.timeout(TIMEOUT_MS),
    }
    if body is not None:
        headers["Content-Type"] = "application/json"
        options["body"] = json.dumps(body, separators=(",", ":"))
    try:
        response = await js.fetch(path, to_js_object(options))
    except Exception as err:  # fetch rejects only when nothing came back
        raise OfflineError("The server cannot be reached.") from err
    return response


async def _text_json(response: Any) -> Any:
    try:
        text = str(await response.text())
    except Exception as err:
        raise OfflineError("The connection broke during the answer.") from err
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


async def request_json(method: str, path: str, body: Any = None) -> tuple[int, Any]:
    """One request to our own server: ``(status, parsed JSON or None)``."""
    response = await _fetch(method, path, body)
    return int(response.status), await _text_json(response)


class JsRecords(Sequence[dict[str, Any]]):
    """A pulled page's records, left as the JS array the browser parsed.

    The IndexedDB adapter hands ``.array`` to the database as it is (no conversion to Python
    and back for 10,000 records); anything else that reads it gets Python dicts.
    """

    def __init__(self, array: Any) -> None:
        self.array = array

    def __len__(self) -> int:
        return int(self.array.length)

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if not -len(self) <= index < len(self):
            raise IndexError(index)
        return to_py_data(self.array.at(index))  # type: ignore[no-any-return]


def _raise_for(status: int, data: Any) -> None:
    if status >= 400:
        message = data.get("message") if isinstance(data, dict) else None
        raise error_for_status(status, message if isinstance(message, str) else None)


class FetchTransport:
    def __init__(self, base: str = protocol.SYNC_PATH) -> None:
        self.base = base

    async def pull(self, since: int, limit: int) -> protocol.PullResponse:
        response = await _fetch("GET", f"{self.base}?since={since}&limit={limit}")
        status = int(response.status)
        if status >= 400:
            _raise_for(status, await _text_json(response))
        # The browser parses the page; its records stay JS objects on their way to IndexedDB.
        try:
            data = await response.json()
        except Exception as err:
            raise ServerError("The server sent a pull answer that is not JSON.") from err
        changes = getattr(data, "changes", None)
        if changes is None or not js.Array.isArray(changes):
            raise ServerError("The server sent a pull answer this app does not understand.")
        # Everything but the records is read by the protocol's own parser (epoch, limits...).
        head = json.loads(str(js.JSON.stringify(data, to_js_data(list(PULL_HEAD_KEYS)))))
        try:
            parsed = protocol.parse_pull_response({**head, "changes": []})
        except protocol.ProtocolError as err:
            raise ServerError(
                f"The server sent a pull answer this app does not understand: {err}"
            ) from None
        parsed.changes = JsRecords(changes)  # type: ignore[assignment]
        return parsed

    async def push(self, request: protocol.PushRequest) -> protocol.PushResponse:
        status, data = await request_json("POST", self.base, request.to_json())
        _raise_for(status, data)
        return protocol.parse_push_response(data)


class AccountError(Exception):
    """Signing up or in did not work; the message says why, for the person."""


async def account_request(
    path: str, body: dict[str, str] | None = None, method: str | None = None
) -> dict[str, Any]:
    """``/api/auth/<path>``; raises ``AccountError`` (or ``OfflineError``) with a sentence."""
    status, data = await request_json(
        method or ("POST" if body is not None else "GET"), f"/api/auth/{path}", body
    )
    if status in UNAVAILABLE:
        raise error_for_status(status)  # OfflineError: "cannot be reached, try again"
    if status >= 400:
        message = data.get("message") if isinstance(data, dict) else None
        raise AccountError(message or f"The server answered {status}.")
    return data if isinstance(data, dict) else {}
