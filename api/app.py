"""The app factory: `create_app(settings)` wires settings, the store and one router per concern."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse

from api.caching import ConditionalGet, PerBuild, ResultCache
from api.headers import CorsAndSecurity
from api.limits import FairShare
from api.settings import Settings
from kg.data.namespaces import Namespaces
from kg.store import QuerySyntaxError, QueryTimeout, Store, StoreError, StoreUnavailable

# One module per HTTP concern, each exposing `router`. Order matters only for overlapping paths.
ROUTER_MODULES: tuple[str, ...] = (
    "api.sparql",  # /sparql: SPARQL 1.1 Protocol (query, update)
    "api.pages",  # /id/{slug}, /source/{id}: linked-data pages
    "api.ontology_doc",  # /ontology
    "api.void",  # /.well-known/void, service description
    "api.dumps",  # /dumps/
    "api.releases",  # /releases/: dated releases, changelogs, downloads
    "api.search",  # /, /search: search box, results, type-ahead
    "api.ui",  # /query: query UI and examples gallery
    "api.graphviews",  # /graph, /graph/{slug}
    "api.timeline",  # /timeline
    "api.disputes",  # /disputes: facts on which sources disagree
    "api.reconcile",  # /reconcile: W3C reconciliation API
    "api.export",  # /export/*.csv, /context.jsonld
)


def open_store(settings: Settings) -> Store:
    """The store the settings name: a remote SPARQL server, or the embedded store on disk."""
    from api.backend import open_configured_store

    return open_configured_store(settings)


def create_app(settings: Settings, store: Store | None = None) -> FastAPI:
    """Build an app. Tests pass their own `store`; otherwise the settings choose one."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if app.state.store is None:
            app.state.store = open_store(settings)
            app.state.owns_store = True
        app.state.fair_share.workers = getattr(app.state.store, "worker_count", None)
        yield
        if getattr(app.state, "owns_store", False):
            app.state.store.close()

    app = FastAPI(
        title="prkg — Pakistan–Russia Knowledge Graph",
        version="0.1.0",
        description="SPARQL 1.1 endpoint, linked-data pages and graph views over sourced facts.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.namespaces = Namespaces(settings.namespace)
    app.state.store = store
    app.state.fair_share = FairShare(
        max_concurrent=settings.client_max_concurrent,
        seconds_per_window=settings.client_query_seconds,
        window=settings.client_window_seconds,
        workers=getattr(store, "worker_count", None),
    )
    app.state.results = ResultCache(
        settings.result_cache_seconds, pinned=gallery_texts(settings.data_dir / "queries")
    )
    app.state.per_build = PerBuild()
    for name in ROUTER_MODULES:
        module = importlib.import_module(name)
        app.include_router(module.router)
    add_error_handlers(app)
    from api.fastpath import SparqlFastPath

    app.add_middleware(ConditionalGet, store_of=lambda: app.state.store)  # ETag, 304
    app.add_middleware(SparqlFastPath)  # /sparql past the routing layers (see api/fastpath.py)
    # Outermost: CORS and the security headers apply to every answer, /sparql's included.
    app.add_middleware(
        CorsAndSecurity, origins=settings.cors_origins, update_origins=settings.cors_update_origins
    )
    return app


def gallery_texts(folder: Path) -> frozenset[str]:
    """The query texts of the examples gallery, whose answers are kept for a whole build."""
    from api.gallery import load_gallery

    return frozenset(q.query for q in load_gallery(folder)) if folder.is_dir() else frozenset()


def add_error_handlers(app: FastAPI) -> None:
    """Store errors that reach no router-specific handler: never a bare 500.

    A store that is down or a query that ran out of time is the server's temporary
    trouble (503, try again); a query that does not parse is the client's (400).
    """

    async def unavailable(_request: Request, exc: Exception) -> PlainTextResponse:
        return PlainTextResponse(
            f"Service unavailable: {exc}", status_code=503, headers={"Retry-After": "5"}
        )

    async def bad_query(_request: Request, exc: Exception) -> PlainTextResponse:
        return PlainTextResponse(f"Bad query: {exc}", status_code=400)

    app.add_exception_handler(StoreUnavailable, unavailable)
    app.add_exception_handler(QueryTimeout, unavailable)
    app.add_exception_handler(StoreError, unavailable)
    app.add_exception_handler(QuerySyntaxError, bad_query)
