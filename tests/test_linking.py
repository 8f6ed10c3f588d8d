"""`prkg link suggest` / `prkg link accept` (kg.link.linking): candidates from a Wikidata extract.

The extract is tests/fixtures/wikidata-extract.nt (hand-written, register QIDs only). The
strongest check: with the curated links removed from a copy of data/, the suggester must
propose exactly the curated QIDs as each entity's best candidate; and accepted candidates
must come back from the real loader and assembler as sourced claims.
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest
import yaml
from linking_support import DATA, FIXTURES, ONTOLOGY, data_store

from kg.data.assemble import assemble
from kg.data.loader import read_data
from kg.data.namespaces import Namespaces
from kg.data.ontology import OntologyInfo
from kg.link.extract import LinkingError, read_extract
from kg.link.linking import suggest_links
from kg.link.review import accept_review, suggest_to_review, write_review

EXTRACT = FIXTURES / "wikidata-extract.nt"
WD = "http://www.wikidata.org/entity/"


def curated_links() -> dict[str, str]:
    doc = yaml.safe_load((DATA / "claims" / "links-wikidata.yaml").read_text(encoding="utf-8"))
    return {c["subject"]: c["object"][len(WD) :] for c in doc["claims"]}


def data_copy(tmp_path: Path, drop_links_of: set[str] | None = None) -> Path:
    """A copy of data/ with the curated links removed (all, or those of some entities)."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    # Every file of links (links-wikidata.yaml, links-evidence.yaml, …) holds curated links.
    for links in sorted((target / "claims").glob("links-*.yaml")):
        if drop_links_of is None:
            links.unlink()
            continue
        doc = yaml.safe_load(links.read_text(encoding="utf-8"))
        doc["claims"] = [c for c in doc["claims"] if c["subject"] not in drop_links_of]
        links.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return target


def test_read_ntriples_extract():
    items = read_extract(EXTRACT)
    assert {"Q843", "Q159", "Q8660", "Q649", "Q102673"} <= set(items)
    assert "Карачи" in items["Q8660"].labels["ru"]
    assert items["Q8660"].claims["P17"] == {"Q843"}
    assert items["Q843"].claims["P31"] == {"Q6256", "Q3624078"}


def test_read_json_dump_lines(tmp_path):
    """The Wikidata JSON dump: one entity per line inside a JSON array, gzip-compressed."""
    entity = {
        "id": "Q8660",
        "type": "item",
        "labels": {
            "en": {"language": "en", "value": "Karachi"},
            "ur": {"language": "ur", "value": "کراچی"},
        },
        "aliases": {},
        "descriptions": {},
        "claims": {
            "P17": [
                {
                    "mainsnak": {
                        "snaktype": "value",
                        "property": "P17",
                        "datavalue": {
                            "type": "wikibase-entityid",
                            "value": {"entity-type": "item", "id": "Q843"},
                        },
                    }
                }
            ]
        },
    }
    path = tmp_path / "extract.json.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("[\n" + json.dumps(entity, ensure_ascii=False) + ",\n]\n")
    items = read_extract(path)
    assert items["Q8660"].labels["ur"] == ["کراچی"]
    assert items["Q8660"].claims["P17"] == {"Q843"}


def test_bad_extracts_are_reported(tmp_path):
    with pytest.raises(LinkingError, match="no such file"):
        read_extract(tmp_path / "missing.nt")
    bad = tmp_path / "bad.nt"
    bad.write_text("<http://www.wikidata.org/entity/Q1> <p> oops .\n")
    with pytest.raises(LinkingError, match=r"bad\.nt"):
        read_extract(bad)


def test_suggestions_recover_the_curated_links(tmp_path):
    store = data_store(data_copy(tmp_path))
    candidates = suggest_links(store, read_extract(EXTRACT))
    best: dict[str, str] = {}
    for c in candidates:  # sorted by entity, then score
        best.setdefault(c.entity, c.qid)
    expected = {slug: qid for slug, qid in curated_links().items()}
    missing = {s: q for s, q in expected.items() if best.get(s) != q}
    assert not missing, f"not proposed as best candidate: {missing}; got {best}"
    pakistan = next(c for c in candidates if c.entity == "pakistan")
    assert pakistan.predicate == "skos:exactMatch"  # a State
    assert pakistan.class_check.startswith("agrees")
    assert pakistan.score > next(c for c in candidates if c.entity == "russia").score


def test_linked_entities_are_not_proposed_again():
    store = data_store()
    proposed = {c.entity for c in suggest_links(store, read_extract(EXTRACT))}
    assert not proposed & set(curated_links())


def synthetic_store(country_slug: str):
    """A two-entity store, made up for this test: a city whose country is linked to Wikidata."""
    from kg.store import EmbeddedStore

    ns = Namespaces()
    store = EmbeddedStore(None)
    store.load((ONTOLOGY / "prkg.ttl").read_bytes(), "text/turtle", ns.ontology_graph)
    qid = {"pakistan": "Q843", "russia": "Q159"}[country_slug]
    turtle = f"""
@prefix prkg: <https://w3id.org/prkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<{ns.entity("karachi")}> a prkg:City ; rdfs:label "Karachi"@en ;
    prkg:country <{ns.entity(country_slug)}> .
<{ns.entity(country_slug)}> a prkg:State ; skos:exactMatch <{WD}{qid}> .
"""
    store.load(turtle.encode(), "text/turtle", f"{ns.base}graph/entities")
    return store


def test_country_uses_our_own_links():
    """P17 of the candidate is compared with the Wikidata item of our entity's country."""
    items = read_extract(EXTRACT)
    right = [c for c in suggest_links(synthetic_store("pakistan"), items) if c.qid == "Q8660"]
    wrong = [c for c in suggest_links(synthetic_store("russia"), items) if c.qid == "Q8660"]
    assert right[0].country_check == "agrees: Q843"
    assert wrong[0].country_check.startswith("differs")
    assert right[0].score > 0.85 > wrong[0].score


def test_class_disagreement_lowers_the_score(tmp_path):
    store = data_store(data_copy(tmp_path))
    items = read_extract(EXTRACT)
    normal = next(c for c in suggest_links(store, items) if c.entity == "pakistan")
    wrong = next(
        c
        for c in suggest_links(store, items, class_map={"Q6256": "City", "Q3624078": "City"})
        if c.entity == "pakistan"
    )
    assert wrong.class_check.startswith("differs") and wrong.score < normal.score


def test_review_then_accept_adds_sourced_claims(tmp_path):
    data_dir = data_copy(tmp_path)
    store = data_store(data_dir)
    review = tmp_path / "review.yaml"
    candidates = suggest_to_review(store, EXTRACT, review)
    doc = yaml.safe_load(review.read_text(encoding="utf-8"))
    assert len(doc["candidates"]) == len(candidates) > 0
    assert all(c["accept"] is False for c in doc["candidates"])

    # nothing accepted, no URL: refuses and writes nothing
    with pytest.raises(LinkingError, match=r"extract\.url"):
        accept_review(review, data_dir)
    assert not (data_dir / "claims" / "links-accepted.yaml").exists()

    doc["extract"]["url"] = "https://dumps.wikimedia.org/wikidatawiki/entities/"
    doc["extract"]["retrieved"] = "2026-11-20"
    for cand in doc["candidates"]:
        cand["accept"] = cand["entity"] in ("karachi", "moscow")
    review.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    result = accept_review(review, data_dir)
    assert result.added == 2 and result.path.name == "links-accepted.yaml"
    again = accept_review(review, data_dir)
    assert again.added == 0 and again.already_present == 2

    data, errors = read_data(data_dir)
    assert not errors, errors
    assembly = assemble(data, OntologyInfo.load(ONTOLOGY), Namespaces())
    assert not [e for e in assembly.errors if "links-accepted" in e.file]
    store = data_store(data_dir)
    rows = store.select(f"""
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT ?e ?src WHERE {{
  ?c <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> ?e ;
     <http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate> owl:sameAs ;
     <http://www.w3.org/1999/02/22-rdf-syntax-ns#object> <{WD}Q8660> ;
     <http://www.w3.org/ns/prov#wasDerivedFrom> ?src . }}""")
    assert [r["e"].value for r in rows] == [Namespaces().entity("karachi")]
    assert rows[0]["src"].value == Namespaces().source(result.source_id)


def test_write_review_records_the_extract(tmp_path):
    out = write_review([], tmp_path / "r.yaml", extract_path=EXTRACT)
    doc = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert doc["extract"]["format"] == "ntriples" and len(doc["extract"]["sha256"]) == 64
    assert out.read_text(encoding="utf-8").startswith("# Candidate Wikidata links")
