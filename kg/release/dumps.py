"""The dumps of a release, written so that the same input always gives the same bytes.

A build's dumps carry blank nodes (the ontology's OWL lists and restrictions, parsed by
rdflib) whose labels are random per build, and serialisers that follow hash order. A
release is cited by its checksums, so here every blank node gets a label derived from its
content and its place in the graph, quads are sorted, and every file is written from that
one sorted list: the N-Quads and TriG of the dataset, the Turtle of the union, the ontology
as Turtle and RDF/XML, and the claims as RDF 1.2 triple terms.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

from kg.data.namespaces import Namespaces

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
REIFIES = ox.NamedNode(RDF + "reifies")
_STATEMENT_PARTS = {RDF + "subject", RDF + "predicate", RDF + "object"}
Node = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def _text(term: object) -> str:
    return str(term)


def canonical_quads(quads: list[ox.Quad]) -> list[ox.Quad]:
    """The quads with content-derived blank node labels, sorted (duplicates dropped).

    A blank node's label hashes its outgoing triples (nested blank nodes by their own
    hashes) and the triples pointing at it; blank nodes alike in both are interchangeable,
    and are numbered in the order of that hash.
    """
    out_edges: dict[ox.BlankNode, list[ox.Quad]] = defaultdict(list)
    in_edges: dict[ox.BlankNode, list[ox.Quad]] = defaultdict(list)
    for q in quads:
        if isinstance(q.subject, ox.BlankNode):
            out_edges[q.subject].append(q)
        if isinstance(q.object, ox.BlankNode):
            in_edges[q.object].append(q)
    if not out_edges and not in_edges:
        return sorted(set(quads), key=_text)
    down: dict[ox.BlankNode, str] = {}

    def _term(term: object, path: frozenset[ox.BlankNode]) -> str:
        return shape(term, path) if isinstance(term, ox.BlankNode) else str(term)

    def shape(node: ox.BlankNode, path: frozenset[ox.BlankNode]) -> str:
        if node in down:
            return down[node]
        if node in path:
            return "cycle"
        inner = path | {node}
        parts = sorted(
            f"{q.predicate} {_term(q.object, inner)} {q.graph_name}"
            for q in out_edges.get(node, [])
        )
        digest = hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()
        down[node] = digest
        return digest

    nodes = set(out_edges) | set(in_edges)
    keys = {node: shape(node, frozenset()) for node in nodes}
    # Refine by where each node hangs (its parents' keys), until no more nodes separate:
    # two equal lists under two different properties get two labels.
    distinct = len(set(keys.values()))
    for _ in range(64):
        keys = {
            node: hashlib.sha256(
                "\n".join(
                    [keys[node], *sorted(_parent(q, keys) for q in in_edges.get(node, []))]
                ).encode("utf-8")
            ).hexdigest()[:24]
            for node in nodes
        }
        if len(set(keys.values())) == distinct:
            break
        distinct = len(set(keys.values()))
    seen: dict[str, int] = defaultdict(int)
    names: dict[ox.BlankNode, ox.BlankNode] = {}
    for node in sorted(nodes, key=lambda n: keys[n]):
        key = keys[node]
        names[node] = ox.BlankNode(f"b{key}{seen[key]}")
        seen[key] += 1

    def rename(term: Node) -> Node:
        return names.get(term, term) if isinstance(term, ox.BlankNode) else term

    renamed = {
        ox.Quad(rename(q.subject), q.predicate, rename(q.object), q.graph_name)  # type: ignore[arg-type]
        for q in quads
    }
    return sorted(renamed, key=_text)


def _parent(quad: ox.Quad, keys: dict[ox.BlankNode, str]) -> str:
    s = quad.subject
    return f"{keys[s] if isinstance(s, ox.BlankNode) else s} {quad.predicate}"


def read_dataset(path: Path) -> list[ox.Quad]:
    """The dataset of a build's `dataset.nq`, canonicalised."""
    return canonical_quads(list(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS)))


def _prefixes(ns: Namespaces) -> dict[str, str]:
    keep = {"prkg", "rdf", "rdfs", "xsd", "owl", "skos", "dct", "prov", "schema", "id", "src"}
    return {k: v for k, v in sorted(ns.prefixes().items()) if k in keep}


def write_dumps(quads: list[ox.Quad], ontology_ttl: Path, out: Path, ns: Namespaces) -> None:
    """dataset.nq, dataset.trig, union.ttl, ontology.ttl, ontology.owl, claims-rdf12.nt."""
    prefixes = _prefixes(ns)
    ox.serialize(quads, str(out / "dataset.nq"), format=ox.RdfFormat.N_QUADS)
    by_graph = sorted(quads, key=lambda q: (str(q.graph_name), str(q)))
    ox.serialize(by_graph, str(out / "dataset.trig"), format=ox.RdfFormat.TRIG, prefixes=prefixes)
    union = sorted({q.triple for q in quads}, key=_text)
    ox.serialize(union, str(out / "union.ttl"), format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    (out / "ontology.ttl").write_bytes(ontology_ttl.read_bytes())
    onto = canonical_quads(
        [
            ox.Quad(t.subject, t.predicate, t.object)
            for t in ox.parse(path=str(ontology_ttl), format=ox.RdfFormat.TURTLE)
        ]
    )
    ox.serialize(
        [q.triple for q in onto],
        str(out / "ontology.owl"),
        format=ox.RdfFormat.RDF_XML,
        prefixes={k: v for k, v in prefixes.items() if k not in ("id", "src")},
    )
    ox.serialize(
        triple_terms(quads, ns), str(out / "claims-rdf12.nt"), format=ox.RdfFormat.N_TRIPLES
    )


def triple_terms(quads: list[ox.Quad], ns: Namespaces) -> list[ox.Triple]:
    """Each claim as `?claim rdf:reifies <<( s p o )>>` with its other properties (source,
    locator, confidence, quote), and the fact itself asserted, so that a SPARQL 1.2
    annotation pattern (`?s ?p ?o ~ ?claim`) finds it. The reified form (rdf:subject …)
    stays the one the rest of prkg relies on; this is an extra view of the same claims."""
    prefix = ns.claim("")
    parts: dict[ox.NamedNode, dict[str, Node]] = defaultdict(dict)
    extra: dict[ox.NamedNode, set[ox.Triple]] = defaultdict(set)
    for q in quads:
        s = q.subject
        if not isinstance(s, ox.NamedNode) or not s.value.startswith(prefix):
            continue
        p = q.predicate.value
        if p in _STATEMENT_PARTS:
            parts[s][p] = q.object
        elif p != RDF + "type" or q.object.value != RDF + "Statement":
            extra[s].add(ox.Triple(s, q.predicate, q.object))
    out: set[ox.Triple] = set()
    for claim, spo in parts.items():
        if len(spo) != 3 or isinstance(spo[RDF + "subject"], ox.Literal):
            continue
        fact = ox.Triple(spo[RDF + "subject"], spo[RDF + "predicate"], spo[RDF + "object"])  # type: ignore[arg-type]
        out.add(fact)
        out.add(ox.Triple(claim, REIFIES, fact))
        out |= extra[claim]
    return sorted(out, key=_text)
