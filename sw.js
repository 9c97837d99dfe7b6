// Setflow's service worker: precache every asset under a content-derived cache name, serve the
// app cache-first so it starts with no network, and leave the API to the network alone.
//
// /sw-assets.js (made by the server from the files themselves) sets SETFLOW_VERSION and
// SETFLOW_ASSETS. Any changed asset changes that script, so the browser installs a new worker,
// which waits until the page says "reload" (see app/js/boot.mjs): an open page never mixes an
// old page with new scripts.
importScripts("/sw-assets.js");

const PREFIX = "setflow-";
const CACHE = PREFIX + self.SETFLOW_VERSION;
// The start-up snapshot of this version (app/js/snapshot.mjs); older versions' are dropped below.
const SNAPSHOT = PREFIX + "snapshot-" + self.SETFLOW_VERSION;

self.addEventListener("install", (event) => {
  event.waitUntil(precache());
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name !== CACHE && name !== SNAPSHOT) {
          await caches.delete(name);
        }
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "SKIP_WAITING") self.skipWaiting();
  if (event.data && event.data.type === "VERSION") {
    event.source.postMessage({ type: "VERSION", version: self.SETFLOW_VERSION });
  }
});

// The rest timer's "Rest over" notification (app/js/ticker.mjs): a tap brings Setflow back.
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      if (windows.length) return windows[0].focus();
      return self.clients.openWindow("/#workout");
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/")) return; // never cached: network only
  event.respondWith(cacheFirst(event.request, url));
});

async function precache() {
  const cache = await caches.open(CACHE);
  // cache: "no-cache" asks the server whether each file changed (ETag): what the page has
  // just downloaded comes from the HTTP cache (304), a changed file is downloaded.
  await cache.addAll(self.SETFLOW_ASSETS.map((u) => new Request(u, { cache: "no-cache" })));
}

// Strategy: the versioned cache first (navigations get the app shell), the network as fallback.
async function cacheFirst(request, url) {
  const cache = await caches.open(CACHE);
  const key = request.mode === "navigate" ? "/" : url.pathname;
  const hit = await cache.match(key);
  if (hit) return hit;
  return fetch(request);
}
