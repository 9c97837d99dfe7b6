"""A change the real server refuses (422) is kept as a conflict record; the rest still syncs."""

from __future__ import annotations

import asyncio
import uuid

import httpx
from fastapi import FastAPI

from app.core import changes
from app.core import storage_keys as keys
from app.core.changes import Change
from app.core.engine import SyncEngine
from app.core.memory_store import MemoryStore
from app.core.protocol import Mutation
from tests.sim.http_transport import HttpTransport


def _uuid() -> str:
    return str(uuid.uuid4())


def test_a_refused_change_is_kept_and_does_not_hold_up_the_others(server_app: FastAPI) -> None:
    async def scenario() -> None:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=server_app), base_url="http://testserver"
        ) as client:
            creds = {"email": f"refused-{_uuid()}@example.com", "password": "long enough"}
            assert (await client.post("/api/auth/signup", json=creds)).status_code == 201
            store = MemoryStore()
            stamp = {"device_id": "d", "now": 1, "new_id": _uuid}
            before = changes.create("exercises", {"name": "Squat"}, **stamp)
            after = changes.create("exercises", {"name": "Row"}, **stamp)
            # A put on a conflict record: the server only ever lets devices delete those.
            target = _uuid()
            bad = Change(
                {"id": target, "version": 0, "deleted": False},
                Mutation(_uuid(), "conflicts", target, "put", 1, {"reason": "edited"}, 1),
            )
            await store.write([before, bad, after])

            engine = SyncEngine(store, HttpTransport(client), {keys.DEVICE_ID: "d"}, lambda: 2.0)
            result = await engine.full_sync()

            assert result.ok, result.error
            assert await store.outbox_count() == 0
            names = {r["name"] for r in await store.all("exercises") if r["version"] > 0}
            assert names == {"Squat", "Row"}  # both reached the server, before and after
            kept = [c for c in await store.all("conflicts") if c.get("reason") == "refused"]
            assert [(c["recordTable"], c["recordId"], c["fields"]) for c in kept] == [
                ("conflicts", target, {"reason": "edited"})
            ]

    asyncio.run(scenario())
