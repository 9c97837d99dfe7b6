"""The app's entry point, run in its worker (app/js/worker.mjs): start the app, or say why not."""

from __future__ import annotations

import js  # type: ignore[import-not-found]


async def main() -> None:
    js.performance.mark("setflow-main")  # the runtime is up, the app's modules written
    from app.browser import page

    try:
        from app.browser.boot import start
    except Exception as err:  # a missing or broken module must reach the person as a sentence
        page.post("error", message=f"Setflow's code failed to load: {type(err).__name__}: {err}")
        page.set_state("error")
        raise
    js.performance.mark("setflow-imported")
    await start()
