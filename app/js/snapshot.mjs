// Pyodide memory snapshots in Cache Storage: one per app version, read at start, made once.
//
// The cache is named after the app version (the <meta name="setflow-version"> the server writes
// into the page), so a snapshot of other code is never found; sw.js deletes the caches of older
// versions when a new version activates. Inside, the key names the Pyodide version. A snapshot
// is stored without its zero pages (see below), with a checksum that turns a damaged copy into
// an error instead of a broken interpreter.

export const CACHE_PREFIX = "setflow-snapshot-";
export const INDEX_URL = "/vendor/pyodide/";

let given = "";

// In the app's worker, which has no page to read: the version the page handed it.
export function useVersion(/** @type {string} */ version) {
  given = version;
}

export function appVersion() {
  if (given) return given;
  const meta = globalThis.document && /** @type {HTMLMetaElement | null} */ (document.querySelector('meta[name="setflow-version"]'));
  return meta ? meta.content : "";
}

function where(version, runtime) {
  return { cache: CACHE_PREFIX + version, key: `/setflow-snapshot/pyodide-${runtime}` };
}

// The stored snapshot (a Response, not yet read), or null when there is none.
export async function find(version, runtime) {
  if (!version || !globalThis.caches) return null;
  const { cache, key } = where(version, runtime);
  if (!(await caches.has(cache))) return null;
  return (await (await caches.open(cache)).match(key)) || null;
}

// Stored without its zero pages (14 of 31.5 MB), not gzipped: gunzip held WebKit's main thread
// for 0.2-0.6 s of every reopen. Body: page count, page numbers, then those pages (4 KB each, the
// last one maybe shorter); a checksum of the body turns a damaged copy into an error.
const PAGE = 4096;
const FORMAT = "pages-4k-1";

function checksum(body) {
  const words = new Int32Array(body.buffer, body.byteOffset, body.length >> 2);
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i], 16777619);
  for (let i = words.length << 2; i < body.length; i++) h = Math.imul(h ^ body[i], 16777619);
  return String(h >>> 0);
}

export function pack(bytes) {
  const pages = [];
  for (let start = 0; start < bytes.length; start += PAGE) {
    const end = Math.min(start + PAGE, bytes.length);
    for (let i = start; i < end; i++) {
      if (bytes[i] !== 0) {
        pages.push(start / PAGE);
        break;
      }
    }
  }
  const head = 4 * (1 + pages.length);
  let size = head;
  for (const n of pages) size += Math.min(PAGE, bytes.length - n * PAGE);
  const body = new Uint8Array(size);
  const index = new DataView(body.buffer);
  index.setUint32(0, pages.length, true);
  let at = head;
  pages.forEach((n, k) => {
    index.setUint32(4 * (k + 1), n, true);
    const page = bytes.subarray(n * PAGE, Math.min((n + 1) * PAGE, bytes.length));
    body.set(page, at);
    at += page.length;
  });
  return body;
}

export function unpack(body, length) {
  const data = new Uint8Array(length);
  const index = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const count = index.getUint32(0, true);
  let at = 4 * (1 + count);
  for (let k = 0; k < count; k++) {
    const n = index.getUint32(4 * (k + 1), true);
    const size = Math.min(PAGE, length - n * PAGE);
    if (size <= 0 || at + size > body.length) throw new Error("snapshot is damaged");
    data.set(body.subarray(at, at + size), n * PAGE);
    at += size;
  }
  if (at !== body.length) throw new Error("snapshot is damaged");
  return data;
}

// Its bytes. A damaged copy throws here (format, checksum, layout) or in Pyodide (build id).
export async function bytes(stored) {
  const length = Number(stored.headers.get("x-snapshot-length"));
  if (stored.headers.get("x-snapshot-format") !== FORMAT) throw new Error("snapshot of another format");
  const body = new Uint8Array(await stored.arrayBuffer());
  if (checksum(body) !== stored.headers.get("x-snapshot-sum")) throw new Error("snapshot is damaged");
  return unpack(body, length);
}

export async function write(version, runtime, bytes) {
  const { cache, key } = where(version, runtime);
  const body = pack(bytes);
  const headers = {
    "content-type": "application/octet-stream",
    "x-snapshot-length": String(bytes.length),
    "x-snapshot-format": FORMAT,
    "x-snapshot-sum": checksum(body),
  };
  await (await caches.open(cache)).put(key, new Response(body, { headers }));
  return body.length;
}

export async function drop(version) {
  if (version && globalThis.caches) await caches.delete(CACHE_PREFIX + version);
}
