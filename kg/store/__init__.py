"""The store stage: the one `Store` interface the rest of prkg talks to, its errors, and its
backends (embedded pyoxigraph, a remote SPARQL server, the pool of query workers).

Callers import the interface from here (`from kg.store import Store, StoreError`), so that a
backend can change without touching them; a backend itself is imported from its own module
(`kg.store.remote`, `kg.store.workers`).
"""

from kg.store.embedded import (
    EmbeddedStore,
    run_query,
)
from kg.store.interface import (
    GRAPH_FORMATS,
    RESULT_FORMATS,
    QueryMemoryExceeded,
    QueryResult,
    QuerySyntaxError,
    QueryTimeout,
    Row,
    Store,
    StoreError,
    StoreUnavailable,
    Term,
    rows_from_json,
)

__all__ = [
    "GRAPH_FORMATS",
    "RESULT_FORMATS",
    "EmbeddedStore",
    "QueryMemoryExceeded",
    "QueryResult",
    "QuerySyntaxError",
    "QueryTimeout",
    "Row",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "Term",
    "rows_from_json",
    "run_query",
]
