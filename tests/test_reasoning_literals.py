"""The reasoner sees literal values too, and a planted clash of each kind stops it, named."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from kg.check.reason import ReasoningError, reason
from kg.data.namespaces import PRKG
from kg.data.ontology import OntologyInfo

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
ID = "https://w3id.org/prkg/id/"
CLAIM = "https://w3id.org/prkg/claim/"


@pytest.fixture(scope="module")
def onto() -> OntologyInfo:
    return OntologyInfo.load(ONTOLOGY_DIR)


def test_consistent_literals_are_read(onto: OntologyInfo) -> None:
    session = URIRef(ID + "session-5")
    claim = URIRef(CLAIM + "c1")
    triples = [
        (session, RDF.type, PRKG.CommissionSession),
        (session, PRKG.sessionNumber, Literal(5, datatype=XSD.integer)),
        (session, PRKG.date, Literal("2015", datatype=XSD.gYear)),
        (claim, RDF.type, PRKG.Claim),
        (claim, PRKG.note, Literal("A note.", lang="en")),
    ]
    result = reason(triples, onto, (ID,), bookkeeping=(CLAIM,))
    assert result.literals == 2
    assert result.dates_left_to_shacl == 1
    # the claim is checked but its inferred types are not domain facts
    assert not list(result.inferred.triples((claim, None, None)))


def test_literal_clash_stops_reasoning_and_is_named(onto: OntologyInfo) -> None:
    session = URIRef(ID + "session-x")
    triples = [
        (session, RDF.type, PRKG.CommissionSession),
        (session, PRKG.sessionNumber, Literal("fifth", datatype=XSD.string)),
    ]
    with pytest.raises(ReasoningError) as caught:
        reason(triples, onto, (ID,))
    assert "session-x" in str(caught.value) and "sessionNumber" in str(caught.value)


def test_disjointness_clash_stops_reasoning_and_is_named(onto: OntologyInfo) -> None:
    thing = URIRef(ID + "both")
    triples = [(thing, RDF.type, PRKG.Person), (thing, RDF.type, PRKG.State)]
    with pytest.raises(ReasoningError) as caught:
        reason(triples, onto, (ID,))
    assert "both" in str(caught.value) and "disjoint" in str(caught.value)


def test_ontology_is_owl2_dl_and_passes_the_pitfall_checks() -> None:
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("evaluate", ONTOLOGY_DIR / "evaluate.py")
    assert spec and spec.loader
    evaluate = importlib.util.module_from_spec(spec)
    sys.modules["evaluate"] = evaluate  # dataclasses look their module up there
    spec.loader.exec_module(evaluate)
    graph = evaluate.load(ONTOLOGY_DIR)
    assert evaluate.dl_profile_violations(graph) == []
    # the check can fail: a reserved-vocabulary superclass is a violation
    graph.add((PRKG.Claim, RDFS.subClassOf, RDF.Statement))
    assert any("reserved vocabulary" in v for v in evaluate.dl_profile_violations(graph))
    text, ok = evaluate.report(ONTOLOGY_DIR)
    assert ok, text
