// The app's runtime, started in its worker (app/js/worker.mjs): Pyodide, booted from a memory
// snapshot when this app version has one (app/js/snapshot.mjs).
//
// 1. A start looks for the snapshot; with one, Pyodide restores its memory instead of starting
//    Python and importing the standard library and the app's core.
// 2. A missing, stale or damaged snapshot means a normal start, silently; a damaged one is
//    dropped first.
// 3. Once the app is ready, a start without a snapshot asks another worker to make one, in the
//    background (app/js/snapshot-worker.mjs), and stores what it hands back.
// 4. The app's Python modules come in one file (server/bundle.py), fetched as the start begins,
//    and are written into the interpreter's working directory; with them their .pyc files
//    compiled at set-up (tools/bytecode.py), so a first start imports them instead of compiling
//    them (Python checks each against its source first).
import { loadPyodide as loadRuntime, version } from "/vendor/pyodide/pyodide.mjs";
import * as snapshot from "./snapshot.mjs";

export { version };

// Every module the app imports: `{"modules": {path: source}, "bytecode": {path: base64}}`.
// (Resolved here, not by fetch: in a worker made from a blob: URL a bare path has no base.)
const MODULES_URL = new URL("/app/modules.json", import.meta.url).href;

// After `ready`, the page is left alone this long before the worker starts compiling a second
// runtime: the first seconds are the person's.
const MAKE_DELAY_MS = 2_000;

// What this start did, for the console, the tests and the benchmark.
const start = (globalThis.setflowStart = { snapshot: "none", made: null });

/** @type {Promise<any> | null} */
let begun = null;

// Begins the start; idempotent.
export function begin() {
  if (!begun) {
    begun = boot({});
    begun.catch(() => {}); // the worker awaits it, and reports a failure (app/js/worker.mjs)
  }
  return begun;
}

async function boot(options) {
  const modules = appModules();
  const pyodide = await runtime(options);
  writeModules(pyodide, await modules);
  return pyodide;
}

/** @typedef {{ modules: Record<string, string>, bytecode: Record<string, string> }} Bundle */
/** @type {Promise<Bundle> | null} */
let fetched = null;

function appModules() {
  if (!fetched) {
    fetched = fetch(MODULES_URL).then(async (response) => {
      if (!response.ok) throw new Error(`${MODULES_URL}: ${response.status}`);
      return response.json();
    });
    fetched.catch(() => {}); // the start awaits it, and reports a failure
  }
  return fetched;
}

// Relative to the interpreter's working directory, which Python imports from.
function writeModules(pyodide, /** @type {Bundle} */ bundle) {
  const write = (/** @type {string} */ path, /** @type {string | Uint8Array} */ data) => {
    pyodide.FS.mkdirTree(path.slice(0, path.lastIndexOf("/")));
    pyodide.FS.writeFile(path, data);
  };
  for (const [path, source] of Object.entries(bundle.modules)) write(path, source);
  for (const [path, packed] of Object.entries(bundle.bytecode || {})) {
    write(path, Uint8Array.from(atob(packed), (c) => c.charCodeAt(0)));
  }
}

async function runtime(options) {
  const settings = { ...options, indexURL: snapshot.INDEX_URL };
  const appVersion = snapshot.appVersion();
  performance.mark("setflow-runtime-start");
  try {
    const stored = await snapshot.find(appVersion, version);
    if (stored) {
      // Decompressed while Pyodide fetches its files; a damaged copy rejects the load (below).
      const bytes = snapshot.bytes(stored).then((data) => {
        performance.mark("setflow-snapshot-read");
        return data;
      });
      bytes.catch(() => {}); // the load awaits it: not an unhandled rejection (app/js/boot.mjs)
      const pyodide = await loadRuntime({ ...settings, _loadSnapshot: bytes });
      performance.mark("setflow-runtime-ready");
      start.snapshot = "used";
      return pyodide;
    }
  } catch (err) {
    console.warn("Setflow: the start-up snapshot could not be used; starting normally.", err);
    start.snapshot = "failed";
    await snapshot.drop(appVersion).catch(() => {});
  }
  const pyodide = await loadRuntime(settings);
  performance.mark("setflow-runtime-ready");
  if (appVersion && globalThis.caches && globalThis.Worker) {
    start.made = whenReady()
      .then(() => makeSnapshot(pyodide, appVersion))
      .catch((err) => {
        console.warn("Setflow: no start-up snapshot this time.", err);
        return { ok: false, error: String(err) };
      });
  }
  return pyodide;
}

/** @type {(state: string) => void} */
let stateChanged = () => {};
const appStarted = new Promise((resolve, reject) => {
  stateChanged = (state) => {
    if (state === "ready") setTimeout(resolve, MAKE_DELAY_MS);
    else if (state === "error") reject(new Error("the app did not start"));
  };
});
appStarted.catch(() => {});

// The app's state, as its Python sets it (app/browser/page.py): "ready" or "error".
export function appState(/** @type {string} */ state) {
  stateChanged(state);
}

function whenReady() {
  return appStarted;
}

// The modules this start imported (standard library, the pure core and views): the snapshot
// holds them already imported. The browser adapters touch JS objects at import, so not those.
const MODULES_IMPORTED = `
import json, sys
def _wanted(name, module):
    if name.startswith(("app.core", "app.views")) or name in ("app", "app.core", "app.views"):
        return True
    top = name.split(".")[0]
    if top in ("js", "pyodide", "_pyodide", "app") or top.startswith("setflow_"):
        return False
    return str(getattr(module, "__file__", None) or "").startswith("/lib/")
json.dumps(sorted(n for n, m in list(sys.modules.items()) if _wanted(n, m)))
`;

// A snapshot worker that has not answered by then is stopped and another one started: in
// Firefox one sometimes never answered (neither its bytes nor an error), and the snapshot was
// then never made. Making one takes a few seconds; this leaves room for a slow phone.
const MAKE_LIMIT_MS = 90_000;
const MAKE_TRIES = 2;

async function makeSnapshot(pyodide, appVersion) {
  const modules = JSON.parse(pyodide.runPython(MODULES_IMPORTED));
  const files = Object.entries((await appModules()).modules);
  let answer = { ok: false, error: "no snapshot worker answered" };
  for (let tried = 0; tried < MAKE_TRIES && !answer.ok; tried++) {
    answer = await askSnapshotWorker(files, modules);
  }
  if (!answer.ok) throw new Error(answer.error);
  const stored = await snapshot.write(appVersion, version, answer.bytes);
  return { ok: true, size: answer.bytes.length, stored };
}

async function askSnapshotWorker(files, modules) {
  const worker = new Worker(new URL("./snapshot-worker.mjs", import.meta.url), { type: "module" });
  let timer = 0;
  try {
    return await new Promise((resolve) => {
      worker.onmessage = (event) => resolve(event.data);
      worker.onerror = (event) => resolve({ ok: false, error: event.message });
      timer = setTimeout(() => resolve({ ok: false, error: "the snapshot worker did not answer" }), MAKE_LIMIT_MS);
      worker.postMessage({ files, modules });
    });
  } finally {
    clearTimeout(timer);
    worker.terminate();
  }
}
