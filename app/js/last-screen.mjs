// The last screen: a copy of what each view last showed, painted at the next start before Python
// is up, dimmed, with "Getting ready…" beside it. Python then renders into the same #view and
// the copy is simply replaced (app/browser/ui.py saves a copy after each render).
//
// One copy set, in localStorage, for one app version and one account (or the guest): a copy made
// by other code, or while another account was signed in, is never painted and is thrown away
// at the next save.
import { appVersion } from "./snapshot.mjs";

const KEY = "setflow-last-screen"; // app/core/storage_keys.py LAST_SCREEN
const ACCOUNT_KEY = "setflow-account"; // app/core/storage_keys.py ACCOUNT: the signed-in email
const MAX_HTML = 300_000; // a longer screen (a huge history) is not kept: localStorage is small
const SAVE_DELAY_MS = 300; // renders come in bursts; the copy is written once they settle

function owner() {
  return localStorage.getItem(ACCOUNT_KEY) || "guest";
}

function stored() {
  try {
    const copy = JSON.parse(localStorage.getItem(KEY) || "null");
    const version = appVersion();
    if (copy && version && copy.version === version && copy.owner === owner()) return copy;
  } catch {
    // unreadable: treated as no copy
  }
  return null;
}

let pending = null; // [view, html] waiting to be written
let timer = 0;

// Called after every render (from Python): keep this view's screen for the next start.
export function save(view, html) {
  pending = [String(view), String(html)];
  clearTimeout(timer);
  timer = setTimeout(flush, SAVE_DELAY_MS);
}

export function flush() {
  clearTimeout(timer);
  const version = appVersion();
  if (!version) return;
  const copy = stored() || { version, owner: owner(), views: {} };
  if (pending) {
    const [view, html] = pending;
    pending = null;
    copy.view = view;
    if (html.length > MAX_HTML) delete copy.views[view];
    else copy.views[view] = { html, scroll: 0 };
  }
  if (copy.view && copy.views[copy.view]) copy.views[copy.view].scroll = Math.round(scrollY);
  try {
    localStorage.setItem(KEY, JSON.stringify(copy));
  } catch {
    localStorage.removeItem(KEY); // full: better no copy than a failed write every render
  }
}
// The scroll position as the person leaves the app.
addEventListener("pagehide", flush);
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "hidden" && root().dataset.appState === "ready") flush();
});

function root() {
  return document.documentElement;
}

// The view a start will show: the one the address names (app/browser/ui.py `_route` sends no
// address to the workout screen; an address of a view without a copy paints nothing).
function routed() {
  return location.hash.replace(/^#/, "") || "workout";
}

// Paints the copy of the view the address names into #view, at once. False when there is none.
export function paint() {
  const copy = stored();
  if (!copy) return false;
  const view = routed();
  const saved = copy.views[view];
  if (!saved) return false;
  const main = document.getElementById("view");
  let holder = document.getElementById("last-screen");
  if (!holder) {
    holder = document.createElement("div");
    holder.id = "last-screen";
    holder.className = "last-screen";
    main.append(holder);
  }
  holder.innerHTML = saved.html;
  document.getElementById("loading").hidden = true;
  document.getElementById("getting-ready").hidden = false;
  root().dataset.lastScreen = view;
  for (const link of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll(".tabbar a"))) {
    if (link.dataset.view === view) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  scrollTo(0, saved.scroll || 0);
  requestAnimationFrame(() => performance.mark("setflow-last-screen"));
  return true;
}

// --- taps before Python is ready -------------------------------------------------------------
// A tap on the copy is held and applied to the same control once Python has taken over; one
// that no longer has a control to land on is refused in words ("tap again").
const queue = [];

function selectorOf(el, attrs) {
  let sel = el.tagName.toLowerCase();
  for (const name of attrs) {
    const value = el.getAttribute(name);
    if (value !== null) sel += `[${name}="${CSS.escape(value)}"]`;
  }
  return sel;
}

function hold(event, entry) {
  event.preventDefault();
  event.stopImmediatePropagation();
  queue.push(entry);
  say("One moment — getting ready…");
}

function say(text) {
  const note = document.getElementById("getting-ready");
  note.textContent = text;
  note.hidden = false;
}

function waiting() {
  return root().dataset.appState === "loading" && document.getElementById("last-screen");
}

export function holdTaps() {
  document.addEventListener(
    "click",
    (event) => {
      if (!waiting() || !(event.target instanceof Element)) return;
      const control = event.target.closest("#last-screen [data-action]");
      if (control && !["INPUT", "SELECT"].includes(control.tagName)) {
        hold(event, { click: selectorOf(control, ["data-action", "data-id", "data-index"]) });
      }
    },
    true,
  );
  document.addEventListener(
    "submit",
    (event) => {
      if (!waiting() || !/** @type {Element} */ (event.target).closest("#last-screen")) return;
      const form = event.target;
      const by = event.submitter;
      hold(event, {
        submit: selectorOf(form, ["data-form", "data-id"]),
        by: by ? selectorOf(by, ["name", "value", "data-action"]) : null,
      });
    },
    true,
  );
  // Another tab chosen before ready: show its copy too (Python routes by the address).
  addEventListener("hashchange", () => {
    if (waiting()) paint();
  });
  const observer = new MutationObserver(() => {
    const state = root().dataset.appState;
    if (state === "loading") return;
    observer.disconnect();
    document.getElementById("getting-ready").hidden = true;
    if (state === "ready") replay();
  });
  observer.observe(root(), { attributes: true, attributeFilter: ["data-app-state"] });
}

function replay() {
  const main = document.getElementById("view");
  let missed = 0;
  for (const entry of queue.splice(0)) {
    if (entry.click) {
      const control = main.querySelector(entry.click);
      if (control) control.click();
      else missed += 1;
    } else {
      const form = main.querySelector(entry.submit);
      const by = entry.by && form ? form.querySelector(entry.by) : null;
      if (form) form.requestSubmit(by || undefined);
      else missed += 1;
    }
  }
  if (missed) {
    say("Ready — please tap again.");
    setTimeout(() => {
      document.getElementById("getting-ready").hidden = true;
    }, 4000);
  }
}
