"""The build pipeline end to end: provenance, named graphs, dumps, bad input, atomicity."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pyoxigraph as ox
import pytest
from competency_questions import answer_rows, load_questions
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from kg.build import BuildError, build
from kg.check.quality import run_rules
from kg.data.namespaces import Namespaces
from kg.data.records import DataValidationError
from kg.store import EmbeddedStore
from kg.store.layout import StoreLayout

ROOT = Path(__file__).resolve().parent.parent
QUIET = {"log": lambda _m: None}

SOURCES = """\
sources:
- id: T1
  url: https://example.org/t1
  title: A test report
  publisher: Test Gazette
  date: 2025-07-12
  kind: newspaper
  reliability: high
- id: PRKG
  url: https://w3id.org/prkg/
  title: curation
  publisher: prkg project
  date: null
  date_stated: not stated
  kind: curation
  reliability: medium
"""
ENTITIES = """\
entities:
- slug: pakistan
  class: State
  label: {en: Pakistan}
  sources: [T1]
- slug: russia
  class: State
  label: {en: Russia}
  sources: [T1]
- slug: deal
  class: Protocol
  label: {en: A deal}
  sources: [T1]
"""
CLAIMS = """\
source: T1
claims:
- subject: deal
  predicate: party
  object: pakistan
  locator: para 1
  note: One party.
- subject: deal
  predicate: party
  object: russia
  locator: para 1
  note: The other party.
"""


def write_data(root: Path, **files: str) -> Path:
    data = root / "data"
    (data / "entities").mkdir(parents=True, exist_ok=True)
    (data / "claims").mkdir(exist_ok=True)
    contents = {"sources.yaml": SOURCES, "entities/e.yaml": ENTITIES, "claims/c.yaml": CLAIMS}
    contents.update({k.replace("__", "/"): v for k, v in files.items()})
    for name, text in contents.items():
        (data / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return data


# --- the real graph -------------------------------------------------------------------------


@pytest.mark.parametrize("question", load_questions(), ids=lambda q: q.id)
def test_competency_question(question, fixture_store: EmbeddedStore) -> None:
    head = re.search(r"SELECT\s+(?:DISTINCT\s+)?((?:\?\w+\s*)+)", question.sparql, re.I)
    assert head, "competency questions are SELECTs"
    variables = [v.lstrip("?") for v in head.group(1).split()]
    rows = fixture_store.select(question.sparql)
    assert answer_rows(rows, variables) == question.expect, question.question


def test_every_fact_has_a_sourced_claim(
    fixture_store: EmbeddedStore, namespaces: Namespaces
) -> None:
    assert run_rules(fixture_store, namespaces) == []
    # And independently of the rule files: count facts about entities with no claim.
    unsourced = fixture_store.select("""
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?s ?p ?o WHERE {
          GRAPH ?g { ?s ?p ?o }
          FILTER(STRSTARTS(STR(?g), "https://w3id.org/prkg/graph/source/"))
          FILTER(STRSTARTS(STR(?s), "https://w3id.org/prkg/id/"))
          FILTER NOT EXISTS { ?c rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
                                 prov:wasDerivedFrom ?doc . ?doc a ?docType } }""")
    assert unsourced == []


def test_every_claim_says_when_it_was_recorded(fixture_store: EmbeddedStore) -> None:
    missing = fixture_store.select("""
        PREFIX prkg: <https://w3id.org/prkg/ontology#>
        SELECT ?c WHERE { ?c a prkg:Claim FILTER NOT EXISTS { ?c prkg:recordedOn ?d } } LIMIT 5""")
    assert missing == []


def test_founding_article_graph_holds_record_facts_and_claims(fixture_store: EmbeddedStore) -> None:
    g = "<https://w3id.org/prkg/graph/source/S01>"
    record = fixture_store.select(f"""
        SELECT ?title ?publisher ?issued ?url WHERE {{ GRAPH {g} {{
          <https://w3id.org/prkg/source/S01> a <https://w3id.org/prkg/ontology#SourceDocument>,
              <http://www.w3.org/ns/prov#Entity>, <https://schema.org/NewsArticle> ;
            <http://purl.org/dc/terms/title> ?title ;
            <http://purl.org/dc/terms/publisher> ?publisher ;
            <http://purl.org/dc/terms/issued> ?issued ; <https://schema.org/url> ?url }} }}""")
    assert [str(r["publisher"]) for r in record] == ["Dawn"]
    assert record[0]["issued"].datatype == "http://www.w3.org/2001/XMLSchema#date"
    counts = fixture_store.select(f"""
        SELECT (COUNT(?c) AS ?claims)
        WHERE {{ GRAPH {g} {{ ?c a <https://w3id.org/prkg/ontology#Claim> }} }}""")
    assert int(str(counts[0]["claims"])) >= 60


def test_named_graphs_kept_apart(fixture_store: EmbeddedStore, namespaces: Namespaces) -> None:
    graphs = set(fixture_store.named_graphs())
    assert namespaces.ontology_graph in graphs
    assert namespaces.inferred_graph in graphs
    assert namespaces.source_graph("S01") in graphs
    # Inferred types are only in the inferred graph, never mixed with asserted ones.
    mixed = fixture_store.select(f"""
        SELECT ?s ?t WHERE {{ GRAPH <{namespaces.inferred_graph}> {{ ?s a ?t }}
          GRAPH ?g {{ ?s a ?t }} FILTER(?g != <{namespaces.inferred_graph}>) }}""")
    assert mixed == []
    inferred = fixture_store.ask(f"""
        ASK {{ GRAPH <{namespaces.inferred_graph}> {{
          <https://w3id.org/prkg/id/saif-anjum> a <https://w3id.org/prkg/ontology#Actor> }} }}""")
    assert inferred


def test_dumps_written_and_consistent(built_store_dir: Path) -> None:
    dumps = StoreLayout(built_store_dir).dumps_dir()
    names = {p.name for p in dumps.iterdir()}
    assert {"dataset.trig", "dataset.nq", "union.ttl", "ontology.ttl", "ontology.owl"} <= names
    trig = Dataset()
    trig.parse(dumps / "dataset.trig", format="trig")
    nq = Dataset()
    nq.parse(dumps / "dataset.nq", format="nquads")
    assert len(trig) == len(nq) > 1000
    owl = Graph().parse(dumps / "ontology.owl", format="xml")
    ttl = Graph().parse(dumps / "ontology.ttl", format="turtle")
    assert isomorphic(owl, ttl)


# --- the command line ---------------------------------------------------------------------------


def run_prkg(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=180,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )


def test_cli_build_then_query_round_trip(tmp_path: Path) -> None:
    data = write_data(tmp_path)
    built = run_prkg(
        "build",
        "--data",
        str(data),
        "--store",
        str(tmp_path / "st"),
        "--dist",
        str(tmp_path / "dist"),
        cwd=tmp_path,
    )
    assert built.returncode == 0, built.stderr
    assert "sources: 2" in built.stderr and "Protocol: 1" in built.stderr
    assert (tmp_path / "dist" / "dataset.trig").exists()
    query = run_prkg(
        "query",
        "--store",
        str(tmp_path / "st"),
        "--format",
        "csv",
        "SELECT ?p WHERE { <https://w3id.org/prkg/id/deal> "
        "<https://w3id.org/prkg/ontology#party> ?p } ORDER BY ?p",
        cwd=tmp_path,
    )
    assert query.returncode == 0, query.stderr
    assert query.stdout.split() == [
        "p",
        "https://w3id.org/prkg/id/pakistan",
        "https://w3id.org/prkg/id/russia",
    ]
    bad = run_prkg(
        "query", "--store", str(tmp_path / "st"), "SELECT * WHERE { ?s ?p }", cwd=tmp_path
    )
    assert bad.returncode == 2 and "does not parse" in bad.stderr


# --- bad input ------------------------------------------------------------------------------------

BAD_CASES = {
    "yaml-syntax": (
        {"claims__c.yaml": "claims:\n- subject: deal\n  predicate: [party\n"},
        ["data/claims/c.yaml:4", "YAML syntax error"],
    ),
    "unknown-entity": (
        {"claims__c.yaml": CLAIMS.replace("object: russia", "object: rusia")},
        ["data/claims/c.yaml:10", "unknown entity 'rusia'"],
    ),
    "unknown-predicate": (
        {
            "claims__c.yaml": CLAIMS.replace(
                "predicate: party\n  object: russia", "predicate: partyy\n  object: russia"
            )
        },
        ["data/claims/c.yaml:8", "unknown predicate 'partyy'", "did you mean party"],
    ),
    "unknown-source": (
        {"claims__c.yaml": CLAIMS.replace("source: T1", "source: T9")},
        ["data/claims/c.yaml:3", "unknown source id 'T9'"],
    ),
    "malformed-date": (
        {"sources.yaml": SOURCES.replace("date: 2025-07-12", "date: 12/07/2025")},
        ["data/sources.yaml:6", "malformed date '12/07/2025'"],
    ),
    "duplicate-id": (
        {
            "entities__more.yaml": "entities:\n- slug: deal\n  class: Protocol\n"
            "  label: {en: Again}\n  sources: [T1]\n"
        },
        [
            "data/entities/more.yaml:2",
            "duplicate entity slug 'deal'",
            "first defined at data/entities/e.yaml:10",
        ],
    ),
    "claim-without-source": (
        {"claims__c.yaml": CLAIMS.replace("source: T1\n", "")},
        ["data/claims/c.yaml:2", "claim has no source"],
    ),
    # Caught by the SHACL shapes (run in parallel processes during the build), reported
    # with the YAML place of the entity.
    "shape-violation": (
        {
            "claims__c.yaml": CLAIMS.split("- subject: deal\n  predicate: party\n  object: russia")[
                0
            ]
        },
        ["shape violation", "at least two parties", "data/entities/e.yaml"],
    ),
    "wrong-class": (
        {
            "claims__c.yaml": CLAIMS + "- {subject: pakistan, predicate: signatory, "
            "object: russia, locator: x, note: y}\n"
        },
        ["subject 'pakistan' is a State, but signatory expects Agreement"],
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES), ids=str)
def test_bad_input_stops_build_with_located_message(case: str, tmp_path: Path) -> None:
    files, expected = BAD_CASES[case]
    data = write_data(tmp_path, **files)
    with pytest.raises((DataValidationError, BuildError)) as info:
        build(data, tmp_path / "st", **QUIET)
    message = str(info.value)
    for part in expected:
        assert part in message, message


def test_all_errors_reported_at_once(tmp_path: Path) -> None:
    claims = CLAIMS.replace("object: russia", "object: rusia").replace(
        "object: pakistan", "object: pakistn"
    )
    data = write_data(tmp_path, **{"claims__c.yaml": claims})
    with pytest.raises(DataValidationError) as info:
        build(data, tmp_path / "st", **QUIET)
    assert len(info.value.errors) == 2


def test_failed_build_leaves_previous_store_untouched(tmp_path: Path) -> None:
    good = write_data(tmp_path / "good")
    store_dir = tmp_path / "st"
    build(good, store_dir, **QUIET)
    layout = StoreLayout(store_dir)
    before = layout.current_build()
    bad = write_data(tmp_path / "bad", **{"claims__c.yaml": CLAIMS.replace("russia", "nowhere")})
    with pytest.raises(DataValidationError):
        build(bad, store_dir, **QUIET)
    assert layout.current_build() == before
    store = EmbeddedStore(layout.oxigraph_dir(), read_only=True)
    assert store.ask(
        "ASK { <https://w3id.org/prkg/id/deal> "
        "<https://w3id.org/prkg/ontology#party> <https://w3id.org/prkg/id/russia> }"
    )


def test_rebuild_is_deterministic(tmp_path: Path) -> None:
    data = write_data(tmp_path)
    first, second = tmp_path / "a", tmp_path / "b"
    build(data, first, **QUIET)
    build(data, second, **QUIET)
    dumps = [StoreLayout(d).dumps_dir() / "dataset.nq" for d in (first, second)]
    a, b = (Dataset().parse(p, format="nquads") for p in dumps)
    names_a = {g.identifier for g in a.graphs()}
    assert names_a == {g.identifier for g in b.graphs()}
    for name in names_a:  # blank nodes (OWL lists) differ in name only: compare per graph
        assert isomorphic(a.graph(name), b.graph(name)), name


def test_rebuild_keeps_update_graph(tmp_path: Path) -> None:
    data = write_data(tmp_path)
    store_dir = tmp_path / "st"
    build(data, store_dir, **QUIET)
    layout = StoreLayout(store_dir)
    ns = Namespaces()
    raw = ox.Store(str(layout.oxigraph_dir()))
    raw.update(f'INSERT DATA {{ GRAPH <{ns.updates_graph}> {{ <urn:x> <urn:y> "kept" }} }}')
    raw.flush()
    del raw
    build(data, store_dir, **QUIET)
    store = EmbeddedStore(layout.oxigraph_dir(), read_only=True)
    assert store.ask(f'ASK {{ GRAPH <{ns.updates_graph}> {{ <urn:x> <urn:y> "kept" }} }}')
