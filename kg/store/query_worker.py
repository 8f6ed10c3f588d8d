"""One query worker process: run a query on the read-only store, answer with its bytes.

The process side of the pool in kg/store/workers.py, which starts, times and kills these. A
worker opens the store once, then answers requests one at a time; each answer is capped
at `max_rows` (Virtuoso-style: still well-formed, with `CappedResult.truncated` set) and
sent back as one message, or two when the body is large.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from kg.data.namespaces import PREFIXES
from kg.store.embedded import (
    EmbeddedStore,
    run_query,
)
from kg.store.interface import (
    GRAPH_FORMATS,
    RESULT_FORMATS,
    QueryResult,
    QuerySyntaxError,
    StoreError,
    StoreUnavailable,
)
from kg.store.solutions import solutions_json

RDF_FORMATS: dict[str, ox.RdfFormat] = GRAPH_FORMATS
JSON_RESULTS = "application/sparql-results+json"
# Answers up to this size travel inside the reply header and are read on the event loop;
# larger ones follow as their own frame, read in a thread (see `_reply`, `aquery`).
INLINE_BODY = 256 * 1024
ERRORS: dict[str, type[StoreError]] = {
    "QuerySyntaxError": QuerySyntaxError,
    "StoreUnavailable": StoreUnavailable,
    "StoreError": StoreError,
}


@dataclass(frozen=True, slots=True)
class CappedResult(QueryResult):
    """A QueryResult that also says whether rows beyond the cap were dropped."""

    truncated: bool = False


def execute(
    store: ox.Store,
    query: str,
    media_type: str,
    default_graphs: Sequence[str] | None,
    named_graphs: Sequence[str] | None,
    max_rows: int,
) -> CappedResult:
    """Run one query in this process and serialise at most `max_rows` rows.

    Only `max_rows + 1` solutions (or triples) are ever read: enough to know whether the
    answer was cut, without materialising a runaway result.
    """
    try:
        result = run_query(store, query, default_graphs, named_graphs)
        if isinstance(result, ox.QueryBoolean):
            body = result.serialize(format=RESULT_FORMATS[media_type]) or b""
            return CappedResult("ask", media_type, body)
        if isinstance(result, ox.QueryTriples):
            triples = list(islice(result, max_rows + 1))
            truncated = len(triples) > max_rows
            del triples[max_rows:]
            fmt = RDF_FORMATS[media_type]
            body = ox.serialize(triples, format=fmt, prefixes=PREFIXES) or b""
            return CappedResult("graph", media_type, body, truncated)
        names = [v.value for v in result.variables]
        rows = list(islice(result, max_rows + 1))
        truncated = len(rows) > max_rows
        del rows[max_rows:]
        body = solutions_json(names, rows)
        if media_type != JSON_RESULTS:  # XML, CSV, TSV: the engine writes them from the JSON
            parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
            body = parsed.serialize(format=RESULT_FORMATS[media_type]) or b""
        return CappedResult("select", media_type, body, truncated)
    except OSError as exc:  # failed SERVICE call, or the store could not be read
        raise StoreError(f"The query failed while running: {exc}") from exc


def serve(path: str, conn: Connection, max_rows: int) -> None:
    """Worker process main loop: open the store once, answer requests until told to stop.

    Each answer is one message (see `_reply`), so the parent wakes up once per query.
    """
    store: ox.Store | None = None
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        query, media_type, default_graphs, named_graphs = request
        try:
            if store is None:
                store = EmbeddedStore(Path(path), read_only=True).oxigraph
            result = execute(store, query, media_type, default_graphs, named_graphs, max_rows)
        except StoreError as exc:
            name = type(exc).__name__ if type(exc).__name__ in ERRORS else "StoreError"
            conn.send(("error", name, str(exc)))
            continue
        except Exception as exc:  # never let a worker die silently on an engine surprise
            conn.send(("error", "StoreError", f"{type(exc).__name__}: {exc}"))
            continue
        _reply(conn, result)


def _reply(conn: Connection, result: CappedResult) -> None:
    """Send a result: small bodies inside the header message, large ones as a second frame.

    A large body in its own frame lets the service read it off the event loop (see
    `PooledEmbeddedStore.aquery`), and avoids pickling megabytes.
    """
    if len(result.body) <= INLINE_BODY:
        conn.send(("ok", result.kind, result.truncated, result.body))
    else:
        conn.send(("ok", result.kind, result.truncated, None))
        conn.send_bytes(result.body)


def decode_reply(reply: tuple, media_type: str) -> CappedResult:
    """A worker's reply as a result, or the error it reported raised here."""
    if reply[0] == "ok":
        _, kind, truncated, body = reply
        return CappedResult(kind, media_type, body, truncated)
    raise ERRORS.get(reply[1], StoreError)(reply[2])
