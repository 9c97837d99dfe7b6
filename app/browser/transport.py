"""``Transport`` over ``fetch``: the sync and account requests, with the session cookie.

Network failures and HTTP errors become the Python exceptions of ``app.core.transport`` here,
at the boundary, each with a sentence a person can read; no JS error travels further.
"""

from __future__ import annotations

import json
from typing import Any

import js  # type: ignore[import-not-found]

from app.browser.interop import to_js_data
from app.core import protocol
from app.core.schema import SCHEMA_VERSION
from app.core.transport import AuthRequired, OfflineError, ServerError, UpgradeRequired

TIMEOUT_MS = 30_000


async def request_json(method: str, path: str, body: Any = None) -> tuple[int, Any]:
    """One request to our own server: ``(status, parsed JSON or None)``.

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
        response = await js.fetch(path, to_js_data(options))
        text = str(await response.text())
    except Exception as err:  # fetch rejects only when nothing came back
        raise OfflineError("The server cannot be reached.") from err
    status = int(response.status)
    if status >= 502 and status <= 504:
        raise OfflineError("The server is not answering right now.")
    try:
        data = json.loads(text) if text else None
    except ValueError:
        data = None
    return status, data


def _raise_for(status: int, data: Any) -> None:
    message = data.get("message") if isinstance(data, dict) else None
    if status == 401:
        raise AuthRequired(message or "You are not signed in.")
    if status == 426:
        raise UpgradeRequired(message or "This version of Setflow needs an update.")
    if status >= 400:
        raise ServerError(message or f"The server answered {status}.", status)


class FetchTransport:
    def __init__(self, base: str = protocol.SYNC_PATH) -> None:
        self.base = base

    async def pull(self, since: int, limit: int) -> protocol.PullResponse:
        status, data = await request_json("GET", f"{self.base}?since={since}&limit={limit}")
        _raise_for(status, data)
        return protocol.parse_pull_response(data)

    async def push(self, request: protocol.PushRequest) -> protocol.PushResponse:
        status, data = await request_json("POST", self.base, request.to_json())
        _raise_for(status, data)
        return protocol.parse_push_response(data)


class AccountError(Exception):
    """Signing up or in did not work; the message says why, for the person."""


async def account_request(path: str, body: dict[str, str] | None = None) -> dict[str, Any]:
    """``/api/auth/<path>``; raises ``AccountError`` (or ``OfflineError``) with a sentence."""
    status, data = await request_json(
        "POST" if body is not None else "GET", f"/api/auth/{path}", body
    )
    if status >= 400:
        message = data.get("message") if isinstance(data, dict) else None
        raise AccountError(message or f"The server answered {status}.")
    return data if isinstance(data, dict) else {}
