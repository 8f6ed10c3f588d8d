"""OWL reasoning with owlready2's HermiT: a consistency check and materialised types.

The reasoner sees the ontology plus the curated entities (their asserted classes and the
object-property facts between them), and every data-property value whose datatype is in the
OWL 2 datatype map (texts, language-tagged texts, numbers, booleans, IRIs), on entities,
value nodes and claims alike, the triples the rules of ontology/rules/ derived (the shortcut
dates and their derived claims) included. Dates (xsd:date, xsd:gYearMonth, xsd:gYear) are
outside the OWL 2 datatype map: they are left to the SHACL shapes (ontology/shapes.ttl,
DateShape), and the build says how many it left there. When the whole is inconsistent we
stop the build and name the clash: HermiT only says "inconsistent", so we look for the
individual whose asserted and domain/range-implied classes are declared disjoint and
point at the YAML lines that made it so.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from kg.data.namespaces import ONTOLOGY_IRI
from kg.data.ontology import OntologyInfo


class ReasoningError(Exception):
    """The ontology with the data is inconsistent, or has unsatisfiable classes."""


@dataclass
class ReasoningResult:
    inferred: Graph = field(default_factory=Graph)
    individuals: int = 0
    literals: int = 0
    dates_left_to_shacl: int = 0


# The datatypes of the OWL 2 datatype map that occur in our data (a language-tagged text
# has no datatype IRI in rdflib: it is rdf:PlainLiteral to OWL 2).
OWL2_DATATYPES = frozenset(
    {XSD.string, XSD.decimal, XSD.integer, XSD.boolean, XSD.anyURI, XSD.double, XSD.dateTime}
)
DATE_TYPES = frozenset({XSD.date, XSD.gYearMonth, XSD.gYear})


Triples = Iterable[tuple[Node, Node, Node]]


def _abox(
    union: Triples, onto: OntologyInfo, prefixes: tuple[str, ...], counts: ReasoningResult
) -> Graph:
    """Class assertions, object-property facts and the OWL 2-typed literal values of the
    individuals under `prefixes`; `counts` gets the literals given and the dates left out."""
    abox = Graph()
    object_props = set(onto.object_properties.values())
    data_props = set(onto.datatype_properties.values())
    # prkg's classes and the external ones the ontology declares (time:ProperInterval of a
    # tenure's period): an asserted type the reasoner does not see would come back inferred
    classes = set(onto.classes.values()) | {
        c for c in onto.graph.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)
    }
    for s, p, o in union:
        if not isinstance(s, URIRef) or not str(s).startswith(prefixes):
            continue
        is_class_assertion = p == RDF.type and o in classes
        if is_class_assertion or (p in object_props and isinstance(o, URIRef)):
            abox.add((s, p, o))
        elif p in data_props and isinstance(o, Literal):
            if o.datatype in DATE_TYPES:
                counts.dates_left_to_shacl += 1
            elif o.datatype is None or o.datatype in OWL2_DATATYPES:
                if (s, p, o) not in abox:
                    counts.literals += 1
                abox.add((s, p, o))
    for s in set(abox.subjects()) | {o for o in abox.objects() if isinstance(o, URIRef)}:
        abox.add((s, RDF.type, OWL.NamedIndividual))
    return abox


def reason(
    union: Triples,
    onto: OntologyInfo,
    prefixes: tuple[str, ...],
    bookkeeping: tuple[str, ...] = (),
) -> ReasoningResult:
    """Run HermiT over ontology + data; return the inferred class assertions.

    `prefixes` are the IRI prefixes of the individuals to reason about (entities and value
    nodes); claims and source records stay out, they are bookkeeping, not domain facts.
    """
    from owlready2 import (
        OwlReadyInconsistentOntologyError,
        ThingClass,
        World,
        sync_reasoner_hermit,
    )

    result = ReasoningResult()
    abox = _abox(union, onto, prefixes + bookkeeping, result)
    combined = Graph()
    for triple in onto.graph:
        if triple[1] != OWL.imports:  # the module is already merged in (kg/data/ontology.py)
            combined.add(triple)
    for triple in abox:
        combined.add(triple)
    world = World()
    with tempfile.TemporaryDirectory(prefix="prkg-reason-") as tmp:
        path = Path(tmp) / "kb.nt"
        combined.serialize(path, format="nt", encoding="utf-8")
        ontology = world.get_ontology(path.as_uri()).load(format="ntriples")
        try:
            with ontology:
                sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except OwlReadyInconsistentOntologyError as exc:
            raise ReasoningError(
                "The ontology and the data are inconsistent (HermiT). " + explain_clash(abox, onto)
            ) from exc
    unsatisfiable = [c.iri for c in world.inconsistent_classes() if isinstance(c, ThingClass)]
    if unsatisfiable:
        raise ReasoningError("Unsatisfiable classes: " + ", ".join(sorted(unsatisfiable)))
    asserted = set(abox.triples((None, RDF.type, None)))
    for individual in world.individuals():
        subject = URIRef(individual.iri)
        result.individuals += 1
        if not individual.iri.startswith(prefixes):
            # claims, and the controlled values they point to, are checked for consistency,
            # but their types are bookkeeping, not domain facts
            continue
        for cls in individual.INDIRECT_is_a:
            if not isinstance(cls, ThingClass) or cls.iri == str(OWL.Thing):
                continue
            triple = (subject, RDF.type, URIRef(cls.iri))
            if triple not in asserted:
                result.inferred.add(triple)
    # The ontology header and punned terms are not data individuals.
    result.inferred.remove((URIRef(ONTOLOGY_IRI), None, None))
    return result


def implied_classes(abox: Graph, onto: OntologyInfo) -> dict[Node, dict[URIRef, str]]:
    """For each individual: every class it has (asserted or by domain/range), and why."""
    why: dict[Node, dict[URIRef, str]] = {}
    for s, p, o in abox:
        if p == RDF.type:
            if o != OWL.NamedIndividual:
                why.setdefault(s, {})[o] = "asserted"
            continue
        domain = onto.graph.value(p, RDFS.domain)
        rng = onto.graph.value(p, RDFS.range)
        if isinstance(domain, URIRef):
            why.setdefault(s, {}).setdefault(domain, f"subject of {p}")
        if isinstance(rng, URIRef):
            why.setdefault(o, {}).setdefault(rng, f"object of {p}")
    closed: dict[Node, dict[URIRef, str]] = {}
    for node, classes in why.items():
        full: dict[URIRef, str] = {}
        for cls, reason_text in classes.items():
            for sup in onto.superclasses.get(cls, {cls}):
                full.setdefault(
                    sup, f"{reason_text} ({cls} ⊑ {sup})" if sup != cls else reason_text
                )
        closed[node] = full
    return closed


def explain_clash(abox: Graph, onto: OntologyInfo) -> str:
    """Name individuals whose classes are declared disjoint, with the reason for each class."""
    pairs = onto.disjoint_pairs()
    lines: list[str] = []
    for node, classes in sorted(implied_classes(abox, onto).items(), key=lambda kv: str(kv[0])):
        for pair in pairs:
            a, b = sorted(pair)
            if a in classes and b in classes:
                lines.append(
                    f"{node} would be both {a} ({classes[a]}) and {b} ({classes[b]}), "
                    "which are disjoint"
                )
    lines += literal_clashes(abox, onto)
    if not lines:
        return "No simple disjointness clash found; inspect the ontology with Protégé."
    return "Clash: " + "; ".join(sorted(set(lines)))


def literal_clashes(abox: Graph, onto: OntologyInfo) -> list[str]:
    """Literal values whose datatype is not the property's range (a text where a number is
    due, a text without a language where a language-tagged one is), each named."""
    plain = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#PlainLiteral")
    found: list[str] = []
    for s, p, o in abox:
        if not isinstance(o, Literal):
            continue
        rng = onto.ranges.get(p)  # type: ignore[arg-type]
        if rng is None or rng in (RDFS.Literal, plain):
            continue
        actual = o.datatype or plain
        numeric = {XSD.decimal, XSD.integer}
        if actual == rng or (rng == XSD.decimal and actual in numeric):
            continue
        found.append(f"{s} has {p} {o.n3()}, but the range of {p} is {rng}")
    return found
