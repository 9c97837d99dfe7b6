"""PyScript entry point (index.html runs this file): start the app, or say why it cannot."""

import js  # type: ignore[import-not-found]

try:
    from app.browser.boot import start
except Exception as err:  # a missing or broken module must reach the person as a sentence
    js.window.setflowStartupError(f"Setflow's code failed to load: {type(err).__name__}: {err}")
    raise

await start()  # noqa: F704 - PyScript runs this file with top-level await
