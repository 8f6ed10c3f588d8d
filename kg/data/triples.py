"""A graph that only collects triples: what the build's assembly needs, at a tenth of the cost.

Assembling a million-triple dataset into rdflib `Graph`s spends most of its time in rdflib's
indexing, which nothing downstream uses: the graphs are written out as N-Quads, iterated by
the reasoner and merged once for pySHACL (which gets a real `Graph`, see `to_graph`).
Insertion order is kept, so dumps come out in a stable order.
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import Graph, URIRef
from rdflib.term import Node

Triple = tuple[Node, Node, Node]


class TripleSet:
    """An insertion-ordered set of triples with the few Graph methods the build calls."""

    def __init__(self, identifier: URIRef) -> None:
        self.identifier = identifier
        self._triples: dict[Triple, None] = {}

    def add(self, triple: Triple) -> None:
        self._triples[triple] = None

    def __iter__(self) -> Iterator[Triple]:
        return iter(self._triples)

    def __len__(self) -> int:
        return len(self._triples)

    def __contains__(self, triple: object) -> bool:
        return triple in self._triples

    def subject_objects(self, predicate: Node) -> Iterator[tuple[Node, Node]]:
        return ((s, o) for s, p, o in self._triples if p == predicate)

    def to_graph(self) -> Graph:
        graph = Graph(identifier=self.identifier)
        for triple in self._triples:
            graph.add(triple)
        return graph
