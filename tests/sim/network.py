"""A bad network between a device and the server, scripted by the test.

Each request a device makes takes the next fault from its script (then ``OK`` once the script
runs out):

    OK         delivered, answered
    DROP       the request never arrives; the device sees it fail
    LOSE       the server handles it but the answer is lost (for a push: applied, unconfirmed)
    DUPLICATE  the request arrives twice; the device gets one of the two answers
    DELAY      the request is held in the network and reaches the server later, after other
               requests (reordering them); the device gives up on it at once
    ERROR      a proxy in between answers 502 without asking the server

Held requests are delivered by ``Network.deliver`` at moments the test chooses.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from app.core.protocol import PullResponse, PushRequest, PushResponse
from app.core.transport import OfflineError, ServerError, Transport

OK, DROP, LOSE, DUPLICATE, DELAY, ERROR = "ok", "drop", "lose", "duplicate", "delay", "error"
FAULTS = (OK, DROP, LOSE, DUPLICATE, DELAY, ERROR)

T = TypeVar("T")


@dataclass
class Network:
    held: list[Callable[[], Awaitable[Any]]] = field(default_factory=list)
    log: list[str] = field(default_factory=list)

    async def deliver(self, index: int | None = None) -> None:
        """Let one held request (or, with ``None``, all of them) reach the server now."""
        if index is None:
            while self.held:
                await self.deliver(0)
            return
        if not self.held:
            return
        send = self.held.pop(index % len(self.held))
        try:
            await send()
        except Exception as err:  # nobody waits for this answer any more
            self.log.append(f"late request failed: {err}")


class FlakyTransport:
    def __init__(self, inner: Transport, network: Network, name: str) -> None:
        self.inner = inner
        self.network = network
        self.name = name
        self.script: list[str] = []
        self.pick_second: bool = False

    async def _call(self, what: str, send: Callable[[], Awaitable[T]]) -> T:
        fault = self.script.pop(0) if self.script else OK
        self.network.log.append(f"{self.name} {what}: {fault}")
        if fault == DROP:
            raise OfflineError("The request was lost on the way.")
        if fault == ERROR:
            raise ServerError("A proxy answered 502 Bad Gateway.", 502)
        if fault == DELAY:
            self.network.held.append(send)
            raise OfflineError("The request timed out.")
        first = await send()
        if fault == LOSE:
            raise OfflineError("The answer was lost on the way.")
        if fault == DUPLICATE:
            second = await send()
            return second if self.pick_second else first
        return first

    async def pull(self, since: int, limit: int) -> PullResponse:
        return await self._call(f"pull since {since}", lambda: self.inner.pull(since, limit))

    async def push(self, request: PushRequest) -> PushResponse:
        what = f"push {len(request.mutations)}"
        return await self._call(what, lambda: self.inner.push(request))
