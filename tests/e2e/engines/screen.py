"""The app as a person sees it, in any engine: every label, button name and text the engine
tests look for lives in this one module.

Elements are found the way a person finds them (role and visible name, a field's label, the
text shown), by a small finder that runs inside the page, so Chromium, Firefox and WebKit are
driven by the very same code. Each step waits until exactly one visible element matches, then
acts, like Playwright's locators do.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from devsupport.engines.drivers import SLOW, Driver

TIMEOUT_MS = 180_000  # WebKit takes far longer to start Python than Chromium on a busy machine

# The finder: role + accessible name, label, text. Kept deliberately small; names are exact.
LIB = """
const norm = (s) => (s || "").replace(/\\s+/g, " ").trim();
const ROLES = {
  button: "button, input[type=button], input[type=submit], [role=button]",
  link: "a[href], [role=link]",
  heading: "h1, h2, h3, h4, h5, h6, [role=heading]",
  list: "ul, ol, [role=list]",
  listitem: "li, [role=listitem]",
  navigation: "nav, [role=navigation]",
  status: "[role=status], output",
  alert: "[role=alert]",
  article: "article, [role=article]",
  field: "input, select, textarea",
  paragraph: "p",
};
function visible(el) {
  if (el.closest("[hidden]")) return false;
  const box = el.getBoundingClientRect();
  return (box.width > 0 || box.height > 0) && getComputedStyle(el).visibility !== "hidden";
}
function nameOf(el) {
  const label = el.getAttribute("aria-label");
  if (label) return norm(label);
  const by = el.getAttribute("aria-labelledby");
  if (by) return norm(by.split(/\\s+/).map((id) => document.getElementById(id)?.textContent).join(" "));
  if (el.labels && el.labels.length) return norm([...el.labels].map((l) => l.textContent).join(" "));
  if (el.tagName === "INPUT") return norm(el.value);
  return norm(el.textContent);
}
function all(role, name, within) {
  return [...(within || document).querySelectorAll(ROLES[role])].filter(
    (el) => visible(el) && (name == null || nameOf(el) === name));
}
function one(role, name, within) {
  const found = all(role, name, within);
  if (found.length !== 1) throw new Error(`${found.length} visible ${role}s named "${name}"`);
  return found[0];
}
async function until(check, timeout) {
  const end = Date.now() + timeout;
  let last = "nothing checked yet";
  for (;;) {
    try { const got = check(); if (got) return got; last = "not yet"; }
    catch (e) { last = e.message; }
    if (Date.now() > end) {
      const shown = norm(document.body && document.body.innerText).slice(0, 600);
      throw new Error(`after ${timeout} ms: ${last}; the screen shows: ${shown}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
function fill(el, value) {
  el.focus();
  el.value = value;
  el.dispatchEvent(new Event("input", { bubbles: true }));
  el.dispatchEvent(new Event("change", { bubbles: true }));
}
"""


class Screen:
    """One device running Setflow; the steps a lifter takes, in the app's own words."""

    def __init__(self, driver: Driver, url: str) -> None:
        self.driver = driver
        self.url = url

    @property
    def engine(self) -> str:
        return self.driver.engine

    def run(self, body: str, *args: Any) -> Any:
        """Run ``body`` (a JS function body using the finder, with ``args``) in the page."""
        return self.driver.call(
            f"async (...args) => {{ {LIB}\nconst T = {TIMEOUT_MS}; const SLOW = {json.dumps(SLOW)};\n"
            f"{body} }}",
            *args,
        )

    # --- start-up ---------------------------------------------------------------------------
    def open(self, view: str = "log") -> Screen:
        self.driver.goto(f"{self.url}/#{view}")
        self.wait_ready()
        return self

    def wait_for_snapshot(self) -> None:
        """Wait until the start-up snapshot this first start makes (app/js/pyodide.mjs) is stored."""
        made = self.run(
            "const made = window.setflowStart && window.setflowStart.made;"
            "return made ? await made : { ok: false, error: 'no snapshot was started' };"
        )
        assert made["ok"], f"{self.engine}: no start-up snapshot: {made.get('error')}"

    def started_from_snapshot(self) -> bool:
        return bool(self.run("return window.setflowStart.snapshot === 'used';"))

    def close_app(self) -> None:
        """Leave the app, as closing its tab does; its data stays on the device."""
        self.driver.goto("about:blank")

    def reload(self) -> None:
        self.driver.reload()
        self.wait_ready()

    def wait_ready(self) -> None:
        """Wait for Python to start and render; fail with the on-screen message if it errored."""
        state = self.run(
            "return await until(() => { const state = document.documentElement.dataset.appState;"
            " const slow = document.getElementById('startup-error-message')?.textContent === SLOW;"
            " return (state === 'ready' || (state === 'error' && !slow)) && state; }, T);",
        )
        if state != "ready":
            message = self.run(
                "return document.getElementById('startup-error-message')?.textContent;"
            )
            raise AssertionError(f"{self.engine}: the app reached state {state!r}: {message}")

    def wait_for_service_worker(self) -> None:
        """Wait until the service worker is active (its precache done) and controls the page."""
        self.run(
            "await navigator.serviceWorker.ready;"
            "return await until(() => navigator.serviceWorker.controller !== null, T);"
        )

    # --- moving around ----------------------------------------------------------------------
    def go(self, tab: str) -> None:
        """Tap a tab and wait until its screen shows."""
        self.run(
            "const [tab] = args;"
            # A tab may add news to its name: "Settings, 1 conflict to look at".
            "(await until(() => { const tabs = all('link', null, one('navigation', 'Main'))"
            ".filter((a) => nameOf(a) === tab || nameOf(a).startsWith(tab + ', '));"
            " if (tabs.length !== 1) throw new Error(`${tabs.length} tabs named ${tab}`);"
            " return tabs[0]; }, T)).click();"
            "return await until(() => all('heading', tab).some((h) => h.tagName === 'H2'), T);",
            tab,
        )

    def tap(self, button: str) -> None:
        self.run("(await until(() => one('button', args[0]), T)).click();", button)

    def fill(self, label: str, value: str) -> None:
        self.run("fill(await until(() => one('field', args[0]), T), args[1]);", label, value)

    def value_of(self, label: str) -> str:
        """What a field shows."""
        value: str = self.run("return (await until(() => one('field', args[0]), T)).value;", label)
        return value

    def choose(self, label: str, option: str) -> None:
        self.run(
            "const select = await until(() => one('field', args[0]), T);"
            "const opt = await until(() => [...select.options].find((o) => norm(o.text) === args[1]), T);"
            "fill(select, opt.value);",
            label,
            option,
        )

    def items(self, list_name: str) -> list[str]:
        """The text of each item of a list, once the list shows."""
        result: list[str] = self.run(
            "const list = await until(() => one('list', args[0]), T);"
            "return all('listitem', null, list).map((li) => norm(li.textContent));",
            list_name,
        )
        return result

    def wait_for_text(self, role: str, name: str | None, text: str) -> str:
        """Wait until the element (role + name) shows ``text``; returns all it shows."""
        shown: str = self.run(
            "const [role, name, text] = args;"
            "return await until(() => all(role, name).map((el) => norm(el.textContent))"
            ".find((t) => t.includes(text)), T);",
            role,
            name,
            text,
        )
        return shown

    def wait_for_items(self, list_name: str, count: int) -> list[str]:
        result: list[str] = self.run(
            "const [name, count] = args;"
            "return await until(() => { const items = all('listitem', null, one('list', name));"
            " return items.length === count && items.map((li) => norm(li.textContent)); }, T);",
            list_name,
            count,
        )
        return result

    # --- the tracker ------------------------------------------------------------------------
    def add_exercise(self, name: str) -> None:
        self.go("Exercises")
        self.fill("Exercise name", name)
        self.tap("Add exercise")
        self.wait_for_text("list", "Your exercises", name)

    def exercise_names(self) -> list[str]:
        self.go("Exercises")
        names: list[str] = self.run(
            "const list = await until(() => one('list', 'Your exercises'), T);"
            "return [...list.querySelectorAll('li strong')].map((s) => norm(s.textContent));"
        )
        return names

    def wait_for_exercises(self, expected: set[str]) -> None:
        """Wait until the exercise list shows exactly these names."""
        self.go("Exercises")
        self.run(
            "const want = JSON.stringify(args[0]);"
            "await until(() => JSON.stringify([...one('list', 'Your exercises')"
            ".querySelectorAll('li strong')].map((s) => norm(s.textContent)).sort()) === want, T);",
            sorted(expected),
        )

    def rename_exercise(self, old: str, new: str) -> None:
        self.go("Exercises")
        self.tap(f"Rename {old}")
        self.fill(f"New name for {old}", new)
        self.tap("Save")
        self.wait_for_text("list", "Your exercises", new)

    def log_set(self, exercise: str, reps: int, weight: float) -> None:
        self.go("Log")
        self.choose("Exercise", exercise)
        self.fill("Reps", str(reps))
        self.fill("Weight (kg)", str(weight))  # the label names the unit
        self.tap("Add set")

    def sets_of(self, exercise: str, count: int) -> list[str]:
        self.go("Log")
        return self.wait_for_items(f"Sets of {exercise}", count)

    def fact(self, term: str) -> str:
        """The value shown beside ``term`` in a list of facts (Settings), once it is known."""
        value: str = self.run(
            "return await until(() => { const dt = [...document.querySelectorAll('dt')]"
            ".find((d) => visible(d) && norm(d.textContent) === args[0]);"
            " const shown = dt && norm(dt.nextElementSibling.textContent);"
            " return shown && shown !== 'Checking…' && shown; }, T);",
            term,
        )
        return value

    def advice(self) -> dict[str, Any]:
        """Settings' advice about keeping the data: its heading, text and numbered steps."""
        found: dict[str, Any] = self.run(
            "const card = await until(() => document.getElementById('advice-title'), T);"
            "const region = card.closest('[role=region]');"
            "return { heading: norm(card.textContent),"
            " text: norm(region.querySelector('p').textContent),"
            " steps: [...region.querySelectorAll('ol li')].map((li) => norm(li.textContent)) };"
        )
        return found

    def headings(self) -> list[str]:
        found: list[str] = self.run("return all('heading').map((h) => norm(h.textContent));")
        return found

    # --- files ------------------------------------------------------------------------------
    def export(self, folder: Path) -> Path:
        """Tap "Export data" and keep the file the app hands to the browser."""
        self.go("Settings")
        self.run(  # records the bytes of every download the page makes
            "if (!window.__exports) { window.__exports = []; const make = URL.createObjectURL;"
            " URL.createObjectURL = (blob) => { blob.text().then((t) => window.__exports.push(t));"
            " return make.call(URL, blob); }; }"
        )
        self.tap("Export data")
        self.wait_for_text("status", None, "Exported")
        text: str = self.run("return await until(() => window.__exports.at(-1), T);")
        path = folder / f"setflow-export-{self.engine}.json"
        path.write_text(text)
        json.loads(text)  # a whole JSON file, not a fragment
        return path

    def import_file(self, path: Path) -> str:
        """Choose a file in "Import data"; returns the message the app shows."""
        self.go("Settings")
        finder = f"(label) => {{ {LIB} return one('field', label); }}"
        self.driver.set_files(finder, ["Import data"], [str(path)])
        shown: str = self.run(  # "Imported 2 exercises." or "Nothing new to import."
            "return await until(() => all('status').map((el) => norm(el.textContent))"
            ".find((t) => /import/i.test(t)), T);"
        )
        return shown

    # --- account and sync -------------------------------------------------------------------
    def sign_in(self, email: str, password: str, create: bool) -> None:
        self.go("Settings")
        self.fill("Email", email)
        self.fill("Password", password)
        self.tap("Create account" if create else "Sign in")
        self.wait_for_text("paragraph", None, f"Signed in as {email}")

    def add_guest_data(self) -> None:
        """Answer "Add to my data" to the offer about data made before signing in."""
        self.go("Settings")
        self.run(
            "(await until(() => one('button', 'Add to my data'), T)).click();"
            "return await until(() => all('button', 'Add to my data').length === 0, T);"
        )

    def sync_status(self, wanted: str, within_ms: int = TIMEOUT_MS) -> None:
        """Wait until the sync line at the top of the screen reads ``wanted``."""
        self.run(
            "await until(() => { const shown = norm(document.getElementById('sync-status').textContent);"
            " if (shown !== args[0]) throw new Error(`the sync line reads ${shown}`); return true; },"
            " args[1]);",
            wanted,
            within_ms,
        )

    def finished_syncs(self) -> int:
        return int(self.run("return Number(document.documentElement.dataset.syncs || 0);"))

    def sync_now(self) -> None:
        """Tap "Sync now" and wait for that sync (not an earlier one) to finish, then "Synced"."""
        self.go("Settings")
        before = self.finished_syncs()
        self.tap("Sync now")
        self.run(
            "await until(() => Number(document.documentElement.dataset.syncs || 0) > args[0], T);",
            before,
        )
        self.sync_status("Synced")

    def conflicts(self) -> list[str]:
        self.go("Settings")
        return self.items("Conflicts")
