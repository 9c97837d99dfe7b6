"""PyScript entry point (index.html runs this file): start the app, or say why it cannot."""

import js  # type: ignore[import-not-found]

js.performance.mark("setflow-main")  # PyScript has set up Python and the app's files
try:
    from app.browser.boot import start
except Exception as err:  # a missing or broken module must reach the person as a sentence
    js.window.setflowStartupError(f"Setflow's code failed to load: {type(err).__name__}: {err}")
    raise
js.performance.mark("setflow-imported")

await start()  # noqa: F704 - PyScript runs this file with top-level await
