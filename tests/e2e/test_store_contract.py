"""The Store contract (tests/contract/store_rules.py) kept by the browser's IndexedDB store.

The very checks ``MemoryStore`` passes under CPython run here inside Pyodide in Chromium against
``app.browser.idb.IndexedDBStore``: real IndexedDB through Dexie, and the JS transcription of the
pull and acknowledge rules in ``app/js/db.mjs``.  They run twice: with pulled pages handed over
as Python lists, and as the JS arrays a fetch parsed (``JsRecords``, the path a real sync takes).

The page is a bare Pyodide on the app's own origin (not the app itself), with the app's Python
modules (``server/bundle.py``'s list) and the contract module written into its file system, and
the JS modules ``pyscript.toml`` names, registered as the app's worker registers them.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from devsupport.live_server import LiveServer
from server import bundle
from tests.contract.store_rules import CHECKS

ROOT = Path(__file__).resolve().parents[2]
CONTRACT_FILES = (
    "tests/__init__.py",
    "tests/contract/__init__.py",
    "tests/contract/store_rules.py",
)

# Loads Pyodide from the app's vendored copy, writes the Python files, and gives Python the app's
# real db.mjs and net.mjs by the names the app's worker gives them (app/js/worker.mjs).
SET_UP = """
async ({ files, sources, modules }) => {
  const { loadPyodide } = await import("/vendor/pyodide/pyodide.mjs");
  const py = await loadPyodide({ indexURL: "/vendor/pyodide/" });
  const write = (path, text) => {
    py.FS.mkdirTree(path.split("/").slice(0, -1).join("/") || ".");
    py.FS.writeFile(path, text);
  };
  for (const [url, path] of files) {
    const answer = await fetch(url);
    if (!answer.ok) throw new Error(`${url}: ${answer.status}`);
    write(path, await answer.text());
  }
  for (const [path, text] of Object.entries(sources)) write(path, text);
  for (const [url, name] of modules) py.registerJsModule(name, await import(url));
  await py.runPythonAsync(`
from app.browser.idb import IndexedDBStore
from app.browser.interop import to_js_data
from app.browser.fetch_transport import JsRecords


class WirePagesStore(IndexedDBStore):
    async def apply_pulled(self, changes, cursor):
        return await super().apply_pulled(JsRecords(to_js_data(list(changes))), cursor)
`);
  window.contract = py;
}
"""

RUN = """
async ({ rule, database, wire }) => {
  const py = window.contract;
  py.globals.set("rule", rule);
  py.globals.set("database", database);
  py.globals.set("wire", wire);
  // A check that never settles is a failure with a message, not a hung run.
  const limit = new Promise((resolve) => setTimeout(() => resolve(`${rule} did not finish in 60 s`), 60_000));
  return Promise.race([limit, py.runPythonAsync(`
import traceback
from tests.contract.store_rules import CHECKS
try:
    store = await (WirePagesStore if wire else IndexedDBStore)(database).open()
    await CHECKS[rule](store)
    outcome = "kept"
except BaseException:
    outcome = traceback.format_exc()
outcome
`)]);
}
"""


def _app_files() -> list[tuple[str, str]]:
    return [("/" + path, path) for path in bundle.shipped(ROOT)]


def _js_modules() -> list[tuple[str, str]]:
    """The app's JS modules as its worker hands them to Python (``import setflow_db``)."""
    config = tomllib.loads((ROOT / "pyscript.toml").read_text())
    return list(config["js_modules"]["worker"].items())


@pytest.fixture(scope="module")
def pyodide(browser: Browser, server: LiveServer) -> Iterator[Page]:
    context = browser.new_context(service_workers="block")
    page = context.new_page()
    page.goto(server.url + "/manifest.json")  # the app's origin, without starting the app
    sources = {path: (ROOT / path).read_text() for path in CONTRACT_FILES}
    page.evaluate(SET_UP, {"files": _app_files(), "sources": sources, "modules": _js_modules()})
    yield page
    context.close()


@pytest.mark.parametrize("pages", ["python-lists", "wire-arrays"])
@pytest.mark.parametrize("rule", sorted(CHECKS))
def test_indexeddb_store_keeps_the_store_contract(pyodide: Page, rule: str, pages: str) -> None:
    database = f"contract-{pages}-{rule}"  # a fresh, empty database for each check
    outcome = pyodide.evaluate(
        RUN, {"rule": rule, "database": database, "wire": pages != "python-lists"}
    )
    assert outcome == "kept", outcome
