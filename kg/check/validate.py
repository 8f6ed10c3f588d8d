"""SHACL validation of the assembled graph with pySHACL, reported in researchers' terms.

pySHACL's own report names focus nodes by IRI; we map them back to the YAML file and line
that produced them, so the message points at what to edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from kg.data.namespaces import PRKG
from kg.data.ontology import SHAPES_FILE

SH = "http://www.w3.org/ns/shacl#"


@dataclass(frozen=True, order=True)
class ShapeViolation:
    focus: str
    path: str
    message: str
    where: str = ""

    def __str__(self) -> str:
        at = f"{self.where}: " if self.where else ""
        path = f" [{self.path}]" if self.path else ""
        return f"{at}{self.focus}{path}: {self.message}"


def load_shapes(ontology_dir: Path) -> Graph:
    shapes = Graph()
    shapes.parse(ontology_dir / SHAPES_FILE, format="turtle")
    return shapes


def check_shapes(
    data: Graph,
    shapes: Graph,
    ontology: Graph,
    origins: dict[tuple[Node, Node, Node], list[str]] | None = None,
    use_shapes: list[str] | None = None,
) -> list[ShapeViolation]:
    """Validate `data` (the union graph) and return the violations, empty when it conforms.

    `data` gets the ontology's triples added to it. `use_shapes` limits the check to those
    node shapes (see `shape_groups`); by default every shape runs.
    """
    # The ontology is mixed in (sh:class and sh:targetClass need its subclass axioms and its
    # controlled-value individuals: prkg:High, prkg:Newspaper, ...). pySHACL would otherwise
    # copy the whole data graph first (`inplace`); the caller's graph is the build's own
    # union, made for this check and the reasoner, which reads the ontology anyway.
    for triple in ontology:
        data.add(triple)
    conforms, report, _text = shacl_validate(
        data,
        shacl_graph=shapes,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        advanced=False,
        inplace=True,
        use_shapes=use_shapes,
    )
    if conforms:
        return []
    where_by_node = _origins_by_subject(origins or {})
    violations: set[ShapeViolation] = set()
    for result in report.subjects(RDF.type, URIRef(SH + "ValidationResult")):
        focus = report.value(result, URIRef(SH + "focusNode"))
        path = report.value(result, URIRef(SH + "resultPath"))
        message = report.value(result, URIRef(SH + "resultMessage"))
        violations.add(
            ShapeViolation(
                focus=str(focus),
                path=str(path) if isinstance(path, URIRef) else "",
                message=str(message) if message else "violates a shape",
                where=where_by_node.get(focus, ""),
            )
        )
    return sorted(violations)


def shape_groups(shapes: Graph, groups: int) -> list[list[str]]:
    """The node shapes in `groups` lists, for checks that run side by side.

    Shapes about claims (targetClass prkg:Claim) check most of the nodes of a large graph,
    so they go in a group of their own and the rest share the others.
    """
    named = sorted(
        str(s) for s in shapes.subjects(RDF.type, URIRef(SH + "NodeShape")) if isinstance(s, URIRef)
    )
    if groups < 2 or not named:
        return [named]
    heavy = [s for s in named if (URIRef(s), URIRef(SH + "targetClass"), PRKG.Claim) in shapes]
    rest = [s for s in named if s not in heavy]
    return [g for g in (heavy, rest) if g]


def _origins_by_subject(origins: dict[tuple[Node, Node, Node], list[str]]) -> dict[Node, str]:
    """First YAML location that mentions each subject (the entity's definition, usually)."""
    result: dict[Node, str] = {}
    for (s, p, _o), places in origins.items():
        if p == RDF.type or s not in result:
            result[s] = places[0]
    return result
