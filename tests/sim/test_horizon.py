"""Pruning on the real server and a device that comes back from behind the horizon.

A laptop syncs, goes quiet; the phone deletes an exercise; the server prunes that tombstone once
it is older than the horizon window.  The laptop's next sync must still lose the exercise (a full
pull, then what the server no longer has is dropped), and keep a record it edited meanwhile.
"""

from __future__ import annotations

import asyncio
import uuid

import httpx
from fastapi import FastAPI

from app.core import changes
from app.core import storage_keys as keys
from app.core.engine import SyncEngine
from app.core.memory_store import MemoryStore
from app.core.protocol import SCHEMA_HEADER
from app.core.schema import SCHEMA_VERSION
from server.database import Database
from server.pruning import APPLIED_RETENTION_MS, TOMBSTONE_HORIZON_MS, prune
from tests.sim.http_transport import HttpTransport

T = 1_800_000_000_000  # the first pruning pass, ms


def _uuid() -> str:
    return str(uuid.uuid4())


def names(rows: list[dict[str, object]]) -> set[object]:
    return {r["name"] for r in rows}


def test_a_device_behind_the_horizon_does_not_miss_a_pruned_delete(server_app: FastAPI) -> None:
    db: Database = server_app.state.db

    async def scenario() -> None:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=server_app), base_url="http://testserver"
        ) as client:
            creds = {"email": f"horizon-{_uuid()}@example.com", "password": "long enough"}
            assert (await client.post("/api/auth/signup", json=creds)).status_code == 201
            transport = HttpTransport(client)
            phone, laptop = MemoryStore(), MemoryStore()
            sync_phone = SyncEngine(phone, transport, {keys.DEVICE_ID: "phone"}, lambda: 2.0)
            sync_laptop = SyncEngine(laptop, transport, {keys.DEVICE_ID: "laptop"}, lambda: 2.0)

            def stamp(device: str) -> dict[str, object]:
                return {"device_id": device, "now": 1, "new_id": _uuid}

            await phone.write(
                [
                    changes.create("exercises", {"name": n}, **stamp("phone"))  # type: ignore[arg-type]
                    for n in ("Squat", "Row", "Dip")
                ]
            )
            assert (await sync_phone.full_sync()).ok
            assert (await sync_laptop.full_sync()).ok
            assert names(await laptop.all("exercises")) == {"Squat", "Row", "Dip"}

            # The phone deletes Squat and Dip; the laptop, offline, renames Dip.
            by_name = {r["name"]: r for r in await phone.all("exercises")}
            for name in ("Squat", "Dip"):
                await phone.write(
                    [changes.delete("exercises", by_name[name], **stamp("phone"))]  # type: ignore[arg-type]
                )
            assert (await sync_phone.full_sync()).ok
            dip = next(r for r in await laptop.all("exercises") if r["name"] == "Dip")
            await laptop.write(
                [changes.edit("exercises", dip, {"name": "Ring dip"}, **stamp("laptop"))]  # type: ignore[arg-type]
            )

            # Pruning: the first pass only notes the tombstones; exactly one window later they
            # are still kept; a millisecond later they go, and the account's horizon moves.
            assert prune(db, T).tombstones == 0
            assert prune(db, T + TOMBSTONE_HORIZON_MS).tombstones == 0
            assert prune(db, T + TOMBSTONE_HORIZON_MS + 1).tombstones == 2
            page = await transport.pull(0, 100)
            assert page.horizon > 0
            assert {c["name"] for c in page.changes if c["table"] == "exercises"} == {"Row"}

            # The laptop's cursor is behind the horizon: it pulls everything again, drops Squat
            # (deleted and pruned), and keeps its own unsent edit of Dip, which then goes up.
            result = await sync_laptop.full_sync()
            assert result.ok, result.error
            assert names(await laptop.all("exercises")) == {"Row", "Ring dip"}
            assert await laptop.cursor() >= page.horizon

    asyncio.run(scenario())


def test_applied_mutation_ids_are_kept_for_the_retention_window(server_app: FastAPI) -> None:
    db: Database = server_app.state.db

    async def scenario() -> None:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=server_app), base_url="http://testserver"
        ) as client:
            creds = {"email": f"retry-{_uuid()}@example.com", "password": "long enough"}
            assert (await client.post("/api/auth/signup", json=creds)).status_code == 201
            body = {
                "schemaVersion": SCHEMA_VERSION,
                "deviceId": "phone",
                "mutations": [
                    {
                        "mutationId": _uuid(),
                        "table": "exercises",
                        "id": _uuid(),
                        "kind": "put",
                        "baseVersion": 0,
                        "fields": {"name": "Squat"},
                        "clientTime": 1,
                    }
                ],
            }
            headers = transport_headers()

            async def status() -> str:
                answer = await client.post("/api/sync", json=body, headers=headers)
                assert answer.status_code == 200, answer.text
                return str(answer.json()["results"][0]["status"])

            assert await status() == "applied"
            prune(db, T)
            prune(db, T + APPLIED_RETENTION_MS)
            assert await status() == "duplicate"  # a retry within the window changes nothing
            prune(db, T + APPLIED_RETENTION_MS + 1)
            # Past the window the id is forgotten: the same put is taken again (same values).
            assert await status() == "applied"

    asyncio.run(scenario())


def transport_headers() -> dict[str, str]:
    return {SCHEMA_HEADER: str(SCHEMA_VERSION)}
