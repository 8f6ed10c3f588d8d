"""`EmbeddedStore`: the `Store` interface (kg/store/interface.py) over pyoxigraph on disk.

The laptop backend, with no server to set up. The default graph that queries see is the
union of all graphs, stored once in the store's default graph (see kg/store/union.py).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from pathlib import Path

import pyoxigraph as ox

from kg.store.interface import (
    GRAPH_FORMATS,
    RESULT_FORMATS,
    QueryResult,
    QuerySyntaxError,
    Row,
    StoreError,
    StoreUnavailable,
    Term,
)
from kg.store.sparqltext import has_dataset_clause
from kg.store.union import confined_update, is_materialized, with_default_copies


def run_query(
    store: ox.Store,
    query: str,
    default_graphs: Sequence[str] | None = None,
    named_graphs: Sequence[str] | None = None,
) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    """Run a query with prkg's dataset rules: the union of all graphs, unless the query
    (FROM / FROM NAMED) or the protocol (`default-graph-uri` / `named-graph-uri`) says otherwise.

    The union is the store's own default graph when the build stored it there (kg/store/union.py);
    only a store without it has the union computed at query time.
    """
    kwargs: dict[str, object] = {}
    if default_graphs:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
    elif not has_dataset_clause(query) and not is_materialized(store):
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
        self._changes = 0  # updates and loads through this object (see `version`)
        self._modified: float | None = None
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

    def version(self) -> str:
        """What this store holds, for caches: its place and the changes made through it."""
        return f"{self.path.name if self.path else id(self)}#{self._changes}"

    def modified(self) -> float | None:
        """When the data last changed: the last change made here, else the build's time."""
        if self._modified is not None:
            return self._modified
        return self.path.stat().st_mtime if self.path is not None else None

    def _changed(self) -> None:
        self._changes += 1
        self._modified = time.time()

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
        """Apply an update; with `graph`, one that may write only that graph (the service's
        confined updates), keeping the stored union default graph in step."""
        try:
            if graph is not None and is_materialized(self._store):
                confined_update(self._store, update, graph)
            else:
                self._store.update(update)
        except SyntaxError as exc:
            raise QuerySyntaxError(str(exc)) from exc
        finally:
            self._changed()

    def load(self, data: bytes, media_type: str, graph: str | None = None) -> None:
        """Add RDF to `graph` (or, for TriG/N-Quads, to the graphs it names) and to the union."""
        fmt = GRAPH_FORMATS[media_type]
        target = ox.NamedNode(graph) if graph else None
        try:
            quads = [
                ox.Quad(q.subject, q.predicate, q.object, target)
                if target is not None and isinstance(q.graph_name, ox.DefaultGraph)
                else q
                # Blank nodes are fresh per load, as the engine's own loader makes them.
                for q in ox.parse(data, format=fmt, rename_blank_nodes=True)
            ]
        except SyntaxError as exc:
            raise QuerySyntaxError(str(exc)) from exc
        self.extend(quads)

    def extend(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads to their named graphs and each triple once to the default graph."""
        self._store.bulk_extend(with_default_copies(quads))
        self._changed()

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def count(self, graph: str | None = None) -> int:
        """Quads in `graph`, or in the whole store (the stored union included)."""
        if graph is None:
            return len(self._store)
        return sum(1 for _ in self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))

    def flush(self) -> None:
        self._store.flush()

    def close(self) -> None:
        # pyoxigraph closes the database when the object is released.
        self._store = None  # type: ignore[assignment]
