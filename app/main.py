"""PyScript entry point (index.html runs this file): start the app, or say why it cannot."""

import asyncio
import importlib
import os
import time

import js  # type: ignore[import-not-found]

import app

js.performance.mark("setflow-main")  # PyScript has set up Python and the app's files

# A first visit compiles every module of the app here (about 0.7 s of Python on this kind of
# machine, one long task): the pure core and views are imported a module at a time, and the
# main thread goes back to the page whenever this much time has passed, so the last screen and
# the "getting ready" note stay responsive. A reopen has them from the start-up snapshot
# already, and passes through without a pause.
SLICE_S = 0.04


async def _import_pure_modules_in_slices() -> None:
    base = os.path.dirname(app.__file__)  # the folder PyScript wrote the app's files into
    since = time.perf_counter()
    for package in ("core", "core/formats", "views"):
        for name in sorted(os.listdir(os.path.join(base, package))):
            if name.endswith(".py") and name != "__init__.py":
                importlib.import_module(f"app.{package.replace('/', '.')}.{name[:-3]}")
                if time.perf_counter() - since > SLICE_S:
                    await asyncio.sleep(0)
                    since = time.perf_counter()


try:
    await _import_pure_modules_in_slices()  # noqa: F704 - PyScript runs this with top-level await
    from app.browser.boot import start
except Exception as err:  # a missing or broken module must reach the person as a sentence
    js.window.setflowStartupError(f"Setflow's code failed to load: {type(err).__name__}: {err}")
    raise
js.performance.mark("setflow-imported")

await start()  # noqa: F704 - PyScript runs this file with top-level await
