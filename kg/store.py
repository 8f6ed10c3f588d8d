"""The one `Store` interface the rest of prkg talks to, and its embedded implementation.

The API, the views and the CLI never touch pyoxigraph (or a remote server) directly: they
get a `Store` and ask it SPARQL questions. Two implementations exist: `EmbeddedStore`
(pyoxigraph on disk, this module) and `RemoteStore` (any SPARQL 1.1 server,
`kg/remote.py`). The default graph that queries see is always the union of all graphs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
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


def query_kind(query: str) -> str:
    """Tell SELECT/ASK from CONSTRUCT/DESCRIBE without a full parse.

    IRIs go first (they may hold '#'), then comments; the first query-form keyword after the
    prologue decides. Anything else (an update, garbage) is 'unknown'.
    """
    text = re.sub(r"<[^<>\s]*>", " <> ", query)
    text = re.sub(r"#[^\n]*", " ", text)
    text = re.sub(r"(?is)^\s*((BASE\s*<>|PREFIX\s+[\w.-]*:\s*<>)\s*)*", "", text)
    word = text.strip().split(None, 1)[0].upper() if text.strip() else ""
    word = re.split(r"[^A-Z]", word, maxsplit=1)[0]
    return {"SELECT": "select", "ASK": "ask", "CONSTRUCT": "graph", "DESCRIBE": "graph"}.get(
        word, "unknown"
    )


def rows_from_json(payload: bytes) -> list[Row]:
    data = json.loads(payload)
    return [
        {name: Term.from_json(value) for name, value in binding.items()}
        for binding in data["results"]["bindings"]
    ]


_NOISE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*'
)


def has_dataset_clause(query: str) -> bool:
    """Whether the query names its dataset with FROM / FROM NAMED (outside strings and IRIs).

    pyoxigraph's `use_default_graph_as_union` would silently override FROM, so it is only
    set for queries without a dataset clause.
    """
    return re.search(r"(?i)\bFROM\b", _NOISE.sub(" ", query)) is not None


def run_query(
    store: ox.Store,
    query: str,
    default_graphs: Sequence[str] | None = None,
    named_graphs: Sequence[str] | None = None,
) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    """Run a query with prkg's dataset rules: the union of all graphs, unless the query
    (FROM / FROM NAMED) or the protocol (`default-graph-uri` / `named-graph-uri`) says otherwise.
    """
    kwargs: dict[str, object] = {}
    if default_graphs:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
    elif not has_dataset_clause(query):
        kwargs["use_default_graph_as_union"] = True
    if named_graphs:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    try:
        return store.query(query, **kwargs)
    except SyntaxError as exc:
        raise QuerySyntaxError(str(exc)) from exc
    except ValueError as exc:  # a bad graph IRI given as a protocol parameter
        raise QuerySyntaxError(str(exc)) from exc
    except OSError as exc:  # a failed SERVICE call, or the store could not be read
        raise StoreError(f"The query failed while running: {exc}") from exc


class EmbeddedStore:
    """pyoxigraph on disk: the laptop backend, no server to set up.

    Opened read-only by the service (several processes may read one store), read-write by
    the build. A path of None gives an in-memory store, used by tests.
    """

    def __init__(self, path: Path | None = None, *, read_only: bool = False) -> None:
        self.path = path
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only:
                if not (path / "CURRENT").exists():
                    raise StoreUnavailable(
                        f"No store at {path}: run `prkg build --store {path.parent}` first."
                    )
                self._store = ox.Store.read_only(str(path))
            else:
                self._store = ox.Store(str(path))
        except (OSError, RuntimeError) as exc:  # pyoxigraph says RuntimeError for corruption
            raise StoreUnavailable(f"Cannot open the store at {path}: {exc}") from exc

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying pyoxigraph store, for the build pipeline's bulk loads."""
        return self._store

    def _run(
        self,
        query: str,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        return run_query(self._store, query, default_graphs, named_graphs)

    def select(self, query: str) -> list[Row]:
        result = self._run(query)
        if not isinstance(result, ox.QuerySolutions):
            raise StoreError("select() needs a SELECT query")
        names = [v.value for v in result.variables]
        rows: list[Row] = []
        for solution in result:
            row: Row = {}
            for name in names:
                value = solution[name]
                if value is not None:
                    row[name] = Term.from_oxigraph(value)
            rows.append(row)
        return rows

    def ask(self, query: str) -> bool:
        return bool(self._run(query))

    def query(
        self,
        query: str,
        media_type: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        timeout: float | None = None,
    ) -> QueryResult:
        # `timeout` is enforced by the service's worker processes (see api), which can kill
        # a runaway query; in-process calls here run to completion.
        result = self._run(query, default_graphs, named_graphs)
        if isinstance(result, ox.QueryTriples):
            fmt = GRAPH_FORMATS[media_type]
            return QueryResult("graph", media_type, result.serialize(format=fmt) or b"")
        fmt = RESULT_FORMATS[media_type]
        kind = "ask" if isinstance(result, ox.QueryBoolean) else "select"
        return QueryResult(kind, media_type, result.serialize(format=fmt) or b"")

    def update(self, update: str, *, graph: str | None = None) -> None:
        try:
            self._store.update(update)
        except SyntaxError as exc:
            raise QuerySyntaxError(str(exc)) from exc

    def load(self, data: bytes, media_type: str, graph: str | None = None) -> None:
        fmt = GRAPH_FORMATS[media_type]
        target = ox.NamedNode(graph) if graph else None
        try:
            self._store.load(data, format=fmt, to_graph=target)
        except SyntaxError as exc:
            raise QuerySyntaxError(str(exc)) from exc

    def extend(self, quads: Iterable[ox.Quad]) -> None:
        self._store.bulk_extend(quads)

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def count(self, graph: str | None = None) -> int:
        if graph is None:
            return len(self._store)
        return sum(1 for _ in self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))

    def flush(self) -> None:
        self._store.flush()

    def close(self) -> None:
        # pyoxigraph closes the database when the object is released.
        self._store = None  # type: ignore[assignment]
