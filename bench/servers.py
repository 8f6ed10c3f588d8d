"""Starting the four servers the benchmark compares (prkg, the Oxigraph server,
rdflib-endpoint, Virtuoso) on loopback ports, each with the same dataset, and stopping them.

Each `start_*` returns a `Running`: the SPARQL URL, the process to sample, how to stop it and
how long loading the dataset took.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.virtuoso import VirtuosoServer, free_port

BENCH = Path(__file__).resolve().parent
VENV_BIN = Path(sys.executable).parent


@dataclass
class Running:
    name: str
    url: str
    pid: int
    stop: Callable[[], None]
    load_seconds: float = 0.0


def wait_http(url: str, proc: subprocess.Popen | None, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what} exited with code {proc.returncode}")
        try:
            r = httpx.get(
                url,
                params={"query": "ASK { ?s ?p ?o }"},
                headers={"Accept": "application/sparql-results+json"},
                timeout=5,
            )
            if r.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{what} not ready after {timeout:.0f} s")


def popen(cmd: list[str], log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def terminate(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


def start_prkg(store: Path, work: Path) -> Running:
    port = free_port()
    started = time.perf_counter()
    proc = popen(
        [
            str(VENV_BIN / "prkg"),
            "serve",
            "--store",
            str(store),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        work / "prkg-serve.log",
    )
    url = f"http://127.0.0.1:{port}/sparql"
    wait_http(url, proc, 120, "prkg serve")
    return Running("prkg", url, proc.pid, lambda: terminate(proc), time.perf_counter() - started)


def start_oxigraph(dataset: Path, work: Path) -> Running:
    location = work / "oxigraph-server"
    shutil.rmtree(location, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run(
        [str(VENV_BIN / "oxigraph"), "load", "--location", str(location), "--file", str(dataset)],
        check=True,
        capture_output=True,
    )
    load = time.perf_counter() - started
    port = free_port()
    proc = popen(
        [
            str(VENV_BIN / "oxigraph"),
            "serve-read-only",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        work / "oxigraph-serve.log",
    )
    url = f"http://127.0.0.1:{port}/query"
    wait_http(url, proc, 60, "oxigraph serve")
    return Running("oxigraph", url, proc.pid, lambda: terminate(proc), load)


def start_rdflib(dataset: Path, work: Path) -> Running:
    port = free_port()
    started = time.perf_counter()
    proc = popen(
        [sys.executable, str(BENCH / "rdflib_server.py"), str(dataset), "--port", str(port)],
        work / "rdflib-serve.log",
    )
    url = f"http://127.0.0.1:{port}/"
    wait_http(url, proc, 1800, "rdflib-endpoint")
    return Running("rdflib", url, proc.pid, lambda: terminate(proc), time.perf_counter() - started)


def start_virtuoso(dataset: Path, work: Path) -> Running:
    root = work / "virtuoso"
    shutil.rmtree(root, ignore_errors=True)
    server = VirtuosoServer(root, load_dirs=(dataset.parent.resolve(),))
    server.start()
    started = time.perf_counter()
    server.bulk_load(dataset)
    load = time.perf_counter() - started
    assert server.pid is not None
    return Running("virtuoso", server.sparql_url, server.pid, server.stop, load)
