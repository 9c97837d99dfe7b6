"""A ``Transport`` over httpx, speaking the real HTTP API (in-process through ASGITransport).

It converts at the boundary exactly as the browser's fetch transport does, with the same
``app.core.transport.error_for_status``: network failures and 502-504 become ``OfflineError``,
401 ``AuthRequired``, 426 ``UpgradeRequired``, any other error status ``ServerError``, each with
the server's own sentence.
"""

from __future__ import annotations

from typing import Any

import httpx

from app.core import protocol
from app.core.schema import SCHEMA_VERSION
from app.core.transport import OfflineError, ServerError, error_for_status


class HttpTransport:
    def __init__(self, client: httpx.AsyncClient, schema_version: int = SCHEMA_VERSION) -> None:
        self.client = client
        self.headers = {protocol.SCHEMA_HEADER: str(schema_version)}

    async def _send(self, method: str, params: dict[str, Any] | None, body: Any) -> Any:
        try:
            response = await self.client.request(
                method, protocol.SYNC_PATH, params=params, json=body, headers=self.headers
            )
        except httpx.TransportError as err:
            raise OfflineError(f"The server cannot be reached ({err}).") from None
        if response.status_code >= 400:
            try:
                message: str | None = str(response.json()["message"])
            except (ValueError, KeyError, TypeError):
                message = None
            raise error_for_status(response.status_code, message)
        try:
            return response.json()
        except ValueError:
            raise ServerError("The server's answer is not JSON.", response.status_code) from None

    async def pull(self, since: int, limit: int) -> protocol.PullResponse:
        answer = await self._send("GET", {"since": since, "limit": limit}, None)
        return protocol.parse_pull_response(answer)

    async def push(self, request: protocol.PushRequest) -> protocol.PushResponse:
        answer = await self._send("POST", None, request.to_json())
        return protocol.parse_push_response(answer)
