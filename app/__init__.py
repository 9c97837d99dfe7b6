"""Setflow: an offline-first workout tracker whose logic is Python running in the browser.

``app.core`` is pure Python (no ``js``): it runs in the browser and under plain CPython, and the
server imports its protocol module.  ``app.browser`` holds the thin adapters to IndexedDB,
localStorage, fetch and the DOM.
"""
