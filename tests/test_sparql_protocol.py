"""SPARQL 1.1 Protocol at /sparql through FastAPI's TestClient, over the real built store.

Every success and error case of the protocol (issue 3) and the safety rules (issue 8):
methods, media types, negotiation, graph parameters, SERVICE/FROM/LOAD, updates, timeouts.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph
from service_support import Recorder, copy_store, pooled_app

from kg.data.namespaces import Namespaces

NS = Namespaces()
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
CONSTRUCT = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{NS.ontology_graph}> {{ ?s ?p ?o }} }}"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } "


def n_of(response) -> int:
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_get_post_form_and_post_query_agree(client: TestClient) -> None:
    by_get = client.get("/sparql", params={"query": COUNT})
    by_form = client.post("/sparql", data={"query": COUNT})
    by_body = client.post(
        "/sparql", content=COUNT, headers={"Content-Type": "application/sparql-query"}
    )
    assert by_get.status_code == by_form.status_code == by_body.status_code == 200
    assert by_get.headers["content-type"].startswith("application/sparql-results+json")
    assert n_of(by_get) == n_of(by_form) == n_of(by_body) > 100


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/json", "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("text/csv;q=0.5, text/tab-separated-values;q=0.9", "text/tab-separated-values"),
        ("application/sparql-results+xml;q=0.1, text/*;q=0.8", "text/csv"),
        ("image/png, */*;q=0.1", "application/sparql-results+json"),
    ],
)
def test_select_negotiation(client: TestClient, accept: str, expected: str) -> None:
    r = client.get("/sparql", params={"query": COUNT}, headers={"Accept": accept})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == expected
    assert "Accept" in r.headers["vary"]


def test_ask_in_json_and_xml(client: TestClient) -> None:
    q = f"ASK {{ GRAPH <{NS.ontology_graph}> {{ ?s ?p ?o }} }}"
    assert client.get("/sparql", params={"query": q}).json()["boolean"] is True
    xml = client.get("/sparql", params={"query": q, "format": "xml"})
    assert b"<boolean>true</boolean>" in xml.content


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
        ("application/ld+json", "json-ld"),
        ("application/trig", "trig"),
        ("application/n-quads", "nquads"),
    ],
)
def test_construct_formats(client: TestClient, accept: str, rdflib_format: str) -> None:
    expected = n_of(
        client.get(
            "/sparql",
            params={
                "query": f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{NS.ontology_graph}> "
                "{ ?s ?p ?o } }"
            },
        )
    )
    r = client.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": accept})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == accept
    g = Graph()
    if rdflib_format in {"trig", "nquads"}:
        from rdflib import Dataset

        g = Dataset()
    g.parse(data=r.content, format=rdflib_format)
    assert len(g) == expected > 100


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("csv", "text/csv"),
        ("tsv", "text/tab-separated-values"),
        ("xml", "application/sparql-results+xml"),
    ],
)
def test_format_parameter_overrides_accept(client: TestClient, fmt: str, expected: str) -> None:
    r = client.get(
        "/sparql", params={"query": COUNT, "format": fmt}, headers={"Accept": "application/json"}
    )
    assert r.headers["content-type"].split(";")[0] == expected


def test_format_parameter_for_graphs(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": CONSTRUCT, "format": "ntriples"})
    assert r.headers["content-type"].startswith("application/n-triples")


def test_not_acceptable(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": COUNT}, headers={"Accept": "image/png"})
    assert r.status_code == 406 and "image/png" in r.text
    r = client.get("/sparql", params={"query": COUNT, "format": "turtle"})
    assert r.status_code == 406
    r = client.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": "text/csv"})
    assert r.status_code == 406


def test_syntax_error_has_parser_message_and_position(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
    assert r.status_code == 400
    assert "error at 1:" in r.text and "syntax" in r.text.lower()


def test_several_query_parameters(client: TestClient) -> None:
    r = client.get(f"/sparql?query={quote(COUNT)}&query={quote(COUNT)}")
    assert r.status_code == 400 and "one" in r.text
    r = client.post(
        "/sparql",
        content=f"query={quote(COUNT)}&update=x",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 400


def test_update_sent_as_query(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"})
    assert r.status_code == 400 and "Update" in r.text


def test_wrong_media_type_and_charset(client: TestClient) -> None:
    assert (
        client.post("/sparql", content=COUNT, headers={"Content-Type": "text/plain"}).status_code
        == 415
    )
    assert client.post("/sparql", content=COUNT.encode()).status_code == 415
    r = client.post(
        "/sparql",
        content=COUNT.encode("latin-1"),
        headers={"Content-Type": "application/sparql-query; charset=ISO-8859-1"},
    )
    assert r.status_code == 415 and "UTF-8" in r.text
    r = client.post(
        "/sparql",
        content=COUNT,
        headers={"Content-Type": "application/sparql-query; charset=utf-8"},
    )
    assert r.status_code == 200
    bad = client.post(
        "/sparql", content=b"SELECT \xff", headers={"Content-Type": "application/sparql-query"}
    )
    assert bad.status_code == 400


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods(client: TestClient, method: str) -> None:
    r = client.request(method, "/sparql", params={"query": COUNT})
    assert r.status_code == 405
    assert {"GET", "POST"} <= {m.strip() for m in r.headers["allow"].split(",")}


def test_body_over_limit(client: TestClient) -> None:
    body = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 1_000_001
    r = client.post("/sparql", content=body, headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413


def test_default_graph_uri_overrides_from(client: TestClient) -> None:
    source_graph = NS.source_graph("S01")
    q = f"SELECT (COUNT(*) AS ?n) FROM <{NS.ontology_graph}> WHERE {{ ?s ?p ?o }}"
    from_only = n_of(client.get("/sparql", params={"query": q}))
    overridden = n_of(client.get("/sparql", params={"query": q, "default-graph-uri": source_graph}))
    in_graph_q = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{source_graph}> {{ ?s ?p ?o }} }}"
    in_graph = n_of(client.get("/sparql", params={"query": in_graph_q}))
    onto_q = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{NS.ontology_graph}> {{ ?s ?p ?o }} }}"
    assert from_only == n_of(client.get("/sparql", params={"query": onto_q}))
    assert overridden == in_graph != from_only


def test_named_graph_uri_limits_graphs(client: TestClient) -> None:
    q = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    all_graphs = client.get("/sparql", params={"query": q}).json()["results"]["bindings"]
    one = client.post("/sparql", data={"query": q, "named-graph-uri": NS.ontology_graph})
    graphs = [b["g"]["value"] for b in one.json()["results"]["bindings"]]
    assert graphs == [NS.ontology_graph] and len(all_graphs) > 2


def test_from_iris_are_never_fetched(client: TestClient) -> None:
    with Recorder(b"<urn:a> <urn:b> <urn:c> .", "application/n-triples") as web:
        q = f"SELECT * FROM <{web.url}/g> FROM NAMED <{web.url}/n> WHERE {{ ?s ?p ?o }}"
        r = client.get("/sparql", params={"query": q})
        assert r.status_code == 200
        assert r.json()["results"]["bindings"] == []
        assert web.hits == []


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9999/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE <http://10.0.0.1/sparql> { ?s ?p ?o } }",
        "PREFIX x: <http://169.254.169.254/> SELECT * WHERE { SERVICE x:latest { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }",
        "SELECT * WHERE { OPTIONAL { SERVICE SILENT <http://localhost/x> { ?s ?p ?o } } }",
    ],
)
def test_service_outside_allowlist_refused(client: TestClient, query: str) -> None:
    r = client.get("/sparql", params={"query": query})
    assert r.status_code == 400 and "not allowed" in r.text


def test_service_on_allowlist_is_called(built_store_dir: Path) -> None:
    answer = json.dumps(
        {
            "head": {"vars": ["x"]},
            "results": {"bindings": [{"x": {"type": "literal", "value": "remote"}}]},
        }
    )
    with Recorder(answer.encode(), "application/sparql-results+json") as web:
        endpoint = web.url + "/sparql"
        allow = (endpoint,)
        with (
            pooled_app(built_store_dir, service_allowlist=allow) as (app, _),
            TestClient(app) as c,
        ):
            q = f"SELECT ?x WHERE {{ SERVICE <{endpoint}> {{ ?x ?p ?o }} }}"
            r = c.get("/sparql", params={"query": q})
        assert r.status_code == 200, r.text
        assert r.json()["results"]["bindings"][0]["x"]["value"] == "remote"
        assert len(web.hits) == 1


def test_service_description_for_rdf_clients(client: TestClient) -> None:
    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=r.text, format="turtle")
    rows = list(
        g.query(
            "PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> "
            "PREFIX void: <http://rdfs.org/ns/void#> SELECT ?e ?n WHERE { ?s a sd:Service ; "
            "sd:endpoint ?e ; sd:defaultDataset/sd:defaultGraph/void:triples ?n }"
        )
    )
    assert len(rows) == 1
    assert str(rows[0][0]).endswith("/sparql")
    assert int(rows[0][1]) == n_of(client.get("/sparql", params={"query": COUNT}))


def test_browser_gets_query_ui(client: TestClient) -> None:
    r = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.status_code == 200 and "yasgui.min.js" in r.text


def test_timeout_answers_503(built_store_dir: Path) -> None:
    with pooled_app(built_store_dir, query_timeout=1.5) as (app, _), TestClient(app) as c:
        started = time.monotonic()
        r = c.get("/sparql", params={"query": SLOW})
        elapsed = time.monotonic() - started
        assert r.status_code == 503 and "limit" in r.text
        assert elapsed < 6
        assert c.get("/sparql", params={"query": COUNT}).status_code == 200


def test_row_cap_truncates_with_header(built_store_dir: Path) -> None:
    with pooled_app(built_store_dir, max_rows=5) as (app, _), TestClient(app) as c:
        r = c.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }", "format": "csv"})
        assert r.headers["x-prkg-truncated"] == "true" and r.headers["x-sparql-maxrows"] == "5"
        assert len(r.text.strip().splitlines()) == 1 + 5
        small = c.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 3"})
        assert "x-prkg-truncated" not in small.headers
        graph = c.get("/sparql", params={"query": CONSTRUCT, "format": "ntriples"})
        assert graph.headers["x-prkg-truncated"] == "true"
        assert len(graph.text.strip().splitlines()) == 5


# --- updates --------------------------------------------------------------------------------

INSERT = 'INSERT DATA { <urn:prkg-test:a> <http://www.w3.org/2000/01/rdf-schema#label> "added" }'


def test_update_refused_when_read_only(client: TestClient) -> None:
    r = client.post("/sparql", data={"update": INSERT})
    assert r.status_code == 403
    r = client.post(
        "/sparql", content=INSERT, headers={"Content-Type": "application/sparql-update"}
    )
    assert r.status_code == 403
    assert client.get("/sparql", params={"update": INSERT}).status_code == 400


@pytest.fixture(scope="module")
def writable(built_store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_store(built_store_dir, tmp_path_factory.mktemp("rw") / "store")


def _in_updates(c: TestClient) -> list[dict]:
    q = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{NS.updates_graph}> {{ ?s ?p ?o }} }}"
    return c.get("/sparql", params={"query": q}).json()["results"]["bindings"]


def test_update_with_token_lands_in_updates_graph_and_survives_restart(writable: Path) -> None:
    auth = {"Authorization": "Bearer s3cret"}
    with pooled_app(writable, update_token="s3cret") as (app, _), TestClient(app) as c:
        assert c.post("/sparql", data={"update": INSERT}).status_code == 401
        wrong = c.post("/sparql", data={"update": INSERT}, headers={"Authorization": "Bearer no"})
        assert wrong.status_code == 401 and "WWW-Authenticate" in wrong.headers
        r = c.post("/sparql", data={"update": INSERT}, headers=auth)
        assert r.status_code == 200, r.text
        rows = _in_updates(c)
        assert [b["o"]["value"] for b in rows] == ["added"]
        again = c.post(
            "/sparql",
            content="DELETE DATA { <urn:prkg-test:a> "
            '<http://www.w3.org/2000/01/rdf-schema#label> "added" } ; '
            + INSERT.replace("added", "second"),
            headers={**auth, "Content-Type": "application/sparql-update"},
        )
        assert again.status_code == 200, again.text
        default = c.get(
            "/sparql",
            params={
                "query": "SELECT * WHERE { ?s ?p ?o }",
                "default-graph-uri": "urn:x-oxigraph:none",
            },
        )
        assert default.status_code == 200
    with pooled_app(writable) as (app, _), TestClient(app) as c:  # restarted, read-only
        assert [b["o"]["value"] for b in _in_updates(c)] == ["second"]


@pytest.mark.parametrize(
    "text",
    [
        f"INSERT DATA {{ GRAPH <{NS.ontology_graph}> {{ <urn:a> <urn:b> <urn:c> }} }}",
        f"WITH <{NS.ontology_graph}> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
        "CLEAR ALL",
        f"DROP GRAPH <{NS.base}graph/entities>",
        "LOAD <http://127.0.0.1:8000/dump.ttl>",
        "DELETE { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1/sparql> { ?s ?p ?o } }",
    ],
)
def test_updates_outside_their_graph_refused(writable: Path, text: str) -> None:
    with pooled_app(writable, update_token="t", query_workers=1) as (app, _), TestClient(app) as c:
        r = c.post("/sparql", data={"update": text}, headers={"Authorization": "Bearer t"})
        assert r.status_code == 400, r.text


def test_query_sent_as_update_and_update_syntax(writable: Path) -> None:
    with pooled_app(writable, update_token="t", query_workers=1) as (app, _), TestClient(app) as c:
        auth = {"Authorization": "Bearer t"}
        r = c.post("/sparql", data={"update": COUNT}, headers=auth)
        assert r.status_code == 400 and "query" in r.text
        r = c.post(
            "/sparql", data={"update": "PREFIX a: <urn:a>\nINSERT DATA {\n a:x a:y }"}, headers=auth
        )
        assert r.status_code == 400 and "error at 3:" in r.text
