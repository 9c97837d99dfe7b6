// The app's Python, in a dedicated worker of its own, so that the page's main thread never waits
// on it: Pyodide's start, a snapshot restore, imports and every render run here; the page only
// applies what comes out (app/js/page.mjs).
//
// 1. The page makes this worker as it starts (app/js/boot.mjs), with the app version as the
//    worker's name; the runtime starts at once (app/js/pyodide.mjs: snapshot, bundle).
// 2. The page's first message (`init`) carries what only the page knows: its localStorage, the
//    address, visibility, whether the app is installed, the notification permission.
// 3. The app's Python talks to the page in plain JSON messages, one per render and one per event
//    (app/browser/page.py); nothing here or there waits on the other (no Atomics, no
//    SharedArrayBuffer, which WebKitGTK does not have).
// 4. The JS modules pyscript.toml names under [js_modules.worker] are given to Python by those
//    names (checked by tests/unit/test_public_files.py).
import * as runtime from "./pyodide.mjs";
import * as snapshot from "./snapshot.mjs";

const scope = /** @type {any} */ (globalThis);
const send = (/** @type {string} */ text) => scope.postMessage(text);

// Marks made here (the runtime's and Python's steps) go to the page's timeline too, at the time
// they were made here: the benchmark and the tests read the page's.
const mark = performance.mark.bind(performance);
performance.mark = (/** @type {string} */ name, /** @type {any} */ options) => {
  const entry = mark(name, options);
  send(JSON.stringify({ op: "mark", name, at: performance.timeOrigin + entry.startTime }));
  return entry;
};

// The app version, from the page's <meta name="setflow-version"> (the worker's name).
snapshot.useVersion(scope.name || "");
const started = runtime.begin();
// Python's JS modules, loaded while the runtime downloads (not before it starts).
const modules = Promise.all([import("./db.mjs"), import("./net.mjs")]);

/** @type {string[]} */
const inbox = []; // messages from the page before Python listens
/** @type {((text: string) => void) | null} */
let listener = null;
/** @type {(init: string) => void} */
let gotInit;
const init = new Promise((resolve) => (gotInit = resolve));

scope.onmessage = (/** @type {MessageEvent} */ event) => {
  const text = String(event.data);
  if (text.startsWith('{"type":"init"')) gotInit(text);
  else if (listener) listener(text);
  else inbox.push(text);
};

// What Python imports as `setflow_page` (app/browser/page.py).
const page = {
  init: "",
  post: send,
  // Python's handler for the page's messages; those that came before it are handed over first.
  listen(/** @type {(text: string) => void} */ callback) {
    listener = callback;
    for (const text of inbox.splice(0)) callback(text);
  },
  // The app's state ("ready", "error"): a start without a snapshot makes one once it is ready.
  state: (/** @type {string} */ state) => runtime.appState(state),
};

function fail(/** @type {string} */ message) {
  send(JSON.stringify({ op: "error", message }));
}

async function main() {
  let pyodide;
  try {
    pyodide = await started;
  } catch (err) {
    fail(`The Python runtime failed: ${err}`);
    return;
  }
  const start = scope.setflowStart;
  send(JSON.stringify({ op: "start", snapshot: start.snapshot, making: Boolean(start.made) }));
  if (start.made) {
    start.made.then((/** @type {unknown} */ made) => send(JSON.stringify({ op: "made", made })));
  }
  page.init = await init;
  const [db, net] = await modules;
  pyodide.registerJsModule("setflow_db", db);
  pyodide.registerJsModule("setflow_net", net);
  pyodide.registerJsModule("setflow_page", page);
  try {
    await pyodide.runPythonAsync("from app.main import main\nawait main()");
  } catch (err) {
    // app/main.py says what failed first; this catches what happens before it can.
    fail(`Python failed: ${String(err).trim().split("\n").slice(-1)[0]}`);
  }
}

main();
