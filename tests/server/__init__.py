"""Server tests.

Starlette's TestClient warns, once, when it is first imported, that it will move from httpx to
httpx2; that is Starlette's roadmap, not something these tests can act on.
"""

import warnings

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    import starlette.testclient  # noqa: F401
