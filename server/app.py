"""The ASGI application: the public files of the app plus the JSON API under ``/api/``."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Match

from server import (
    account_api,
    api,
    bundle,
    delivery,
    errors,
    live,
    openapi,
    pruning,
    static,
    throttle,
)
from server.accounts import Accounts, make_hasher
from server.config import Config
from server.database import Database
from server.guards import SameOriginGuard
from server.headers import SecurityHeaders

# The page and scripts are revalidated on every load; the service worker does the offline caching.
NO_CACHE = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
# Nothing but our own origin, ever: the browser itself refuses any CDN or third-party request.
# Pyodide needs to compile WebAssembly and evaluate its own JS glue ('wasm-unsafe-eval',
# 'unsafe-eval'); the progress chart's SVG carries style attributes ('unsafe-inline' styles).
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
PAGE_HEADERS = {**NO_CACHE, "Content-Security-Policy": CONTENT_SECURITY_POLICY}


# The garbage collector's thresholds while serving.  Python's default (700 allocations) runs a
# young-generation collection every few requests, and the older generations' collections, which
# walk every object FastAPI, SQLAlchemy and pydantic keep, land in some requests' latency.
# Measured with 50 devices on SQLite, the server before and after alternating in one quiet run:
# p99 138 -> 94 ms, 1,034 -> 1,197 req/s (docs/performance.md, "Quiet re-run").
SERVING_GC_THRESHOLDS = (50_000, 50, 100)


def create_app(config: Config | None = None) -> FastAPI:
    config = config or Config.from_env()
    db = Database(config.database, config.sqlite_synchronous)
    streams = live.Live(db, heartbeat=config.heartbeat)
    pruner = pruning.Pruner(db)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Migrate at startup so a bad --database fails now, not at the first sync.
        await run_in_threadpool(lambda: db.engine)
        await streams.start()
        pruner.start()
        thresholds = gc.get_threshold()
        gc.set_threshold(*SERVING_GC_THRESHOLDS)
        try:
            yield
        finally:
            gc.set_threshold(*thresholds)
        await pruner.stop()
        await streams.stop()
        db.close()

    app = FastAPI(
        lifespan=lifespan,
        title="Setflow",
        summary="Sync API of Setflow, the offline-first workout tracker.",
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.config = config
    # The database opens (and migrates) on first use too, for servers run without lifespan.
    app.state.db = db
    app.state.live = streams
    app.state.accounts = Accounts(
        db,
        make_hasher(config.password_profile),
        limits=throttle.Limits(signups_per_address=config.signups_per_hour),
    )
    errors.install(app)
    openapi.install(app)
    app.add_middleware(SameOriginGuard, public_origin=config.public_origin)
    app.add_middleware(SecurityHeaders, hsts=config.secure_cookies)
    assets = static.Assets(config.static_root)
    files = delivery.Delivery()

    @app.get("/api/health", tags=["meta"], summary="The server is up.")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    health_route = app.router.routes[-1]

    # The API before the catch-all route for public files.
    app.include_router(api.router)
    app.include_router(live.router)
    app.include_router(account_api.router)

    async def sw_assets(request: Request) -> Response:
        return Response(
            assets.current().script(),
            media_type="text/javascript; charset=utf-8",
            headers=NO_CACHE,
        )

    async def app_modules(request: Request) -> Response:
        made = assets.bundle.current()
        body = files.made_body(bundle.URL, made, request.headers.get("accept-encoding", ""))
        return files.answer(request, body, "application/json", NO_CACHE)

    async def public_file(request: Request) -> Response:
        rel = request.path_params["path"]
        if rel.startswith("api/") or rel == "api":
            return JSONResponse({"error": "not_found", "message": "No such API endpoint."}, 404)
        path = static.resolve(config.static_root, rel or "index.html")
        if path is None:
            return Response("Not found", status_code=404, media_type="text/plain")
        headers = PAGE_HEADERS if path.suffix in (".html", ".js") else NO_CACHE
        version = assets.current().version if path.suffix == ".html" else ""
        return files.response(request, path, static.media_type(path), headers, version)

    async def api_not_found(request: Request) -> Response:
        # A declared path asked with another method: 405 naming the methods it takes.
        allowed = sorted(
            method
            for route in (
                *api.router.routes,
                *live.router.routes,
                *account_api.router.routes,
                health_route,
            )
            if isinstance(route, APIRoute) and route.matches(request.scope)[0] == Match.PARTIAL
            for method in route.methods or ()
        )
        if allowed:
            return errors.error_response(
                405,
                "method_not_allowed",
                "This endpoint does not take that method.",
                {"Allow": ", ".join(allowed)},
            )
        return errors.error_response(404, "not_found", "No such API endpoint.")

    app.router.add_route(
        "/api/{rest:path}",
        api_not_found,
        methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
        include_in_schema=False,
    )
    app.router.add_route(
        "/sw-assets.js", sw_assets, methods=["GET", "HEAD"], include_in_schema=False
    )
    app.router.add_route(bundle.URL, app_modules, methods=["GET", "HEAD"], include_in_schema=False)
    app.router.add_route(
        "/{path:path}", public_file, methods=["GET", "HEAD"], include_in_schema=False
    )
    return app
