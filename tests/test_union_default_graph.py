"""The union of the named graphs, stored in the embedded store's default graph (kg/store/union.py).

A fact two sources support is in two named graphs and must be seen once through the
default graph; updates confined to the updates graph keep the stored union in step, both
when they add and when they remove, and never remove a triple another graph still holds.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from api.update import confine
from kg.data.namespaces import Namespaces
from kg.store import EmbeddedStore
from kg.store.layout import StoreLayout
from kg.store.union import is_materialized
from tests.service_support import copy_store

NS = Namespaces()
EX = "urn:prkg-test:"
TWO_SOURCES = f"""
<{EX}g1> {{ <{EX}deal> <{EX}party> <{EX}pakistan> . <{EX}deal> <{EX}year> "1971" . }}
<{EX}g2> {{ <{EX}deal> <{EX}party> <{EX}pakistan> . }}
"""


def _store() -> EmbeddedStore:
    store = EmbeddedStore()
    store.load(TWO_SOURCES.encode(), "application/trig")
    return store


def _count(store: EmbeddedStore, where: str) -> int:
    return int(store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")[0]["n"].value)


def test_a_fact_in_two_graphs_is_seen_once() -> None:
    store = _store()
    assert is_materialized(store.oxigraph)
    assert _count(store, f"?s <{EX}party> ?o") == 1
    assert _count(store, f"GRAPH ?g {{ ?s <{EX}party> ?o }}") == 2
    # GRAPH ?g never lists the stored union: it is the default graph, not a named one.
    graphs = store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")
    assert [r["g"].value for r in graphs] == [f"{EX}g1", f"{EX}g2"]


def test_a_store_without_the_union_computes_it() -> None:
    raw = ox.Store()
    raw.load(TWO_SOURCES.encode(), format=ox.RdfFormat.TRIG)
    store = EmbeddedStore()
    store._store = raw  # a store filled without prkg, e.g. by an older build
    assert not is_materialized(raw)
    assert _count(store, f"?s <{EX}year> ?o") == 1


def _updates(store: EmbeddedStore) -> list[str]:
    rows = store.select(
        f"SELECT ?o WHERE {{ GRAPH <{NS.updates_graph}> {{ ?s ?p ?o }} }} ORDER BY ?o"
    )
    return [r["o"].value for r in rows]


def test_confined_update_adds_and_removes_in_the_union() -> None:
    store = _store()
    g = NS.updates_graph
    store.update(confine(f'INSERT DATA {{ <{EX}deal> <{EX}note> "checked" }}', g), graph=g)
    assert _updates(store) == ["checked"]
    assert _count(store, f'<{EX}deal> <{EX}note> "checked"') == 1
    # Re-asserting a source's fact in the updates graph, then taking it back, leaves the
    # source's fact in the union.
    store.update(confine(f"INSERT DATA {{ <{EX}deal> <{EX}party> <{EX}pakistan> }}", g), graph=g)
    store.update(confine(f"DELETE DATA {{ <{EX}deal> <{EX}party> <{EX}pakistan> }}", g), graph=g)
    assert _count(store, f"<{EX}deal> <{EX}party> <{EX}pakistan>") == 1
    store.update(confine(f"DELETE WHERE {{ <{EX}deal> <{EX}note> ?o }}", g), graph=g)
    assert _updates(store) == []
    assert _count(store, f"<{EX}deal> <{EX}note> ?o") == 0


def test_confined_update_reads_other_graphs() -> None:
    store = _store()
    g = NS.updates_graph
    text = (
        f"INSERT {{ ?d <{EX}seenIn> ?g }} WHERE {{ GRAPH ?g {{ ?d <{EX}party> <{EX}pakistan> }} }}"
    )
    store.update(confine(text, g), graph=g)
    assert _updates(store) == [f"{EX}g1", f"{EX}g2"]
    assert _count(store, f"<{EX}deal> <{EX}seenIn> ?g") == 2
    # The source graphs are untouched.
    assert _count(store, f"GRAPH <{EX}g1> {{ ?s ?p ?o }}") == 2


def test_bad_update_changes_nothing() -> None:
    store = _store()
    before = store.count()
    with pytest.raises(Exception, match="error at"):
        store.update(confine("INSERT DATA { <urn:a> }", NS.updates_graph), graph=NS.updates_graph)
    assert store.count() == before


def test_built_store_holds_the_union_and_dumps_do_not(
    built_store_dir: Path, tmp_path: Path
) -> None:
    layout = StoreLayout(copy_store(built_store_dir, tmp_path / "store"))
    store = EmbeddedStore(layout.oxigraph_dir(), read_only=True)
    raw = store.oxigraph
    default = {
        (q.subject, q.predicate, q.object)
        for q in raw.quads_for_pattern(None, None, None, ox.DefaultGraph())
    }
    named = {
        (q.subject, q.predicate, q.object)
        for q in raw.quads_for_pattern(None, None, None, None)
        if not isinstance(q.graph_name, ox.DefaultGraph)
    }
    assert default == named
    dumped = list(
        ox.parse(path=str(layout.dumps_dir() / "dataset.nq"), format=ox.RdfFormat.N_QUADS)
    )
    assert dumped and all(isinstance(q.graph_name, ox.NamedNode) for q in dumped)
    summary = json.loads((layout.current_build() / "build.json").read_text())
    assert summary["total_quads"] == len(dumped)
