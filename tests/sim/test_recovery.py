"""A server restored from an earlier copy of its database: devices notice and give back what it lost.

Two devices of one account sync through the real server (SQLite file); the database is copied,
both devices go on (edits, a create, a delete), then the copy is put back.  After the devices'
next syncs, they and the server hold the union of what any of them had, with no conflict
records: a device re-sending its own state never conflicts with itself.
"""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.core import changes
from app.core import storage_keys as keys
from app.core.engine import SyncEngine
from app.core.memory_store import MemoryStore
from tests.sim.conftest import make_app
from tests.sim.http_transport import HttpTransport

CREDS = {"email": "restore@example.com", "password": "long enough"}


def _uuid() -> str:
    return str(uuid.uuid4())


class Device:
    def __init__(self, name: str) -> None:
        self.name = name
        self.store = MemoryStore()
        self.settings = {keys.DEVICE_ID: name}

    def stamp(self) -> dict[str, Any]:
        return {"device_id": self.name, "now": 1, "new_id": _uuid}

    async def create(self, name: str) -> str:
        change = changes.create("exercises", {"name": name}, **self.stamp())
        await self.store.write([change])
        return str(change.record["id"])

    async def rename(self, record_id: str, name: str) -> None:
        current = await self.store.get("exercises", record_id)
        assert current is not None
        edit = changes.edit("exercises", current, {"name": name}, **self.stamp())
        assert edit is not None
        await self.store.write([edit])

    async def delete(self, record_id: str) -> None:
        current = await self.store.get("exercises", record_id)
        assert current is not None
        await self.store.write([changes.delete("exercises", current, **self.stamp())])

    async def sync(self, app: Any, *, login: bool = True) -> Any:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as client:
            if login:
                assert (await client.post("/api/auth/login", json=CREDS)).status_code == 200
            engine = SyncEngine(self.store, HttpTransport(client), self.settings, lambda: 2.0)
            result = await engine.full_sync()
            assert result.ok, result.error
            return result

    async def names(self) -> set[str]:
        return {r["name"] for r in await self.store.all("exercises")}


def _copy(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database (what a backup tool makes)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


@pytest.mark.parametrize("marked", [False, True], ids=["unmarked", "restore-marked"])
def test_devices_give_a_restored_server_back_what_it_lost(tmp_path: Path, marked: bool) -> None:
    db = tmp_path / "setflow.sqlite3"
    backup = tmp_path / "backup.sqlite3"

    async def scenario() -> None:
        app = make_app(f"sqlite:///{db}")
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as client:
            assert (await client.post("/api/auth/signup", json=CREDS)).status_code == 201
        phone, laptop = Device("phone"), Device("laptop")
        squat = await phone.create("Squat")
        bench = await phone.create("Bench")
        await phone.sync(app)
        await laptop.sync(app)
        _copy(db, backup)  # the backup holds Squat and Bench only

        await phone.rename(squat, "Back squat")
        await phone.create("Row")
        await phone.sync(app)
        await laptop.create("Plank")
        await laptop.delete(bench)
        await laptop.sync(app)
        await phone.sync(app)
        union = {"Back squat", "Row", "Plank"}
        assert await phone.names() == await laptop.names() == union

        # The server's database is put back to the copy.
        app.state.db.engine.dispose()
        _copy(backup, db)
        if marked:
            # What `restore-mark` does: a new identity; then the account moves past both
            # cursors, so only the epoch can tell.
            with sqlite3.connect(db) as conn:
                conn.execute("UPDATE server_identity SET epoch = ?", (_uuid(),))
        app = make_app(f"sqlite:///{db}")
        if marked:
            other = Device("tablet")
            for i in range(12):
                await other.create(f"Tablet {i}")
            await other.sync(app)
            union |= {f"Tablet {i}" for i in range(12)}

        first = await phone.sync(app)
        await laptop.sync(app)
        await phone.sync(app)
        assert first.recovered > 0
        assert await phone.names() == await laptop.names() == union
        server = Device("fresh")
        await server.sync(app)
        assert await server.names() == union  # the server holds the union again
        assert await server.store.all("conflicts") == []  # nobody conflicted with itself
        gone = await server.store.get("exercises", bench)
        assert gone is not None and gone["deleted"]  # the delete made after the copy stuck
        assert await phone.store.outbox_count() == await laptop.store.outbox_count() == 0

    asyncio.run(scenario())
