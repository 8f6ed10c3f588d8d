"""End to end: real uvicorn on a loopback port, queried by SPARQLWrapper and rdflib's
SPARQLStore; a runaway query is stopped at the timeout while another client is answered."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from service_support import DATA_DIR, ROOT
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

from kg.data.namespaces import Namespaces

pytestmark = pytest.mark.e2e
NS = Namespaces()
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"

# What `prkg serve` must do (see README, "The SPARQL service"): settings from PRKG_* variables, the
# embedded store behind the worker pool, uvicorn.
LAUNCHER = """
import sys
import uvicorn
from api.app import create_app
from api.settings import Settings
from kg.store.layout import StoreLayout
from kg.store.workers import PooledEmbeddedStore

if __name__ == "__main__":
    settings = Settings.from_env()
    store = PooledEmbeddedStore(
        StoreLayout(settings.store_dir).oxigraph_dir(), workers=settings.query_workers,
        timeout=settings.query_timeout, max_rows=settings.max_rows)
    uvicorn.run(create_app(settings, store=store), host="127.0.0.1", port=int(sys.argv[1]),
                log_level="warning")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(built_store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    launcher = tmp_path_factory.mktemp("serve") / "serve_prkg.py"
    launcher.write_text(LAUNCHER, encoding="utf-8")
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PRKG_STORE": str(built_store_dir),
        "PRKG_DATA": str(DATA_DIR),
        "PRKG_QUERY_TIMEOUT": "2",
        "PRKG_QUERY_WORKERS": "2",
    }
    proc = subprocess.Popen([sys.executable, str(launcher), str(port)], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/sparql?query=ASK%7B%7D", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("the server did not start")
            time.sleep(0.2)
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_sparqlwrapper_select_ask_construct(server: str) -> None:
    client = SPARQLWrapper(f"{server}/sparql")
    client.setQuery("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    client.setReturnFormat(JSON)
    n = int(client.query().convert()["results"]["bindings"][0]["n"]["value"])
    assert n > 100
    client.setQuery(f"ASK {{ GRAPH <{NS.ontology_graph}> {{ ?s ?p ?o }} }}")
    assert client.query().convert()["boolean"] is True
    client.setQuery(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{NS.ontology_graph}> {{ ?s ?p ?o }} }}"
    )
    client.setReturnFormat(TURTLE)
    g = Graph().parse(data=client.query().convert(), format="turtle")
    assert len(g) > 100
    client.setMethod("POST")
    client.setReturnFormat(JSON)
    client.setQuery("SELECT * WHERE { ?s ?p ?o } LIMIT 3")
    assert len(client.query().convert()["results"]["bindings"]) == 3


def test_rdflib_sparqlstore(server: str) -> None:
    graph = Graph(store=SPARQLStore(f"{server}/sparql"))
    rows = list(
        graph.query(
            "SELECT ?doc ?publisher WHERE { "
            "?doc a <https://w3id.org/prkg/ontology#SourceDocument> ; "
            "<http://purl.org/dc/terms/publisher> ?publisher } LIMIT 5"
        )
    )
    assert len(rows) == 5 and all(str(r[1]) for r in rows)


def ask_from(server: str, address: str, query: str) -> int:
    """GET /sparql from a given loopback address, as a second client would (fair shares are
    per client address, and one client's second query may not take the last worker)."""
    host, port = server.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10,
                                            source_address=(address, 0))
    try:
        connection.request("GET", f"/sparql?query={query}")
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def test_runaway_query_stopped_while_others_answered(server: str) -> None:
    slow: dict[str, object] = {}

    def run_slow() -> None:
        started = time.monotonic()
        request = urllib.request.Request(
            f"{server}/sparql",
            data=SLOW.encode(),
            headers={"Content-Type": "application/sparql-query"},
        )
        try:
            urllib.request.urlopen(request, timeout=30)
            slow["status"] = 200
        except urllib.error.HTTPError as exc:
            slow["status"] = exc.code
            slow["body"] = exc.read().decode()
        slow["elapsed"] = time.monotonic() - started

    thread = threading.Thread(target=run_slow)
    thread.start()
    time.sleep(0.4)
    latencies = []
    for _ in range(3):  # from another client: another loopback address
        started = time.monotonic()
        assert ask_from(server, "127.0.0.7", "ASK%7B%3Fs%20%3Fp%20%3Fo%7D") == 200
        latencies.append(time.monotonic() - started)
    assert "status" not in slow, "the slow query finished before the fast ones ran"
    thread.join(30)
    assert max(latencies) < 1.0, latencies
    assert slow["status"] == 503 and "limit" in str(slow["body"])
    assert 1.5 < float(slow["elapsed"]) < 8  # type: ignore[arg-type]
    with urllib.request.urlopen(f"{server}/sparql?query=ASK%7B%7D") as r:  # still serving
        assert r.status == 200
