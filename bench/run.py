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

Writes bench/results/<date>.json, .md and .png. Not part of the test suite. The machine
running it is shared: the client threads and every server compete for the same cores, which
the report states with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx
import psutil

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))

from bench.generate import generate, parse_size  # noqa: E402
from kg.store.sparqltext import query_form  # noqa: E402
from tests.virtuoso import VirtuosoServer, free_port, virtuoso_binary  # noqa: E402

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


# --- servers --------------------------------------------------------------------------------


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


# --- report -----------------------------------------------------------------------------------


def write_report(results: dict, out: Path, stem: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{stem}.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    (out / f"{stem}.md").write_text(markdown(results, stem), encoding="utf-8")
    chart(results, out / f"{stem}.png")


def markdown(results: dict, stem: str) -> str:
    lines = [f"# prkg benchmark {stem}", "", f"Machine: {results['machine']}", ""]
    lines.append(
        "Query mix: " + ", ".join(f"`{q['name']}` ({q['kind']})" for q in results["queries"])
    )
    for entry in results["scales"]:
        b = entry["build"]
        lines += [
            "",
            f"## {entry['scale']}: {entry['quads']:,} quads, {entry['claims']:,} claims",
            "",
            f"`prkg build`: {b['seconds']} s ({b['triples_per_s']:,} triples/s overall); "
            f"bulk load into pyoxigraph {b['bulk_load_triples_per_s']:,} triples/s.",
            "",
            "Build stages (s): " + ", ".join(f"{k} {v}" for k, v in b["stages"].items()),
            "",
        ]
        servers = [s for s in entry["servers"] if "skipped" not in entry["servers"][s]]
        lines.append("| | " + " | ".join(servers) + " |")
        lines.append("|---|" + "---|" * len(servers))

        def row(
            label: str,
            cell: Callable[[dict], str],
            entry: dict = entry,
            servers: list[str] = servers,
            lines: list[str] = lines,
        ) -> None:
            lines.append(
                f"| {label} | " + " | ".join(cell(entry["servers"][s]) for s in servers) + " |"
            )

        row("load / start (s)", lambda r: f"{r['load_seconds']}")
        row("peak RSS (MiB)", lambda r: f"{r['peak_rss_mib']}")
        for c in results["clients"]:
            row(
                f"throughput, {c} client(s) (q/s)",
                lambda r, c=c: f"{r['throughput'].get(str(c), 0)}",
            )
        lines += ["", "Latency p50 / p95 (ms):", ""]
        lines.append("| query | kind | " + " | ".join(servers) + " |")
        lines.append("|---|---|" + "---|" * len(servers))
        for q in results["queries"]:
            cells = []
            for s in servers:
                lat = entry["servers"][s]["latency"].get(q["name"])
                err = entry["servers"][s]["errors"].get(q["name"])
                cells.append(f"{lat['p50_ms']} / {lat['p95_ms']}" if lat else f"error: {err}")
            lines.append(f"| {q['name']} | {q['kind']} | " + " | ".join(cells) + " |")
        lines += ["", *target_lines(entry.get("targets", {}))]
        skipped = {s: r["skipped"] for s, r in entry["servers"].items() if "skipped" in r}
        if skipped:
            lines += ["", "Not run: " + "; ".join(f"{s}: {why}" for s, why in skipped.items())]
        if entry["size_mismatches"]:
            lines += [
                "",
                "Result sizes that differ between servers: " + json.dumps(entry["size_mismatches"]),
                "",
                "(prkg and rdflib-endpoint see each triple of the default graph once; the Oxigraph "
                "server's `--union-default-graph` and Virtuoso repeat a triple once per named "
                "graph that holds it, so queries without DISTINCT return more rows there.)",
            ]
        else:
            lines += ["", "Every server returned the same number of results for every query."]
    return "\n".join(lines) + "\n"


def target_lines(t: dict) -> list[str]:
    """The issue's targets, with this run's figures."""
    if not t:
        return []
    lines = ["Against the targets of issue 7 (they are set at 1M; RSS at 5M):", ""]
    tp = t.get("throughput_vs_rdflib")
    if tp:
        lines.append(
            "- throughput, prkg / rdflib-endpoint (target ≥ 20×): "
            + ", ".join(f"{c} client(s) {r}×" for c, r in tp.items())
        )
    for kind, goal in (("lookup", "1.5"), ("analytic", "1.1")):
        lat = t.get(f"{kind}_latency_vs_oxigraph")
        if lat:
            lines.append(
                f"- {kind} latency p50, prkg / Oxigraph server (target ≤ {goal}×): "
                f"median {lat['median']}×, worst {lat['worst']}×"
            )
    lines.append(
        f"- `prkg build` {t['build_seconds']} s (target ≤ 120 s at 1M); bulk load "
        f"{t['bulk_load_triples_per_s']:,} triples/s (target > 100,000); "
        f"server peak RSS {t['prkg_peak_rss_mib']} MiB (target ≤ 1,024 at 5M)"
    )
    lines += [
        "",
        "Why the missed targets are missed, what was profiled and what would reach them: "
        "README.md, section *Benchmark*.",
    ]
    return lines


def chart(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    entries = results["scales"]
    fig, axes = plt.subplots(len(entries), 2, figsize=(14, 4.5 * len(entries)), squeeze=False)
    for row, entry in enumerate(entries):
        servers = [s for s in entry["servers"] if "skipped" not in entry["servers"][s]]
        names = [q["name"][:2] for q in results["queries"]]
        ax = axes[row][0]
        width = 0.8 / max(1, len(servers))
        for i, s in enumerate(servers):
            lat = entry["servers"][s]["latency"]
            values = [lat.get(q["name"], {}).get("p50_ms", 0) for q in results["queries"]]
            ax.bar([x + i * width for x in range(len(names))], values, width, label=s)
        ax.set_yscale("log")
        ax.set_xticks([x + 0.4 - width / 2 for x in range(len(names))], names)
        ax.set_ylabel("p50 latency (ms, log)")
        ax.set_title(f"{entry['scale']} ({entry['quads']:,} quads): latency per query")
        ax.legend()
        ax = axes[row][1]
        for s in servers:
            tp = entry["servers"][s]["throughput"]
            ax.plot(
                results["clients"],
                [tp.get(str(c), 0) for c in results["clients"]],
                marker="o",
                label=s,
            )
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xticks(results["clients"], [str(c) for c in results["clients"]])
        ax.set_xlabel("concurrent clients")
        ax.set_ylabel("queries/s (mix, log)")
        ax.set_title(f"{entry['scale']}: throughput")
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=90)


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
