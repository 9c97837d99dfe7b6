// One request to Setflow's own server, for Python (app/browser/fetch_transport.py).
//
// It never rejects: a request that fails answers {ok: false, error} as plain data. A rejected
// promise awaited from Python hands Pyodide a foreign exception object, and in WebKit (Safari's
// engine) that arrived as "TypeError: invalid exception object": the sync never ended and its
// status stayed on "Syncing". A resolved value crosses into Python on every engine.
//
// The answer: {ok: true, status, json} where json is the parsed body (null when it is empty or
// not JSON), or {ok: false, error, read} where read says the answer broke after it began.
export async function request(path, options) {
  let response;
  try {
    response = await fetch(path, options);
  } catch (e) {
    return { ok: false, error: describe(e), read: false };
  }
  let text;
  try {
    text = await response.text();
  } catch (e) {
    return { ok: false, error: describe(e), read: true };
  }
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { ok: true, status: response.status, json };
}

function describe(error) {
  return String((error && (error.name === "TimeoutError" ? "timed out" : error.message)) || error);
}
