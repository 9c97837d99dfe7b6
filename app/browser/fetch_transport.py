"""``Transport`` over ``fetch``: the sync and account requests, with the session cookie.

Network failures and HTTP errors become the Python exceptions of ``app.core.transport`` here,
at the boundary, each with a sentence a person can read; no JS error travels further.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, overload

import js  # type: ignore[import-not-found]
import setflow_net as net  # type: ignore[import-not-found]  # app/js/net.mjs

from app.browser.interop import is_null, to_js_data, to_js_object, to_py_data
from app.core import protocol
from app.core.schema import SCHEMA_VERSION
from app.core.transport import OfflineError, ServerError, account_answer, error_for_status

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


class Answer:
    """What the server answered: its status and its body as parsed by the browser (a JS value,
    ``jsnull`` when the body was empty or not JSON)."""

    def __init__(self, status: int, body: Any) -> None:
        self.status = status
        self.body = body

    def data(self) -> Any:
        """The body as Python data (``None`` when empty or not JSON)."""
        return to_py_data(self.body)


async def _fetch(method: str, path: str, body: Any = None) -> Answer:
    """One request to our own server, with the session cookie.

    ``net.mjs`` makes it and always resolves with plain data (a rejected promise reaching
    Python hung WebKit's sync); a failure becomes ``OfflineError`` here.
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
    answer = await net.request(path, to_js_object(options))
    if not answer.ok:
        if answer.read:
            raise OfflineError("The connection broke during the answer.")
        raise OfflineError("The server cannot be reached.")
    return Answer(int(answer.status), answer.json)


async def request_json(method: str, path: str, body: Any = None) -> tuple[int, Any]:
    """One request to our own server: ``(status, parsed JSON or None)``."""
    answer = await _fetch(method, path, body)
    return answer.status, answer.data()


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
        answer = await _fetch("GET", f"{self.base}?since={since}&limit={limit}")
        _raise_for(answer.status, answer.data() if answer.status >= 400 else None)
        # The browser parses the page; its records stay JS objects on their way to IndexedDB.
        data = answer.body
        if is_null(data):
            raise ServerError("The server sent a pull answer that is not JSON.")
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


async def account_request(
    path: str, body: dict[str, str] | None = None, method: str | None = None
) -> dict[str, Any]:
    """``/api/auth/<path>``; raises ``AccountError`` (or ``OfflineError``) with a sentence."""
    status, data = await request_json(
        method or ("POST" if body is not None else "GET"), f"/api/auth/{path}", body
    )
    return account_answer(status, data)
