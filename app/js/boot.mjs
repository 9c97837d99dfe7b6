// The page's start: paints the last screen, starts the app's worker (app/js/page.mjs), registers
// the service worker, offers updates, and turns a failed start into a readable message.
// Everything else is Python, in the worker (app/browser/).
import * as lastScreen from "./last-screen.mjs";
import * as page from "./page.mjs";

const root = document.documentElement;
const STARTUP_LIMIT_MS = 90_000;

export function showStartupError(message) {
  if (root.dataset.appState === "ready") return;
  root.dataset.appState = "error";
  document.getElementById("loading").hidden = true;
  document.getElementById("last-screen")?.remove();
  document.getElementById("startup-error-message").textContent = message;
  document.getElementById("startup-error").hidden = false;
}
window.setflowStartupError = showStartupError;
document.getElementById("startup-retry").addEventListener("click", () => location.reload());

// The app's Python starts in its worker now; a failure there comes back as a message, and a
// runtime that never arrives (a broken download, an unsupported browser) is caught by the limit.
page.begin(showStartupError);

// What this person last saw, at once; Python replaces it in place when it is ready.
if (lastScreen.paint()) lastScreen.holdTaps();
setTimeout(() => {
  if (root.dataset.appState === "loading") {
    showStartupError("The Python runtime did not start. Check your connection for the first visit.");
  }
}, STARTUP_LIMIT_MS);

// --- Service worker and updates -------------------------------------------------------------
// Set when the person clicks "Reload": only then does a change of worker reload the page (a
// first visit's worker taking control must not reload a page that is already current).
let updateAccepted = false;

function offerUpdate(worker) {
  const banner = document.getElementById("update-banner");
  banner.hidden = false;
  document.getElementById("update-reload").onclick = () => {
    updateAccepted = true;
    worker.postMessage({ type: "SKIP_WAITING" });
  };
}

async function registerWorker() {
  if (!("serviceWorker" in navigator)) return;
  const registration = await navigator.serviceWorker.register("/sw.js", {
    scope: "/",
    updateViaCache: "none",
  });
  // Reload once the new worker has taken over, so page and scripts are of one version.
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (!updateAccepted) return;
    updateAccepted = false;
    location.reload();
  });
  const watch = (worker) => {
    worker.addEventListener("statechange", () => {
      if (worker.state === "installed" && navigator.serviceWorker.controller) offerUpdate(worker);
    });
  };
  if (registration.waiting && navigator.serviceWorker.controller) offerUpdate(registration.waiting);
  if (registration.installing) watch(registration.installing);
  registration.addEventListener("updatefound", () => watch(registration.installing));
  // An open app looks for a new version when it comes back to the foreground and every 30 min.
  window.setflowCheckForUpdate = () => registration.update().catch(() => {});
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") window.setflowCheckForUpdate();
  });
  setInterval(window.setflowCheckForUpdate, 30 * 60 * 1000);
}

// Registered once the app has started: the worker's precache then finds every file the page
// downloaded in the HTTP cache (304), so a first visit downloads each file once.
function whenStarted(callback) {
  const started = () => root.dataset.appState !== "loading";
  if (started()) return callback();
  const observer = new MutationObserver(() => {
    if (!started()) return;
    observer.disconnect();
    callback();
  });
  observer.observe(root, { attributes: true, attributeFilter: ["data-app-state"] });
}
whenStarted(() =>
  registerWorker().catch((err) => console.warn("Service worker not registered:", err)),
);
