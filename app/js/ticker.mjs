// The workout screen's clocks: the running duration ([data-since]) and the rest timer
// ([data-ends]) are redrawn every second from the times they carry, without a Python re-render.
// When a rest ends: vibrate, a short beep, and a notification through the service worker if the
// person allowed it and Setflow is in the background. The sentences about what the platform
// allows live in Python (app/views/workout.py); this file only reports which case applies.

let audio = null;
const alerted = new Set(); // rest end times already announced (kept per page load)
const ALERTED_KEY = "setflow.restAlerted"; // app/core/storage_keys.py REST_ALERTED

function clock(seconds) {
  const s = Math.max(0, seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const pad = (n) => String(n).padStart(2, "0");
  return h ? `${h}:${pad(m)}:${pad(r)}` : `${m}:${pad(r)}`;
}

function beep() {
  try {
    if (!audio) return;
    const osc = audio.createOscillator(), gain = audio.createGain();
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.2, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.6);
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.6);
  } catch (err) {
    console.warn("Setflow: no sound", err);
  }
}

async function notify() {
  if (!("Notification" in window) || Notification.permission !== "granted") return;
  if (document.visibilityState === "visible") return; // the screen itself says so
  const registration = await navigator.serviceWorker?.ready;
  // `renotify` (alert again for the same tag) is in the spec but not yet in TypeScript's DOM types.
  await registration?.showNotification("Rest over", /** @type {NotificationOptions} */ ({
    body: "Time for your next set.",
    tag: "setflow-rest",
    renotify: true,
    icon: "/icons/icon-192.png",
  }));
}

function restOver(ends) {
  if (alerted.has(ends) || localStorage.getItem(ALERTED_KEY) === String(ends)) return;
  alerted.add(ends);
  localStorage.setItem(ALERTED_KEY, String(ends));
  navigator.vibrate?.([200, 100, 200]);
  beep();
  notify().catch((err) => console.warn("Setflow: no notification", err));
  document.documentElement.dataset.restOver = String(ends);
}

function tick() {
  const now = Date.now();
  for (const el of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll("[data-since]"))) {
    el.textContent = clock(Math.floor((now - Number(el.dataset.since)) / 1000));
  }
  for (const el of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll("[data-ends]"))) {
    const ends = Number(el.dataset.ends);
    const left = Math.ceil((ends - now) / 1000);
    el.textContent = left > 0 ? clock(left) : "Rest over";
    el.closest(".rest-bar")?.classList.toggle("over", left <= 0);
    if (left <= 0) restOver(ends);
  }
}

// What this platform allows: "unsupported", "default" (not asked yet), "denied", "granted".
export function notifyState() {
  if (!("Notification" in window) || !("serviceWorker" in navigator)) return "unsupported";
  return Notification.permission;
}

// Called on the tap that first starts a rest timer (a user gesture): sound needs it, and the
// notification permission is asked for only then.
export async function prepareAlerts() {
  try {
    audio = audio || new AudioContext();
    if (audio.state === "suspended") await audio.resume();
  } catch (err) {
    audio = null;
  }
  if (notifyState() === "default") {
    try {
      await Notification.requestPermission();
    } catch (err) {
      console.warn("Setflow: notification permission", err);
    }
  }
  return notifyState();
}

window.setflowTicker = { notifyState, prepareAlerts, tick };
setInterval(tick, 1000);
document.addEventListener("visibilitychange", tick);
