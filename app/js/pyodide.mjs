// The interpreter PyScript loads (pyscript.toml `interpreter`): Pyodide, booted from a memory
// snapshot when this app version has one (app/js/snapshot.mjs).
//
// 1. A start looks for the snapshot; with one, Pyodide restores its memory instead of starting
//    Python and importing the standard library and the app's core.
// 2. A missing, stale or damaged snapshot means a normal start, silently; a damaged one is
//    dropped first.
// 3. Once the app is ready, a start without a snapshot asks a worker to make one, in the
//    background (app/js/snapshot-worker.mjs), and stores what it hands back.
// 4. The page's own script (app/js/boot.mjs) begins the start at once (`begin`), so the runtime
//    downloads and compiles while PyScript is still loading its own modules and config; when
//    PyScript then asks for the interpreter, it is handed that same start.
// 5. The app's Python modules come in one file (server/bundle.py), fetched as the start begins,
//    and are written where PyScript would write its `[files]` before PyScript gets the runtime;
//    with them their .pyc files compiled at set-up (tools/bytecode.py), so a first start imports
//    them instead of compiling them (Python checks each against its source first).
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

// Python's output before PyScript hands over its own handlers goes to the console.
const output = {
  stdout: (/** @type {string} */ text) => console.log(text),
  stderr: (/** @type {string} */ text) => console.error(text),
};
/** @type {Promise<any> | null} */
let begun = null;

// Begins the start before PyScript asks for it (app/js/boot.mjs); idempotent.
export function begin() {
  if (!begun) {
    begun = boot({
      stdout: (/** @type {string} */ text) => output.stdout(text),
      stderr: (/** @type {string} */ text) => output.stderr(text),
    });
    begun.catch(() => {}); // PyScript awaits it, and reports a failure (app/js/boot.mjs)
  }
  return begun;
}

// What PyScript calls: the start already begun when PyScript asks only for what it gives
// (its output handlers), a start of its own otherwise.
export function loadPyodide(options) {
  const { stdout, stderr, indexURL, ...rest } = options || {};
  if (Object.keys(rest).length > 0) return boot(options);
  if (stdout) output.stdout = stdout;
  if (stderr) output.stderr = stderr;
  return begin();
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

function whenReady() {
  const root = document.documentElement;
  return new Promise((resolve, reject) => {
    const check = () => {
      if (root.dataset.appState === "ready") {
        observer.disconnect();
        setTimeout(resolve, MAKE_DELAY_MS);
      } else if (root.dataset.appState === "error") {
        observer.disconnect();
        reject(new Error("the app did not start"));
      }
    };
    const observer = new MutationObserver(check);
    observer.observe(root, { attributes: true, attributeFilter: ["data-app-state"] });
    check();
  });
}

// The modules this start imported (standard library, the pure core and views): the snapshot
// holds them already imported. The browser adapters touch JS objects at import, so not those.
const MODULES_IMPORTED = `
import json, sys
def _wanted(name, module):
    if name.startswith(("app.core", "app.views")) or name in ("app", "app.core", "app.views"):
        return True
    top = name.split(".")[0]
    if top in ("js", "pyscript", "polyscript", "_pyscript", "pyodide", "_pyodide", "app"):
        return False
    return str(getattr(module, "__file__", None) or "").startswith("/lib/")
json.dumps(sorted(n for n, m in list(sys.modules.items()) if _wanted(n, m)))
`;

// PyScript's own Python package, as this start wrote it: the snapshot keeps it compiled.
const PYSCRIPT_FILES = `
import json, os, sys
_found = []
_package = sys.modules.get("pyscript")
_folder = os.path.dirname(getattr(_package, "__file__", None) or "")
if _folder:
    for _dir, _subdirs, _names in os.walk(_folder):
        for _name in sorted(_names):
            if _name.endswith(".py"):
                with open(os.path.join(_dir, _name), encoding="utf-8") as _file:
                    _found.append([os.path.join(_dir, _name), _file.read()])
json.dumps({"base": os.path.dirname(_folder), "files": _found})
`;

async function makeSnapshot(pyodide, appVersion) {
  const modules = JSON.parse(pyodide.runPython(MODULES_IMPORTED));
  const pyscript = JSON.parse(pyodide.runPython(PYSCRIPT_FILES));
  const files = Object.entries((await appModules()).modules);
  const worker = new Worker(new URL("./snapshot-worker.mjs", import.meta.url), { type: "module" });
  try {
    const answer = await new Promise((resolve) => {
      worker.onmessage = (event) => resolve(event.data);
      worker.onerror = (event) => resolve({ ok: false, error: event.message });
      worker.postMessage({ files, modules, pyscript });
    });
    if (!answer.ok) throw new Error(answer.error);
    const stored = await snapshot.write(appVersion, version, answer.bytes);
    return { ok: true, size: answer.bytes.length, stored };
  } finally {
    worker.terminate();
  }
}
