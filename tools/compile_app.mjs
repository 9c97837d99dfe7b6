// Compiles the app's modules with the browser's own Python: the vendored Pyodide, run by Node
// (tools/bytecode.py runs this at set-up).
//   node tools/compile_app.mjs SOURCES.json OUT.json
// SOURCES.json is {path: source}; OUT.json gets {path: [pyc path, pyc bytes in base64]}, each a
// hash-checked .pyc (no timestamp in it, so the same source always gives the same bytes).
import { readFileSync, writeFileSync } from "node:fs";
import { loadPyodide } from "../vendor/pyodide/pyodide.mjs";

const [input, output] = process.argv.slice(2);
const sources = JSON.parse(readFileSync(input, "utf8"));
const indexURL = new URL("../vendor/pyodide/", import.meta.url).pathname;
const pyodide = await loadPyodide({ indexURL, stdout: () => {}, stderr: (t) => console.error(t) });
for (const [path, text] of Object.entries(sources)) {
  pyodide.FS.mkdirTree(path.slice(0, path.lastIndexOf("/")));
  pyodide.FS.writeFile(path, text);
}
pyodide.globals.set("paths_json", JSON.stringify(Object.keys(sources)));
const compiled = pyodide.runPython(`
import base64, importlib.util, json, py_compile
_out = {}
for _path in json.loads(paths_json):
    _pyc = importlib.util.cache_from_source(_path)
    py_compile.compile(
        _path, cfile=_pyc, doraise=True,
        invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH,
    )
    with open(_pyc, "rb") as _file:
        _out[_path] = [_pyc, base64.b64encode(_file.read()).decode()]
json.dumps(_out)
`);
writeFileSync(output, compiled);
