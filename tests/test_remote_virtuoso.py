"""RemoteStore against a real Virtuoso started by the tests (Debian `virtuoso-opensource`).

One server for the module (a fresh database in a temp dir, loopback ports). The tests load
small datasets of several named graphs, check the Store protocol on it, stop and restart the
server to see the 503-type error and the recovery, and finally load the real built dataset
and compare every competency question's answer with the embedded store's.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest

from kg.store import (
    EmbeddedStore,
    QuerySyntaxError,
    QueryTimeout,
    Row,
    Store,
    StoreUnavailable,
    Term,
)
from kg.store.remote import RemoteStore

try:  # the repo root on sys.path (pytest's rootdir, `python -m pytest`)
    from tests.virtuoso import VirtuosoServer, virtuoso_binary
except ModuleNotFoundError:  # only tests/ on sys.path (pytest's default 'prepend' import mode)
    from virtuoso import VirtuosoServer, virtuoso_binary  # type: ignore[no-redef]

pytestmark = [
    pytest.mark.virtuoso,
    pytest.mark.skipif(
        virtuoso_binary() is None,
        reason="virtuoso-t not installed (Debian package virtuoso-opensource; .ci/run installs it)",
    ),
]

NS = "https://w3id.org/prkg/"
EX = "http://example.org/test/"
XSD = "http://www.w3.org/2001/XMLSchema#"
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso"), buffers=20_000)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def remote_for(server: VirtuosoServer, **kwargs: object) -> RemoteStore:
    return RemoteStore(
        server.sparql_url,
        update_url=server.update_url,
        graph_store_url=server.graph_store_url,
        user="dba",
        password="dba",
        namespace=NS,
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.fixture
def remote(virtuoso: VirtuosoServer) -> Iterator[RemoteStore]:
    store = remote_for(virtuoso)
    yield store
    store.close()


def g(name: str) -> str:
    return f"{NS}graph/{name}"


SMALL_TRIG = f"""
@prefix ex: <{EX}> .
@prefix xsd: <{XSD}> .
<{g("entities")}> {{
  ex:karachi a ex:City ; ex:label "Karachi"@en , "کراچی"@ur .
  ex:moscow a ex:City ; ex:label "Moscow"@en , "Москва"@ru .
}}
<{g("source/S01")}> {{
  ex:deal ex:party ex:pakistan , ex:russia ; ex:signedOn "2025-07-11"^^xsd:date ;
          ex:capacity 3 ; ex:value "2.60"^^xsd:decimal ; ex:confirmed true .
}}
<{g("source/S02")}> {{
  ex:deal ex:party ex:pakistan ; ex:year "2025"^^xsd:gYear .
}}
"""


def csv_cells(body: bytes) -> list[str]:
    """All cells of a CSV answer in order (Virtuoso quotes every field; that is valid CSV)."""
    return [cell for line in csv.reader(io.StringIO(body.decode())) for cell in line]


def rows_as_set(rows: list[Row]) -> set[tuple[tuple[str, str], ...]]:
    return {tuple(sorted((k, v.value) for k, v in row.items())) for row in rows}


def test_named_graphs_kept_and_default_graph_is_their_union(remote: RemoteStore) -> None:
    remote.load(SMALL_TRIG.encode(), "application/trig")
    graphs = remote.named_graphs()
    for name in ("entities", "source/S01", "source/S02"):
        assert g(name) in graphs
    # Virtuoso's own system graphs are not part of the dataset the store shows.
    assert not [x for x in graphs if "openlinksw" in x or "localuriqaserver" in x]
    assert remote.count(g("source/S01")) == 6
    assert remote.count(g("source/S02")) == 2
    # Union: a triple stated in two graphs answers once per graph it is in, like oxigraph.
    parties = remote.select(f"SELECT ?p WHERE {{ <{EX}deal> <{EX}party> ?p }}")
    assert sorted(r["p"].value for r in parties) == [
        f"{EX}pakistan",
        f"{EX}pakistan",
        f"{EX}russia",
    ]
    per_graph = remote.select(
        f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ <{EX}deal> ?p ?o }} }} GROUP BY ?g"
    )
    assert {r["g"].value: int(r["n"].value) for r in per_graph} == {
        g("source/S01"): 6,
        g("source/S02"): 2,
    }
    # Nothing from Virtuoso's system graphs leaks into the union.
    classes = remote.select("SELECT DISTINCT ?c WHERE { ?x a ?c }")
    assert {r["c"].value for r in classes} == {f"{EX}City"}


def test_terms_read_back_as_written(remote: RemoteStore) -> None:
    remote.load(SMALL_TRIG.encode(), "application/trig")
    rows = remote.select(
        f"SELECT ?p ?o WHERE {{ GRAPH <{g('source/S01')}> {{ <{EX}deal> ?p ?o }} }}"
    )
    got = {(r["p"].value.removeprefix(EX), r["o"].value, r["o"].datatype) for r in rows}
    assert ("signedOn", "2025-07-11", f"{XSD}date") in got
    assert ("capacity", "3", f"{XSD}integer") in got
    assert ("confirmed", "true", f"{XSD}boolean") in got  # Virtuoso says 1; read canonically
    labels = remote.select(f"SELECT ?l WHERE {{ <{EX}moscow> <{EX}label> ?l }}")
    assert {(r["l"].value, r["l"].lang) for r in labels} == {("Moscow", "en"), ("Москва", "ru")}


def test_store_protocol_and_result_formats(remote: RemoteStore) -> None:
    assert isinstance(remote, Store)
    remote.load(SMALL_TRIG.encode(), "application/trig")
    assert remote.ask(f"ASK {{ <{EX}karachi> a <{EX}City> }}")
    assert not remote.ask(f"ASK {{ <{EX}karachi> a <{EX}Country> }}")
    query = f"SELECT ?c WHERE {{ ?c a <{EX}City> }} ORDER BY ?c"
    as_json = remote.query(query, "application/sparql-results+json")
    assert as_json.kind == "select"
    payload = json.loads(as_json.body)
    assert [b["c"]["value"] for b in payload["results"]["bindings"]] == [
        f"{EX}karachi",
        f"{EX}moscow",
    ]
    as_csv = remote.query(query, "text/csv")
    assert csv_cells(as_csv.body) == ["c", f"{EX}karachi", f"{EX}moscow"]
    assert b"<sparql" in remote.query(query, "application/sparql-results+xml").body
    # Typed literals come back as SPARQL 1.1 JSON (no 'typed-literal'), booleans canonical.
    typed = remote.query(
        f"SELECT ?o WHERE {{ <{EX}deal> <{EX}confirmed> ?o }}", "application/sparql-results+json"
    )
    assert b"typed-literal" not in typed.body
    assert json.loads(typed.body)["results"]["bindings"][0]["o"]["value"] == "true"
    ask = remote.query(f"ASK {{ <{EX}moscow> ?p ?o }}", "application/sparql-results+json")
    assert ask.kind == "ask" and json.loads(ask.body)["boolean"] is True
    # Graph answers in every graph format the API offers, the server's or converted here.
    construct = f"CONSTRUCT {{ ?s <{EX}label> ?l }} WHERE {{ ?s <{EX}label> ?l }}"
    for media_type in (
        "text/turtle",
        "application/n-triples",
        "application/n-quads",
        "application/trig",
        "application/rdf+xml",
    ):
        result = remote.query(construct, media_type)
        assert result.kind == "graph" and result.media_type == media_type
        parsed = EmbeddedStore()
        parsed.load(result.body, media_type)
        assert parsed.count() == 4, media_type
    described = remote.query(f"DESCRIBE <{EX}karachi>", "application/n-triples")
    parsed = EmbeddedStore()
    parsed.load(described.body, "application/n-triples")
    assert parsed.count() == 3
    assert parsed.ask(f'ASK {{ <{EX}karachi> <{EX}label> "کراچی"@ur }}')


def test_protocol_dataset_replaces_the_union(remote: RemoteStore) -> None:
    remote.load(SMALL_TRIG.encode(), "application/trig")
    query = f"SELECT ?p WHERE {{ <{EX}deal> <{EX}party> ?p }}"
    result = remote.query(query, "text/csv", default_graphs=[g("source/S02")])
    assert csv_cells(result.body) == ["p", f"{EX}pakistan"]
    named = remote.query(
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
        "text/csv",
        named_graphs=[g("entities")],
    )
    assert csv_cells(named.body) == ["g", g("entities")]


def test_bad_query_gives_the_servers_message(remote: RemoteStore) -> None:
    with pytest.raises(QuerySyntaxError) as err:
        remote.select("SELECT * WHERE { ?s ?p }")
    assert "syntax error" in str(err.value) and "line 1" in str(err.value)
    with pytest.raises(QuerySyntaxError, match="nope"):
        remote.query("SELECT * WHERE { ?s nope:p ?o }", "application/sparql-results+json")
    with pytest.raises(QuerySyntaxError):
        remote.update("INSERT DATA { GRAPH <x:g> { <x:a> <x:b> } }")


def test_runaway_query_stops_with_timeout(remote: RemoteStore) -> None:
    lines = "".join(f"<{EX}n{i}> <{EX}next> <{EX}n{i + 1}> .\n" for i in range(3000))
    remote.load(lines.encode(), "application/n-triples", graph=g("source/chain"))
    heavy = (
        f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a <{EX}next> ?b . ?c <{EX}next> ?d . "
        f"?e <{EX}next> ?f . FILTER(STR(?a) < STR(?c) && STR(?d) != STR(?f)) }}"
    )
    with pytest.raises(QueryTimeout):
        remote.query(heavy, "application/sparql-results+json", timeout=1.0)
    remote.drop_graph(g("source/chain"))
    # The store is usable straight after.
    assert remote.ask(f"ASK {{ <{EX}karachi> ?p ?o }}")


def test_update_lands_in_the_named_graph(remote: RemoteStore) -> None:
    remote.update(f'INSERT DATA {{ <{EX}note1> <{EX}says> "hello" }}', graph=g("updates"))
    assert remote.count(g("updates")) >= 1
    remote.update(f"DELETE WHERE {{ GRAPH <{g('updates')}> {{ <{EX}note1> ?p ?o }} }}")
    assert not remote.ask(f"ASK {{ <{EX}note1> ?p ?o }}")


def write_nquads(path: Path, graphs: dict[str, list[str]]) -> Path:
    path.write_text(
        "".join(
            f"{triple[:-1].rstrip()} <{graph}> .\n" for graph, ts in graphs.items() for triple in ts
        ),
        encoding="utf-8",
    )
    return path


def test_replace_dataset_keeps_updates_and_foreign_graphs(
    remote: RemoteStore, tmp_path: Path
) -> None:
    remote.update(f'INSERT DATA {{ GRAPH <{g("updates")}> {{ <{EX}u> <{EX}says> "kept" }} }}')
    remote.update(f'INSERT DATA {{ GRAPH <{EX}other-dataset> {{ <{EX}o> <{EX}p> "theirs" }} }}')
    first = write_nquads(
        tmp_path / "first.nq",
        {
            g("entities"): [f'<{EX}a> <{EX}label> "A" .', f'<{EX}b> <{EX}label> "B" .'],
            g("source/OLD"): [f"<{EX}a> <{EX}rel> <{EX}b> ."],
            # A stale copy of the updates graph in the dump must not overwrite the server's.
            g("updates"): [f'<{EX}u> <{EX}says> "from the dump" .'],
        },
    )
    remote.replace_dataset(first)
    assert remote.count(g("source/OLD")) == 1
    second = write_nquads(
        tmp_path / "second.nq",
        {
            g("entities"): [f'<{EX}a> <{EX}label> "A2" .'],
            g("source/NEW"): [f"<{EX}b> <{EX}rel> <{EX}a> ."],
        },
    )
    remote.replace_dataset(second)
    graphs = set(remote.named_graphs())
    assert g("source/OLD") not in graphs
    assert {g("source/NEW"), g("entities"), g("updates"), f"{EX}other-dataset"} <= graphs
    labels = remote.select(f"SELECT ?l WHERE {{ GRAPH <{g('entities')}> {{ ?s <{EX}label> ?l }} }}")
    assert rows_as_set(labels) == {(("l", "A2"),)}
    kept = remote.select(f"SELECT ?o WHERE {{ GRAPH <{g('updates')}> {{ <{EX}u> ?p ?o }} }}")
    assert rows_as_set(kept) == {(("o", "kept"),)}


def test_server_down_then_back(virtuoso: VirtuosoServer) -> None:
    store = remote_for(virtuoso)
    store.update(f'INSERT DATA {{ GRAPH <{g("source/persist")}> {{ <{EX}p> <{EX}q> "v" }} }}')
    virtuoso.isql("checkpoint;")
    virtuoso.stop()
    try:
        with pytest.raises(StoreUnavailable, match="cannot be reached"):
            store.select("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
        with pytest.raises(StoreUnavailable):
            store.update(f"INSERT DATA {{ GRAPH <{g('updates')}> {{ <{EX}x> <{EX}y> 1 }} }}")
    finally:
        virtuoso.start()
    # Same client object, no reconnect step: it answers again, with the data still there.
    rows = store.select(f"SELECT ?o WHERE {{ <{EX}p> <{EX}q> ?o }}")
    assert rows_as_set(rows) == {(("o", "v"),)}
    store.close()


# --- the real dataset: identical answers on both backends ---------------------------------------

NUMERIC = {
    f"{XSD}{t}"
    for t in (
        "integer",
        "decimal",
        "int",
        "long",
        "nonNegativeInteger",
        "positiveInteger",
        "short",
        "byte",
    )
}
FLOATING = {f"{XSD}double", f"{XSD}float"}


def normalise(term: Term | None) -> tuple[str, ...]:
    """A term as a comparable tuple. Only lexical variants of the same value are merged:
    numbers by value, booleans to true/false, plain literals as xsd:string, language tags in
    lower case. A different value, datatype or language still compares different."""
    if term is None:
        return ("unbound",)
    if term.kind == "bnode":
        return ("bnode",)
    if term.kind != "literal":
        return (term.kind, term.value)
    if term.lang:
        return ("literal", term.value, "@" + term.lang.lower())
    datatype = term.datatype or f"{XSD}string"
    value = term.value
    if datatype in NUMERIC:
        with contextlib.suppress(InvalidOperation):
            value = str(Decimal(value).normalize())
    elif datatype in FLOATING:
        value = repr(float(value))
    elif datatype == f"{XSD}boolean":
        value = {"1": "true", "0": "false"}.get(value, value)
    return ("literal", value, datatype)


def answer(store: Store, query: str) -> object:
    from kg.store.sparqltext import query_form as query_kind

    kind = query_kind(query)
    if kind == "ask":
        return store.ask(query)
    if kind == "graph":
        body = store.query(query, "application/n-triples").body
        parsed = EmbeddedStore()
        parsed.load(body, "application/n-triples")
        rows = parsed.select("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    else:
        rows = store.select(query)
    variables = sorted({name for row in rows for name in row})
    return sorted(tuple(normalise(row.get(name)) for name in variables) for row in rows)


def virtuoso_collapsed_dates(store: EmbeddedStore, graph: str) -> int:
    """Triples of `graph` that Virtuoso keeps as one: it stores a year ("1985"^^xsd:gYear) and
    the January of that year ("1985-01"^^xsd:gYearMonth) as one value, so where one subject
    has both for one property (the mills' operation dated 1985 by one source and January 1985
    by another, both derived into the inferred graph) it holds one triple fewer."""
    rows = store.select(
        "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> SELECT (COUNT(*) AS ?n) WHERE { "
        f"GRAPH <{graph}> {{ ?s ?p ?year . ?s ?p ?month }} "
        "FILTER(DATATYPE(?year) = xsd:gYear && DATATYPE(?month) = xsd:gYearMonth "
        '&& STR(?month) = CONCAT(STR(?year), "-01")) }'
    )
    return int(rows[0]["n"].value)


def competency_queries() -> list[tuple[str, str]]:
    """(name, query) of every competency question (tests/competency/questions.yaml)."""
    import yaml

    questions = REPO / "tests" / "competency" / "questions.yaml"
    doc = yaml.safe_load(questions.read_text(encoding="utf-8"))
    prefixes = doc.get("prefixes", "")
    return [(q["id"], prefixes + q["sparql"]) for q in doc.get("questions", [])]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real data/ built once by the lead's pipeline into a temp store directory."""
    from kg.build import build
    from kg.store.layout import StoreLayout

    store_dir = tmp_path_factory.mktemp("built-store")
    build(REPO / "data", store_dir, log=lambda *a, **k: None)
    return StoreLayout(store_dir).current_build() or store_dir


def test_competency_questions_identical_on_both_backends(
    virtuoso: VirtuosoServer, built: Path
) -> None:
    from kg.store.layout import StoreLayout

    layout = StoreLayout(built.parent.parent)
    dataset = layout.dumps_dir(built) / "dataset.nq"
    assert dataset.exists(), f"the build wrote no {dataset}"
    embedded = EmbeddedStore(layout.oxigraph_dir(built), read_only=True)
    remote = remote_for(virtuoso)
    remote.replace_dataset(dataset)
    ours = set(remote.named_graphs())
    theirs = set(embedded.named_graphs())
    assert theirs <= ours and not {x for x in ours - theirs if x.startswith(NS + "graph/")} - {
        g("updates")
    }
    for graph in sorted(theirs):
        collapsed = virtuoso_collapsed_dates(embedded, graph)
        assert remote.count(graph) == embedded.count(graph) - collapsed, graph
    queries = competency_queries()
    assert queries, "no competency questions found (tests/competency/, data/queries/*.rq)"
    differences = []
    for name, query in queries:
        expected = answer(embedded, query)
        got = answer(remote, query)
        if expected != got:
            differences.append(f"{name}: embedded {expected!r:.600}\n   virtuoso {got!r:.600}")
        if isinstance(expected, list):
            assert expected, f"{name} answers nothing on the embedded store"
    assert not differences, "\n".join(differences)
    remote.close()
    embedded.close()


def test_api_answers_sparql_from_virtuoso(virtuoso: VirtuosoServer) -> None:
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.settings import Settings

    store = remote_for(virtuoso)
    store.load(SMALL_TRIG.encode(), "application/trig")
    store.close()
    settings = Settings(
        store_url=virtuoso.sparql_url,
        store_update_url=virtuoso.update_url,
        store_graph_store_url=virtuoso.graph_store_url,
        store_user="dba",
        store_password="dba",
        namespace=NS,
    )
    with TestClient(create_app(settings)) as client:
        response = client.get(
            "/sparql",
            params={"query": f"SELECT ?c WHERE {{ ?c a <{EX}City> }} ORDER BY ?c"},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert response.status_code == 200, response.text
        values = [b["c"]["value"] for b in response.json()["results"]["bindings"]]
        assert values == [f"{EX}karachi", f"{EX}moscow"]
        bad = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
        assert bad.status_code == 400 and "syntax error" in bad.text
        virtuoso.stop()
        try:
            down = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
            assert down.status_code == 503
            assert "cannot be reached" in down.text
        finally:
            virtuoso.start()
        again = client.get(
            "/sparql",
            params={"query": f"ASK {{ <{EX}karachi> ?p ?o }}"},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert again.status_code == 200 and again.json()["boolean"] is True
