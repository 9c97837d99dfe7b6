"""Conversions between Python data and JS values, in bulk (one crossing per batch, not per row)."""

from __future__ import annotations

import json
from typing import Any

import js  # type: ignore[import-not-found]
from pyodide.ffi import JsProxy, to_js  # type: ignore[import-not-found]


def to_js_data(value: Any) -> Any:
    """Plain Python data (dicts, lists, scalars) as plain JS objects and arrays.

    It crosses as one JSON string: ``None`` arrives as ``null`` (``to_js`` would make it
    ``undefined``, which IndexedDB keeps but JSON drops, so a record would change shape on its
    way through the database), and for thousands of records one string beats a proxy walk.
    """
    return js.JSON.parse(json.dumps(value, separators=(",", ":"), allow_nan=False))


def to_js_object(value: dict[str, Any]) -> Any:
    """A dict that may hold JS objects (an ``AbortSignal``, say) as a JS object."""
    return to_js(value, dict_converter=js.Object.fromEntries, create_pyproxies=False)


def to_py_data(value: Any) -> Any:
    """A JS value as Python data; JS ``null``/``undefined`` become ``None``, nested ones too.

    It crosses as one JSON string, the mirror of ``to_js_data``: ``to_py()`` would turn a nested
    ``null`` into pyodide's ``jsnull``, which is not ``None``, fails the schema's checks and
    cannot be encoded again (the Store contract, tests/contract/store_rules.py, caught it).
    """
    if is_null(value):
        return None
    if isinstance(value, JsProxy):
        return json.loads(str(js.JSON.stringify(value)))
    return value


def is_null(value: Any) -> bool:
    """True for Python ``None`` and for JS ``null``/``undefined`` (pyodide's ``jsnull``)."""
    return value is None or type(value).__name__ in ("JsNull", "JsUndefined")
