// The IndexedDB helper: runs whole transactions on plain data for Python (app/browser/idb.py).
//
// A Dexie transaction whose body is a Python coroutine never settles, so every multi-table write
// is one JS function here, called from Python with plain arrays and objects. What to write is
// decided in Python, except the rules that must read and write inside one transaction: which
// pulled or acknowledged rows may replace local ones (app.core.store.take_pulled) and where a
// refusal moves the cursor (app.core.store.refused_cursor). Those are transcribed here line for
// line, and the Store contract (tests/contract/store_rules.py) checks this file with the very
// checks MemoryStore passes (tests/e2e/test_store_contract.py). Each account has a database of its own (app/core/account.py): every function
// takes the database that open() returned, so a sync that started on one account's data can
// never write into another's.
import Dexie from "/vendor/dexie/dexie.mjs";

// Calls fn(...args) for Python; the promise it returns never rejects. A rejected promise awaited
// from Python never settled (a closed database: Chromium and WebKit alike), and in WebKit a
// failed fetch arrived as "TypeError: invalid exception object" (app/js/net.mjs): the person's
// action waited for good. A resolved value crosses into Python on every engine, and
// app/browser/idb.py (settled) raises the Python exception. Every async function below is
// called from Python through it.
//
// The answer: {ok: true, value} or {ok: false, name, cause, message}, where cause names the
// error inside a Dexie error (its inner error, or a bulk operation's first failure).
export async function settle(fn, ...args) {
  try {
    return { ok: true, value: await fn(...args) };
  } catch (e) {
    const inner = e && (e.inner || (e.failures && Object.values(e.failures)[0]));
    return {
      ok: false,
      name: String((e && e.name) || "Error"),
      cause: String((inner && inner.name) || ""),
      message: String((e && e.message) || e),
    };
  }
}

const DATA_TABLES = [
  "exercises", "programs", "workoutLogs", "workoutSets", "settings", "bodyWeights", "conflicts",
];

// Schema versions: add a new db.version(N) with an upgrade() when the shape changes; never edit
// an old one (Dexie migrates existing data step by step).
function declare(db) {
  db.version(1).stores({
    exercises: "id",
    programs: "id",
    workoutLogs: "id, date",
    workoutSets: "id, workoutId, exerciseId",
    conflicts: "id",
    outbox: "++seq, &mutationId, [table+id]",
    meta: "key",
  });
  // Schema 2 (app/core/schema.py): the settings and body-weight tables. Every version-1 record
  // and queued outbox entry is a valid version-2 one (the fields added are optional), so the
  // data and the outbox stay as they are and are pushed with the new schema version.
  db.version(2).stores({
    settings: "id",
    bodyWeights: "id, date",
  });
  // Schema 3: supersets, an optional field of workouts; no table or index changes, and every
  // version-2 record and outbox entry stays as it is. The version still moves on so that a
  // schema-2 app left open in another tab loses its connection (Dexie closes it when the upgrade
  // comes) and cannot open this database again: it writes nothing more beside the new app.
  db.version(3).stores({});
}

const opened = new Map();

export async function open(name) {
  if (!opened.has(name)) {
    const db = new Dexie(name);
    declare(db);
    opened.set(name, db.open().then(() => db));
  }
  return opened.get(name);
}

const ALL_TABLES = [...DATA_TABLES, "outbox", "meta"];

// How much a database holds that a person made: live records of their tables, and changes
// not yet uploaded (the guest's data, before the person decides where it goes).
export async function holds(db) {
  let records = 0;
  for (const table of DATA_TABLES.filter((t) => t !== "conflicts")) {
    records += await db.table(table).filter((r) => !r.deleted).count();
  }
  return { records, pending: await db.outbox.count() };
}

// Many records by [table, id], as one JSON string ([record or null, ...]).
export async function getManyJson(db, keys) {
  if (!keys.length) return "[]";
  const byTable = new Map();
  keys.forEach(([table, id], i) => {
    if (!byTable.has(table)) byTable.set(table, []);
    byTable.get(table).push([id, i]);
  });
  const found = new Array(keys.length).fill(null);
  await db.transaction("r", [...byTable.keys()].map((t) => db.table(t)), async () => {
    for (const [table, entries] of byTable) {
      const rows = await db.table(table).bulkGet(entries.map(([id]) => id));
      entries.forEach(([, i], j) => { found[i] = rows[j] ?? null; });
    }
  });
  return JSON.stringify(found);
}

// Everything in a database goes, in one transaction (the guest's data once it joined an account).
export async function clearAll(db) {
  await db.transaction("rw", ALL_TABLES.map((t) => db.table(t)), async () => {
    for (const t of ALL_TABLES) await db.table(t).clear();
  });
}

// Moves a whole database into an empty one (records, outbox, cursor), then empties the old one:
// the upgrade of a device whose one database belonged to the account that last synced it.
// A crash between the two steps leaves the copy in place and the old data to clear next time.
export async function moveAll(from, to) {
  const target = await open(to);
  const source = await open(from);
  if ((await holds(target)).records === 0 && (await target.meta.count()) === 0) {
    const tables = {};
    for (const t of ALL_TABLES) tables[t] = await source.table(t).toArray();
    await target.transaction("rw", ALL_TABLES.map((t) => target.table(t)), async () => {
      for (const t of ALL_TABLES) await target.table(t).bulkPut(tables[t]);
    });
  }
  await clearAll(source);
}

// A whole table as one JSON string: one string crosses into Python instead of 10,000 objects.
export async function getAllJson(db, table) {
  return JSON.stringify(await db.table(table).toArray());
}

export async function get(db, table, id) {
  return (await db.table(table).get(id)) ?? null;
}

export async function getMeta(db, key) {
  const row = await db.meta.get(key);
  return row ? row.value : null;
}

export async function setMeta(db, key, value) {
  await db.meta.put({ key, value });
}

function byTable(rows) {
  const groups = new Map();
  for (const { table, record } of rows) {
    if (!groups.has(table)) groups.set(table, []);
    groups.get(table).push(record);
  }
  return groups;
}

// Records and their outbox entries in one transaction: both are stored or neither is.
export async function write(db, rows, mutations) {
  const groups = byTable(rows);
  await db.transaction("rw", [...groups.keys(), "outbox"].map((t) => db.table(t)), async () => {
    for (const [table, records] of groups) await db.table(table).bulkPut(records);
    if (mutations.length) await db.outbox.bulkAdd(mutations);
  });
}

// The records of `rows` that still have unpushed outbox entries: looked up by the outbox's
// [table+id] index for just these keys, not by scanning the whole outbox.
async function pendingKeys(db, rows) {
  const keys = rows.map(({ table, record }) => [table, record.id]);
  const pending = new Set();
  if (!keys.length || !(await db.outbox.count())) return pending;
  const found = await db.outbox.where("[table+id]").anyOf(keys).toArray();
  for (const m of found) pending.add(m.table + "\u0000" + m.id);
  return pending;
}

// The rows the server's copies may replace: app.core.store.take_pulled, line for line.
// 1. never a row with unpushed outbox entries; 2. never with an older server version.
async function takeable(db, rows) {
  const pending = await pendingKeys(db, rows);
  const taken = [];
  for (const [table, records] of byTable(rows)) {
    // A table this device has nothing in yet (a first sync) has no local rows to compare.
    const empty = (await db.table(table).count()) === 0;
    const locals = empty ? [] : await db.table(table).bulkGet(records.map((r) => r.id));
    records.forEach((record, i) => {
      if (pending.has(table + "\u0000" + record.id)) return; // rule 1
      const local = locals[i];
      if (local && (record.version ?? 0) < (local.version ?? 0)) return; // rule 2
      taken.push({ table, record });
    });
  }
  return taken;
}

// A pulled page is taken (rules above) and the cursor saved in the same transaction, so a
// crash can neither skip nor half-apply a page.
export async function applyPulled(db, rows, cursorKey, cursor) {
  knownTables(rows);
  const all = [...DATA_TABLES, "outbox", "meta"].map((t) => db.table(t));
  return db.transaction("rw", all, async () => {
    const taken = await takeable(db, rows);
    for (const [table, records] of byTable(taken)) await db.table(table).bulkPut(records);
    await db.meta.put({ key: cursorKey, value: cursor });
    return taken.length;
  });
}

// The same for a page exactly as the server sent it: each record carries its "table", which is
// checked and split off here (app.core.store.split_change), then stored by the rules above.
export async function applyPulledWire(db, changes, cursorKey, cursor) {
  const rows = changes.map((change) => {
    const { table, ...record } = change;
    return { table, record };
  });
  return applyPulled(db, rows, cursorKey, cursor);
}

const UNKNOWN_TABLE = "UnknownTableError"; // app/browser/idb.py UNKNOWN_TABLE

// A page holding a record of a table this device does not know is refused whole, before any
// transaction opens (a table lookup failing inside one would leave the page's promise unsettled).
function knownTables(rows) {
  for (const { table } of rows) {
    if (!DATA_TABLES.includes(table)) {
      const error = new Error(`The server sent a record of an unknown table ${table}.`);
      error.name = UNKNOWN_TABLE;
      throw error;
    }
  }
}

// Acknowledged outbox entries leave (by their primary keys, which outbox() handed out); the
// server's records are taken by the same rules. Then, in the same transaction, the next `then`
// entries that wait (the next batch to push, as outbox(db, then) reads them; [] for 0).
export async function acknowledge(db, seqs, rows, then = 0) {
  const all = [...DATA_TABLES, "outbox"].map((t) => db.table(t));
  return db.transaction("rw", all, async () => {
    await db.outbox.bulkDelete(seqs);
    const taken = await takeable(db, rows);
    for (const [table, records] of byTable(taken)) await db.table(table).bulkPut(records);
    return then > 0 ? outbox(db, then) : [];
  });
}

// A change the server refused leaves the outbox and is kept as a conflict record, atomically;
// the server's copy of its record is pulled again: app.core.store.refused_cursor, line for line.
export async function refuse(db, mutationId, conflict, table, id, cursorKey) {
  const tables = DATA_TABLES.includes(table) ? [db.table(table)] : [];
  await db.transaction("rw", [db.outbox, db.conflicts, db.meta, ...tables], async () => {
    await db.outbox.where("mutationId").equals(mutationId).delete();
    await db.conflicts.put(conflict);
    const local = tables.length ? await db.table(table).get(id) : null;
    const version = (local && local.version) || 0;
    const pending = (await db.outbox.where("[table+id]").equals([table, id]).count()) > 0;
    const row = await db.meta.get(cursorKey);
    const cursor = row ? row.value : 0;
    if (version > 0) {
      await db.meta.put({ key: cursorKey, value: Math.min(cursor, version - 1) });
    } else if (local && !pending) {
      // app.core.store.drop_refused: a copy made here, never confirmed, nothing else waiting.
      await db.table(table).delete(id);
      await db.meta.put({ key: cursorKey, value: 0 });
    }
  });
}

// The end of a recovery sync, in one step (app/core/recovery.py): the server's copies the
// device may take (chosen by taken_in_recovery; never one with changes waiting by now), the
// re-sends replacing the outbox entries of the same records (held at version 0 until the
// server takes them), and the cursor.
export async function recover(db, keys, mutations, rows, cursorKey, cursor) {
  const all = [...DATA_TABLES, "outbox", "meta"].map((t) => db.table(t));
  await db.transaction("rw", all, async () => {
    const pending = await pendingKeys(db, rows);
    const taken = rows.filter(({ table, record }) => !pending.has(table + "\u0000" + record.id));
    for (const [table, records] of byTable(taken)) await db.table(table).bulkPut(records);
    if (keys.length) await db.outbox.where("[table+id]").anyOf(keys).delete();
    // Held as made here (version 0) until the server takes the re-send (folded, recovery.py).
    for (const [table, id] of keys) await db.table(table).update(id, { version: 0 });
    if (mutations.length) await db.outbox.bulkAdd(mutations);
    await db.meta.put({ key: cursorKey, value: cursor });
  });
}

export async function outbox(db, limit) {
  return db.outbox.orderBy("seq").limit(limit).toArray();
}

export async function outboxCount(db) {
  return db.outbox.count();
}

// Runs fn while holding a Web Lock, if no other tab holds it; null when another tab does.
export async function withLock(name, fn) {
  if (!navigator.locks) return fn(null);
  return navigator.locks.request(name, { ifAvailable: true }, async (lock) => (lock ? await fn(lock) : null));
}

// Calls back on any change to the data, in this tab or another one (Dexie broadcasts them).
export function onChange(callback) {
  const handler = () => callback();
  Dexie.on("storagemutated", handler);
  return () => Dexie.on("storagemutated").unsubscribe(handler);
}

export async function storageEstimate() {
  const estimate = navigator.storage && navigator.storage.estimate
    ? await navigator.storage.estimate()
    : { usage: null, quota: null };
  const persisted = navigator.storage && navigator.storage.persisted
    ? await navigator.storage.persisted()
    : false;
  return { usage: estimate.usage ?? null, quota: estimate.quota ?? null, persisted };
}

// Many fresh UUIDs in one call, comma-separated: one call per id costs about ten times more.
export function newIds(n) {
  const ids = new Array(n);
  for (let i = 0; i < n; i++) ids[i] = crypto.randomUUID();
  return ids.join(",");
}
