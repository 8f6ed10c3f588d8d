"""Linked-data pages, ontology docs, VoID/DCAT, dumps and the query UI, over the real build."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS
from service_support import DATA_DIR, copy_store, pooled_app

from api.gallery import load_gallery
from kg.data.namespaces import DCAT, PRKG, VOID, Namespaces
from kg.store.layout import StoreLayout

NS = Namespaces()


def select(c: TestClient, query: str) -> list[dict]:
    return c.get("/sparql", params={"query": query}).json()["results"]["bindings"]


@pytest.fixture(scope="module")
def cited_entity(client: TestClient) -> dict:
    """An entity with a claim whose source has a publisher and a URL (from the real data)."""
    rows = select(
        client,
        f"""
        PREFIX prkg: <{PRKG}> PREFIX rdf: <{RDF}> PREFIX prov: <{PROV}> PREFIX dct: <{DCTERMS}>
        PREFIX schema: <https://schema.org/>
        SELECT ?s ?doc ?publisher ?url WHERE {{ ?c a prkg:Claim ; rdf:subject ?s ;
          rdf:predicate ?p ; prov:wasDerivedFrom ?doc . ?doc dct:publisher ?publisher ;
          schema:url ?url . FILTER(STRSTARTS(STR(?s), "{NS.entity("")}") && ?p != rdf:type) }}
        ORDER BY ?s LIMIT 1""",
    )
    row = rows[0]
    return {k: v["value"] for k, v in row.items()} | {"slug": row["s"]["value"].rsplit("/", 1)[-1]}


def test_entity_html_shows_facts_with_sources(client: TestClient, cited_entity: dict) -> None:
    r = client.get(f"/id/{cited_entity['slug']}", headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = unescape(r.text)
    assert cited_entity["publisher"] in html
    assert cited_entity["url"] in html
    source_id = cited_entity["doc"].rsplit("/", 1)[-1]
    assert f'href="/source/{source_id}"' in r.text
    assert f'href="/graph/{cited_entity["slug"]}"' in r.text
    labels = select(
        client,
        f"SELECT ?l WHERE {{ <{cited_entity['s']}> <{RDFS.label}> ?l }}",
    )
    assert labels and all(unescape(r.text).count(b["l"]["value"]) for b in labels)


def test_entity_rdf_has_claims_and_sources(client: TestClient, cited_entity: dict) -> None:
    r = client.get(f"/id/{cited_entity['slug']}", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=r.text, format="turtle")
    entity = URIRef(cited_entity["s"])
    claims = set(g.subjects(RDF.subject, entity))
    assert claims and all((c, RDF.type, PRKG.Claim) in g for c in claims)
    doc = URIRef(cited_entity["doc"])
    assert (doc, DCTERMS.publisher, Literal(cited_entity["publisher"])) in g
    assert any(True for _ in g.predicate_objects(entity))
    jsonld = client.get(f"/id/{cited_entity['slug']}?format=jsonld")
    assert len(Graph().parse(data=jsonld.text, format="json-ld")) == len(g)


@pytest.mark.parametrize("slug", ["no-such-entity-xyz", "Bad", "a%20b", "x%3E%20%3Fp", "-x", "a'}"])
def test_unknown_or_invalid_slug_is_404(client: TestClient, slug: str) -> None:
    r = client.get(f"/id/{slug}")
    assert r.status_code == 404


def test_source_page_and_rdf(client: TestClient, cited_entity: dict) -> None:
    source_id = cited_entity["doc"].rsplit("/", 1)[-1]
    r = client.get(f"/source/{source_id}")
    assert r.status_code == 200
    assert cited_entity["url"] in unescape(r.text) and "read the original" in r.text
    assert f'href="/id/{cited_entity["slug"]}"' in r.text
    rdf = client.get(f"/source/{source_id}", headers={"Accept": "application/n-triples"})
    g = Graph().parse(data=rdf.text, format="nt")
    assert set(g.subjects(PROV.wasDerivedFrom, URIRef(cited_entity["doc"])))
    assert client.get("/source/..%2F..%2Fetc").status_code == 404
    assert client.get("/source/S-none-999").status_code == 404


def test_ontology_documents_every_class_and_property(client: TestClient) -> None:
    terms = select(
        client,
        f"""PREFIX owl: <{OWL}> SELECT DISTINCT ?t WHERE {{
        GRAPH <{NS.ontology_graph}> {{ ?t a ?k FILTER(?k IN (owl:Class, owl:ObjectProperty,
        owl:DatatypeProperty)) FILTER(STRSTARTS(STR(?t), "{PRKG}")) }} }}""",
    )
    html = client.get("/ontology", headers={"Accept": "text/html"}).text
    assert len(terms) > 50
    missing = [
        t["t"]["value"] for t in terms if f'id="{t["t"]["value"][len(str(PRKG)) :]}"' not in html
    ]
    assert missing == []


@pytest.mark.parametrize(
    ("accept", "fmt"), [("text/turtle", "turtle"), ("application/rdf+xml", "xml")]
)
def test_ontology_rdf(client: TestClient, accept: str, fmt: str) -> None:
    r = client.get("/ontology", headers={"Accept": accept})
    assert r.headers["content-type"].startswith(accept)
    g = Graph().parse(data=r.content, format=fmt)
    n = select(
        client, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{NS.ontology_graph}> {{ ?s ?p ?o }} }}"
    )
    assert len(g) == int(n[0]["n"]["value"])
    assert (PRKG.Claim, RDF.type, OWL.Class) in g


def test_void_and_dcat(client: TestClient, built_store_dir: Path) -> None:
    r = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    g = Graph().parse(data=r.text, format="turtle")
    ds = URIRef(NS.dataset)
    distinct = select(
        client,
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE "
        "{ GRAPH ?g { ?s ?p ?o } } }",
    )
    assert int(g.value(ds, VOID.triples)) == int(distinct[0]["n"]["value"])
    for prop in (VOID.entities, VOID.classes, VOID.properties):
        assert int(g.value(ds, prop)) > 0
    assert g.value(ds, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert str(g.value(ds, VOID.sparqlEndpoint)).endswith("/sparql")
    assert list(g.objects(ds, VOID.exampleResource))
    dumps = sorted(p.name for p in StoreLayout(built_store_dir).dumps_dir().iterdir())
    urls = sorted(str(u).rsplit("/", 1)[-1] for u in g.objects(None, DCAT.downloadURL))
    assert urls == dumps and "dataset.trig" in urls
    wikidata = select(
        client,
        f"SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ ?s <{SKOS.exactMatch}> ?o "
        'FILTER(STRSTARTS(STR(?o), "http://www.wikidata.org/entity/")) }',
    )
    linksets = {
        int(g.value(ls, VOID.triples))
        for ls in g.subjects(RDF.type, VOID.Linkset)
        if g.value(ls, VOID.linkPredicate) == SKOS.exactMatch
        and str(g.value(ls, VOID.objectsTarget)).startswith("https://www.wikidata.org")
    }
    expected = int(wikidata[0]["n"]["value"])
    assert linksets == ({expected} if expected else set())
    # each linkset names the N-Triples dump of its target's links (issue 15)
    dumps_of = {str(u).rsplit("/", 1)[-1] for u in g.objects(None, VOID.dataDump)}
    assert {"links-wikidata.nt", "links-geonames.nt", "links-dbpedia.nt"} <= dumps_of
    for ls in g.subjects(RDF.type, VOID.Linkset):
        assert str(g.value(ls, VOID.dataDump)).endswith(".nt")
    js = client.get("/.well-known/void", headers={"Accept": "application/ld+json"})
    assert len(Graph().parse(data=js.text, format="json-ld")) == len(g)


def test_dumps_download_and_traversal(client: TestClient, built_store_dir: Path) -> None:
    listing = client.get("/dumps/")
    assert listing.status_code == 200 and "dataset.trig" in listing.text
    r = client.get("/dumps/ontology.ttl")
    expected = (StoreLayout(built_store_dir).dumps_dir() / "ontology.ttl").read_bytes()
    assert r.status_code == 200 and r.content == expected
    for bad in [
        "..%2Fbuild.json",
        "%2e%2e%2fbuild.json",
        "..%2F..%2Fbuild.json",
        ".hidden",
        "build.json",
        "dataset.trig%00.txt",
    ]:
        assert client.get(f"/dumps/{bad}").status_code == 404, bad
    assert client.get("/dumps/../build.json").status_code == 404


def test_query_ui_is_offline_with_prefixes_and_gallery(client: TestClient) -> None:
    r = client.get("/query")
    assert r.status_code == 200
    scripts = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', r.text)
    assert all(s.startswith("/") for s in scripts), scripts  # nothing from a CDN
    for asset in ("/assets/yasgui/yasgui.min.js", "/assets/yasgui/yasgui.min.css", "/assets/ui.js"):
        assert client.get(asset).status_code == 200
    config = json.loads(re.search(r'id="prkg-config">(.*?)</script>', r.text, re.S).group(1))
    assert config["endpoint"].endswith("/sparql")
    for name, iri in NS.prefixes().items():
        assert f"PREFIX {name}: <{iri}>" in config["defaultQuery"]
    gallery = load_gallery(DATA_DIR / "queries")
    links = [unquote(unescape(x)) for x in re.findall(r'href="/query\?query=([^"]+)"', r.text)]
    assert len(links) == len(gallery) >= 12
    assert {g.query for g in gallery} == set(links)
    assert all(unescape(r.text).count(g.title) for g in gallery)
    assert client.get("/assets/../settings.py").status_code == 404


def test_openapi_docs(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {
        "/sparql",
        "/id/{slug}",
        "/source/{source_id}",
        "/ontology",
        "/.well-known/void",
    } <= set(paths)


def test_labels_are_escaped(built_store_dir: Path, tmp_path: Path, cited_entity: dict) -> None:
    store_dir = copy_store(built_store_dir, tmp_path / "store")
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    update = (
        (
            f"INSERT DATA {{ <{cited_entity['s']}> <http://www.w3.org/2000/01/rdf-schema#label> "
            f"{evil!r}@en }}"
        )
        .replace("'", '"""', 1)
        .replace("'@en", '"""@en')
    )
    with pooled_app(store_dir, update_token="t") as (app, _), TestClient(app) as c:
        r = c.post("/sparql", data={"update": update}, headers={"Authorization": "Bearer t"})
        assert r.status_code == 200, r.text
        page = c.get(f"/id/{cited_entity['slug']}").text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert" in page


def test_graph_view_and_entity_page_link_external_ids(client: TestClient) -> None:
    """Issue 5: entity pages and graph views show Wikidata links as outbound links."""
    qid = "http://www.wikidata.org/entity/Q843"
    graph = client.get("/graph/pakistan")
    assert graph.status_code == 200
    assert f'href="{qid}"' in graph.text
    page = client.get("/id/pakistan")
    assert qid in page.text
