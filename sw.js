// Setflow's service worker: precache every asset under a content-derived cache name, serve the
// app cache-first so it starts with no network, and leave the API to the network alone.
//
// /sw-assets.js (made by the server from the files themselves) sets SETFLOW_VERSION and
// SETFLOW_ASSETS. Any changed asset changes that script, so the browser installs a new worker,
// which waits until the page says "reload" (see app/js/boot.mjs): an open page never mixes an
// old page with new scripts.
importScripts("/sw-assets.js");

// `self`, typed as what it is here (make lint type-checks this file).
/** @type {ServiceWorkerGlobalScope & { SETFLOW_VERSION: string, SETFLOW_ASSETS: string[] }} */
const worker = /** @type {any} */ (self);

const PREFIX = "setflow-";
const CACHE = PREFIX + worker.SETFLOW_VERSION;
// The start-up snapshot of this version (app/js/snapshot.mjs); older versions' are dropped below.
const SNAPSHOT = PREFIX + "snapshot-" + worker.SETFLOW_VERSION;

worker.addEventListener("install", (event) => {
  event.waitUntil(Promise.all([precache(), apiToNetwork(event)]));
});

// Where the browser can route requests without this worker (the Static Routing API, Chromium),
// the API's requests go straight to the network: waking this worker for each one, only for the
// fetch handler below to let it pass, cost about a millisecond per sync request. Elsewhere the
// handler lets them pass.
async function apiToNetwork(event) {
  const install = /** @type {any} */ (event);
  if (typeof install.addRoutes !== "function" || typeof URLPattern !== "function") return;
  try {
    await install.addRoutes([
      { condition: { urlPattern: new URLPattern({ pathname: "/api/*" }) }, source: "network" },
    ]);
  } catch (e) {
    console.warn("Setflow: the API's requests stay routed through the service worker:", e);
  }
}

worker.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name !== CACHE && name !== SNAPSHOT) {
          await caches.delete(name);
        }
      }
      await worker.clients.claim();
    })(),
  );
});

worker.addEventListener("message", (event) => {
  if (event.data && event.data.type === "SKIP_WAITING") worker.skipWaiting();
  if (event.data && event.data.type === "VERSION") {
    event.source.postMessage({ type: "VERSION", version: worker.SETFLOW_VERSION });
  }
});

// The rest timer's "Rest over" notification (app/js/ticker.mjs): a tap brings Setflow back.
worker.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(
    (async () => {
      const windows = await worker.clients.matchAll({ type: "window", includeUncontrolled: true });
      if (windows.length) return windows[0].focus();
      return worker.clients.openWindow("/#workout");
    })(),
  );
});

worker.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== worker.location.origin) return;
  if (url.pathname.startsWith("/api/")) return; // never cached: network only
  event.respondWith(cacheFirst(event.request, url));
});

async function precache() {
  const cache = await caches.open(CACHE);
  // cache: "no-cache" asks the server whether each file changed (ETag): what the page has
  // just downloaded comes from the HTTP cache (304), a changed file is downloaded.
  await cache.addAll(worker.SETFLOW_ASSETS.map((u) => new Request(u, { cache: "no-cache" })));
}

// Strategy: the versioned cache first (navigations get the app shell), the network as fallback.
async function cacheFirst(request, url) {
  const cache = await caches.open(CACHE);
  const key = request.mode === "navigate" ? "/" : url.pathname;
  const hit = await cache.match(key);
  if (hit) return hit;
  return fetch(request);
}
