"""Python that the benchmark runs inside the app's own interpreter (see ``browser.run_python``).

Each snippet defines ``async def bench(args: str) -> str`` (JSON in, JSON out) and times only
the call it is about, with the worker's ``performance.now()``; ``app`` is the running app.
"""

STORE_WRITE = """
import json
import js
from app.core.changes import Change
from app.core.protocol import Mutation

async def bench(args):
    store = app.store
    given = json.loads(args)
    records, ids = given["records"], given["ids"]
    changes = [
        Change(dict(r), Mutation(m, "exercises", r["id"], "put", 0,
               {"name": r["name"], "muscleGroup": r["muscleGroup"]}, r["createdAt"]))
        for r, m in zip(records, ids)
    ]
    t0 = js.performance.now()
    await store.write(changes)
    ms = js.performance.now() - t0
    return json.dumps({"ms": ms, "n": len(changes)})
"""

STORE_READ = """
import json
import js

async def bench(args):
    store = app.store
    t0 = js.performance.now()
    rows = await store.all("exercises")
    ms = js.performance.now() - t0
    return json.dumps({"ms": ms, "n": len(rows)})
"""

# One edit of one synced record, written as the app writes it (record + outbox entry).
ONE_EDIT = """
import json
import uuid
import js
from app.core.changes import Change
from app.core.protocol import Mutation

async def bench(args):
    store = app.store
    rows = await store.all("exercises")
    record = dict(rows[0])
    record["name"] = record["name"] + " (edited)"
    mutation = Mutation(str(uuid.uuid4()), "exercises", record["id"], "put",
                        record["version"], {"name": record["name"]}, 1700000000000)
    await store.write([Change(record, mutation)])
    return json.dumps({"n": len(rows)})
"""

# ``n`` new records made on this device, waiting in the outbox.
NEW_RECORDS = """
import json
import uuid
import js
from app.core.changes import Change
from app.core.protocol import Mutation

async def bench(args):
    n = json.loads(args)["n"]
    store = app.store
    from app.browser import page
    device = page.storage.get("setflow-device-id")
    changes = []
    for i in range(n):
        fields = {"name": f"Local {i}", "muscleGroup": "Arms"}
        record = {"id": str(uuid.uuid4()), "createdAt": 1700000000000,
                  "updatedAt": 1700000000000, "deviceId": device, "deleted": False,
                  "version": 0, **fields}
        mutation = Mutation(str(uuid.uuid4()), "exercises", record["id"], "put", 0, fields,
                            1700000000000)
        changes.append(Change(record, mutation))
    await store.write(changes)
    return json.dumps({"n": await store.outbox_count()})
"""

STORE_COUNT = """
import json
import js

async def bench(args):
    rows = await app.store.all(json.loads(args)["table"])
    return json.dumps({"n": len(rows)})
"""

# The device told it is signed in as ``email`` (the session cookie is already set): what a
# sign-in writes to localStorage, through the app's own copy of it (app/browser/page.py).
SIGNED_IN_AS = """
import json
from app.browser.local_storage import LocalStorage

async def bench(args):
    email = json.loads(args)["email"]
    settings = LocalStorage()
    settings["setflow-account"] = email
    settings["setflow-synced-account"] = email
    return "{}"
"""
