"""Several devices edit offline and sync through a bad network with the real server.

Each example signs up a fresh user on the real server app (in-process, through httpx), gives
it two or three devices (a MemoryStore and a SyncEngine each, signed in with their own
session), and runs random steps: creates, edits, deletes, restores and dismissals of conflicts,
syncs through a network that drops, duplicates, delays (reorders) and loses requests and answers,
and late delivery of held requests.  The server side has its own mishaps: its database is put
back to an earlier copy (every account's data), or wiped, and marked as restored
(``restore-mark``), as an admin restoring a backup does.  People type text from the whole
Unicode range (an older app version queued what this one refuses, lone surrogates included: the
server must refuse it with 422 and the device set it aside) and notes so long that two of them
make a push over the server's limit.  A device is shared: its person signs out and another
signs in (a second account, made the first time), each account with its own local data there,
unsynced changes included.  People export a device's data and import such a file later: their
own, older by now, or another account's.  Then the network heals, every held request arrives,
and twice round every account signs in on every device where it has local data, and syncs.
Afterwards, for each account:

1. Every device holds exactly the server's data (tombstones included) and an empty outbox,
   apart from conflict records only it holds: the changes the server refused ("refused"),
   what an import replaced, and conflict records a restored server no longer has.
2. Nothing a person typed is lost: each value is in the final data (live or tombstone), in a
   conflict record (the server's or one a device shows as its own), or was replaced by a later
   edit on a device that showed it, or dismissed by the person.
3. No account holds, on the server or on any device, a record of another's, unless the person
   imported it.
4. No request ever got a 5xx, and everything the server holds fits the schema.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import FastAPI
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select, update

from app.core import changes, exchange
from app.core import storage_keys as keys
from app.core.changes import Change
from app.core.engine import SyncEngine
from app.core.memory_store import MemoryStore
from app.core.protocol import Mutation
from app.core.schema import (
    ENVELOPE_FIELDS,
    ValidationError,
    check_record,
    get_table,
    scrubbed,
)
from app.core.store import split_change
from server import identity
from server.database import Database
from server.tables import applied_mutations, records, users
from tests.sim.http_transport import HttpTransport
from tests.sim.network import FAULTS, FlakyTransport, Network

EXAMPLES = int(os.environ.get("SETFLOW_SIM_EXAMPLES", "30"))
MAX_STEPS = int(os.environ.get("SETFLOW_SIM_STEPS", "30"))

PASSWORD = "correct horse battery"
# Small pages and batches, so paging and batching happen in small scenarios too.
PULL_LIMIT = 3
PUSH_BATCH = 2
TABLES = ("exercises", "workoutLogs")

# Text from the whole Unicode range, lone surrogates and control characters included.
AWKWARD_TEXT = st.text(
    st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF), min_size=1, max_size=12
)
# At the notes' limit of 1000 characters, two-byte characters: ASCII-escaped on the wire each
# takes six bytes, so one note fits a push under SIM_MAX_BODY and two do not.
LONG_NOTE = "é" * 990
EXPORTED_AT = datetime(2026, 1, 31, tzinfo=UTC)

_emails = itertools.count()
Key = tuple[str, str]  # (record id, field)


@dataclass
class Snapshot:
    """One account's rows in the server's database, as a backup holds them."""

    version: int
    records: list[dict[str, Any]]
    applied: list[dict[str, Any]]


@dataclass
class Device:
    name: str
    store: MemoryStore
    engine: SyncEngine
    transport: FlakyTransport
    client: httpx.AsyncClient
    settings: dict[str, str]
    account: Account
    # What this device's person sees until the server confirms it: record id -> field -> value.
    expected: dict[str, dict[str, Any]] = field(default_factory=dict)

    async def write(self, made: list[changes.Change]) -> None:
        await self.store.write(made)
        for change in made:
            self.account.ids.add(change.record["id"])
            seen = self.expected.setdefault(change.record["id"], {})
            seen.update(change.mutation.fields)
            seen["deleted"] = change.record["deleted"]

    async def check_pending_shown(self) -> None:
        """Pending edits are never overwritten: the device shows them until acknowledged."""
        pending = {m.id for m in await self.store.outbox(10**6)}
        for record_id in list(self.expected):
            if record_id not in pending:
                del self.expected[record_id]
                continue
            found = [await self.store.get(t, record_id) for t in (*TABLES, "conflicts")]
            record = next(r for r in found if r is not None)
            shown = {name: record.get(name) for name in self.expected[record_id]}
            assert shown == self.expected[record_id], (self.name, record_id)


@dataclass
class Ledger:
    """Every value a person typed, and which values a later edit knowingly replaced."""

    typed: list[tuple[str, str, str, Any]] = field(
        default_factory=list
    )  # (device, id, field, value)
    replaced: dict[Key, set[Any]] = field(default_factory=lambda: defaultdict(set))

    def note(self, device: str, before: dict[str, Any] | None, change: changes.Change) -> None:
        record = change.record
        for name, value in change.mutation.fields.items():
            if before is not None and before.get(name) == value:
                continue
            self.typed.append((device, record["id"], name, value))
            if before is not None:
                self.replaced[(record["id"], name)].add(before.get(name))


@dataclass
class Account:
    """One person's account: their devices' sessions, what they typed, what the server refused."""

    email: str
    ledger: Ledger = field(default_factory=Ledger)
    # This account's session on each device that has signed in to it, by device name.
    devices: dict[str, Device] = field(default_factory=dict)
    # Changes an older app version queued that the schema refuses: (device, table, id,
    # field, value).  The server must refuse them and the device keep them aside.
    refusals: list[tuple[str, str, str, str, Any]] = field(default_factory=list)
    refused_at: list[int] = field(default_factory=list)  # values typed before each refusal
    ids: set[str] = field(default_factory=set)  # the records made in (or imported into) it

    def kept_refusals(self, keep: Any) -> None:
        pairs = [(r, at) for r, at in zip(self.refusals, self.refused_at, strict=True) if keep(r)]
        self.refusals, self.refused_at = [r for r, _ in pairs], [at for _, at in pairs]


class Sim:
    def __init__(self, app: FastAPI, data: st.DataObject, network: Network) -> None:
        self.app = app
        self.data = data
        self.network = network
        self.accounts: list[Account] = []
        self.names: list[str] = []  # the devices
        self.active: dict[str, Account] = {}  # who is signed in on each device
        self.clock = itertools.count(1_700_000_000_000, 1000)
        self.values = itertools.count()
        self.ids = itertools.count()
        self.store_ids = itertools.count()
        self.salt = data.draw(st.integers(0, 2**16), label="id salt")
        self.kinds: list[str] = []  # what resolve did, for the statistics
        self.backups: list[dict[str, Snapshot]] = []  # by account email
        self.restored_at = 0  # when the server was last marked restored (ms)
        self.exports: list[tuple[Account, str]] = []  # export files people made, and whose
        self.statuses: list[int] = []  # every HTTP status the server answered

    def client(self, address: str = "192.0.2.1") -> httpx.AsyncClient:
        async def note_status(response: httpx.Response) -> None:
            self.statuses.append(response.status_code)

        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app, client=(address, 50000)),
            base_url="http://testserver",
            event_hooks={"response": [note_status]},
        )

    async def sign_up(self, devices: int) -> None:
        account = await self.new_account()
        for i in range(devices):
            name = f"device-{i}"
            self.names.append(name)
            self.active[name] = account
            await self.sign_in(account, name)

    async def new_account(self) -> Account:
        number = next(_emails)
        account = Account(f"sim{number}-{uuid.uuid4().hex[:8]}@example.org")
        creds = {"email": account.email, "password": PASSWORD}
        # Each simulated person signs up from a home of their own (sign-ups are limited per address).
        async with self.client(
            f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"
        ) as first:
            answer = await first.post("/api/auth/signup", json=creds)
            assert answer.status_code == 201, answer.text
        self.accounts.append(account)
        return account

    async def sign_in(self, account: Account, name: str) -> Device:
        """``account`` signs in on device ``name``: its own local data there (made empty the
        first time), and a session of its own; what another account left there stays apart."""
        creds = {"email": account.email, "password": PASSWORD}
        device = account.devices.get(name)
        if device is None:
            client = self.client()
            transport = FlakyTransport(HttpTransport(client), self.network, name)
            store = MemoryStore(new_id=self.store_id)
            prefs = {keys.DEVICE_ID: name}
            engine = SyncEngine(
                store, transport, prefs, lambda: 1.7e9, pull_limit=PULL_LIMIT, push_batch=PUSH_BATCH
            )
            device = Device(name, store, engine, transport, client, prefs, account)
            account.devices[name] = device
        answer = await device.client.post("/api/auth/login", json=creds)
        assert answer.status_code == 200, answer.text
        return device

    def on(self, name: str) -> Device:
        """The session of whoever is signed in on device ``name``."""
        return self.active[name].devices[name]

    async def close(self) -> None:
        for account in self.accounts:
            for device in account.devices.values():
                await device.client.aclose()

    def kw(self, device: Device) -> dict[str, Any]:
        return {
            "device_id": device.name,
            "now": next(self.clock),
            "new_id": self.new_id,
        }

    def store_id(self) -> str:
        """Ids a device's store makes (re-sends, imports' conflict records): deterministic,
        apart from the records' ids so that records keep theirs whatever the stores do."""
        return str(uuid.uuid5(uuid.NAMESPACE_OID, f"{self.salt}-store-{next(self.store_ids)}"))

    def new_id(self) -> str:
        # Deterministic ids (unique within the example's user): records are picked in id
        # order, and Hypothesis needs the same draws to lead to the same run.
        # A drawn salt varies the order of ids from example to example.
        return str(uuid.uuid5(uuid.NAMESPACE_OID, f"{self.salt}-{next(self.ids)}"))

    def value(self, table: str) -> dict[str, Any]:
        n = next(self.values)
        if table == "exercises":
            field_name = self.data.draw(st.sampled_from(["name", "muscleGroup"]), label="field")
            return {field_name: f"{field_name}-{n}"}
        return {"notes": f"notes-{n}"}

    # --- steps -------------------------------------------------------------------------------

    async def create(self, device: Device) -> None:
        table = self.data.draw(st.sampled_from(TABLES), label="table")
        n = next(self.values)
        fields: dict[str, Any] = (
            {"name": f"name-{n}", "muscleGroup": f"muscleGroup-{n}"}
            if table == "exercises"
            else {"date": "2026-01-31", "notes": f"notes-{n}"}
        )
        change = changes.create(table, fields, **self.kw(device))
        await device.write([change])
        device.account.ledger.note(device.name, None, change)

    async def pick(self, device: Device, table: str) -> dict[str, Any] | None:
        rows = sorted(await device.store.all(table), key=lambda r: r["id"])
        if not rows:
            return None
        return rows[self.data.draw(st.integers(0, len(rows) - 1), label="record")]

    async def edit(self, device: Device) -> None:
        table = self.data.draw(st.sampled_from(TABLES), label="table")
        current = await self.pick(device, table)
        if current is None:
            return
        change = changes.edit(table, current, self.value(table), **self.kw(device))
        assert change is not None  # every typed value is new
        await device.write([change])
        device.account.ledger.note(device.name, current, change)

    async def delete(self, device: Device) -> None:
        table = self.data.draw(st.sampled_from(TABLES), label="table")
        current = await self.pick(device, table)
        if current is not None:
            await device.write([changes.delete(table, current, **self.kw(device))])

    async def target_of(self, device: Device, conflict: dict[str, Any]) -> dict[str, Any] | None:
        return await device.store.get(conflict["recordTable"], conflict["recordId"])

    async def resolve(self, device: Device) -> None:
        conflict = await self.pick(device, "conflicts")
        if conflict is None:
            return
        if _refused_here(conflict):  # the person has seen this refusal and acts on it now
            shown = {(n, scrubbed(v)) for n, v in conflict["fields"].items()}
            device.account.kept_refusals(
                lambda r: (
                    not (
                        (r[0], r[1], r[2])
                        == (device.name, conflict["recordTable"], conflict["recordId"])
                        and (r[3], scrubbed(r[4])) in shown
                    )
                )
            )
        if self.data.draw(st.booleans(), label="restore?"):
            current = await self.target_of(device, conflict)
            if current is None:
                return
            made = changes.restore(conflict, current, **self.kw(device))
            self.kinds.append("restore")
            await device.write(made)
            for change in made[:-1]:
                device.account.ledger.note(device.name, current, change)
        else:
            if _local_only(conflict):  # its values live nowhere else: the person drops them
                for name, value in conflict["fields"].items():
                    device.account.ledger.replaced[(conflict["recordId"], name)].add(value)
            await device.write([changes.dismiss(conflict, **self.kw(device))])

    async def awkward(self, device: Device) -> None:
        """A person types text drawn from the whole Unicode range.  What the schema takes goes
        the usual way; what it refuses is queued as an older app version would have queued it."""
        table = self.data.draw(st.sampled_from(TABLES), label="table")
        current = await self.pick(device, table)
        if current is None or current["deleted"]:
            return
        name = "name" if table == "exercises" else "notes"
        text = self.data.draw(AWKWARD_TEXT, label="text") + f"-{next(self.values)}"
        try:
            change = changes.edit(table, current, {name: text}, **self.kw(device))
        except ValidationError:
            # This app refuses it before it is queued (the person sees why); an older app
            # version queued it.
            await device.write([self.unchecked_edit(device, table, current, {name: text})])
            device.account.refusals.append((device.name, table, current["id"], name, text))
            device.account.refused_at.append(len(device.account.ledger.typed))
            device.account.ledger.replaced[(current["id"], name)].add(current.get(name))
            return
        assert change is not None
        await device.write([change])
        device.account.ledger.note(device.name, current, change)

    def unchecked_edit(
        self, device: Device, table: str, current: dict[str, Any], fields: dict[str, Any]
    ) -> Change:
        """``changes.edit`` without the schema's check (an outbox entry of an older app)."""
        stamp = next(self.clock)
        sent = dict(fields)
        if current["version"] == 0:  # a record the server never confirmed goes whole
            sent = {f.name: current.get(f.name) for f in get_table(table).fields} | fields
        record = {**current, **fields, "updatedAt": stamp, "deviceId": device.name}
        mutation = Mutation(
            self.new_id(), table, current["id"], "put", current["version"], sent, stamp
        )
        return Change(record, mutation)

    async def long_note(self, device: Device) -> None:
        n = next(self.values)
        fields = {"date": "2026-01-31", "notes": f"{LONG_NOTE}-{n}"}
        change = changes.create("workoutLogs", fields, **self.kw(device))
        await device.write([change])
        device.account.ledger.note(device.name, None, change)

    # --- the server's database: backups, restores, wipes -------------------------------------

    @property
    def db(self) -> Database:
        db: Database = self.app.state.db
        return db

    def user_id(self, account: Account) -> int:
        with self.db.read() as conn:
            found: int = conn.execute(
                select(users.c.id).where(users.c.email == account.email)
            ).scalar_one()
        return found

    async def backup(self, _device: Device) -> None:
        """A backup of the server's database: every account's rows as they are now."""
        taken = {}
        for account in self.accounts:
            user = self.user_id(account)
            with self.db.read() as conn:
                version = conn.execute(
                    select(users.c.version).where(users.c.id == user)
                ).scalar_one()
                rows = conn.execute(select(records).where(records.c.user_id == user)).all()
                applied = conn.execute(
                    select(applied_mutations).where(applied_mutations.c.user_id == user)
                ).all()
            taken[account.email] = Snapshot(
                version, [dict(r._mapping) for r in rows], [dict(a._mapping) for a in applied]
            )
        self.backups.append(taken)

    async def restore(self, _device: Device) -> None:
        """Put every account's data back to an earlier backup (or, with none, wipe it), then
        mark the database restored as the admin's ``python -m server restore-mark`` does.  An
        account made after that backup is left with no data (its sign-up is kept)."""
        backup: dict[str, Snapshot] = {}
        if self.backups and self.data.draw(st.booleans(), label="restore, not wipe?"):
            backup = self.backups[self.data.draw(st.integers(0, len(self.backups) - 1))]
            self.kinds.append("server restored")
        else:
            self.kinds.append("server wiped")
        for account in self.accounts:
            snapshot = backup.get(account.email, Snapshot(0, [], []))
            user = self.user_id(account)
            with self.db.write() as conn:
                conn.execute(delete(records).where(records.c.user_id == user))
                conn.execute(delete(applied_mutations).where(applied_mutations.c.user_id == user))
                if snapshot.records:
                    conn.execute(insert(records), snapshot.records)
                if snapshot.applied:
                    conn.execute(insert(applied_mutations), snapshot.applied)
                conn.execute(
                    update(users).where(users.c.id == user).values(version=snapshot.version)
                )
        # Each restore at least a second after the last: what the time floor needs (restores
        # take longer than that in real life; here two may fall in one millisecond).
        self.restored_at = max(int(time.time() * 1000), self.restored_at + 1000)
        identity.mark_restored(self.db, now_ms=self.restored_at)

    # --- a second person on a shared device, export files --------------------------------------

    async def switch(self, device: Device) -> None:
        """The person signs out of this device and another signs in (a second account, made
        the first time).  Each account's local data on the device stays apart: the one signed
        out keeps its unsynced changes, which upload when it signs in there again."""
        if len(self.accounts) < 2:
            await self.new_account()
        signed_out = self.active[device.name]
        answer = await device.client.post("/api/auth/logout")
        assert answer.status_code == 200, answer.text
        others = [a for a in self.accounts if a is not signed_out]
        account = others[self.data.draw(st.integers(0, len(others) - 1), label="account")]
        self.active[device.name] = account
        await self.sign_in(account, device.name)
        self.kinds.append("switch")

    async def export(self, device: Device) -> None:
        """The person exports this device's data: a file that may be imported later, anywhere."""
        made = exchange.build_export(
            await device.store.dump(), device_id=device.name, exported_at=EXPORTED_AT
        )
        self.exports.append((device.account, exchange.dumps(made)))

    async def import_file(self, device: Device) -> None:
        """A file exported earlier is imported here: this account's own (older by now) or
        another account's.  What it brings in is the person's; what it replaces is kept."""
        if not self.exports:
            return
        owner, text = self.exports[
            self.data.draw(st.integers(0, len(self.exports) - 1), label="file")
        ]
        before = await device.store.dump()
        try:
            plan = exchange.parse_import(text)
        except exchange.ImportRefused:  # a value the schema refuses was still on that device
            assert await device.store.dump() == before
            return
        held = {(t, r["id"]): r for t, rows in before.items() for r in rows}
        outcome = await device.store.import_records(plan.tables, device_id=device.name)
        self.kinds.append("import" if owner is device.account else "import of another account's")
        for change in outcome.changes:
            device.account.ids.add(change.record["id"])
            seen = device.expected.setdefault(change.record["id"], {})
            seen.update(change.mutation.fields)
            seen["deleted"] = change.record["deleted"]
            local = held.get((change.table, change.record["id"]))
            device.account.ledger.note(device.name, local, change)
        for _table, record in outcome.rows:
            device.account.ids.add(record["id"])

    async def sync(self, device: Device) -> None:
        device.transport.script = self.data.draw(
            st.lists(st.sampled_from(FAULTS), max_size=6), label="faults"
        )
        device.transport.pick_second = self.data.draw(st.booleans(), label="second answer")
        await device.engine.full_sync()
        device.transport.script = []
        await device.check_pending_shown()

    async def deliver(self) -> None:
        if self.network.held:
            await self.network.deliver(self.data.draw(st.integers(0, 100), label="held"))

    async def seed(self) -> None:
        """Shared records to start from: conflicts need a record two devices both hold."""
        for _ in range(self.data.draw(st.integers(0, 3), label="seed records")):
            await self.create(self.on(self.names[0]))
        for name in self.names:
            assert (await self.on(name).engine.full_sync()).ok

    async def run(self) -> None:
        await self.seed()
        steps = self.data.draw(st.integers(1, MAX_STEPS), label="steps")
        # Weighted towards edits and syncs: conflicts need shared records edited on two devices.
        actions = ["create", "edit", "edit", "edit", "delete", "resolve", "resolve"]
        actions += ["sync", "sync", "sync", "deliver"]
        actions += ["awkward", "long_note", "backup", "restore"]
        actions += ["switch", "export", "import_file"]
        for _ in range(steps):
            device = self.on(self.names[self.data.draw(st.integers(0, len(self.names) - 1))])
            action = self.data.draw(st.sampled_from(actions), label="action")
            if action == "deliver":
                await self.deliver()
            else:
                await getattr(self, action)(device)

    # --- the end -----------------------------------------------------------------------------

    async def heal(self) -> None:
        """The network heals, every held request arrives, and twice round every account
        signs in on every device where it has local data, and syncs."""
        await self.network.deliver()
        for _ in range(2):
            for name in self.names:
                for account in self.accounts:
                    if name not in account.devices:
                        continue
                    if self.active[name] is not account:
                        await self.switch_to(name, account)
                    device = self.on(name)
                    device.transport.script = []
                    result = await device.engine.full_sync()
                    assert result.ok, (device.name, result, self.network.log[-20:])
                    assert device.settings[keys.LAST_SYNCED]

    async def switch_to(self, name: str, account: Account) -> None:
        answer = await self.on(name).client.post("/api/auth/logout")
        assert answer.status_code == 200, answer.text
        self.active[name] = account
        await self.sign_in(account, name)

    async def server_state(self, account: Account) -> dict[str, dict[str, dict[str, Any]]]:
        """Everything the server holds of ``account``, read through a session of its own."""
        state: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        async with self.client() as client:
            creds = {"email": account.email, "password": PASSWORD}
            answer = await client.post("/api/auth/login", json=creds)
            assert answer.status_code == 200, answer.text
            reader = HttpTransport(client)
            since = 0
            while True:
                page = await reader.pull(since, 1000)
                for wire in page.changes:
                    table, record = split_change(wire)
                    state[table][record["id"]] = record
                if not page.has_more:
                    return state
                since = page.cursor

    async def check(self) -> None:
        event(f"restored: {min(sum(k == 'restore' for k in self.kinds), 2)}+")
        event(f"faults: {min(sum(': ok' not in line for line in self.network.log), 5)}+")
        event(f"server restores: {min(sum(k.startswith('server') for k in self.kinds), 2)}+")
        event(f"refused changes: {min(sum(len(a.refusals) for a in self.accounts), 2)}+")
        event(f"account switches: {min(sum(k == 'switch' for k in self.kinds), 2)}+")
        event(f"imports of an own file: {min(sum(k == 'import' for k in self.kinds), 2)}+")
        foreign = self.kinds.count("import of another account's")
        event(f"imports of another account's file: {min(foreign, 1)}+")
        assert not [s for s in self.statuses if s >= 500], self.network.log[-20:]
        counted = []
        for account in self.accounts:
            server = await self.server_state(account)
            counted += server.get("conflicts", {}).values()
            await self.check_account(account, server)
        event(f"conflict records: {min(len(counted), 3)}+")
        event(f"dismissed conflicts: {min(sum(c['deleted'] for c in counted), 2)}+")

    async def check_account(
        self, account: Account, server: dict[str, dict[str, dict[str, Any]]]
    ) -> None:
        for table, rows in server.items():
            for record in rows.values():
                check_record(get_table(table), record)  # nothing the schema refuses got in
                # Nobody else's records: only those made in this account or imported into it.
                assert record.get("recordId", record["id"]) in account.ids, (account.email, table)
        local: list[dict[str, Any]] = []  # conflict records only a device holds
        for device in account.devices.values():
            assert await device.store.outbox_count() == 0, device.name
            dump = await device.store.dump()
            for table, rows in dump.items():
                for record in rows:  # nothing of another account's, shown or kept aside
                    assert record.get("recordId", record["id"]) in account.ids, device.name
                mine = {r["id"]: r for r in rows if not _local_only(r)}
                assert mine == server.get(table, {}), (device.name, account.email, table)
            local += [c for c in dump.get("conflicts", []) if _local_only(c) and not c["deleted"]]
            self.check_refusals_kept(account, device, dump.get("conflicts", []))
        self.check_nothing_lost(account.ledger, server, local)

    def check_refusals_kept(
        self, account: Account, device: Device, conflicts: list[dict[str, Any]]
    ) -> None:
        """Each change the server refused is in one of this device's "refused" records, unless
        a later value the person typed there (refused or not) replaced it first: it may then
        never be sent (a recovery re-sends a record the server lost whole, with its newest
        values, in place of the changes waiting)."""
        kept = {
            (c["recordTable"], c["recordId"], name, value)
            for c in conflicts
            if _refused_here(c)
            for name, value in c["fields"].items()
        }
        for index, ((name, table, record_id, field_name, value), at) in enumerate(
            zip(account.refusals, account.refused_at, strict=True)
        ):
            later = {(d, i, f) for d, i, f, _ in account.ledger.typed[at:]}
            later |= {(d, i, f) for d, _, i, f, _ in account.refusals[index + 1 :]}
            if (name, record_id, field_name) in later:
                continue
            if name == device.name:  # kept readable: what no part can carry is U+FFFD
                assert (table, record_id, field_name, scrubbed(value)) in kept, (name, value)

    def check_nothing_lost(
        self,
        ledger: Ledger,
        server: dict[str, dict[str, dict[str, Any]]],
        local: list[dict[str, Any]],
    ) -> None:
        """Every typed value is in the data, in a conflict record (the server's, or one a
        device keeps and shows as its own), or was knowingly replaced."""
        final: dict[str, dict[str, Any]] = {}
        for table in TABLES:
            final.update(server.get(table, {}))
        kept: dict[Key, set[Any]] = defaultdict(set)
        for conflict in [*server.get("conflicts", {}).values(), *local]:
            for side in ("fields", "serverFields"):
                for name, value in (conflict.get(side) or {}).items():
                    kept[(conflict["recordId"], name)].add(value)
        lost = [
            (device, record_id, name, value)
            for device, record_id, name, value in ledger.typed
            if name not in ENVELOPE_FIELDS
            and final.get(record_id, {}).get(name) != value
            and value not in kept[(record_id, name)]
            and value not in ledger.replaced[(record_id, name)]
        ]
        assert not lost, f"typed values neither kept nor knowingly replaced: {lost}"


def _local_only(record: dict[str, Any]) -> bool:
    """A conflict record only this device holds (version 0): a refused change, what an import
    replaced, or one the server lost in a restore (a dismissed one, too: the tombstone of a
    record only this device had holds nothing else).  Shown under Conflicts like any other
    unless dismissed; never pushed."""
    empty = record.get("deleted") and set(record) <= set(ENVELOPE_FIELDS)
    conflict = "recordTable" in record or empty
    return bool(conflict) and record.get("version") == 0


def _refused_here(record: dict[str, Any]) -> bool:
    """A conflict record a device made itself for a change the server refused."""
    return record.get("reason") == changes.REFUSED and record.get("version") == 0


def simulate(app: FastAPI, data: st.DataObject) -> None:
    async def scenario() -> None:
        sim = Sim(app, data, Network())
        await sim.sign_up(data.draw(st.integers(2, 3), label="devices"))
        try:
            await sim.run()
            await sim.heal()
            await sim.check()
        finally:
            await sim.close()

    asyncio.run(scenario())


SIM_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@SIM_SETTINGS
@given(data=st.data())
def test_devices_converge_and_lose_nothing(server_app: FastAPI, data: st.DataObject) -> None:
    simulate(server_app, data)


def test_real_server_errors_read_as_statuses(server_app: FastAPI) -> None:
    """No session: "Not signed in"; an unknown schema: "Update needed"; edits stay queued."""

    async def scenario() -> None:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=server_app), base_url="http://testserver"
        ) as client:
            for transport, expected, sentence in (
                (HttpTransport(client), "Not signed in", "You are not signed in."),
                (
                    HttpTransport(client, schema_version=999),
                    "Update needed",
                    "This version of Setflow is too old or too new for the server. Reload to update.",
                ),
            ):
                store = MemoryStore()
                change = changes.create(
                    "exercises", {"name": "Squat"}, device_id="d", now=1, new_id=_uuid
                )
                await store.write([change])
                prefs = {keys.DEVICE_ID: "d"}
                result = await SyncEngine(store, transport, prefs, lambda: 0.0).full_sync()
                assert (result.ok, result.status) == (False, expected)
                assert result.error == sentence  # the server's own sentence
                assert await store.outbox_count() == 1 and keys.LAST_SYNCED not in prefs

    asyncio.run(scenario())


def _uuid() -> str:
    return str(uuid.uuid4())
