"""localStorage as a ``MutableMapping[str, str]``, so the core can take a plain dict in tests."""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping

import js  # type: ignore[import-not-found]


class LocalStorage(MutableMapping[str, str]):
    def __init__(self, storage: object | None = None) -> None:
        self._storage = storage if storage is not None else js.localStorage

    def __getitem__(self, key: str) -> str:
        value = self._storage.getItem(key)
        # A missing key is JS null, which arrives as pyodide's jsnull, not None.
        if value is None or not isinstance(value, str):
            raise KeyError(key)
        return value

    def __setitem__(self, key: str, value: str) -> None:
        self._storage.setItem(key, str(value))

    def __delitem__(self, key: str) -> None:
        if key not in self:
            raise KeyError(key)
        self._storage.removeItem(key)

    def __iter__(self) -> Iterator[str]:
        return iter([self._storage.key(i) for i in range(self._storage.length)])

    def __len__(self) -> int:
        return int(self._storage.length)
