"""Query execution with a real time limit for the embedded store: a pool of worker processes.

pyoxigraph cannot interrupt a running query, so the service runs each query in one of a few
worker processes that opened the store read-only; when a query overruns its time limit the
worker is killed (the only way to really stop the work) and replaced. `PooledEmbeddedStore`
implements the `Store` protocol, so the API never knows about the pool.

Result size is capped Virtuoso-style: at most `max_rows` solutions (or triples) are returned,
the answer is still well-formed, and `CappedResult.truncated` says that rows were dropped
(the API turns it into `X-PRKG-Truncated: true` and `X-SPARQL-MaxRows` headers).
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing as mp
import queue
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from kg.layout import store_lock
from kg.namespaces import PREFIXES
from kg.store import (
    GRAPH_FORMATS,
    RESULT_FORMATS,
    EmbeddedStore,
    QueryResult,
    QuerySyntaxError,
    QueryTimeout,
    Row,
    StoreError,
    StoreUnavailable,
    rows_from_json,
    run_query,
)

RDF_FORMATS: dict[str, ox.RdfFormat] = GRAPH_FORMATS
JSON_RESULTS = "application/sparql-results+json"
_ERRORS: dict[str, type[StoreError]] = {
    "QuerySyntaxError": QuerySyntaxError,
    "StoreUnavailable": StoreUnavailable,
    "StoreError": StoreError,
}


@dataclass(frozen=True, slots=True)
class CappedResult(QueryResult):
    """A QueryResult that also says whether rows beyond the cap were dropped."""

    truncated: bool = False


def _term_json(term: object) -> dict:
    """One term in SPARQL JSON results form (to rebuild a capped solution sequence)."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        else:
            out["datatype"] = term.datatype.value
        return out
    assert isinstance(term, ox.Triple)
    return {
        "type": "triple",
        "value": {
            "subject": _term_json(term.subject),
            "predicate": _term_json(term.predicate),
            "object": _term_json(term.object),
        },
    }


def execute(
    store: ox.Store,
    query: str,
    media_type: str,
    default_graphs: Sequence[str] | None,
    named_graphs: Sequence[str] | None,
    max_rows: int,
) -> CappedResult:
    """Run one query in this process and serialise at most `max_rows` rows with the engine."""
    try:
        result = run_query(store, query, default_graphs, named_graphs)
        if isinstance(result, ox.QueryBoolean):
            body = result.serialize(format=RESULT_FORMATS[media_type]) or b""
            return CappedResult("ask", media_type, body)
        if isinstance(result, ox.QueryTriples):
            triples = list(islice(result, max_rows + 1))
            fmt = RDF_FORMATS[media_type]
            body = ox.serialize(triples[:max_rows], format=fmt, prefixes=PREFIXES) or b""
            return CappedResult("graph", media_type, body, len(triples) > max_rows)
        names = [v.value for v in result.variables]
        rows = list(islice(result, max_rows + 1))
        bindings = [
            {n: _term_json(s[n]) for n in names if s[n] is not None} for s in rows[:max_rows]
        ]
        payload = json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}})
        capped = ox.parse_query_results(payload, format=ox.QueryResultsFormat.JSON)
        body = capped.serialize(format=RESULT_FORMATS[media_type]) or b""
        return CappedResult("select", media_type, body, len(rows) > max_rows)
    except OSError as exc:  # failed SERVICE call, or the store could not be read
        raise StoreError(f"The query failed while running: {exc}") from exc


def _serve(path: str, conn: Connection, max_rows: int) -> None:
    """Worker process main loop: open the store once, answer requests until told to stop."""
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
                try:
                    store = EmbeddedStore(Path(path), read_only=True).oxigraph
                except StoreUnavailable as exc:
                    raise exc
            reply = (
                "ok",
                execute(store, query, media_type, default_graphs, named_graphs, max_rows),
            )
        except StoreError as exc:
            name = type(exc).__name__ if type(exc).__name__ in _ERRORS else "StoreError"
            reply = ("error", name, str(exc))
        except Exception as exc:  # never let a worker die silently on an engine surprise
            reply = ("error", "StoreError", f"{type(exc).__name__}: {exc}")
        conn.send(reply)


class _Worker:
    def __init__(self, ctx: mp.context.BaseContext, path: Path, max_rows: int, gen: int) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(
            target=_serve, args=(str(path), child, max_rows), daemon=True, name="prkg-query"
        )
        self.process.start()
        child.close()
        self.generation = gen

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


def _probe(path: Path) -> None:
    """Open the store and read from it once, so a damaged store fails at start-up with a
    message rather than on the first visitor's query."""
    probe = EmbeddedStore(path, read_only=True)
    try:
        probe.ask("ASK { ?s ?p ?o }")
    except (StoreError, OSError, RuntimeError) as exc:
        raise StoreUnavailable(f"The store at {path} cannot be read: {exc}") from exc
    finally:
        probe.close()


class PooledEmbeddedStore:
    """The embedded store as the service uses it: queries in killable worker processes.

    `writable=True` (updates enabled) also opens the store read-write in this process; an
    update runs here under a lock, and workers are replaced afterwards so they see it.
    """

    def __init__(
        self,
        path: Path,
        *,
        workers: int = 2,
        timeout: float = 30.0,
        max_rows: int = 10_000,
        writable: bool = False,
        lock_path: Path | None = None,
    ) -> None:
        if not (path / "CURRENT").exists():
            raise StoreUnavailable(f"No store at {path}: run `prkg build` first.")
        _probe(path)
        # RocksDB names its files by path: every instance opens the build's real directory,
        # never one reached through the `current` link a rebuild repoints. `link` is watched
        # so that the pool follows a rebuild (see _follow).
        self.link = path
        self.path = path.resolve()
        self.lock_path = lock_path
        self.timeout = timeout
        self.max_rows = max_rows
        self._ctx = mp.get_context("spawn")
        self._generation = 0
        self._free: queue.Queue[_Worker] = queue.Queue()
        self._size = max(1, workers)
        self._writer = EmbeddedStore(self.path, read_only=False) if writable else None
        self._write_lock = threading.Lock()
        self._closed = False
        for _ in range(self._size):
            self._free.put(self._spawn())

    def _spawn(self) -> _Worker:
        return _Worker(self._ctx, self.path, self.max_rows, self._generation)

    def _follow(self) -> None:
        """After a rebuild, move to the new build: workers respawn there, the writer reopens."""
        target = self.link.resolve()
        if target == self.path or not (target / "CURRENT").exists():
            return
        with self._write_lock:
            if target == self.path:
                return
            if self._writer is not None:
                self._writer.close()
                self._writer = EmbeddedStore(target, read_only=False)
            self.path = target
            self._generation += 1

    def query(
        self,
        query: str,
        media_type: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        timeout: float | None = None,
    ) -> CappedResult:
        if self._closed:
            raise StoreUnavailable("The store has been closed.")
        self._follow()
        if media_type not in RESULT_FORMATS and media_type not in RDF_FORMATS:
            raise StoreError(f"Unsupported media type {media_type}")
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        try:
            worker = self._free.get(timeout=limit)
        except queue.Empty:
            raise QueryTimeout(
                f"All {self._size} query workers stayed busy for {limit:g} s; try again later."
            ) from None
        if worker.generation != self._generation:  # the store changed since it opened it
            worker.kill()
            worker = self._spawn()
        request = (query, media_type, list(default_graphs or []), list(named_graphs or []))
        try:
            worker.conn.send(request)
            if not worker.conn.poll(max(deadline - time.monotonic(), 0.001)):
                worker.kill()
                worker = self._spawn()
                raise QueryTimeout(
                    f"The query ran longer than the {limit:g} s limit and was stopped."
                )
            reply = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError) as exc:
            worker.kill()
            worker = self._spawn()
            raise StoreUnavailable(f"The query worker failed: {exc}") from exc
        finally:
            if self._closed:
                worker.kill()
            else:
                self._free.put(worker)
        if reply[0] == "ok":
            return reply[1]
        raise _ERRORS.get(reply[1], StoreError)(reply[2])

    def select(self, query: str) -> list[Row]:
        return rows_from_json(self.query(query, JSON_RESULTS).body)

    def ask(self, query: str) -> bool:
        return bool(json.loads(self.query(query, JSON_RESULTS).body)["boolean"])

    def update(self, update: str, *, graph: str | None = None) -> None:
        """Apply an update with the single writer; `graph` is unused (the API confines it)."""
        if self._writer is None:
            raise StoreError("This store was opened read-only; updates are disabled.")
        with self._build_lock():
            self._follow()  # a rebuild finished: write to the build now served
            with self._write_lock:
                assert self._writer is not None
                self._writer.update(update)
                self._writer.flush()
                self._generation += 1

    def _build_lock(self) -> contextlib.AbstractContextManager[None]:
        """The store lock shared with `prkg build` (none for a bare directory)."""
        return store_lock(self.lock_path) if self.lock_path else contextlib.nullcontext()

    def load(self, data: bytes, media_type: str, graph: str | None = None) -> None:
        if self._writer is None:
            raise StoreError("This store was opened read-only.")
        with self._build_lock():
            self._follow()
            with self._write_lock:
                assert self._writer is not None
                self._writer.load(data, media_type, graph)
                self._writer.flush()
                self._generation += 1

    def named_graphs(self) -> list[str]:
        rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } } ORDER BY ?g")
        return [r["g"].value for r in rows if "g" in r]

    def count(self, graph: str | None = None) -> int:
        if graph is None:
            q = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
        else:
            q = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        return int(self.select(q)[0]["n"].value)

    def close(self) -> None:
        self._closed = True
        while True:
            try:
                self._free.get_nowait().kill()
            except queue.Empty:
                break
        if self._writer is not None:
            self._writer.close()
            self._writer = None
