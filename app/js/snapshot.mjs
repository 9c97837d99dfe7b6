// Pyodide memory snapshots in Cache Storage: one per app version, read at start, made once.
//
// The cache is named after the app version (the <meta name="setflow-version"> the server writes
// into the page), so a snapshot of other code is never found; sw.js deletes the caches of older
// versions when a new version activates. Inside, the key names the Pyodide version. A snapshot
// is stored gzip-compressed (CompressionStream): about a quarter of the size, and gzip's own
// checksum turns a damaged copy into an error instead of a broken interpreter.

export const CACHE_PREFIX = "setflow-snapshot-";
export const INDEX_URL = "/vendor/pyodide/";

export function appVersion() {
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

// Its bytes. A damaged copy throws while it is decompressed (gzip's checksum) or measured.
export async function bytes(stored) {
  const length = Number(stored.headers.get("x-snapshot-length"));
  const plain = stored.body.pipeThrough(new DecompressionStream("gzip"));
  const data = new Uint8Array(await new Response(plain).arrayBuffer());
  if (data.length !== length) throw new Error("snapshot has the wrong length");
  return data;
}

export async function write(version, runtime, bytes) {
  const { cache, key } = where(version, runtime);
  const packed = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  const body = await new Response(packed).blob();
  const headers = {
    "content-type": "application/octet-stream",
    "x-snapshot-length": String(bytes.length),
  };
  await (await caches.open(cache)).put(key, new Response(body, { headers }));
  return body.size;
}

export async function drop(version) {
  if (version && globalThis.caches) await caches.delete(CACHE_PREFIX + version);
}
