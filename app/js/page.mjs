// The page's side of the app: it talks to the app's worker (app/js/worker.mjs), applies what the
// app's Python sends, one message per render, and sends it the person's taps and typing as
// plain data, one message per event. The other side is app/browser/page.py; every message is
// one JSON string. What a screen shows and what a tap does are decided there, in Python; this
// file only does what needs the page: the DOM, localStorage, dialogs, downloads, sound.
import * as lastScreen from "./last-screen.mjs";
import * as ticker from "./ticker.mjs";
import { keptInPlace, typed, valuesToRestore } from "./fields.mjs";
import * as early from "./start.mjs";

const root = document.documentElement;
const byId = (/** @type {string} */ id) => document.getElementById(id);

/** @type {Worker} */
let worker;
/** @type {(message: string) => void} */
let showError = () => {};

// The names of the controls the app's Python runs (app/views/controls.py), sent once it is up:
// only their events are taken from the browser (preventDefault) and sent on. `retried`: the forms
// whose editing, or a submit the browser stops, is told too (app/views/controls.py RETRIED).
const controls = { forms: new Set(), clicks: new Set(), retried: new Set() };

// What the tests, the benchmark and the console use.
const start = { snapshot: "none", made: /** @type {Promise<unknown> | null} */ (null), compiled: [] };
/** @type {(made: unknown) => void} */
let madeArrived = () => {};

function post(/** @type {Record<string, unknown>} */ message) {
  worker.postMessage(JSON.stringify(message));
}

// --- the elements an event came from, for the steps that act on them later --------------------
const HELD = 64;
/** @type {Map<number, Element>} */
const held = new Map();
let lastHandle = 0;

function hold(/** @type {Element} */ element) {
  held.set(++lastHandle, element);
  if (held.size > HELD) held.delete(lastHandle - HELD);
  return lastHandle;
}

// --- requests from the page to Python (the bridges) -------------------------------------------
/** @type {Map<number, {resolve: (value: unknown) => void, reject: (err: Error) => void}>} */
const waiting = new Map();
let lastRequest = 0;

function request(/** @type {string} */ type, /** @type {Record<string, unknown>} */ data = {}) {
  const id = ++lastRequest;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    post({ type, id, ...data });
  });
}

// --- keys typed, kept until the app's Python has them ---------------------------------------------
// Each key typed into a field is kept in localStorage at once, until the app's Python says it has
// kept it too (`typed`): a reload, or a phone closing the tab, while the worker was busy still
// finds what was typed. At start the app takes what is left (app/browser/kept_screen.py) and says
// so with seq 0, the seq of every key kept before this page began.
const TYPING_KEY = "setflow-typing"; // app/core/storage_keys.py TYPING
/** @type {Map<string, {seq: number, key: Record<string, string>}>} */
const untaken = new Map();
let lastKey = 0;

function keepUntaken() {
  try {
    if (untaken.size) localStorage.setItem(TYPING_KEY, JSON.stringify([...untaken.values()].map((k) => k.key)));
    else localStorage.removeItem(TYPING_KEY);
  } catch {
    // Storage full or refused: the key still goes to the app, as before.
  }
}

function keepKey(/** @type {Record<string, unknown>} */ message) {
  const key = { id: String(message.id), field: String(message.field), element: String(message.element), value: String(message.value) };
  untaken.delete(key.element); // the newest value of a field, after any earlier field's
  untaken.set(key.element, { seq: (message.seq = ++lastKey), key });
  keepUntaken();
}

function keptBefore() {
  try {
    const kept = JSON.parse(localStorage.getItem(TYPING_KEY) || "[]");
    for (const key of Array.isArray(kept) ? kept : []) untaken.set(String(key?.element), { seq: 0, key });
  } catch {
    // Unreadable: the app leaves it out too.
  }
}

// --- starting -----------------------------------------------------------------------------------
export function begin(/** @type {(message: string) => void} */ onError) {
  showError = onError;
  worker = early.worker; // made as the page started (app/js/start.mjs)
  early.take(
    (event) => receive(JSON.parse(event.data)),
    (event) => showError(`The Python runtime failed: ${event.message || "its script did not load"}`),
  );
  keptBefore();
  /** @type {Record<string, string>} */
  const storage = {};
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    if (key !== null) storage[key] = localStorage.getItem(key) ?? "";
  }
  post({
    type: "init",
    storage,
    hash: location.hash,
    visible: document.visibilityState === "visible",
    installed: matchMedia("(display-mode: standalone)").matches || /** @type {any} */ (navigator).standalone === true,
    notify: ticker.notifyState(),
  });
  listen();
  const bridges = /** @type {any} */ (window);
  bridges.setflowStart = start;
  // Runs a sync now; resolves to its result, or null when another sync was running.
  bridges.setflowSync = () => request("sync");
  // Runs `async def bench(args: str) -> str` from `code` in the app's interpreter, with `app` (the
  // running app) in its globals; resolves to what it returns (bench/, tests/e2e).
  bridges.setflowRun = (/** @type {string} */ code, /** @type {string} */ args = "{}") => request("run", { code, args });
}

// --- what Python sends ----------------------------------------------------------------------------
/** @type {Record<string, (message: any) => void>} */
const OPS = {
  paint(message) {
    if (message.html !== null) {
      replaceView(message.html);
      lastScreen.save(message.view, message.html); // painted first at the next start
    }
    tabs(message.tabs);
  },
  status(message) {
    byId("sync-status").textContent = message.header;
    const full = byId("settings-sync-status");
    if (full) full.textContent = message.full;
  },
  state(message) {
    if (message.state === "error") return;
    root.dataset.appState = message.state;
    performance.mark(`setflow:${message.state}`); // the benchmark's start-up figure, every engine
  },
  error: (message) => showError(message.message),
  mark: (message) => performance.mark(message.name, { startTime: message.at - performance.timeOrigin }),
  start(message) {
    start.snapshot = message.snapshot;
    start.made = message.making ? new Promise((resolve) => (madeArrived = resolve)) : null;
  },
  made: (message) => madeArrived(message.made),
  compiled: (message) => (start.compiled = message.modules),
  controls(message) {
    controls.forms = new Set(message.forms);
    controls.clicks = new Set(message.clicks);
    controls.retried = new Set(message.retried);
  },
  reset: (message) => /** @type {HTMLFormElement | undefined} */ (held.get(message.handle))?.reset(),
  refill(message) {
    // A form's typed values put back (after `reset`, when the write failed): text and choices.
    const form = /** @type {HTMLFormElement | undefined} */ (held.get(message.handle));
    if (!form) return;
    for (const [name, value] of Object.entries(message.fields)) {
      const field = /** @type {HTMLInputElement | null} */ (form.elements.namedItem(name));
      if (field && !["checkbox", "radio", "file", "submit", "button", undefined].includes(field.type)) {
        field.value = String(value);
      }
    }
  },
  focus: (message) => /** @type {HTMLElement | null} */ (document.querySelector(message.selector))?.focus(),
  reveal: (message) => document.querySelector(message.selector)?.scrollIntoView({ block: "center" }),
  scroll_top: () => scrollTo(0, 0),
  hash(message) {
    location.hash = message.value;
  },
  download(message) {
    const url = URL.createObjectURL(new Blob([message.text], { type: message.type }));
    const a = document.createElement("a");
    a.href = url;
    a.download = message.filename;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  },
  typed(message) {
    for (const [element, kept] of untaken) if (kept.seq <= message.seq) untaken.delete(element);
    keepUntaken();
  },
  storage(message) {
    if (message.value === null) localStorage.removeItem(message.key);
    else localStorage.setItem(message.key, message.value);
  },
  attr(message) {
    if (message.value === null) root.removeAttribute(message.name);
    else root.setAttribute(message.name, message.value);
  },
  // How many syncs this tab has finished: lets a test or benchmark wait for the next one.
  synced: () => root.setAttribute("data-syncs", String(Number(root.getAttribute("data-syncs") || 0) + 1)),
  live(message) {
    root.setAttribute("data-live", message.live ? "true" : "false");
    const mark = byId("live-status");
    if (mark) mark.hidden = !message.shown;
  },
  check_update: () => /** @type {any} */ (window).setflowCheckForUpdate?.(),
  ask(message) {
    const answer = (/** @type {unknown} */ value) => post({ type: "answer", id: message.id, value });
    if (message.kind === "confirm") answer(confirm(message.text));
    else if (message.kind === "alerts") ticker.prepareAlerts().then(answer);
    else if (message.kind === "persist") {
      const ask = navigator.storage && navigator.storage.persist ? navigator.storage.persist() : Promise.resolve(false);
      ask.then(answer, () => answer(false));
    }
  },
  reply(message) {
    const asked = waiting.get(message.id);
    waiting.delete(message.id);
    if (!asked) return;
    if (message.error) asked.reject(new Error(message.error));
    else asked.resolve(message.value);
  },
};

function receive(/** @type {{op: string}} */ message) {
  const op = OPS[message.op];
  if (op) op(message);
  else console.warn("Setflow: unknown message from the app's worker", message.op);
}

// --- the screen ---------------------------------------------------------------------------------
function fields(/** @type {Element} */ view) {
  return [...view.querySelectorAll("input[id], select[id], textarea[id]")].map((node) => {
    const el = /** @type {HTMLInputElement} */ (node);
    const bound = Boolean(el.getAttribute("data-action") || el.getAttribute("data-field"));
    return { id: el.id, tag: el.tagName, type: el.type, value: el.value, bound };
  });
}

// True while a re-render puts the focus back: not the person's tap (nothing is selected).
let refocusing = false;

// The view's new HTML, with what the person was typing and the focus kept (app/js/fields.mjs).
function replaceView(/** @type {string} */ html) {
  const view = byId("view");
  const before = fields(view);
  const typedBefore = typed(before);
  const pickers = new Map([...view.querySelectorAll("input[type=file][id]")].map((el) => [el.id, el]));
  const active = /** @type {HTMLInputElement | null} */ (document.activeElement);
  const focus = active && active.id ? active.id : "";
  // The field being typed in keeps its text and cursor: the render was made from an earlier
  // keystroke (the worker answers after the person has typed on), and a new field's cursor
  // would sit at the start.
  const typing = focus && view.contains(active) && /^(INPUT|TEXTAREA)$/.test(active.tagName) && active.type !== "file"
    ? { value: active.value, start: active.selectionStart, end: active.selectionEnd }
    : null;
  view.innerHTML = html;
  for (const id of keptInPlace(before, fields(view))) byId(id).replaceWith(pickers.get(id));
  for (const [id, value] of Object.entries(valuesToRestore(typedBefore, fields(view)))) {
    /** @type {HTMLInputElement} */ (byId(id)).value = value;
  }
  const now = /** @type {HTMLInputElement | null} */ (focus ? byId(focus) : null);
  refocusing = true;
  now?.focus();
  refocusing = false;
  if (now && typing && now.tagName === active.tagName) {
    now.value = typing.value;
    // Only text-like fields have a cursor (null for a number field, where setting one throws).
    if (typing.start !== null && typing.end !== null) now.setSelectionRange(typing.start, typing.end);
  }
}

// The tab bar: the current view marked; Settings counts open conflicts, while any are.
function tabs(/** @type {{view: string, badge: number, label: string}} */ shown) {
  for (const link of document.querySelectorAll(".tabbar a")) {
    if (link.getAttribute("data-view") === shown.view) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  const link = document.querySelector('.tabbar a[data-view="settings"]');
  if (!link) return;
  let badge = link.querySelector(".badge");
  if (shown.badge && !badge) {
    badge = document.createElement("span");
    badge.className = "badge";
    badge.setAttribute("aria-hidden", "true");
    link.appendChild(badge);
  }
  if (shown.badge) badge.textContent = String(shown.badge);
  else badge?.remove();
  link.setAttribute("aria-label", shown.label);
}

// --- what the person does ---------------------------------------------------------------------
const attr = (/** @type {Element} */ el, /** @type {string} */ name) => el.getAttribute(name) || "";

function listen() {
  const view = byId("view");
  view.addEventListener("submit", (event) => {
    const form = /** @type {HTMLFormElement} */ (event.target);
    const name = attr(form, "data-form");
    if (!controls.forms.has(name)) return;
    event.preventDefault();
    const data = event.submitter ? new FormData(form, event.submitter) : new FormData(form);
    /** @type {Record<string, string>} */
    const values = {};
    for (const [key, value] of data) values[key] = String(value);
    post({ type: "event", kind: "submit", name, id: attr(form, "data-id"), fields: values, handle: hold(form) });
  });
  view.addEventListener("click", (event) => {
    const button = /** @type {Element} */ (event.target).closest("[data-action]");
    if (!button || button.tagName === "INPUT" || button.tagName === "SELECT") return;
    const name = attr(button, "data-action");
    if (!controls.clicks.has(name)) return;
    event.preventDefault();
    post({
      type: "event",
      kind: "click",
      name,
      id: attr(button, "data-id"),
      index: attr(button, "data-index"),
      unit: attr(button, "data-unit"),
      handle: hold(button),
    });
  });
  view.addEventListener("change", async (event) => {
    const target = /** @type {HTMLInputElement} */ (event.target);
    const message = fieldEvent("change", target);
    if (!message.field && !message.action) return;
    if (target.type === "file") {
      // The chosen file's text goes with the event; the picker is emptied for the next choice.
      const file = target.files && target.files[0];
      message.file = file ? await file.text() : null;
      target.value = "";
    }
    post(message);
  });
  // A field of such a form edited, or refused by the browser at a submit (which the app never
  // hears of): only the form's name goes, never what was typed (a password).
  const retried = (/** @type {EventTarget | null} */ target) => {
    const form = /** @type {HTMLInputElement} */ (target).form;
    const name = form ? attr(form, "data-form") : "";
    if (controls.retried.has(name)) post({ type: "event", kind: "retried", name });
  };
  view.addEventListener("invalid", (event) => retried(event.target), true); // it does not bubble
  view.addEventListener("input", (event) => {
    retried(event.target);
    const message = fieldEvent("input", /** @type {HTMLInputElement} */ (event.target));
    if (!message.field) return;
    keepKey(message);
    post(message);
  });
  // A set's weight or reps, tapped: what is typed replaces the prefilled number (8 reps typed
  // over the program's 5 read "58"). The tap's own mouseup would put a caret in place of the
  // selection: that one is cancelled. A re-render putting the focus back selects nothing.
  /** @type {EventTarget | null} */
  let selected = null;
  view.addEventListener("focusin", (event) => {
    const field = /** @type {HTMLInputElement} */ (event.target);
    if (refocusing || !field.matches("table.sets input.num")) return;
    field.select();
    selected = field;
  });
  view.addEventListener("focusout", () => (selected = null));
  view.addEventListener("mouseup", (event) => {
    if (event.target === selected) event.preventDefault();
    selected = null;
  });
  addEventListener("hashchange", () => post({ type: "hash", hash: location.hash }));
  document.addEventListener("visibilitychange", () => {
    post({ type: "visibility", visible: document.visibilityState === "visible" });
  });
  // Another tab wrote localStorage (signed in or out, synced): the worker's copy follows.
  addEventListener("storage", (event) => post({ type: "storage", key: event.key, value: event.newValue }));
}

function fieldEvent(/** @type {string} */ kind, /** @type {HTMLInputElement} */ target) {
  return /** @type {Record<string, unknown>} */ ({
    type: "event",
    kind,
    field: attr(target, "data-field"),
    action: attr(target, "data-action"),
    id: attr(target, "data-id"),
    value: String(target.value ?? ""),
    element: target.id || "",
    handle: hold(target),
  });
}
