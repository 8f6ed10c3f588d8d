"""/sparql: the SPARQL 1.1 Protocol (query and update operations).

Requests are read by hand rather than through FastAPI parameters so that every protocol
error gets its standard status: 400 for syntax errors (the parser's message with position),
repeated `query` parameters, or a query/update sent as the other; 415 for other media types
or charsets; 405 for other methods; 406 when no format fits; 413 for oversized bodies.
Queries run in the store's worker threads/processes (never on the event loop); a timeout or
an unreachable store answers 503.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request, Response
from fastapi.responses import PlainTextResponse
from starlette.concurrency import run_in_threadpool

from api import safety, update
from api.caching import store_version
from api.limits import TooManyRequests, client_id
from api.negotiation import (
    ALIASES,
    GRAPH_ALIASES,
    GRAPH_TYPES,
    HTML,
    RESULT_TYPES,
    NotAcceptable,
    format_param,
    negotiate,
)
from api.settings import Settings
from kg.store import QuerySyntaxError, QueryTimeout, StoreError, StoreUnavailable, sparqltext

router = APIRouter()

FORM = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"


class ProtocolError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.headers = headers or {}


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return PlainTextResponse(message + "\n", status_code=status, headers=headers)


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing (413) anything over `limit` bytes without reading it all."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ProtocolError(413, f"The request body is larger than the {limit}-byte limit.")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ProtocolError(413, f"The request body is larger than the {limit}-byte limit.")
        chunks.append(chunk)
    return b"".join(chunks)


def _decode(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, f"The {what} is not valid UTF-8: {exc}") from exc


async def collect_params(request: Request, settings: Settings) -> list[tuple[str, str]]:
    """All protocol parameters of the request as (name, value) pairs, in order."""
    params = list(request.query_params.multi_items())
    if request.method != "POST":
        return params
    content_type = request.headers.get("content-type", "")
    media, *rest = [p.strip() for p in content_type.split(";")]
    media = media.lower()
    for item in rest:
        key, _, value = item.partition("=")
        charset = value.strip().strip('"').lower()
        if key.strip().lower() == "charset" and charset not in {"utf-8", "utf8"}:
            raise ProtocolError(415, f"Only UTF-8 is accepted, not charset={charset}.")
    if media not in {FORM, QUERY_TYPE, UPDATE_TYPE}:
        shown = media or "none"
        raise ProtocolError(
            415, f"Content-Type {shown} is not accepted; use {FORM}, {QUERY_TYPE} or {UPDATE_TYPE}."
        )
    body = await read_body(request, settings.max_body_bytes)
    if media == FORM:
        text = _decode(body, "form body")
        try:
            pairs = parse_qsl(text, keep_blank_values=True, errors="strict")
        except (UnicodeDecodeError, ValueError) as exc:
            raise ProtocolError(400, f"The form body cannot be decoded: {exc}") from exc
        return params + pairs
    name = "query" if media == QUERY_TYPE else "update"
    if any(k == name for k, _ in params):
        raise ProtocolError(400, f"Send the {name} either in the body or as a parameter, not both.")
    return [*params, (name, _decode(body, f"{name} body"))]


def _values(params: list[tuple[str, str]], name: str) -> list[str]:
    return [v for k, v in params if k == name]


def choose_format(kind: str, params: list[tuple[str, str]], accept: str | None) -> str:
    family = GRAPH_TYPES if kind == "graph" else RESULT_TYPES
    fmt = _values(params, "format")
    if fmt:
        return format_param(fmt[-1], family)
    return _negotiated(kind == "graph", accept)


_GRAPH_OFFER_ALIASES = GRAPH_ALIASES | {k: v for k, v in ALIASES.items() if k not in GRAPH_ALIASES}


@lru_cache(maxsize=256)
def _negotiated(graph: bool, accept: str | None) -> str:
    """The media type for an Accept header; cached, as clients repeat the same few headers.

    A NotAcceptable is raised again each time (exceptions are not cached)."""
    if graph:
        return negotiate(accept, list(GRAPH_TYPES.values()), _GRAPH_OFFER_ALIASES)
    return negotiate(accept, list(RESULT_TYPES.values()), ALIASES)


async def run_query(request: Request, params: list[tuple[str, str]], text: str) -> Response:
    settings: Settings = request.app.state.settings
    store = request.app.state.store
    if sparqltext.is_update(text):
        raise ProtocolError(
            400,
            "This is a SPARQL Update, not a query: POST it as 'update=' or "
            f"with Content-Type {UPDATE_TYPE}.",
        )
    try:
        safety.check_nesting(text)
        safety.check_graph_iris("default-graph-uri", _values(params, "default-graph-uri"))
        safety.check_graph_iris("named-graph-uri", _values(params, "named-graph-uri"))
        safety.check_query(text, settings.service_allowlist)
    except safety.Refused as exc:
        raise ProtocolError(400, str(exc)) from exc
    kind = sparqltext.query_form(text, default="select")
    try:
        media = choose_format(kind, params, request.headers.get("accept"))
    except NotAcceptable as exc:
        raise ProtocolError(406, str(exc)) from exc
    options = {
        "default_graphs": _values(params, "default-graph-uri") or None,
        "named_graphs": _values(params, "named-graph-uri") or None,
        "timeout": settings.query_timeout,
    }
    state = request.app.state
    version = store_version(store)
    key = (text, tuple(options["default_graphs"] or ()), tuple(options["named_graphs"] or ()),
           media)  # fmt: skip
    cached = state.results.get(version, key)
    if cached is not None:
        return _answer(cached, settings, hit=True)
    client = client_id(
        request.client.host if request.client else None,
        {k: request.headers.get(k, "") for k in ("authorization", "x-forwarded-for")},
        settings.trusted_proxies,
    )
    try:
        ticket = state.fair_share.admit(client)
    except TooManyRequests as exc:
        raise ProtocolError(429, str(exc), {"Retry-After": str(exc.retry_after)}) from exc
    try:
        # A store that can await its answer on the event loop (the worker pool) skips the
        # hop to a thread; any other store (remote, in-memory) runs in the thread pool.
        aquery = getattr(store, "aquery", None)
        if aquery is not None:
            result = await aquery(text, media, **options)
        else:
            result = await run_in_threadpool(store.query, text, media, **options)
    except QuerySyntaxError as exc:
        raise ProtocolError(400, f"Query syntax error: {exc}") from exc
    except (QueryTimeout, StoreUnavailable) as exc:
        raise ProtocolError(503, str(exc), {"Retry-After": "5"}) from exc
    except StoreError as exc:
        status = 502 if "SERVICE" in text.upper() else 500
        raise ProtocolError(status, str(exc)) from exc
    finally:
        ticket.finish()
    if "SERVICE" not in text.upper():  # a federated answer depends on another server
        state.results.put(version, key, result, len(result.body))
    return _answer(result, settings, hit=False)


def _answer(result: object, settings: Settings, *, hit: bool) -> Response:
    headers = {"Vary": "Accept", "X-PRKG-Cache": "hit" if hit else "miss"}
    if getattr(result, "truncated", False):
        headers["X-PRKG-Truncated"] = "true"
        headers["X-SPARQL-MaxRows"] = str(settings.max_rows)
    return Response(result.body, media_type=result.media_type, headers=headers)  # type: ignore[attr-defined]


async def run_update(request: Request, params: list[tuple[str, str]], text: str) -> Response:
    settings: Settings = request.app.state.settings
    graph = request.app.state.namespaces.updates_graph
    if request.method != "POST":
        raise ProtocolError(400, "SPARQL Update must be sent with POST.")
    try:
        update.authorize(settings, request.headers.get("authorization"))
    except update.UpdateRefused as exc:
        headers = {"WWW-Authenticate": 'Bearer realm="prkg"'} if exc.status == 401 else None
        raise ProtocolError(exc.status, str(exc), headers) from exc
    if sparqltext.is_query(text):
        raise ProtocolError(400, "This is a query, not an update: send it as 'query='.")
    if not sparqltext.operation_word(text):
        raise ProtocolError(400, "The update is empty.")
    if _values(params, "using-graph-uri") or _values(params, "using-named-graph-uri"):
        raise ProtocolError(
            400,
            "using-graph-uri / using-named-graph-uri are not supported; write USING in the update.",
        )
    try:
        safety.check_nesting(text)
        safety.check_update(text, settings.service_allowlist)
    except safety.Refused as exc:
        raise ProtocolError(400, str(exc)) from exc
    store = request.app.state.store
    try:
        await run_in_threadpool(store.update, update.confine(text, graph), graph=graph)
    except QuerySyntaxError as exc:
        message = update.user_position(str(exc), text, graph)
        raise ProtocolError(400, f"Update syntax error: {message}") from exc
    except StoreError as exc:
        raise ProtocolError(503, f"The update could not be applied: {exc}") from exc
    return PlainTextResponse(f"Update applied to <{graph}>.\n")


async def describe_service(request: Request, params: list[tuple[str, str]]) -> Response:
    """GET /sparql with no query: the query UI for browsers, the service description for RDF."""
    from api.deps import per_build
    from api.ui import render_ui
    from api.void import public_base, serialize, service_description

    if not _values(params, "format"):
        offers = [HTML, *GRAPH_TYPES.values()]
        try:
            media = negotiate(request.headers.get("accept"), offers, GRAPH_ALIASES)
        except NotAcceptable as exc:
            raise ProtocolError(406, str(exc)) from exc
        if media == HTML:
            return render_ui(request)
    settings: Settings = request.app.state.settings
    store = request.app.state.store
    ns = request.app.state.namespaces
    base = public_base(request, settings)
    try:
        graph = await run_in_threadpool(
            per_build,
            request,
            ("service-description", base),
            lambda: service_description(store, ns, settings, base),
        )
    except StoreError as exc:
        raise ProtocolError(503, f"The service description is unavailable: {exc}") from exc
    fmt = _values(params, "format")
    return serialize(graph, request, fmt[-1] if fmt else None)


@router.api_route(
    "/sparql",
    methods=["GET", "POST"],
    summary="SPARQL 1.1 Protocol endpoint (query via GET/POST, update via POST)",
    description=(
        "Parameters: `query` or `update`, `default-graph-uri`, `named-graph-uri`, and "
        "`format` (json, xml, csv, tsv, turtle, ntriples, rdfxml, jsonld, trig, nquads). "
        "POST bodies: application/x-www-form-urlencoded, application/sparql-query, "
        "application/sparql-update (UTF-8)."
    ),
    responses={
        200: {
            "description": "Query results, an RDF graph, the service description or the query UI",
            "content": {
                media: {}
                for media in (
                    "application/sparql-results+json",
                    "application/sparql-results+xml",
                    "text/csv",
                    "text/tab-separated-values",
                    "text/turtle",
                    "application/n-triples",
                    "application/rdf+xml",
                    "application/ld+json",
                    "application/trig",
                    "application/n-quads",
                    "text/html",
                )
            },
        },
        204: {"description": "Update applied"},
        **{
            status: {"description": text, "content": {"text/plain": {}}}
            for status, text in (
                (400, "Malformed request or query (the parser's message)"),
                (401, "Missing or wrong update token"),
                (403, "Updates are disabled"),
                (405, "Method not allowed"),
                (406, "No acceptable format"),
                (413, "Body too large"),
                (415, "Unsupported media type or charset"),
                (429, "Past a per-client limit (Retry-After says when to try again)"),
                (503, "Query timed out or store unavailable"),
            )
        },
    },
)
async def sparql(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    try:
        params = await collect_params(request, settings)
        queries, updates = _values(params, "query"), _values(params, "update")
        if queries and updates:
            raise ProtocolError(400, "Give either 'query' or 'update', not both.")
        if len(queries) > 1 or len(updates) > 1:
            raise ProtocolError(400, "Give exactly one 'query' (or 'update') parameter.")
        if queries:
            return await run_query(request, params, queries[0])
        if updates:
            return await run_update(request, params, updates[0])
        if request.method == "GET":
            return await describe_service(request, params)
        raise ProtocolError(400, "The request has no 'query' or 'update'.")
    except ProtocolError as exc:
        return _error(exc.status, str(exc), exc.headers)
