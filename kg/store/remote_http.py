"""How prkg speaks HTTP to a SPARQL server (`kg.store.remote`) and reads its answers.

Authentication that answers the server's challenge (Digest or Basic), the mapping of a
failed answer onto the store errors (with the server's own words), and the few rewrites of
answers that break the standard (SPARQL 1.0 `typed-literal`, booleans as 1/0, graph formats
the server cannot write). Apart from `RemoteStore` so that the store operations read as such.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator

import httpx
import pyoxigraph as ox

from kg.store.interface import (
    GRAPH_FORMATS,
    QuerySyntaxError,
    QueryTimeout,
    StoreError,
    StoreUnavailable,
    Term,
)

XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
SPARQL_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
# Grace added to the server-side limit before the client gives up on the connection.
CLIENT_TIMEOUT_GRACE = 5.0


class ServerAuth(httpx.Auth):
    """HTTP auth that answers whichever challenge the server sends: Digest (Virtuoso) or Basic.

    The scheme is learnt from the first 401 and kept, so later requests go out authenticated
    straight away (httpx's DigestAuth reuses the challenge).
    """

    requires_request_body = True

    def __init__(self, user: str, password: str) -> None:
        self._digest = httpx.DigestAuth(user, password)
        self._basic = httpx.BasicAuth(user, password)
        self._scheme: str | None = None
        self._lock = threading.Lock()

    def auth_flow(self, request: httpx.Request) -> Iterator[httpx.Request]:
        if self._scheme == "digest":
            with self._lock:
                yield from self._digest.auth_flow(request)
            return
        if self._scheme == "basic":
            yield from self._basic.auth_flow(request)
            return
        response = yield request
        if response.status_code != 401:
            return
        challenges = [h.lower() for h in response.headers.get_list("www-authenticate")]
        if any(c.startswith("digest") for c in challenges):
            self._scheme = "digest"
            with self._lock:
                yield from self._digest.auth_flow(request)
        elif any(c.startswith("basic") for c in challenges):
            self._scheme = "basic"
            yield from self._basic.auth_flow(request)


def check_response(response: httpx.Response, what: str) -> httpx.Response:
    """Map an unsuccessful answer onto the store's errors, with the server's own words."""
    if response.headers.get("x-sql-state") == "S1TAT":
        raise QueryTimeout(
            "The query ran past its time limit on the SPARQL server and was stopped "
            f"({response.headers.get('x-sql-message', 'incomplete results').strip()[:200]})."
        )
    status = response.status_code
    if status < 300:
        return response
    message = server_message(response)
    if status in (502, 503, 504):
        raise StoreUnavailable(
            f"The SPARQL server at {response.request.url} is unavailable (HTTP {status}): {message}"
        )
    if status in (401, 403):
        raise StoreError(
            f"The SPARQL server refused {what} (HTTP {status}): {message}. "
            "Check the store user and password (PRKG_STORE_USER / PRKG_STORE_PASSWORD) "
            "and the endpoint URLs."
        )
    if status == 404:
        raise StoreUnavailable(
            f"No SPARQL endpoint at {response.request.url} (HTTP 404); check the store URL."
        )
    if status == 400 or is_compile_error(message):
        raise QuerySyntaxError(message)
    if "timeout" in message.lower() or "timed out" in message.lower():
        raise QueryTimeout(message)
    raise StoreError(f"The SPARQL server failed on {what} (HTTP {status}): {message}")


_COMPILE_ERROR = re.compile(r"\b(37000|SP0\d\d|syntax error|parse error|Lexical error)", re.I)


def is_compile_error(message: str) -> bool:
    return bool(_COMPILE_ERROR.search(message))


def server_message(response: httpx.Response) -> str:
    """The server's error text without the echo of the query or HTML wrapping."""
    text = response.text or response.reason_phrase or ""
    text = re.sub(r"(?is)<(script|style|title)[^>]*>.*?</\1>", " ", text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = text.split("\nSPARQL query:", 1)[0]
    text = re.sub(r"\s+", " ", text).strip()
    return text[:2000] or f"HTTP {response.status_code}"


def json_payload(response: httpx.Response) -> dict:
    try:
        return json.loads(response.content)
    except ValueError as exc:
        raise StoreError(
            f"The SPARQL server sent no JSON results ({response.headers.get('content-type')})."
        ) from exc


def canonical(term: Term) -> Term:
    """Virtuoso writes xsd:boolean as 1/0 (valid, not canonical); give the canonical form."""
    if term.datatype == XSD_BOOLEAN and term.value in ("1", "0"):
        return Term(term.kind, "true" if term.value == "1" else "false", term.datatype)
    return term


def standard_json(body: bytes) -> bytes:
    """SPARQL 1.1 JSON results from a server that writes the 1.0 dialect (`typed-literal`)."""
    if b"typed-literal" not in body and XSD_BOOLEAN.encode() not in body:
        return body
    payload = json.loads(body)
    for binding in payload.get("results", {}).get("bindings", []):
        for value in binding.values():
            if value.get("type") == "typed-literal":
                value["type"] = "literal"
            if value.get("datatype") == XSD_BOOLEAN and value.get("value") in ("1", "0"):
                value["value"] = "true" if value["value"] == "1" else "false"
    return json.dumps(payload, ensure_ascii=False).encode()


def convert_graph(body: bytes, source: str, target: str) -> bytes:
    """Re-serialise a graph answer the server could only write in another format."""
    quads = ox.parse(body, format=GRAPH_FORMATS[source])
    return ox.serialize(quads, format=GRAPH_FORMATS[target]) or b""
