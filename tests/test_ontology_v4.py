"""Issue 20, items 6 and 7: tenure, observations, units, one sum in two currencies and
time-varying values (ontology 0.4.0), checked on the ontology, the real build and a build of
planted data."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF

from kg.build import build
from kg.check.reason import ReasoningError, reason
from kg.data.assemble import assemble
from kg.data.loader import read_data
from kg.data.namespaces import PRKG, TIME, Namespaces
from kg.data.ontology import OntologyInfo
from kg.report.disputes import disputed_facts
from kg.store import EmbeddedStore
from kg.store.layout import StoreLayout

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = ROOT / "ontology"
ID = "https://w3id.org/prkg/id/"
P = """PREFIX prkg: <https://w3id.org/prkg/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX qudt: <http://qudt.org/schema/qudt/>
PREFIX unit: <http://qudt.org/vocab/unit/>
PREFIX id: <https://w3id.org/prkg/id/>
"""


@pytest.fixture(scope="module")
def onto() -> OntologyInfo:
    return OntologyInfo.load(ONTOLOGY_DIR)


# --- the ontology ---------------------------------------------------------------------------


def test_version_bumped_with_prior_version(onto: OntologyInfo) -> None:
    ontology = URIRef("https://w3id.org/prkg/ontology")
    g = onto.graph
    assert str(g.value(ontology, OWL.versionInfo)) == "0.4.0"
    assert g.value(ontology, OWL.versionIRI) == URIRef("https://w3id.org/prkg/ontology/0.4.0")
    assert g.value(ontology, OWL.priorVersion) == URIRef("https://w3id.org/prkg/ontology/0.3.0")
    assert "0.4.0" in str(g.value(ontology, DCTERMS.bibliographicCitation))


def test_patterns_are_aligned_with_org_owl_time_and_qudt(onto: OntologyInfo) -> None:
    g = onto.graph
    org = "http://www.w3.org/ns/org#"
    assert (PRKG.Tenure, URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf"),
            URIRef(org + "Membership")) in g  # fmt: skip
    assert (PRKG.tenurePeriod, None, URIRef(org + "memberDuring")) in g
    assert g.value(PRKG.refPeriod, URIRef("http://www.w3.org/2000/01/rdf-schema#range")) == (
        TIME.ProperInterval
    )
    # every unit code curators write is a QUDT unit (or, for bcm/a, a unit defined here)
    units = onto.units
    assert units["Mt/a"][0] == URIRef("http://qudt.org/vocab/unit/MegaTONNE-PER-YR")
    assert units["MW"][1] == URIRef("http://qudt.org/vocab/quantitykind/Power")
    assert units["bcm/a"][0] == PRKG.BillionCubicMetresPerYear
    assert {"t", "t/a", "Mt", "Mt/a", "MW", "km", "acre", "bcm/a", "percent", "year", "barrel",
            "inch"} <= set(units)  # fmt: skip


def test_replaced_terms_stay_deprecated(onto: OntologyInfo) -> None:
    g = onto.graph
    for old, new in ((PRKG.flow, PRKG.tradeFlow), (PRKG.period, PRKG.refPeriod)):
        assert (old, OWL.deprecated, None) in g
        assert (old, DCTERMS.isReplacedBy, new) in g
        assert (old, RDF.type, OWL.DatatypeProperty) in g  # still declared: queries parse


def test_a_tenure_typed_as_an_event_is_a_clash(onto: OntologyInfo) -> None:
    data = Graph()
    tenure = URIRef(ID + "a-tenure")
    data.add((tenure, RDF.type, PRKG.Tenure))
    data.add((tenure, RDF.type, PRKG.Meeting))
    with pytest.raises(ReasoningError) as info:
        reason(data, onto, (ID,))
    assert "a-tenure" in str(info.value) and "disjoint" in str(info.value)


# --- the real build -------------------------------------------------------------------------


def test_post_holding_is_a_tenure_whose_period_contains_the_as_of(
    fixture_store: EmbeddedStore,
) -> None:
    """S73 saw Putin hold the presidency on 3 July 2024: an instant inside the tenure's
    period, not its beginning; the as-of stays on the claim."""
    rows = fixture_store.select(
        P
        + """SELECT ?tenure ?period ?d WHERE {
          ?tenure a prkg:Tenure ; prkg:tenureHolder id:vladimir-putin ;
                  prkg:tenurePost id:post-president-russia ; prkg:tenurePeriod ?period .
          ?period a time:ProperInterval ; time:inside ?i . ?i time:inXSDDate ?d }"""
    )
    assert "2024-07-03" in {r["d"].value for r in rows}
    period = rows[0]["period"].value
    # the reasoner sees the tenures: each is inferred to be an org:Membership
    assert fixture_store.ask(
        P + f"ASK {{ GRAPH <https://w3id.org/prkg/graph/inferred> {{ <{rows[0]['tenure'].value}> "
        "a org:Membership } }"
    )
    assert not fixture_store.ask(P + f"ASK {{ <{period}> time:hasBeginning ?b }}")
    assert fixture_store.ask(
        P
        + """ASK { ?c rdf:subject id:vladimir-putin ; rdf:predicate prkg:holdsPost ;
                     prkg:asOf "2024-07-03"^^<http://www.w3.org/2001/XMLSchema#date> }"""
    )
    # every fact about a tenure's period has a claim naming a source
    assert not fixture_store.ask(
        P
        + """ASK { ?t prkg:tenurePeriod ?p . ?p ?prop ?o .
              FILTER(?prop IN (time:inside, time:hasBeginning, time:hasEnd))
              FILTER NOT EXISTS { ?c rdf:subject ?p ; rdf:predicate ?prop ; rdf:object ?o } }"""
    )


def test_trade_figures_have_reporter_partner_flow_and_period(
    fixture_store: EmbeddedStore,
) -> None:
    rows = fixture_store.select(
        P
        + """SELECT ?flow ?reporter ?partner ?label ?from ?to WHERE {
          id:trade-pk-ru-fy2022-23-exports prkg:tradeFlow ?flow ; prkg:reporter ?reporter ;
              prkg:partner ?partner ; prkg:refPeriod ?p .
          ?p rdfs:label ?label ; time:hasBeginning/time:inXSDDate ?from ;
             time:hasEnd/time:inXSDDate ?to }"""
    )
    assert [tuple(r[k].value for k in ("flow", "reporter", "partner", "label", "from", "to"))
            for r in rows] == [(str(PRKG.Exports), ID + "pakistan", ID + "russia", "FY2022-23",
                                "2022-07-01", "2023-06-30")]  # fmt: skip
    # Russia's exports to Pakistan are seen from Russia's side
    assert fixture_store.ask(
        P + "ASK { id:russia-exports-to-pakistan-crude-share-2023 prkg:reporter id:russia ; "
        "prkg:partner id:pakistan ; prkg:tradeFlow prkg:Exports }"
    )
    assert not fixture_store.ask(P + "ASK { ?x prkg:flow ?f }")
    assert not fixture_store.ask(P + "ASK { ?x prkg:period ?f }")


def test_every_quantity_has_a_qudt_unit_and_quantity_kind(fixture_store: EmbeddedStore) -> None:
    assert not fixture_store.ask(
        P + "ASK { ?q a prkg:QuantityValue FILTER NOT EXISTS { ?q qudt:hasUnit ?u ; "
        "qudt:hasQuantityKind ?k } }"
    )
    assert fixture_store.ask(
        P + "ASK { id:pakistan-steel-mills prkg:designCapacity ?q . "
        "?q qudt:hasUnit unit:MegaTONNE-PER-YR }"
    )


def test_the_1961_loan_is_one_sum_in_two_currencies(fixture_store: EmbeddedStore) -> None:
    rows = fixture_store.select(
        P
        + """SELECT ?c1 ?c2 WHERE { id:soviet-oil-exploration-loan-1961 prkg:loanAmount ?a , ?b .
          ?a prkg:sameSumAs ?b ; prkg:currency ?c1 . ?b prkg:currency ?c2 }"""
    )
    assert {(r["c1"].value, r["c2"].value) for r in rows} == {("SUR", "USD"), ("USD", "SUR")}


# --- planted data: the dispute rule and the loader's checks ----------------------------------

PLANTED = """source: S13
claims:
- {subject: vladimir-putin, predicate: holdsPost, object: post-president-russia, locator: p1,
   held_from: 2012-05-07, note: "Start as one source gives it."}
- {subject: vladimir-putin, predicate: holdsPost, object: post-president-russia, locator: p2,
   held_from: 2012-05, note: "The same start, less precisely."}
- {subject: vladimir-putin, predicate: holdsPost, object: post-president-russia, locator: p3,
   held_from: 2013-01-01, note: "A start that disagrees."}
- {subject: nikolay-shulginov, predicate: holdsPost, object: post-energy-minister-russia,
   locator: p8, held_from: 2020-11, note: "A start."}
- {subject: nikolay-shulginov, predicate: holdsPost, object: post-energy-minister-russia,
   locator: p9, held_from: 2020-11-10, note: "The same start, more precisely: no dispute."}
- {subject: pakistan-steel-mills, predicate: installedCapacity, object: {amount: 1.1, unit: Mt/a},
   locator: p4, as_of: 2011-11, note: "Installed in November 2011 (as S28)."}
- {subject: pakistan-steel-mills, predicate: installedCapacity, object: {amount: 0.9, unit: Mt/a},
   locator: p5, as_of: 2020, note: "Installed in 2020: a history, no dispute."}
- {subject: guddu-thermal-power-station, predicate: installedCapacity,
   object: {amount: 1700, unit: MW}, locator: p6, as_of: 2023-11-27,
   note: "Another figure for the same day as S43: a dispute."}
- {subject: new-karachi-steel-mills, predicate: status, object: proposed, locator: p10,
   as_of: 2025-07-12, note: "Another stage for the day S01 says agreed: a dispute."}
- {subject: ns-gas-pipeline-iga-2015, predicate: status, object: cancelled, locator: p11,
   as_of: 2031, note: "A later stage: a history, no dispute."}
- {subject: soviet-oil-exploration-loan-1961, predicate: loanAmount,
   object: {amount: 40000000, currency: RUB}, locator: p7,
   note: "An amount in a third currency, linked to nothing: a dispute."}
"""


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[tuple[str, str], set]]:
    data = tmp_path_factory.mktemp("planted") / "data"
    shutil.copytree(ROOT / "data", data)
    (data / "claims" / "S13-planted-v4.yaml").write_text(PLANTED, encoding="utf-8")
    store_dir = data.parent / "store"
    build(data, store_dir, log=lambda _msg: None)
    store = EmbeddedStore(StoreLayout(store_dir).oxigraph_dir(), read_only=True)
    try:
        yield {
            (f.subject.removeprefix(ID), f.predicate.rsplit("#", 1)[-1]): {
                s.display for s in f.sides
            }
            for f in disputed_facts(store, Namespaces())
        }
    finally:
        store.close()


def test_two_starts_of_one_term_are_a_dispute_unless_one_refines_the_other(
    planted: dict,
) -> None:
    starts = [v for (s, p), v in planted.items() if p == "hasBeginning"]
    # Putin's three starts: 2013-01-01 conflicts with both others (2012-05 only refines
    # 2012-05-07, so those two alone would agree); Shulginov's two starts agree.
    assert starts == [{"2012-05", "2012-05-07", "2013-01-01"}]


def test_time_varying_values_are_compared_only_at_one_point_in_time(planted: dict) -> None:
    # (the real data adds S1062: 1 Mt/a for 2011-04, another month: no dispute either)
    assert ("pakistan-steel-mills", "installedCapacity") not in planted  # 2011-11, 2020
    assert planted[("guddu-thermal-power-station", "installedCapacity")] == {"1700 MW", "1762 MW"}
    # a status is one stage at a time: two stages for one day disagree, later ones do not
    assert planted[("new-karachi-steel-mills", "status")] == {"agreed", "proposed"}
    assert ("ns-gas-pipeline-iga-2015", "status") not in planted  # 2021-05 and 2031


def test_unlinked_amounts_in_two_currencies_are_a_dispute(planted: dict) -> None:
    sides = planted[("soviet-oil-exploration-loan-1961", "loanAmount")]
    assert "40000000 RUB" in sides  # the linked SUR and USD amounts agree with each other


def _assembly_errors(tmp_path: Path, claims: str) -> list[str]:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    (data / "claims" / "S13-bad-v4.yaml").write_text(claims, encoding="utf-8")
    records, errors = read_data(data)
    assert not errors
    found = assemble(records, OntologyInfo.load(ONTOLOGY_DIR), Namespaces()).errors
    return [str(e) for e in found]


def test_loader_names_bad_units_periods_tenures_and_sums(tmp_path: Path) -> None:
    errors = _assembly_errors(
        tmp_path,
        "source: S13\nclaims:\n"
        "- {subject: pakistan-steel-mills, predicate: area, object: {amount: 5, unit: hectare},"
        " locator: a}\n"
        "- {subject: trade-pk-ru-2023-total, predicate: refPeriod,"
        " object: {from: 2023-12-31, to: 2023-01-01}, locator: b}\n"
        "- {subject: vladimir-putin, predicate: holdsPost, object: post-president-russia,"
        " locator: c, held_from: 2020, held_until: 2012}\n"
        "- {subject: soviet-oil-exploration-loan-1961, predicate: sameSumAs,"
        " object: [{amount: 1, currency: SUR}, {amount: 30000000, currency: USD}], locator: d}\n"
        "- {subject: vladimir-putin, predicate: participant, object: russia, locator: e,"
        " held_from: 2020}\n",
    )
    expected = {
        3: "unknown unit 'hectare'",
        4: "ends (2023-01-01) before it begins",
        5: "held_until 2012 is before held_from 2020",
        6: "no claim gives 'soviet-oil-exploration-loan-1961' the amount",
        7: "qualify a holdsPost claim only",
    }
    for line, words in expected.items():
        assert any(f"S13-bad-v4.yaml:{line}:" in e and words in e for e in errors), (line, errors)


def test_the_new_version_iri_is_served(client: TestClient) -> None:
    assert client.get("/ontology/0.4.0", headers={"Accept": "text/turtle"}).status_code == 200
    old = client.get("/ontology/0.3.0")
    assert old.status_code == 404 and "0.4.0" in old.text
