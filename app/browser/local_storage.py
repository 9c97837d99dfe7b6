"""The page's localStorage as a ``MutableMapping[str, str]``, so the core can take a plain dict in tests.

A worker has no localStorage: this is the copy the page sent at start (``app/browser/page.py``),
kept current by the page when another tab writes; a write here goes to the page's as well.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping

from app.browser import page


class LocalStorage(MutableMapping[str, str]):
    def __getitem__(self, key: str) -> str:
        return page.storage[key]

    def __setitem__(self, key: str, value: str) -> None:
        page.write_storage(key, str(value))

    def __delitem__(self, key: str) -> None:
        if key not in page.storage:
            raise KeyError(key)
        page.write_storage(key, None)

    def __iter__(self) -> Iterator[str]:
        return iter(list(page.storage))

    def __len__(self) -> int:
        return len(page.storage)
