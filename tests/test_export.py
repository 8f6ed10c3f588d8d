"""CSV exports and the JSON-LD context (/export/*.csv, /context.jsonld, kg.report.export).

The checks compare the exports with the store they came from: every claim of the store
is a row, the link claims carry their sources, and an entity's plain JSON read back
through the context gives exactly the entity's triples.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from fastapi.testclient import TestClient
from linking_support import data_store
from rdflib import Graph, Literal, URIRef

from api.app import create_app
from api.settings import Settings
from kg.data.namespaces import Namespaces
from kg.report.export import (
    CLAIM_COLUMNS,
    ENTITY_COLUMNS,
    claims_csv,
    entities_csv,
    entity_document,
    write_exports,
)

NS = Namespaces()


@pytest.fixture(scope="module")
def store():
    return data_store()


@pytest.fixture(scope="module")
def client(store, tmp_path_factory):
    with TestClient(create_app(Settings(store_dir=tmp_path_factory.mktemp("s")), store=store)) as c:
        yield c


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_entities_csv_has_every_entity_with_its_ids(store):
    rows = read_csv(entities_csv(store, NS))
    assert tuple(rows[0]) == ENTITY_COLUMNS
    prefix = NS.entity("")
    n_entities = store.select(
        "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a ?c "
        f'FILTER(STRSTARTS(STR(?e), "{prefix}")) }}'
    )[0]["n"]
    assert len(rows) == int(n_entities.value)
    by_id = {r["id"]: r for r in rows}
    assert by_id["pakistan"]["label_ur"] == "پاکستان"
    assert by_id["pakistan"]["wikidata"] == "Q843"
    assert by_id["karachi"]["same_as"] == "http://www.wikidata.org/entity/Q8660"
    assert by_id["alexei-overchuk"]["label_ru"] == "Алексей Оверчук"
    assert "Alexey Overchuk@en" in by_id["alexei-overchuk"]["alt_labels"]


def test_claims_csv_has_every_claim_with_its_source(store):
    rows = read_csv(claims_csv(store, NS))
    assert tuple(rows[0]) == CLAIM_COLUMNS
    n_claims = store.select(
        "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a <https://w3id.org/prkg/ontology#Claim> }"
    )[0]["n"]
    assert len(rows) == int(n_claims.value)
    links = [r for r in rows if r["subject"] == "pakistan" and r["predicate"] == "skos:exactMatch"]
    assert {r["source_id"] for r in links} >= {
        "GH-spocwiki-pakistan",
        "GH-agency-registry-pk-nso-meas",
        "GH-owid-countries-regions",
    }
    spoc = next(
        r
        for r in links
        if r["source_id"] == "GH-spocwiki-pakistan" and r["object"].endswith("/Q843")
    )
    assert spoc["url"].startswith("https://github.com/SpocWiki/_Standards/blob/111d242e")
    assert spoc["confidence"] == "high" and spoc["locator"] and spoc["quote"]
    karachi = next(r for r in rows if r["subject"] == "karachi" and r["predicate"] == "owl:sameAs")
    assert karachi["confidence"] == "medium"
    dawn = [r for r in rows if r["source_id"] == "S01"]
    assert dawn and all(r["publisher"] == "Dawn" and r["date"] == "2025-07-12" for r in dawn)
    assert all(r["url"] for r in rows)


def test_api_serves_the_same_csv(client, store):
    for path, make in (("/export/entities.csv", entities_csv), ("/export/claims.csv", claims_csv)):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        assert "attachment" in response.headers["content-disposition"]
        assert response.content.decode("utf-8") == make(store, NS)


def test_context_maps_properties_to_short_names(client):
    response = client.get("/context.jsonld")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/ld+json")
    ctx = response.json()["@context"]
    assert ctx["location"] == {"@id": "https://w3id.org/prkg/ontology#location", "@type": "@id"}
    assert ctx["sameAs"]["@id"] == "http://www.w3.org/2002/07/owl#sameAs"
    assert ctx["@base"] == NS.entity("")


def entity_triples(store, slug: str) -> set:
    iri = NS.entity(slug)
    out = set()
    for row in store.select(f"SELECT DISTINCT ?p ?o WHERE {{ <{iri}> ?p ?o }}"):
        o = row["o"]
        obj = (
            URIRef(o.value)
            if o.is_uri
            else Literal(o.value, lang=o.lang, datatype=None if o.lang else o.datatype)
        )
        out.add((URIRef(iri), URIRef(row["p"].value), obj))
    return out


@pytest.mark.parametrize(
    "slug", ["pakistan", "karachi", "pakistan-steel-mills", "psm-revival-signing-2025"]
)
def test_entity_json_reads_back_as_the_same_triples(store, slug):
    doc = entity_document(store, NS, slug)
    assert doc is not None and doc["id"] == slug
    graph = Graph().parse(data=json.dumps(doc), format="json-ld")
    expected = {
        t
        for t in entity_triples(store, slug)
        if str(t[1]).startswith(
            (
                "https://w3id.org/prkg/ontology#",
                "http://www.w3.org/2000/01/rdf-schema#label",
                "http://www.w3.org/2004/02/skos/core#",
                "http://www.w3.org/2002/07/owl#sameAs",
                "http://www.w3.org/2000/01/rdf-schema#comment",
            )
        )
        or (str(t[1]).endswith("#type") and str(t[2]).startswith("https://w3id.org/prkg/"))
    }
    assert expected and set(graph) == expected


def test_plain_json_keys(store):
    doc = entity_document(store, NS, "karachi")
    assert doc["type"] == "City"
    assert doc["label"]["en"] == "Karachi"
    assert doc["sameAs"] == ["http://www.wikidata.org/entity/Q8660"]
    assert entity_document(store, NS, "no-such-entity") is None


def test_write_exports(store, tmp_path):
    paths = write_exports(store, tmp_path / "out", NS)
    assert sorted(p.name for p in paths) == ["claims.csv", "context.jsonld", "entities.csv"]
    assert json.loads((tmp_path / "out" / "context.jsonld").read_text())["@context"]["label"]
    assert (tmp_path / "out" / "claims.csv").read_text(encoding="utf-8") == claims_csv(store, NS)
