"""The ontology parses, carries its metadata, is consistent; the shapes say what they mean."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from kg.check.reason import reason
from kg.check.validate import check_shapes, load_shapes
from kg.data.namespaces import PRKG, VANN
from kg.data.ontology import OntologyInfo

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = ROOT / "ontology"
EXAMPLES = ONTOLOGY_DIR / "examples"


@pytest.fixture(scope="module")
def onto() -> OntologyInfo:
    return OntologyInfo.load(ONTOLOGY_DIR)


def test_ontology_metadata(onto: OntologyInfo) -> None:
    header = URIRef("https://w3id.org/prkg/ontology")
    g = onto.graph
    assert (header, RDF.type, OWL.Ontology) in g
    for prop in (
        DCTERMS.title,
        DCTERMS.description,
        DCTERMS.creator,
        DCTERMS.license,
        DCTERMS.created,
        DCTERMS.modified,
        OWL.versionIRI,
        OWL.versionInfo,
        VANN.preferredNamespacePrefix,
        VANN.preferredNamespaceUri,
    ):
        assert g.value(header, prop) is not None, f"ontology header lacks {prop}"
    assert str(g.value(header, VANN.preferredNamespaceUri)) == str(PRKG)


def test_required_classes_exist(onto: OntologyInfo) -> None:
    required = """Actor State GovernmentBody Company StateOwnedEnterprise Person
    InternationalOrganization Agreement IntergovernmentalAgreement MemorandumOfUnderstanding
    Protocol Contract Facility SteelMill PowerPlant Pipeline OilGasField Refinery Place Event
    Signing Meeting Visit Commissioning Closure Announcement Shipment Project SourceDocument
    Claim""".split()  # noqa: SIM905 (a word list reads best as text)
    missing = [c for c in required if c not in onto.classes]
    assert not missing


def test_every_term_has_english_label_and_definition(onto: OntologyInfo) -> None:
    g = onto.graph
    terms = [
        *onto.classes.values(),
        *onto.object_properties.values(),
        *onto.datatype_properties.values(),
    ]
    assert len(terms) > 80
    for term in terms:
        labels = [
            lab for lab in g.objects(term, RDFS.label) if getattr(lab, "language", None) == "en"
        ]
        assert labels, f"{term} has no English label"
        definitions = [d for d in g.objects(term, SKOS.definition) if d.language == "en"]
        assert definitions, f"{term} has no English definition"


def test_properties_have_domain_and_range(onto: OntologyInfo) -> None:
    g = onto.graph
    for prop in [*onto.object_properties.values(), *onto.datatype_properties.values()]:
        assert g.value(prop, RDFS.domain) is not None, f"{prop} has no domain"
        assert g.value(prop, RDFS.range) is not None, f"{prop} has no range"


def test_aligned_with_standard_vocabularies(onto: OntologyInfo) -> None:
    """Each vocabulary researchers know is reached by a subclass, subproperty or SKOS link."""
    targets = {
        str(o)
        for s, p, o in onto.graph
        if p in (RDFS.subClassOf, RDFS.subPropertyOf, SKOS.closeMatch, SKOS.exactMatch)
        and str(s).startswith(str(PRKG))
    }
    for vocab in (
        "http://www.w3.org/ns/prov#",
        "http://www.w3.org/ns/org#",
        "http://xmlns.com/foaf/0.1/",
        "https://schema.org/",
        "http://semanticweb.cs.vu.nl/2009/11/sem/",
        "http://www.w3.org/2006/time#",
        "https://spec.edmcouncil.org/fibo/",
        "http://www.opengis.net/ont/geosparql#",
        "http://purl.org/dc/terms/",
    ):
        assert any(t.startswith(vocab) for t in targets), f"no alignment with {vocab}"


def test_top_level_classes_disjoint(onto: OntologyInfo) -> None:
    pairs = onto.disjoint_pairs()
    assert frozenset((PRKG.Actor, PRKG.Event)) in pairs
    assert frozenset((PRKG.Agreement, PRKG.Facility)) in pairs
    assert frozenset((PRKG.Person, PRKG.Company)) in pairs


def test_urdu_and_russian_labels_present(onto: OntologyInfo) -> None:
    langs = {lab.language for lab in onto.graph.objects(PRKG.Agreement, RDFS.label)}
    assert {"en", "ur", "ru"} <= langs


def test_ontology_alone_is_consistent(onto: OntologyInfo) -> None:
    result = reason(Graph(), onto, ("https://w3id.org/prkg/id/",))
    assert result.individuals >= 0


def test_reasoner_names_the_clash(onto: OntologyInfo) -> None:
    """A person used as the place of an event is both an Actor and a Place: disjoint."""
    from kg.check.reason import ReasoningError

    ns = "https://w3id.org/prkg/id/"
    data = Graph()
    data.add((URIRef(ns + "someone"), RDF.type, PRKG.Person))
    data.add((URIRef(ns + "talks"), RDF.type, PRKG.Meeting))
    data.add((URIRef(ns + "talks"), PRKG.place, URIRef(ns + "someone")))
    with pytest.raises(ReasoningError) as info:
        reason(data, onto, (ns,))
    message = str(info.value)
    assert "someone" in message and "disjoint" in message


@pytest.mark.parametrize("path", sorted((EXAMPLES / "valid").glob("*.ttl")), ids=lambda p: p.name)
def test_shapes_accept_valid_examples(path: Path, onto: OntologyInfo) -> None:
    data = Graph().parse(path)
    assert check_shapes(data, load_shapes(ONTOLOGY_DIR), onto.graph) == []


@pytest.mark.parametrize("path", sorted((EXAMPLES / "invalid").glob("*.ttl")), ids=lambda p: p.name)
def test_shapes_reject_invalid_examples_for_their_reason(path: Path, onto: OntologyInfo) -> None:
    expected = next(
        line.split(":", 1)[1].strip()
        for line in path.read_text().splitlines()
        if line.startswith("# expect:")
    )
    data = Graph().parse(path)
    violations = check_shapes(data, load_shapes(ONTOLOGY_DIR), onto.graph)
    assert violations, f"{path.name} should not conform"
    assert any(expected in v.message for v in violations), [v.message for v in violations]
