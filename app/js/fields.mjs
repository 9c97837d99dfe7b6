// What survives a re-render: the text being typed, and where the cursor is. Pure (no DOM), so
// tests/unit/test_fields.py runs it under Node.
//
// A re-render replaces the screen's HTML. Before it the page reads every field of the screen
// (`Field`); after it, `valuesToRestore` says which of the new fields get back what the person
// had typed. Pickers and workout fields are left as rendered: pickers always show the screen's
// state (date, exercise, chart), workout fields show the record or the draft typed. File inputs
// are never touched (a browser refuses to set them); instead the very element is kept
// (`keptInPlace`): its picker may be open while the screen redraws, and the file chosen then
// arrives on that element.

/** @typedef {{ id: string, tag: string, type: string, value: string, bound?: boolean }} Field */

export const TAGS = ["INPUT", "SELECT", "TEXTAREA"];

const typable = (/** @type {Field} */ f) => Boolean(f.id) && TAGS.includes(f.tag) && f.type !== "file";

// What the person had typed, by field id, before a re-render.
export function typed(/** @type {Field[]} */ fields) {
  /** @type {Record<string, string>} */
  const found = {};
  for (const f of fields) if (typable(f)) found[f.id] = f.value;
  return found;
}

// The values to put back into the re-rendered fields, by field id: not into a field bound to the
// screen's state (data-action or data-field), which shows that state instead.
export function valuesToRestore(/** @type {Record<string, string>} */ before, /** @type {Field[]} */ after) {
  /** @type {Record<string, string>} */
  const restore = {};
  for (const f of after) {
    if (Object.hasOwn(before, f.id) && typable(f) && !f.bound) restore[f.id] = before[f.id];
  }
  return restore;
}

// Ids of the file inputs whose element is carried into the re-rendered screen. A file picker
// stays open for seconds while a sync or a live change may redraw the screen; a new element in
// its place would receive nothing: the choice would be silently lost.
export function keptInPlace(/** @type {Field[]} */ before, /** @type {Field[]} */ after) {
  const isPicker = (/** @type {Field} */ f) => f.tag === "INPUT" && f.type === "file";
  const present = new Set(after.filter(isPicker).map((f) => f.id));
  return before.filter((f) => isPicker(f) && present.has(f.id)).map((f) => f.id);
}
