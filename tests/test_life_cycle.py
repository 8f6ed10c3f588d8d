"""One life-cycle model (issue 20, item 3): shortcut dates are derived from the events of a
facility's life into the inferred graph, and a curated shortcut that disagrees with an event
is a disputed fact on /disputes and in the gallery's disputed-facts.rq alike."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph

from api.app import create_app
from api.settings import Settings
from kg.build import build
from kg.check.derive import RuleError, derive
from kg.data.namespaces import Namespaces
from kg.report.disputes import disputed_facts
from kg.store import EmbeddedStore
from kg.store.layout import StoreLayout

ROOT = Path(__file__).resolve().parent.parent
ID = "https://w3id.org/prkg/id/"
PRKG = "https://w3id.org/prkg/ontology#"
INFERRED = "https://w3id.org/prkg/graph/inferred"

# A test document (not real data): it curates a construction start of 1976 directly, as a
# curator of another session might, and dates a ConstructionStart event to December 1973.
PLANTED_SOURCE = """\
sources:
- id: S9001
  url: https://example.org/test/plant-history
  title: Test document for the life-cycle disputes
  publisher: Test publisher
  date: 2020-01-01
  kind: newspaper
  reliability: medium
"""
PLANTED_ENTITIES = """\
recorded: 2026-12-02
entities:
- slug: test-plant
  class: PowerPlant
  label: {en: Test plant}
  sources: [S9001]
- slug: test-plant-foundation-stone
  class: FoundationStoneLaying
  label: {en: Laying of the test plant's foundation stone}
  sources: [S9001]
"""
PLANTED_CLAIMS = """\
recorded: 2026-12-02
source: S9001
claims:
- {subject: test-plant, predicate: constructionStartDate, object: "1976", locator: para 1,
   quote: "construction began in 1976"}
- {subject: test-plant-foundation-stone, predicate: date, object: 1973-12, locator: para 2,
   quote: "the foundation stone was laid in December 1973"}
- {subject: test-plant-foundation-stone, predicate: concerns, object: test-plant, locator: para 2}
"""


@pytest.fixture(scope="module")
def planted_store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real data plus the planted document, built by the real pipeline."""
    base = tmp_path_factory.mktemp("life")
    data = base / "data"
    shutil.copytree(ROOT / "data", data)
    (data / "sources-test9001.yaml").write_text(PLANTED_SOURCE, encoding="utf-8")
    (data / "entities" / "test9001.yaml").write_text(PLANTED_ENTITIES, encoding="utf-8")
    (data / "claims" / "S9001-test.yaml").write_text(PLANTED_CLAIMS, encoding="utf-8")
    store_dir = base / "store"
    messages: list[str] = []
    build(data, store_dir, log=messages.append)
    (base / "log.txt").write_text("\n".join(messages), encoding="utf-8")
    return store_dir


def test_build_warns_of_a_curated_shortcut_by_file_and_line(planted_store_dir: Path) -> None:
    log = (planted_store_dir.parent / "log.txt").read_text(encoding="utf-8")
    warning = next(line for line in log.splitlines() if "warning" in line and "v5.py" in line)
    assert "1 claim(s)" in warning and "claims/S9001-test.yaml:4" in warning


@pytest.fixture(scope="module")
def planted_store(planted_store_dir: Path) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(StoreLayout(planted_store_dir).oxigraph_dir(), read_only=True)
    yield store
    store.close()


def test_curated_shortcut_against_its_event_is_a_dispute_everywhere(
    planted_store: EmbeddedStore, planted_store_dir: Path
) -> None:
    found = {
        (f.subject.removeprefix(ID), f.predicate.removeprefix(PRKG)): f
        for f in disputed_facts(planted_store, Namespaces())
    }
    fact = found[("test-plant", "constructionStartDate")]
    sides = {side.display: {s.id for s in side.sources} for side in fact.sides}
    assert sides == {"1973-12": {"S9001"}, "1976": {"S9001"}}
    via = {side.display: {s.via_event for s in side.sources} for side in fact.sides}
    assert via == {"1973-12": {"test-plant-foundation-stone"}, "1976": {""}}
    # the gallery query, the same definition
    query = (ROOT / "data" / "queries" / "disputed-facts.rq").read_text(encoding="utf-8")
    rows = planted_store.select(query)
    listed = {
        str(r["value"])
        for r in rows
        if str(r["subject"]) == ID + "test-plant"
        and str(r["property"]) == "prkg:constructionStartDate"
    }
    assert listed == {"1973-12", "1976"}
    # and the page
    settings = Settings(store_dir=planted_store_dir, query_workers=1)
    with TestClient(create_app(settings)) as client:
        data = client.get("/disputes?format=json").json()
        page = client.get("/disputes").text
    assert 'href="/id/test-plant-foundation-stone"' in page
    assert any(
        d["subject"] == ID + "test-plant" and d["predicate"] == PRKG + "constructionStartDate"
        for d in data
    )


def test_derived_shortcut_is_in_the_inferred_graph_with_its_provenance(
    fixture_store: EmbeddedStore,
) -> None:
    rows = fixture_store.select(
        f"""PREFIX prkg: <{PRKG}>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?date ?doc ?quote ?event WHERE {{ GRAPH <{INFERRED}> {{
          <{ID}pakistan-steel-mills> prkg:constructionStartDate ?date .
          ?c a prkg:DerivedClaim ; rdf:subject <{ID}pakistan-steel-mills> ;
             rdf:predicate prkg:constructionStartDate ; rdf:object ?date ;
             prov:wasDerivedFrom ?doc ; prkg:viaEvent ?event ; prkg:derivedFromClaim ?from .
          OPTIONAL {{ ?c prkg:quote ?quote }} }} }}"""
    )
    got = {(str(r["date"]), str(r["doc"]).rsplit("/", 1)[-1], str(r["event"])) for r in rows}
    assert ("1973-12", "S21", ID + "psm-foundation-stone-1973") in got
    assert ("1976", "S22", ID + "pakistan-steel-mills-construction-start") in got
    # nothing curates the shortcut any more: it is only in the inferred graph
    assert not fixture_store.ask(
        f"""PREFIX prkg: <{PRKG}>
        ASK {{ GRAPH ?g {{ <{ID}pakistan-steel-mills> prkg:constructionStartDate ?d }}
              FILTER(?g != <{INFERRED}>) }}"""
    )
    # derived claims are not counted as curated claims
    assert not fixture_store.ask(
        f"PREFIX prkg: <{PRKG}> ASK {{ ?c a prkg:DerivedClaim , prkg:Claim }}"
    )


def test_operational_since_comes_from_the_commissioning_and_the_start_of_production(
    fixture_store: EmbeddedStore,
) -> None:
    rows = fixture_store.select(
        f"""PREFIX prkg: <{PRKG}>
        SELECT ?d WHERE {{ GRAPH <{INFERRED}> {{
          <{ID}pakistan-steel-mills> prkg:operationalSince ?d }} }}"""
    )
    assert {"1985-01-15", "1985", "1978", "1971"} <= {str(r["d"]) for r in rows}


def test_a_rule_that_is_not_a_construct_is_refused_by_name(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "bad.rq").write_text("SELECT * WHERE { ?s ?p ?o }", encoding="utf-8")
    with pytest.raises(RuleError, match=r"bad\.rq"):
        derive([], Graph(), tmp_path)
    (tmp_path / "rules" / "bad.rq").write_text("CONSTRUCT { ?s ?p }", encoding="utf-8")
    with pytest.raises(RuleError, match=r"bad\.rq"):
        derive([], Graph(), tmp_path)


def test_gallery_life_cycles_lists_the_events_and_the_shortcut_each_gives(
    fixture_store: EmbeddedStore,
) -> None:
    query = (ROOT / "data" / "queries" / "q22-life-cycles.rq").read_text(encoding="utf-8")
    rows = {
        (
            str(r["thing"]).removeprefix(ID),
            str(r["date"]),
            str(r["stage"]),
            str(r["derives"]),
        ): set(str(r["sources"]).split(", "))
        for r in fixture_store.select(query)
    }
    psm = "pakistan-steel-mills"
    stone = (psm, "1973-12-30", "FoundationStoneLaying", "prkg:constructionStartDate")
    assert rows[stone] == {"S29", "S733", "S875"}
    assert rows[(psm, "1985-01-15", "Commissioning", "prkg:operationalSince")] == {"S23", "S27", "S713"}
    assert rows[(psm, "2024", "Closure", "prkg:closureDate")] == {"S01"}
    assert rows[(psm, "1971-01", "Signing", "")] == {"S20", "S707"}  # the assistance agreement
    corporation = "pakistan-steel-mills-corporation"
    founded = {d for (t, d, s, _k) in rows if t == corporation and s == "Founding"}
    assert founded == {"1968", "1968-07-02", "1973-07-02", "1973-12-30"}


def test_gallery_life_cycle_order_finds_dates_before_the_construction(
    fixture_store: EmbeddedStore,
) -> None:
    """A "built in 1971" (S04, S17) and an "operational in 1971" (S18) come before the
    foundation stone of December 1973 (S21): listed. Dates in order are not."""
    query = (ROOT / "data" / "queries" / "q23-life-cycle-order.rq").read_text(encoding="utf-8")
    rows = {
        (str(r["before"]), str(r["beforeValue"]), str(r["after"]), str(r["afterValue"])): (
            set(str(r["beforeSources"]).split(", ")),
            set(str(r["afterSources"]).split(", ")),
        )
        for r in fixture_store.select(query)
        if str(r["thing"]) == ID + "pakistan-steel-mills"
    }
    start = "prkg:constructionStartDate"
    assert rows[(start, "1973-12", "prkg:builtIn", "1971")] == ({"S21", "S707"}, {"S04", "S17"})
    assert rows[(start, "1973-12", "prkg:operationalSince", "1971")] == ({"S21", "S707"}, {"S18"})
    # the inauguration of 1985 and the halt of 2015 come after every construction start
    assert not [k for k in rows if k[3] in {"1985-01-15", "2015", "2015-06", "2024"}]


def test_entity_page_shows_a_derived_date_with_its_source(fixture_store: EmbeddedStore) -> None:
    """The derived construction start of 1976 is on the mills' page with S22, its source."""
    from api.pages import claims_of

    iri = ID + "pakistan-steel-mills"
    claims = claims_of(fixture_store, f"FILTER(?s = <{iri}>)", Namespaces())
    sources = {
        c["source"]["id"]
        for c in claims
        if c["p"].value == PRKG + "constructionStartDate" and c["o"].value == "1976"
    }
    assert sources == {"S22", "S707"}
