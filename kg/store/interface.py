"""The one `Store` interface the rest of prkg talks to, its errors and its result types.

The API, the views and the CLI never touch pyoxigraph (or a remote server) directly: they
get a `Store` and ask it SPARQL questions. Two implementations exist: `EmbeddedStore`
(pyoxigraph on disk, kg/store/embedded.py) and `RemoteStore` (any SPARQL 1.1 server,
kg/store/remote.py); `PooledEmbeddedStore` (kg/store/workers.py) runs the embedded one in
killable worker processes. The default graph that queries see is always the union of all
graphs. Callers import these names from `kg.store`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import pyoxigraph as ox

# Media types of the result formats the engine serialises itself.
RESULT_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/trig": ox.RdfFormat.TRIG,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}


class StoreError(Exception):
    """Base of the errors a store raises, each with a message a researcher can act on."""


class QuerySyntaxError(StoreError):
    """The query (or update) does not parse; the message is the parser's, with its position."""


class QueryTimeout(StoreError):
    """The query ran past the configured time limit and was stopped."""


class QueryMemoryExceeded(QueryTimeout):
    """A query was stopped because its worker passed the memory limit; answered like a
    timeout (503), since the query, not the service, was at fault."""


class StoreUnavailable(StoreError):
    """The store cannot be reached or opened (missing directory, server down)."""


@dataclass(frozen=True, slots=True)
class Term:
    """An RDF term as the views need it: kind ('uri', 'literal', 'bnode'), value, datatype, lang."""

    kind: str
    value: str
    datatype: str | None = None
    lang: str | None = None

    def __str__(self) -> str:
        return self.value

    @property
    def is_uri(self) -> bool:
        return self.kind == "uri"

    @classmethod
    def from_json(cls, binding: dict[str, str]) -> Term:
        """Read one value of a SPARQL 1.1 JSON results binding."""
        kind = binding["type"]
        if kind == "typed-literal":  # SPARQL 1.0 servers (older Virtuoso) still say this
            kind = "literal"
        return cls(kind, binding["value"], binding.get("datatype"), binding.get("xml:lang"))

    @classmethod
    def from_oxigraph(cls, term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Term:
        if isinstance(term, ox.NamedNode):
            return cls("uri", term.value)
        if isinstance(term, ox.BlankNode):
            return cls("bnode", term.value)
        if isinstance(term, ox.Literal):
            lang = term.language
            datatype = None if lang else term.datatype.value
            return cls("literal", term.value, datatype, lang)
        return cls("triple", str(term))


Row = dict[str, Term]


@dataclass(frozen=True, slots=True)
class QueryResult:
    """A query answer already serialised by the engine, ready to send over HTTP."""

    kind: str  # "select", "ask" or "graph"
    media_type: str
    body: bytes


@runtime_checkable
class Store(Protocol):
    """What every backend offers. Queries see the union of all graphs as default graph."""

    def select(self, query: str) -> list[Row]:
        """Run a SELECT and return its rows (for our own pages and views)."""
        ...

    def ask(self, query: str) -> bool: ...

    def query(
        self,
        query: str,
        media_type: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        timeout: float | None = None,
    ) -> QueryResult:
        """Run any query form and serialise the answer in `media_type`.

        `default_graphs` / `named_graphs` are the protocol's `default-graph-uri` /
        `named-graph-uri`; when given they replace the dataset of the query.
        """
        ...

    def update(self, update: str, *, graph: str | None = None) -> None: ...

    def load(self, data: bytes, media_type: str, graph: str | None = None) -> None:
        """Add RDF (N-Quads/TriG keep their graphs; others go to `graph`)."""
        ...

    def named_graphs(self) -> list[str]: ...

    def count(self, graph: str | None = None) -> int:
        """Number of triples in one named graph, or quads in the whole dataset."""
        ...

    def close(self) -> None: ...


def rows_from_json(payload: bytes) -> list[Row]:
    data = json.loads(payload)
    return [
        {name: Term.from_json(value) for name, value in binding.items()}
        for binding in data["results"]["bindings"]
    ]
