"""The worker's link to the page: the one way the app's Python reaches the screen.

The app's Python runs in a worker of its own (``app/js/worker.mjs``), so the page's main thread
never waits on it. It has no DOM and no localStorage there; it sends the page plain JSON
messages instead, one per render or action (``post``), and the page (``app/js/page.mjs``)
sends back the person's events, the address, visibility and other tabs' localStorage writes.
``ask`` is a question only the page can answer (a ``confirm`` dialog, the notification
permission), awaited. What the page knew at start (its localStorage, the address, ...) came in
its first message (``facts``); the copy of localStorage here is kept current both ways.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import setflow_page as _page  # type: ignore[import-not-found]  # app/js/worker.mjs
from pyodide.ffi import create_proxy  # type: ignore[import-not-found]

Message = dict[str, Any]

facts: Message = json.loads(str(_page.init))
storage: dict[str, str] = {str(k): str(v) for k, v in facts.pop("storage", {}).items()}
_handlers: dict[str, list[Callable[[Message], Any]]] = {}
_asked: dict[int, asyncio.Future[Any]] = {}
_last_asked = 0


def post(op: str, **data: Any) -> None:
    """One message to the page (``app/js/page.mjs`` ``OPS`` names what each op does)."""
    _page.post(json.dumps({"op": op, **data}, separators=(",", ":")))


async def ask(kind: str, **data: Any) -> Any:
    """A question only the page can answer, and its answer."""
    global _last_asked
    _last_asked += 1
    future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    _asked[_last_asked] = future
    post("ask", id=_last_asked, kind=kind, **data)
    return await future


def on(kind: str, handler: Callable[[Message], Any]) -> None:
    """Call ``handler`` with each message of this kind the page sends (after the facts are kept)."""
    _handlers.setdefault(kind, []).append(handler)


def hash() -> str:
    return str(facts.get("hash") or "")


def visible() -> bool:
    return bool(facts.get("visible", True))


def set_state(state: str) -> None:
    """The app's state on the page (``data-app-state``), and for the worker's snapshot."""
    _page.state(state)
    post("state", state=state)


def write_storage(key: str, value: str | None) -> None:
    if value is None:
        storage.pop(key, None)
    else:
        storage[key] = value
    post("storage", key=key, value=value)


def _received(text: str) -> None:
    message: Message = json.loads(text)
    kind = str(message.get("type"))
    if kind == "answer":
        future = _asked.pop(int(message["id"]), None)
        if future is not None and not future.done():
            future.set_result(message.get("value"))
        return
    if kind == "hash":
        facts["hash"] = message.get("hash")
    elif kind == "visibility":
        facts["visible"] = bool(message.get("visible"))
    elif kind == "storage":
        key, value = message.get("key"), message.get("value")
        if key is None:  # localStorage.clear() in another tab
            storage.clear()
        elif value is None:
            storage.pop(str(key), None)
        else:
            storage[str(key)] = str(value)
    for handler in _handlers.get(kind, []):
        handler(message)


def reply(message: Message, value: Any = None, error: str | None = None) -> None:
    """Answer one of the page's requests (``setflowSync``, ``setflowRun``)."""
    post("reply", id=message["id"], value=value, error=error)


_listener = create_proxy(_received)  # kept: the page calls it for as long as the app runs
_page.listen(_listener)
