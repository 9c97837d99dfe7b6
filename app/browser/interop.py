"""Conversions between Python data and JS values, in bulk (one crossing per batch, not per row)."""

from __future__ import annotations

from typing import Any

import js  # type: ignore[import-not-found]
from pyodide.ffi import JsProxy, to_js  # type: ignore[import-not-found]


def to_js_data(value: Any) -> Any:
    """Plain Python data (dicts, lists, scalars) as plain JS objects and arrays."""
    return to_js(value, dict_converter=js.Object.fromEntries, create_pyproxies=False)


def to_py_data(value: Any) -> Any:
    """A JS value as Python data; JS ``null``/``undefined`` become ``None``."""
    if isinstance(value, JsProxy):
        return value.to_py()
    if is_null(value):
        return None
    return value


def is_null(value: Any) -> bool:
    """True for Python ``None`` and for JS ``null``/``undefined`` (pyodide's ``jsnull``)."""
    return value is None or type(value).__name__ in ("JsNull", "JsUndefined")


def attr(element: Any, name: str) -> str:
    """An element's attribute as a string, ``""`` when absent (no ``null`` reaches Python code)."""
    if is_null(element) or not hasattr(element, "getAttribute"):
        return ""
    value = element.getAttribute(name)
    return "" if is_null(value) else str(value)
