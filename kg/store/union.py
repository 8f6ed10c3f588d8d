"""The union default graph, stored: why queries see each fact once and run on plain indexes.

prkg's dataset keeps one named graph per source, so a fact that two documents support sits
in two graphs. A SPARQL query without FROM sees the union of the named graphs as its
default graph. Computing that union at query time (pyoxigraph's `use_default_graph_as_union`)
has two costs: every triple pattern scans the quad indexes of all graphs, and a fact stored
in k graphs matches k times, so `COUNT` and plain `SELECT` answers repeat rows (the default
graph of SPARQL 1.1 is an RDF merge, a set, so those repeats are wrong).

So the embedded store keeps the union *in* the store's default graph: each triple of every
named graph once. Queries then run on the default graph's own indexes (from a few times to tens of
times faster on joins and aggregates, see README's Benchmark) and count each fact once. The
price is the disk space of one more copy, and that every write must keep the copy in step:

- the build writes it (kg/build.py);
- `EmbeddedStore.load` / `extend` add what they add to named graphs to it too;
- SPARQL Update goes through `confined_update` here: it runs on a scratch copy of the graph
  it may write, and the difference is then applied to that graph and the default graph
  (a triple leaves the default graph only when no named graph holds it any more).

A store whose default graph is empty (built by an older prkg, or a test store filled through
raw pyoxigraph calls) is queried with the union computed at query time, as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from kg.store.sparqltext import NOISE

DEFAULT = ox.DefaultGraph()


def is_materialized(store: ox.Store) -> bool:
    """Whether the store's default graph holds the union (any triple in it says so)."""
    return next(iter(store.quads_for_pattern(None, None, None, DEFAULT)), None) is not None


def with_default_copies(quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
    """Each quad of a named graph, followed by its copy in the default graph."""
    for quad in quads:
        yield quad
        if not isinstance(quad.graph_name, ox.DefaultGraph):
            yield ox.Quad(quad.subject, quad.predicate, quad.object, DEFAULT)


def _triples(store: ox.Store, graph: ox.NamedNode) -> set[tuple[object, object, object]]:
    return {
        (q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, graph)
    }


def _reads_other_graphs(update: str) -> bool:
    """Whether the update may read named graphs besides the one it writes (GRAPH, USING…).

    The confinement wrapper itself names its graph twice with GRAPH; anything beyond that is
    the user's own, and then the scratch copy needs the other graphs too.
    """
    text = NOISE.sub(" ", update)
    words = re.findall(r"(?i)\b(GRAPH|USING|NAMED|ALL)\b", text)
    return len(words) > 2


def confined_update(store: ox.Store, update: str, graph: str) -> None:
    """Apply an update that may only write `graph`, keeping the default-graph union in step.

    The update runs on an in-memory scratch store holding `graph` (and, when the update
    reads them, the other named graphs); the scratch's version of `graph` is then compared
    with the real one and only the difference is written to the real store.
    """
    target = ox.NamedNode(graph)
    scratch = ox.Store()
    if _reads_other_graphs(update):
        scratch.bulk_extend(
            q
            for q in store.quads_for_pattern(None, None, None, None)
            if not isinstance(q.graph_name, ox.DefaultGraph)
        )
    else:
        scratch.bulk_extend(store.quads_for_pattern(None, None, None, target))
    before = _triples(store, target)
    scratch.update(update)
    after = _triples(scratch, target)
    added = after - before
    removed = before - after
    for s, p, o in removed:
        store.remove(ox.Quad(s, p, o, target))  # type: ignore[arg-type]
        still_held = any(
            not isinstance(q.graph_name, ox.DefaultGraph)
            for q in store.quads_for_pattern(s, p, o, None)  # type: ignore[arg-type]
        )
        if not still_held:
            store.remove(ox.Quad(s, p, o, DEFAULT))  # type: ignore[arg-type]
    for s, p, o in added:
        store.add(ox.Quad(s, p, o, target))  # type: ignore[arg-type]
        store.add(ox.Quad(s, p, o, DEFAULT))  # type: ignore[arg-type]
