"""Issue 8.6 and 8.7: no request makes the server call out; updates need the token.

SSRF: SERVICE, LOAD, FROM, FROM NAMED and USING towards addresses that are not on the
allowlist — private, link-local and loopback ones included — are refused with 400 or, for
FROM/USING, accepted as graph names but never fetched. A loopback HTTP listener records
every connection, so "never contacted" is observed, not assumed. Only loopback addresses
are ever contacted: the refused ones (169.254.169.254, 10.0.0.1, …) are refused before any
connection is tried, and the test would see a hang or a different error otherwise.

Update auth: no token configured → 403; missing or wrong token → 401; the right token →
the update lands in {ns}graph/updates, survives a restart of the server, and survives a
rebuild (`prkg build` carries the updates graph over).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fuzz.corpus import FORM, SPARQL_UPDATE, q
from fuzz.live_server import LiveServer, RawResponse, build_request
from reliability_support import DATA_DIR, ROOT, build_args, prkg, serving
from service_support import Recorder

from kg.data.namespaces import Namespaces

pytestmark = pytest.mark.e2e

TOKEN = "s3cret-token-for-tests"
EMPTY_RESULTS = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": []}}).encode()
UPDATES = Namespaces().updates_graph


@pytest.fixture(scope="module")
def recorder() -> Iterator[Recorder]:
    with Recorder(EMPTY_RESULTS, "application/sparql-results+json") as rec:
        yield rec


@pytest.fixture(scope="module")
def writable_store(built_store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return Path(shutil.copytree(built_store_dir, tmp_path_factory.mktemp("w") / "store",
                                symlinks=True))  # fmt: skip


@pytest.fixture(scope="module")
def server(writable_store: Path, recorder: Recorder,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:  # fmt: skip
    env = {"PRKG_UPDATE_TOKEN": TOKEN, "PRKG_QUERY_TIMEOUT": "10",
           "PRKG_SERVICE_ALLOWLIST": f"{recorder.url}/listed"}  # fmt: skip
    with serving(writable_store, tmp_path_factory, "ssrf", env) as live:
        yield live


def rebuild(store: Path) -> subprocess.CompletedProcess[str]:
    """`prkg build` of data/ into the served store, with the caller's environment."""
    dist = store.parent / "dist"
    return prkg(*build_args(DATA_DIR, store, dist), env={**os.environ, "PYTHONPATH": str(ROOT)})


def query(server: LiveServer, text: str) -> RawResponse:
    return server.get("/sparql?query=" + q(text), {"Accept": "application/sparql-results+json"})


def update(server: LiveServer, text: str, token: str | None = TOKEN,
           scheme: str = "Bearer") -> RawResponse:  # fmt: skip
    headers = {"Content-Type": SPARQL_UPDATE}
    if token is not None:
        headers["Authorization"] = f"{scheme} {token}"
    return server.send(build_request("POST", "/sparql", headers, text.encode()))


def refused_services(loopback: str) -> dict[str, str]:
    port = loopback.rsplit(":", 1)[1]
    SPO = "{ ?s ?p ?o }"
    return {
        "loopback-listener": f"SELECT * WHERE {{ SERVICE <{loopback}/sparql> {SPO} }}",
        "loopback-silent": f"SELECT * WHERE {{ SERVICE SILENT <{loopback}/x> {SPO} }}",
        "metadata-service": "SELECT * WHERE { SERVICE <http://169.254.169.254/latest/meta-data/> "
        "{ ?s ?p ?o } }",
        "ipv6-loopback": f"SELECT * WHERE {{ SERVICE <http://[::1]:{port}/> {SPO} }}",
        "localhost": f"SELECT * WHERE {{ SERVICE <http://localhost:{port}/> {SPO} }}",
        "private-10": "SELECT * WHERE { SERVICE <http://10.0.0.1/sparql> { ?s ?p ?o } }",
        "private-192": "SELECT * WHERE { SERVICE <http://192.168.1.1/sparql> { ?s ?p ?o } }",
        "decimal-ip": f"SELECT * WHERE {{ SERVICE <http://2130706433:{port}/> {SPO} }}",
        "prefixed-name": f"PREFIX ep: <{loopback}/> SELECT * WHERE {{ SERVICE ep:sparql "
        "{ ?s ?p ?o } }",
        "relative-to-base": f"BASE <{loopback}/> SELECT * WHERE {{ SERVICE <sparql> {SPO} }}",
        "unicode-escaped": "SELECT * WHERE { SERVICE <http://127.0.0.\\u0031:"
        + port
        + "/sparql> { ?s ?p ?o } }",
        "lower-case-keyword": f"select * where {{ service <{loopback}/sparql> {SPO} }}",
        "in-optional": f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE <{loopback}/x> {SPO}"
        " } } LIMIT 1",
        "in-subquery": f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{loopback}/x> "
        "{ ?s ?p ?o } } } }",
        "variable-endpoint": f"SELECT * WHERE {{ BIND(<{loopback}/x> AS ?e) SERVICE ?e {SPO} }}",
        "userinfo-trick": f"SELECT * WHERE {{ SERVICE <{loopback}/listed@127.0.0.1/> {SPO} }}",
        "listed-prefix-trick": f"SELECT * WHERE {{ SERVICE <{loopback}/listed/../other> "
        "{ ?s ?p ?o } }",
        "ask-form": f"ASK {{ SERVICE <{loopback}/x> {SPO} }}",
        "construct-form": f"CONSTRUCT {SPO} WHERE {{ SERVICE <{loopback}/x> {SPO} }}",
    }


def test_service_outside_allowlist_refused_and_never_contacted(
    server: LiveServer, recorder: Recorder
) -> None:
    failures = []
    for name, text in refused_services(recorder.url).items():
        before = len(recorder.hits)
        response = query(server, text)
        if response.status != 400 or len(recorder.hits) != before:
            failures.append(f"{name}: {response.status} {response.text[:200]!r}, "
                            f"hits {recorder.hits[before:]}")  # fmt: skip
    assert failures == []
    assert server.healthy()


def test_listed_loopback_endpoint_is_called(server: LiveServer, recorder: Recorder) -> None:
    """The allowlist is what decides: an explicitly listed loopback endpoint is used."""
    before = len(recorder.hits)
    response = query(server, f"SELECT * WHERE {{ SERVICE <{recorder.url}/listed> {{ ?x ?p ?o }} }}")
    assert response.status == 200, response.text
    assert len(recorder.hits) > before and recorder.hits[-1].startswith("/listed")


@pytest.mark.parametrize(
    "clause", ["FROM <{u}/g>", "FROM NAMED <{u}/g>", "FROM <{u}/g> FROM NAMED <{u}/h>"]
)
def test_from_is_never_fetched(server: LiveServer, recorder: Recorder, clause: str) -> None:
    before = len(recorder.hits)
    response = query(
        server, f"SELECT * {clause.format(u=recorder.url)} WHERE {{ ?s ?p ?o }} LIMIT 1"
    )
    assert response.status in {200, 400}, response.text
    assert recorder.hits[before:] == []


@pytest.mark.parametrize("target", ["http://10.0.0.1/x", "http://127.0.0.1:{port}/x",
                                    "http://169.254.169.254/", "http://[::1]:{port}/x",
                                    "http://localhost:{port}/data.ttl"])  # fmt: skip
def test_load_outside_allowlist_refused(
    server: LiveServer, recorder: Recorder, target: str
) -> None:
    iri = target.format(port=recorder.url.rsplit(":", 1)[1])
    before = len(recorder.hits)
    for text in (f"LOAD <{iri}>", f"LOAD SILENT <{iri}>"):
        response = update(server, text)
        assert response.status == 400, f"{text}: {response.status} {response.text[:200]}"
    assert recorder.hits[before:] == []


def test_using_is_never_fetched(server: LiveServer, recorder: Recorder) -> None:
    before = len(recorder.hits)
    text = (f"INSERT {{ <urn:prkg-test:using> <urn:p> ?o }} USING <{recorder.url}/g> "
            "WHERE { ?s ?p ?o } ")  # fmt: skip
    response = update(server, text)
    assert response.status in {200, 400}, response.text
    assert recorder.hits[before:] == []


def test_update_refused_without_configured_token(built_store_dir: Path, tmp_path: Path) -> None:
    with LiveServer(built_store_dir, tmp_path / "serve.log") as read_only:
        for token in (None, TOKEN, ""):
            response = update(read_only, "INSERT DATA { <urn:a> <urn:b> <urn:c> }", token)
            assert response.status == 403, response.text
            assert b"read-only" in response.body or b"disabled" in response.body
        form = read_only.send(build_request("POST", "/sparql", {"Content-Type": FORM},
                                            b"update=" + q("CLEAR ALL").encode()))  # fmt: skip
        assert form.status == 403


@pytest.mark.parametrize(("token", "scheme"), [(None, "Bearer"), ("wrong", "Bearer"),
                                               (TOKEN + "x", "Bearer"), (TOKEN, "Basic"),
                                               (TOKEN[:-1], "Bearer"), ("", "Bearer")])  # fmt: skip
def test_wrong_token_refused(server: LiveServer, token: str | None, scheme: str) -> None:
    response = update(server, 'INSERT DATA { <urn:prkg-test:bad> <urn:p> "no" }', token, scheme)
    assert response.status in {401, 403}, response.text
    check = query(server, "ASK { <urn:prkg-test:bad> ?p ?o }")
    assert b"false" in check.body


def in_updates_graph(server: LiveServer, value: str) -> bool:
    response = query(
        server, f'ASK {{ GRAPH <{UPDATES}> {{ <urn:prkg-test:kept> <urn:p> "{value}" }} }}'
    )
    assert response.status == 200, response.text
    return b"true" in response.body


def test_update_lands_survives_restart_and_rebuild(
    server: LiveServer, writable_store: Path
) -> None:
    response = update(server, 'INSERT DATA { <urn:prkg-test:kept> <urn:p> "one" }')
    assert response.status == 200, response.text
    assert in_updates_graph(server, "one")
    elsewhere = query(server, f'ASK {{ GRAPH ?g {{ <urn:prkg-test:kept> ?p ?o }} '
                              f'FILTER(?g != <{UPDATES}>) }}')  # fmt: skip
    assert b"false" in elsewhere.body
    server.stop()
    server.start()
    assert in_updates_graph(server, "one"), "update lost by a restart"
    server.stop()
    rebuilt = rebuild(writable_store)
    assert rebuilt.returncode == 0, rebuilt.stderr[-2000:]
    server.start()
    assert in_updates_graph(server, "one"), "update lost by a rebuild"


def test_update_during_a_rebuild_is_not_lost(server: LiveServer, writable_store: Path) -> None:
    """A rebuild while the server runs: an update made after it must not vanish silently."""
    server.ensure_running()
    rebuilt = rebuild(writable_store)
    assert rebuilt.returncode == 0, rebuilt.stderr[-2000:]
    response = update(server, 'INSERT DATA { <urn:prkg-test:kept> <urn:p> "two" }')
    if response.status != 200:  # refusing (with a reason) is acceptable; losing it is not
        assert 400 <= response.status < 600 and response.body.strip()
        return
    server.stop()
    server.start()
    assert in_updates_graph(server, "two"), "an accepted update vanished after a rebuild"
