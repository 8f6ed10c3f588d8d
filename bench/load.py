"""Load test: N concurrent clients run the gallery's query mix against a running service.

    python bench/load.py --url http://127.0.0.1:8000 [--clients 16] [--duration 60]
    python bench/load.py --store store            # starts `prkg serve` on a free port itself

Each client keeps one HTTP/1.1 connection and sends the queries of data/queries/*.rq (those
without SERVICE: the load must not reach the internet) round-robin from a random start, as
GET /sparql with Accept: application/sparql-results+json. It prints throughput, latency
percentiles (p50/p95/p99), and errors counted by HTTP status (and by exception for dropped
connections). A healthy service shows no 5xx and no dropped connections; the exit status is
1 otherwise, so the script can gate a release. `--json` prints the report as JSON.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "data" / "queries"


def load_queries(directory: Path = QUERIES) -> list[tuple[str, str]]:
    """(name, text) of the gallery's local queries."""
    found = []
    for path in sorted(directory.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        if "SERVICE" not in text.upper():
            found.append((path.stem, text))
    if not found:
        raise SystemExit(f"no local queries in {directory}")
    return found


@dataclass
class LoadReport:
    url: str
    clients: int
    seconds: float
    requests: int
    throughput: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    statuses: dict[str, int]
    errors: dict[str, int]
    server_errors: int
    per_query_p50_ms: dict[str, float] = field(default_factory=dict)

    def text(self) -> str:
        lines = [
            f"{self.clients} clients, {self.seconds:.1f} s against {self.url}",
            f"  requests:   {self.requests}  ({self.throughput:.1f} req/s)",
            f"  latency:    p50 {self.p50_ms:.1f} ms  p95 {self.p95_ms:.1f} ms  "
            f"p99 {self.p99_ms:.1f} ms  max {self.max_ms:.1f} ms",
            "  statuses:   " + ", ".join(f"{k}: {v}" for k, v in sorted(self.statuses.items())),
            "  errors:     " + (", ".join(f"{k}: {v}" for k, v in sorted(self.errors.items()))
                                or "none"),
            f"  5xx:        {self.server_errors}",
            "  per query p50 (ms): " + ", ".join(
                f"{k} {v:.0f}" for k, v in sorted(self.per_query_p50_ms.items())),
        ]  # fmt: skip
        return "\n".join(lines)


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def _client(url: str, queries: list[tuple[str, str]], deadline: float, seed: int,
            out: list[tuple[str, int | str, float]]) -> None:  # fmt: skip
    parts = urlsplit(url)
    base = parts.path.rstrip("/")
    rng = random.Random(seed)
    position = rng.randrange(len(queries))
    conn: http.client.HTTPConnection | None = None
    headers = {"Accept": "application/sparql-results+json"}
    while time.monotonic() < deadline:
        name, text = queries[position % len(queries)]
        position += 1
        start = time.perf_counter()
        try:
            if conn is None:
                source = _source(parts.hostname, seed)
                conn = http.client.HTTPConnection(
                    parts.hostname, parts.port or 80, timeout=120, source_address=source
                )
            conn.request("GET", f"{base}/sparql?query={quote(text, safe='')}", headers=headers)
            response = conn.getresponse()
            response.read()
            status: int | str = response.status
            if response.getheader("connection", "").lower() == "close":
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException) as exc:
            status = type(exc).__name__
            if conn is not None:
                conn.close()
            conn = None
        out.append((name, status, time.perf_counter() - start))
    if conn is not None:
        conn.close()


def _source(host: str | None, seed: int) -> tuple[str, int] | None:
    """Each client its own loopback address (127.0.1.N) when the service is on this machine,
    so that the endpoint's per-client limits see N clients, as they would in real use."""
    if host not in {"127.0.0.1", "localhost"}:
        return None
    return (f"127.0.1.{seed % 250 + 1}", 0)


def run_load(url: str, queries: list[tuple[str, str]], clients: int = 16,
             duration: float = 60.0, seed: int = 16) -> LoadReport:  # fmt: skip
    """Run `clients` threads for `duration` seconds and summarise what they saw."""
    results: list[list[tuple[str, int | str, float]]] = [[] for _ in range(clients)]
    started = time.monotonic()
    deadline = started + duration
    threads = [threading.Thread(target=_client, args=(url, queries, deadline, seed + i, results[i]),
                                daemon=True) for i in range(clients)]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    flat = [r for rs in results for r in rs]
    ok_times = [s for _, status, s in flat if status == 200]
    statuses = Counter(str(status) for _, status, _ in flat if isinstance(status, int))
    errors = Counter(str(status) for _, status, _ in flat if status != 200)
    per_query: dict[str, list[float]] = {}
    for name, status, seconds in flat:
        if status == 200:
            per_query.setdefault(name, []).append(seconds)
    return LoadReport(
        url=url, clients=clients, seconds=round(elapsed, 2), requests=len(flat),
        throughput=round(len(flat) / elapsed, 1),
        p50_ms=round(percentile(ok_times, 0.50) * 1000, 1),
        p95_ms=round(percentile(ok_times, 0.95) * 1000, 1),
        p99_ms=round(percentile(ok_times, 0.99) * 1000, 1),
        max_ms=round(max(ok_times, default=0.0) * 1000, 1),
        statuses=dict(statuses), errors=dict(errors),
        server_errors=sum(n for s, n in statuses.items() if s.startswith("5")),
        per_query_p50_ms={k: round(statistics.median(v) * 1000, 1) for k, v in per_query.items()},
    )  # fmt: skip


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_server(store: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    cmd = [sys.executable, "-m", "api.cli", "serve", "--store", str(store), "--data",
           str(ROOT / "data"), "--host", "127.0.0.1", "--port", str(port)]  # fmt: skip
    # The result cache is off: the load measures the engine, not answers kept from before.
    env = {"PRKG_RESULT_CACHE_SECONDS": "0", **os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                pass
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", "/sparql?query=ASK%7B%7D")
            if conn.getresponse().status == 200:
                return proc, url
        except OSError:
            time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGTERM)
    raise SystemExit("prkg serve did not start")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="base URL of a running service (without /sparql)")
    where.add_argument("--store", type=Path, help="start `prkg serve` on this store first")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--queries", type=Path, default=QUERIES)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    proc = None
    url = args.url
    if args.store is not None:
        proc, url = _start_server(args.store)
    try:
        report = run_load(url.rstrip("/"), load_queries(args.queries), args.clients, args.duration)
    finally:
        if proc is not None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
    print(json.dumps(asdict(report), indent=2) if args.json else report.text())
    failed = report.server_errors or any(not k.isdigit() for k in report.errors)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
