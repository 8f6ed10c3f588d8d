"""What the data loader needs to know about the ontology: its terms and their kinds.

The loader decides from the ontology whether a claim's object is an entity slug, a
quantity, an amount of money or a literal of some datatype, and rejects unknown classes
and predicates. Reading `ontology/prkg.ttl` here keeps the ontology the single authority.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from kg.data.namespaces import PRKG, QUDT, TIME

ONTOLOGY_FILE = "prkg.ttl"
SHAPES_FILE = "shapes.ttl"
# The module of external-term declarations that prkg.ttl imports (owl:imports), relative to
# the ontology directory; read with the ontology so that its closure is what is checked.
IMPORT_FILES = ("imports/external.ttl",)

# Predicates from other vocabularies a claim may use, with the kind of object they take.
EXTERNAL_PREDICATES: dict[str, URIRef] = {
    "owl:sameAs": OWL.sameAs,
    "skos:exactMatch": SKOS.exactMatch,
    "skos:closeMatch": SKOS.closeMatch,
    "rdfs:seeAlso": RDFS.seeAlso,
}


class OntologyError(Exception):
    """The ontology file itself cannot be read."""


@dataclass
class OntologyInfo:
    """Classes and properties of the prkg ontology, by local name."""

    graph: Graph
    classes: dict[str, URIRef] = field(default_factory=dict)
    object_properties: dict[str, URIRef] = field(default_factory=dict)
    datatype_properties: dict[str, URIRef] = field(default_factory=dict)
    ranges: dict[URIRef, URIRef] = field(default_factory=dict)
    _allowed: dict[tuple[URIRef, URIRef], list[URIRef] | None] = field(
        default_factory=dict, repr=False
    )

    @classmethod
    def load(cls, ontology_dir: Path) -> OntologyInfo:
        path = ontology_dir / ONTOLOGY_FILE
        graph = Graph()
        try:
            graph.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises several parser exception types
            raise OntologyError(f"{path}: cannot parse the ontology: {exc}") from exc
        for name in IMPORT_FILES:
            module = ontology_dir / name
            if not module.is_file():
                continue  # an ontology directory of a test may hold prkg.ttl alone
            try:
                graph.parse(module, format="turtle")
            except Exception as exc:
                raise OntologyError(f"{module}: cannot parse the import module: {exc}") from exc
        info = cls(graph=graph)
        prefix = str(PRKG)
        for term in graph.subjects(RDF.type, OWL.Class):
            if isinstance(term, URIRef) and str(term).startswith(prefix):
                info.classes[str(term)[len(prefix) :]] = term
        for kind, target in (
            (OWL.ObjectProperty, info.object_properties),
            (OWL.DatatypeProperty, info.datatype_properties),
        ):
            for term in graph.subjects(RDF.type, kind):
                if isinstance(term, URIRef) and str(term).startswith(prefix):
                    target[str(term)[len(prefix) :]] = term
                    rng = graph.value(term, RDFS.range)
                    if isinstance(rng, URIRef):
                        info.ranges[term] = rng
        return info

    @cached_property
    def superclasses(self) -> dict[URIRef, set[URIRef]]:
        """Each prkg class with all its (reflexive, transitive) superclasses."""
        result: dict[URIRef, set[URIRef]] = {}
        for cls_iri in self.classes.values():
            seen = {cls_iri}
            todo = [cls_iri]
            while todo:
                for parent in self.graph.objects(todo.pop(), RDFS.subClassOf):
                    if isinstance(parent, URIRef) and parent not in seen:
                        seen.add(parent)
                        todo.append(parent)
            result[cls_iri] = seen
        return result

    def is_subclass(self, cls_iri: URIRef, parent: URIRef) -> bool:
        return parent in self.superclasses.get(cls_iri, {cls_iri})

    def value_kind(self, prop: URIRef) -> str | None:
        """'quantity' or 'money' for properties whose objects are value nodes."""
        rng = self.ranges.get(prop)
        if rng == PRKG.QuantityValue:
            return "quantity"
        if rng == PRKG.MonetaryAmount:
            return "money"
        if rng == PRKG.LifeCycleStatus:
            return "status"
        if rng == PRKG.TradeFlow:
            return "flow"
        if rng == TIME.ProperInterval:
            return "interval"
        return None

    @cached_property
    def units(self) -> dict[str, tuple[URIRef, URIRef]]:
        """The unit codes curators write → (QUDT unit IRI, its quantity kind), from the
        ontology's unit table (each unit's skos:notation and qudt:hasQuantityKind)."""
        table: dict[str, tuple[URIRef, URIRef]] = {}
        for unit in self.graph.subjects(RDF.type, QUDT.Unit):
            code = self.graph.value(unit, SKOS.notation)
            kind = self.graph.value(unit, QUDT.hasQuantityKind)
            if isinstance(unit, URIRef) and code is not None and isinstance(kind, URIRef):
                table[str(code)] = (unit, kind)
        return table

    def literal_kind(self, prop: URIRef) -> str:
        """How to type a datatype property's literal: 'temporal', 'integer', 'decimal', 'string'.

        Temporal properties are the ones whose OWL range is rdfs:Literal (see the ontology's
        note on dates); the loader types their values as xsd:date, gYearMonth or gYear.
        """
        rng = self.ranges.get(prop)
        if rng == RDFS.Literal:
            return "temporal"
        if rng == XSD.integer:
            return "integer"
        if rng == XSD.decimal:
            return "decimal"
        return "string"

    def allowed_classes(self, prop: URIRef, which: URIRef) -> list[URIRef] | None:
        """The prkg classes a property's rdfs:domain or rdfs:range admits (a union is opened).

        None when the constraint is absent or is not made of prkg classes (owl:Thing, a
        datatype, an external class): then there is nothing to check.
        """
        key = (prop, which)
        if key not in self._allowed:  # asked once per claim: worth remembering
            self._allowed[key] = self._allowed_classes(prop, which)
        return self._allowed[key]

    def _allowed_classes(self, prop: URIRef, which: URIRef) -> list[URIRef] | None:
        value = self.graph.value(prop, which)
        if value is None:
            return None
        members = [value]
        union = self.graph.value(value, OWL.unionOf)
        if union is not None:
            members = list(self.graph.items(union))
        known = set(self.classes.values())
        if not all(isinstance(m, URIRef) and m in known for m in members):
            return None
        return members  # type: ignore[return-value]

    def disjoint_pairs(self) -> set[frozenset[URIRef]]:
        """Pairs of classes declared disjoint (owl:AllDisjointClasses or owl:disjointWith)."""
        pairs: set[frozenset[URIRef]] = set()
        for group in self.graph.subjects(RDF.type, OWL.AllDisjointClasses):
            members = list(self.graph.items(self.graph.value(group, OWL.members)))
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    pairs.add(frozenset((a, b)))
        for a, b in self.graph.subject_objects(OWL.disjointWith):
            pairs.add(frozenset((a, b)))
        return pairs
