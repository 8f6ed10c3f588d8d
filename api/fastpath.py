"""/sparql requests handed straight to their handler, past the framework's routing layers.

A small query spends more time in FastAPI's per-request machinery (nested router matching,
dependency solving, the exception and exit-stack middlewares) than in pyoxigraph. This
middleware sits inside FastAPI's outermost layers (server errors, body limit) and calls the
/sparql handler itself for GET and POST; the handler already answers every error it knows
with its protocol status, and anything unforeseen still becomes a 500 in the outer layer.
The route stays registered, so /sparql keeps its OpenAPI description, and every other path
or method (405 for PUT, say) goes through the router as before.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from api.sparql import sparql

PATH = "/sparql"
METHODS = frozenset({"GET", "POST"})


def route_path(scope: Scope) -> str:
    """The path as the router matches it: without the root path a proxy mounts us under."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


class SparqlFastPath:
    """ASGI middleware: GET/POST /sparql go to `api.sparql.sparql` directly."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in METHODS or route_path(scope) != PATH:
            await self.app(scope, receive, send)
            return
        response = await sparql(Request(scope, receive))
        await response(scope, receive, send)
