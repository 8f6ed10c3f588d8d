"""Issue 20, items 3–9: the patterns of ontology 0.3.0, checked on the ontology and the data."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS

from kg.check.reason import ReasoningError, reason
from kg.data.namespaces import PRKG
from kg.data.ontology import OntologyInfo
from kg.store import EmbeddedStore

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = ROOT / "ontology"
ID = "https://w3id.org/prkg/id/"


@pytest.fixture(scope="module")
def onto() -> OntologyInfo:
    return OntologyInfo.load(ONTOLOGY_DIR)


def _members(graph: Graph, scheme: URIRef) -> set[URIRef]:
    return {s for s in graph.subjects(SKOS.inScheme, scheme) if isinstance(s, URIRef)}


def test_reliability_and_confidence_are_two_schemes_with_distinct_members(
    onto: OntologyInfo,
) -> None:
    g = onto.graph
    reliability = _members(g, PRKG.ReliabilityScheme)
    confidence = _members(g, PRKG.ConfidenceScheme)
    assert len(reliability) == 3 and len(confidence) == 3
    assert not reliability & confidence
    for scheme in (PRKG.ReliabilityScheme, PRKG.ConfidenceScheme):
        assert (scheme, RDF.type, SKOS.ConceptScheme) in g
    # The notation is what curators write in the YAML, the same three words in both schemes.
    assert {str(g.value(m, SKOS.notation)) for m in reliability} == {"high", "medium", "low"}
    assert {str(g.value(m, SKOS.notation)) for m in confidence} == {"high", "medium", "low"}
    # The 0.2.0 individuals stay, deprecated, pointing at both replacements.
    for old in (PRKG.High, PRKG.Medium, PRKG.Low):
        assert (old, OWL.deprecated, None) in g
        assert not set(g.objects(old, RDF.type)) & {PRKG.ReliabilityLevel, PRKG.ConfidenceLevel}


def test_a_reliability_level_used_as_a_confidence_is_a_clash(onto: OntologyInfo) -> None:
    """The two level classes are disjoint, so the reasoner stops on a mixed-up level."""
    data = Graph()
    claim = URIRef(ID + "a-claim")
    data.add((claim, RDF.type, PRKG.Claim))
    data.add((claim, PRKG.confidence, PRKG.HighReliability))
    with pytest.raises(ReasoningError) as info:
        reason(data, onto, (ID,))
    assert "HighReliability" in str(info.value) or "disjoint" in str(info.value)


def test_built_data_uses_each_scheme_for_its_own_judgement(fixture_store: EmbeddedStore) -> None:
    """Sources carry reliability members, claims confidence members, never the other way."""
    wrong = fixture_store.select(
        """PREFIX prkg: <https://w3id.org/prkg/ontology#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?x ?level WHERE {
          { ?x prkg:reliability ?level . FILTER(?level NOT IN (prkg:HighReliability,
              prkg:MediumReliability, prkg:LowReliability)) }
          UNION
          { ?x prkg:confidence ?level . FILTER(?level NOT IN (prkg:HighConfidence,
              prkg:MediumConfidence, prkg:LowConfidence)) }
        } LIMIT 5"""
    )
    assert wrong == []
    assert fixture_store.ask(
        "PREFIX prkg: <https://w3id.org/prkg/ontology#> "
        "ASK { ?d prkg:reliability prkg:LowReliability }"
    )


def test_status_is_a_scheme_member_and_planned_things_are_not_events(
    fixture_store: EmbeddedStore,
) -> None:
    """Item 4: every status is in the scheme; the planned 2026 visit is no prkg:Event."""
    prefixes = (
        "PREFIX prkg: <https://w3id.org/prkg/ontology#> "
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "PREFIX id: <https://w3id.org/prkg/id/> "
    )
    assert fixture_store.ask(prefixes + "ASK { ?x prkg:status prkg:Signed }")
    assert not fixture_store.ask(
        prefixes
        + "ASK { ?x prkg:status ?s FILTER NOT EXISTS { ?s skos:inScheme prkg:StatusScheme } }"
    )
    assert fixture_store.ask(prefixes + "ASK { id:sharif-moscow-visit-2026 a prkg:PlannedEvent }")
    assert not fixture_store.ask(
        prefixes + "ASK { id:sharif-moscow-visit-2026 a/rdfs:subClassOf* prkg:Event }"
    )
    assert fixture_store.ask(
        prefixes + 'ASK { ?c prkg:statusText "Signed in 2015 but not implemented"@en }'
    )


def test_planned_activity_and_event_are_disjoint(onto: OntologyInfo) -> None:
    data = Graph()
    visit = URIRef(ID + "a-visit")
    data.add((visit, RDF.type, PRKG.PlannedEvent))
    data.add((visit, RDF.type, PRKG.Visit))
    with pytest.raises(ReasoningError):
        reason(data, onto, (ID,))


def test_signatories_are_qualified_with_role_and_side(fixture_store: EmbeddedStore) -> None:
    """Item 5: 'signatory for Pakistan' is a Participation: agent, role, on behalf of, post."""
    rows = fixture_store.select(
        """PREFIX prkg: <https://w3id.org/prkg/ontology#>
        PREFIX id: <https://w3id.org/prkg/id/>
        SELECT ?side ?post WHERE {
          id:psm-revival-agreement-2025 prkg:qualifiedParticipation ?q .
          ?q a prkg:Participation ; prkg:agent id:saif-anjum ;
             prkg:participationRole prkg:SignatoryRole ; prkg:onBehalfOf ?side .
          OPTIONAL { ?q prkg:inPost ?post }
        }"""
    )
    assert [(r["side"].value, r["post"].value) for r in rows] == [
        (
            "https://w3id.org/prkg/id/pakistan",
            "https://w3id.org/prkg/id/post-secretary-industries-production",
        )
    ]
    # Every qualified participation is itself a sourced fact (has a claim).
    assert not fixture_store.ask(
        """PREFIX prkg: <https://w3id.org/prkg/ontology#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        ASK { ?e prkg:qualifiedParticipation ?q .
              FILTER NOT EXISTS {
                ?c rdf:predicate prkg:qualifiedParticipation ; rdf:object ?q } }"""
    )


def test_version_bumped_with_prior_version(onto: OntologyInfo) -> None:
    """Item 9: terms changed, so a version bump with owl:priorVersion and a matching citation.
    0.3.0 is now the prior version of 0.4.0 (tests/test_ontology_v4.py pins the current one)."""
    ontology = URIRef("https://w3id.org/prkg/ontology")
    g = onto.graph
    current = str(g.value(ontology, OWL.versionInfo))
    assert current != "0.2.0"
    assert g.value(ontology, OWL.versionIRI) == URIRef(f"https://w3id.org/prkg/ontology/{current}")
    prior = {"0.3.0": "0.2.0", "0.4.0": "0.3.0"}[current]
    assert g.value(ontology, OWL.priorVersion) == URIRef(f"https://w3id.org/prkg/ontology/{prior}")
    assert current in str(g.value(ontology, DCTERMS.bibliographicCitation))


def test_readme_shows_the_evaluation_and_lists_the_competency_questions() -> None:
    """Item 10: README's ontology section carries evaluate.py's output and every question."""
    import importlib.util
    import sys

    import yaml

    spec = importlib.util.spec_from_file_location("evaluate", ONTOLOGY_DIR / "evaluate.py")
    assert spec and spec.loader
    evaluate = importlib.util.module_from_spec(spec)
    sys.modules["evaluate"] = evaluate
    spec.loader.exec_module(evaluate)
    text, ok = evaluate.report(ONTOLOGY_DIR)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert ok and text.strip() in readme
    questions = yaml.safe_load((ROOT / "tests" / "competency" / "questions.yaml").read_text())
    for q in questions["questions"]:
        assert f"`{q['id']}`" in readme, q["id"]
    for path in (ROOT / "data" / "queries").glob("*.rq"):
        assert f"`{path.name}`" in readme, path.name
