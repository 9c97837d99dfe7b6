// A throwaway Pyodide that makes the memory snapshot later starts boot from (app/js/pyodide.mjs).
// It runs in a worker, so the page never waits for it, and it is a separate instance because
// one made with `_makeSnapshot` cannot run the app. It imports what the app imported (the
// standard library modules and the pure core and views) and nothing that touches JS objects;
// the other modules it compiles (app/browser/compiled.py).
// It hands the bytes back; the app's worker stores them (app/js/pyodide.mjs).
import { loadPyodide } from "/vendor/pyodide/pyodide.mjs";
import { INDEX_URL } from "./snapshot.mjs";

self.onmessage = async (event) => {
  const { files, modules } = event.data;
  try {
    const pyodide = await loadPyodide({ indexURL: INDEX_URL, _makeSnapshot: true });
    // The app's modules, where the app's worker writes them (app/js/pyodide.mjs).
    for (const [path, text] of files) {
      const dir = path.slice(0, path.lastIndexOf("/"));
      if (dir) pyodide.FS.mkdirTree(dir);
      pyodide.FS.writeFile(path, text);
    }
    // The names travel as Python source, not as a JS object (which would block the snapshot).
    pyodide.runPython(
      `import importlib, json, sys\n` +
        `if "" not in sys.path: sys.path.insert(0, "")\n` +
        `for _name in json.loads(${JSON.stringify(JSON.stringify(modules))}):\n` +
        `    try:\n        importlib.import_module(_name)\n` +
        `    except Exception:\n        pass\n`,
    );
    // The rest of the app's modules (the browser adapters) compiled, ready for the import
    // (app/browser/compiled.py): compiling them was most of a WebKit start after the snapshot.
    const paths = files.map(([path]) => path);
    pyodide.runPython(
      `from app.browser.compiled import keep\n` +
        `keep(json.loads(${JSON.stringify(JSON.stringify(paths))}))\n`,
    );
    const bytes = pyodide.makeMemorySnapshot();
    // The app's worker stores it: in WebKit a Cache Storage entry written by this worker never
    // reached the others (its cache showed no entry), so every reopen started without it.
    self.postMessage({ ok: true, bytes });
  } catch (err) {
    self.postMessage({ ok: false, error: String(err && err.stack ? err.stack : err) });
  }
};
