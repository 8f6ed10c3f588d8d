"""The benchmark: prkg against rdflib-endpoint, the Oxigraph server and Virtuoso, side by side.

For each scale it generates synthetic data in our data/ format (bench/generate.py), runs the
real `prkg build` on it (time, triples/s), loads the same dataset.nq into every peer (load
time), starts each server on a loopback port, and measures over HTTP:
- per-query latency p50/p95 of the query mix (bench/queries/*.rq), one client;
- throughput of the mix with 1, 4 and 16 concurrent clients (queries/s, bounded in time);
- peak RSS of each server's process tree (psutil, sampled every 100 ms).
Answers are checked for the same row count on every server (a mismatch is reported).

    python bench/run.py --scales 100k            # a few minutes
    python bench/run.py --scales 100k,1M,5M      # the full report

Writes bench/results/<date>.json, .md and .png (bench/report.py); the servers are started by
bench/servers.py. Not part of the test suite. The machine
running it is shared: the client threads and every server compete for the same cores, which
the report states with the figures.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx
import psutil

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))

from bench.generate import generate, parse_size  # noqa: E402
from bench.report import write_report  # noqa: E402
from bench.servers import (  # noqa: E402
    Running,
    start_oxigraph,
    start_prkg,
    start_rdflib,
    start_virtuoso,
)
from kg.store.sparqltext import query_form  # noqa: E402
from tests.virtuoso import virtuoso_binary  # noqa: E402

VENV_BIN = Path(sys.executable).parent
ACCEPT = {
    "select": "application/sparql-results+json",
    "ask": "application/sparql-results+json",
    "graph": "application/n-triples",
}
SERVERS = ("prkg", "oxigraph", "rdflib", "virtuoso")


@dataclass
class Query:
    name: str
    title: str
    kind: str  # lookup | analytic
    form: str  # select | ask | graph
    text: str


def load_queries() -> list[Query]:
    queries = []
    for path in sorted((BENCH / "queries").glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        meta = dict(line[2:].split(":", 1) for line in text.splitlines() if line.startswith("# "))
        form = query_form(text, default="select")
        queries.append(
            Query(
                path.stem,
                meta.get("title", "").strip(),
                meta.get("kind", "lookup").strip(),
                form,
                text,
            )
        )
    return queries


# --- measuring --------------------------------------------------------------------------------


class RssSampler:
    """Peak resident memory of a process and its children, sampled in the background."""

    def __init__(self, pid: int) -> None:
        self.proc = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                procs = [self.proc, *self.proc.children(recursive=True)]
                self.peak = max(self.peak, sum(p.memory_info().rss for p in procs))
            except psutil.Error:
                pass
            self._stop.wait(0.1)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def ask(client: httpx.Client, url: str, query: Query, timeout: float) -> tuple[float, int]:
    """One query over HTTP (POST form, SPARQL 1.1 Protocol); (seconds, result size)."""
    started = time.perf_counter()
    r = client.post(
        url, data={"query": query.text}, headers={"Accept": ACCEPT[query.form]}, timeout=timeout
    )
    elapsed = time.perf_counter() - started
    if r.status_code >= 400:
        raise ValueError(f"HTTP {r.status_code}: {' '.join(r.text.split())[:300]}")
    if query.form == "graph":
        size = sum(1 for line in r.text.splitlines() if line.strip() and not line.startswith("#"))
    else:
        payload = r.json()
        size = (
            int(payload["boolean"]) if "boolean" in payload else len(payload["results"]["bindings"])
        )
    return elapsed, size


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


@dataclass
class ServerResult:
    load_seconds: float
    latency: dict[str, dict[str, float]] = field(default_factory=dict)  # query -> p50/p95 ms
    sizes: dict[str, int] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    throughput: dict[str, float] = field(default_factory=dict)  # clients -> queries/s
    peak_rss_mib: float = 0.0


def measure(
    running: Running,
    queries: list[Query],
    repeats: int,
    duration: float,
    clients: list[int],
    timeout: float,
) -> ServerResult:
    result = ServerResult(round(running.load_seconds, 2))
    with RssSampler(running.pid) as rss, httpx.Client() as client:
        usable = []
        for query in queries:
            try:
                warm, size = ask(client, running.url, query, timeout)
                # A slow query's warm-up run counts as a sample (caches barely matter at
                # seconds per run), so a slow server is not kept for minutes per query.
                times = [warm] if warm > 2.0 else []
                budget = time.monotonic() + max(duration, 5.0)
                for _ in range(repeats):
                    elapsed, size = ask(client, running.url, query, timeout)
                    times.append(elapsed)
                    if time.monotonic() > budget and len(times) >= 3:
                        break  # a slow server gets fewer samples, never an unbounded run
                result.latency[query.name] = {
                    "p50_ms": round(statistics.median(times) * 1000, 2),
                    "p95_ms": round(percentile(times, 0.95) * 1000, 2),
                    "samples": len(times),
                }
                result.sizes[query.name] = size
                usable.append(query)
            except (httpx.HTTPError, ValueError, KeyError) as exc:
                result.errors[query.name] = f"{type(exc).__name__}: {str(exc)[:200]}"
        for n in clients:
            result.throughput[str(n)] = round(
                throughput(running.url, usable, n, duration, timeout), 2
            )
    result.peak_rss_mib = round(rss.peak / 2**20, 1)
    return result


def throughput(
    url: str, queries: list[Query], clients: int, duration: float, timeout: float
) -> float:
    """Queries/s of the whole mix with `clients` concurrent clients for about `duration` s."""
    if not queries:
        return 0.0
    deadline = time.monotonic() + duration
    done = [0] * clients

    def worker(i: int) -> None:
        with httpx.Client() as client:
            k = i
            while time.monotonic() < deadline:
                try:
                    ask(client, url, queries[k % len(queries)], timeout)
                    done[i] += 1
                except (httpx.HTTPError, ValueError):  # a refused or timed-out query
                    failed[i] += 1
                k += 1

    failed = [0] * clients
    started = time.monotonic()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(worker, range(clients)))
    if sum(failed):
        print(f"  {clients} clients: {sum(failed)} request(s) failed (not counted)", flush=True)
    return sum(done) / (time.monotonic() - started)


# --- one scale -------------------------------------------------------------------------------


def run_scale(scale: str, args: argparse.Namespace, queries: list[Query]) -> dict:
    work = args.work / scale
    work.mkdir(parents=True, exist_ok=True)
    data = work / "data"
    print(f"[bench {scale}] generating data …", flush=True)
    counts = generate(data, parse_size(scale))
    store = work / "store"
    shutil.rmtree(store, ignore_errors=True)
    print(f"[bench {scale}] prkg build …", flush=True)
    started = time.perf_counter()
    build_cmd = [str(VENV_BIN / "prkg"), "build", "--data", str(data), "--store", str(store)]
    with (work / "build.log").open("w") as log:
        proc = subprocess.run(build_cmd, stdout=log, stderr=subprocess.STDOUT, check=False)
    build_seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"prkg build failed; see {work / 'build.log'}")
    summary = json.loads((store / "current" / "build.json").read_text())
    quads = summary["total_quads"]
    load_stage = summary["stages"].get("loading the store (pyoxigraph)", 0) or 1e-9
    dataset = (store / "current" / "dumps" / "dataset.nq").resolve()
    entry: dict = {
        "scale": scale,
        "generated": counts,
        "quads": quads,
        "claims": summary.get("claims"),
        "build": {
            "seconds": round(build_seconds, 2),
            "triples_per_s": round(quads / build_seconds),
            "bulk_load_triples_per_s": round(quads / load_stage),
            "stages": summary["stages"],
        },
        "servers": {},
    }
    starters = {
        "prkg": lambda: start_prkg(store, work),
        "oxigraph": lambda: start_oxigraph(dataset, work),
        "rdflib": lambda: start_rdflib(dataset, work),
        "virtuoso": lambda: start_virtuoso(dataset, work),
    }
    for name in args.servers:
        if name == "virtuoso" and virtuoso_binary() is None:
            entry["servers"][name] = {"skipped": "virtuoso-t not installed"}
            continue
        if name == "rdflib" and args.rdflib_max and quads > args.rdflib_max:
            entry["servers"][name] = {
                "skipped": f"not run above {args.rdflib_max} quads (load alone takes too long)"
            }
            continue
        print(f"[bench {scale}] {name}: load and start …", flush=True)
        running = starters[name]()
        try:
            print(f"[bench {scale}] {name}: measuring …", flush=True)
            result = measure(
                running, queries, args.repeats, args.duration, args.clients, args.timeout
            )
        finally:
            running.stop()
        entry["servers"][name] = asdict(result)
        print(
            f"[bench {scale}] {name}: {result.throughput} q/s, "
            f"{result.peak_rss_mib} MiB, errors {list(result.errors)}",
            flush=True,
        )
    entry["size_mismatches"] = size_mismatches(entry["servers"])
    entry["targets"] = targets(entry, queries)
    return entry


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a and b else None


def targets(entry: dict, queries: list[Query]) -> dict:
    """The figures issue 7 sets targets for, as ratios (prkg against its peers)."""
    servers = entry["servers"]
    prkg = servers.get("prkg", {})
    out: dict = {
        "build_seconds": entry["build"]["seconds"],
        "bulk_load_triples_per_s": entry["build"]["bulk_load_triples_per_s"],
        "prkg_peak_rss_mib": prkg.get("peak_rss_mib"),
    }
    rdflib = servers.get("rdflib", {})
    if "throughput" in prkg and "throughput" in rdflib:
        out["throughput_vs_rdflib"] = {
            c: _ratio(prkg["throughput"].get(c), rdflib["throughput"].get(c))
            for c in prkg["throughput"]
        }
    oxigraph = servers.get("oxigraph", {})
    if "latency" in prkg and "latency" in oxigraph:
        for kind in ("lookup", "analytic"):
            ratios = {
                q.name: _ratio(
                    prkg["latency"].get(q.name, {}).get("p50_ms"),
                    oxigraph["latency"].get(q.name, {}).get("p50_ms"),
                )
                for q in queries
                if q.kind == kind
            }
            known = sorted(r for r in ratios.values() if r is not None)
            out[f"{kind}_latency_vs_oxigraph"] = {
                "per_query": ratios,
                "median": known[len(known) // 2] if known else None,
                "worst": known[-1] if known else None,
            }
    return out


def size_mismatches(servers: dict) -> dict[str, dict[str, int]]:
    by_query: dict[str, dict[str, int]] = {}
    for name, res in servers.items():
        for query, size in res.get("sizes", {}).items():
            by_query.setdefault(query, {})[name] = size
    return {q: s for q, s in by_query.items() if len(set(s.values())) > 1}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="prkg vs rdflib-endpoint, Oxigraph, Virtuoso")
    parser.add_argument("--scales", default="100k,1M,5M")
    parser.add_argument("--servers", default=",".join(SERVERS))
    parser.add_argument("--repeats", type=int, default=30, help="latency samples per query")
    parser.add_argument(
        "--duration",
        type=float,
        default=15.0,
        help="seconds per throughput level (and latency budget per query)",
    )
    parser.add_argument("--clients", default="1,4,16")
    parser.add_argument("--timeout", type=float, default=120.0, help="per-request limit, s")
    parser.add_argument(
        "--rdflib-max",
        type=int,
        default=0,
        help="skip rdflib-endpoint above this many quads (0: never skip)",
    )
    parser.add_argument(
        "--rewrite",
        type=Path,
        metavar="JSON",
        help="only write the .md and .png again from a results .json (no measuring)",
    )
    parser.add_argument("--work", type=Path, default=BENCH / "work")
    parser.add_argument("--out", type=Path, default=BENCH / "results")
    args = parser.parse_args(argv)
    if args.rewrite:
        write_report(json.loads(args.rewrite.read_text(encoding="utf-8")), args.rewrite.parent,
                     args.rewrite.stem)  # fmt: skip
        print(f"wrote {args.rewrite.with_suffix('.md')}, .png")
        return
    args.servers = [s.strip() for s in args.servers.split(",") if s.strip()]
    args.clients = [int(c) for c in args.clients.split(",")]
    queries = load_queries()
    results: dict = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.platform()}, {psutil.cpu_count()} cores, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB RAM (shared)",
        "clients": args.clients,
        "queries": [{"name": q.name, "title": q.title, "kind": q.kind} for q in queries],
        "scales": [],
    }
    stem = time.strftime("%Y-%m-%d", time.gmtime())
    for scale in [s.strip() for s in args.scales.split(",") if s.strip()]:
        results["scales"].append(run_scale(scale, args, queries))
        write_report(results, args.out, stem)  # after every scale: a partial run still reports
    print(f"wrote {args.out / stem}.md, .json, .png")


if __name__ == "__main__":
    main()
