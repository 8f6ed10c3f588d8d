"""Test helpers for the linking tests: a store built from the real data, a real SPARQL server.

`data_store()` assembles the repository's own `data/` and ontology into an in-memory
EmbeddedStore with the lead's loader and assembler (the same code `prkg build` runs), so the
tests see the real entities and links. `OxigraphServer` starts the `oxigraph` server from
PyPI on a free loopback port with a file loaded, for the federation tests.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.data.namespaces import Namespaces
from kg.data.triples import TripleSet
from kg.store import EmbeddedStore

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
ONTOLOGY = ROOT / "ontology"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
OXIGRAPH = Path(sys.executable).parent / "oxigraph"


def data_store(data_dir: Path = DATA, namespace: str | None = None) -> EmbeddedStore:
    """The real data as named graphs in an in-memory store (ontology graph included)."""
    from kg.data.assemble import assemble
    from kg.data.loader import read_data
    from kg.data.ontology import OntologyInfo

    ns = Namespaces(namespace) if namespace else Namespaces()
    data, _errors = read_data(data_dir)
    assembly = assemble(data, OntologyInfo.load(ONTOLOGY), ns)
    store = EmbeddedStore(None)
    store.load((ONTOLOGY / "prkg.ttl").read_bytes(), "text/turtle", ns.ontology_graph)
    for iri, triples in assembly.graphs.items():
        graph = triples.to_graph() if isinstance(triples, TripleSet) else triples
        store.load(graph.serialize(format="nt", encoding="utf-8"), "application/n-triples", iri)
    return store


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def oxigraph_server(tmp_dir: Path, rdf_file: Path) -> Iterator[str]:
    """A real Oxigraph SPARQL server holding `rdf_file`; yields its query endpoint URL."""
    location = tmp_dir / "oxigraph-db"
    subprocess.run(
        [str(OXIGRAPH), "load", "--location", str(location), "--file", str(rdf_file)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    port = free_port()
    log = (tmp_dir / "oxigraph.log").open("wb")
    proc = subprocess.Popen(
        [
            str(OXIGRAPH),
            "serve-read-only",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/query"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                ask = urllib.request.quote("ASK { ?s ?p ?o }")
                with urllib.request.urlopen(f"{url}?query={ask}", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"oxigraph server did not start: {(tmp_dir / 'oxigraph.log').read_text()}"
                    ) from None
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
