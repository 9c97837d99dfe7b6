// The app's worker (app/js/worker.mjs), made the moment the page runs any script: this module
// imports nothing, so it runs before the rest of the page's modules have even arrived, and the
// runtime's download starts that much sooner. Its messages are kept until app/js/page.mjs takes
// them (a Worker's message with no listener yet would be lost).
const meta = /** @type {HTMLMetaElement | null} */ (document.querySelector('meta[name="setflow-version"]'));

// The worker's name carries the app version: its runtime looks for this version's snapshot.
export const worker = new Worker(new URL("./worker.mjs", import.meta.url), {
  type: "module",
  name: meta ? meta.content : "",
});

/** @type {MessageEvent[]} */
const early = [];
/** @type {ErrorEvent[]} */
const failed = [];
worker.onmessage = (event) => early.push(event);
worker.onerror = (event) => failed.push(event);

// Hands over the messages (and errors) so far, then every later one.
export function take(
  /** @type {(event: MessageEvent) => void} */ onMessage,
  /** @type {(event: ErrorEvent) => void} */ onError,
) {
  worker.onmessage = onMessage;
  worker.onerror = onError;
  for (const event of early.splice(0)) onMessage(event);
  for (const event of failed.splice(0)) onError(event);
}
