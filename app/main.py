"""PyScript entry point (index.html runs this file): start the app."""

from app.browser.boot import start

await start()  # noqa: F704 - PyScript runs this file with top-level await
