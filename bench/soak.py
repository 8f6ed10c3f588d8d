"""Soak under faults: the endpoint keeps serving well-behaved clients while things go wrong.

    python bench/soak.py --store store [--minutes 30] [--clients 16] [--json]

It starts `prkg serve` on the store (a free port on 127.0.0.1) and runs two phases:
1. **baseline** (a fifth of the time, at most 5 minutes): `--clients` well-behaved clients
   run the gallery's local query mix, each from its own loopback address (127.0.1.N), so
   each is a client of its own to the per-client limits;
2. **faults** (the rest): the same clients, while a query worker is killed every
   `--kill-every` seconds, the store is rebuilt once in the middle (the server follows the
   switch), and one misbehaving client (127.0.0.2) keeps 8 runaway queries in flight.
At the end it sends SIGTERM while slow queries are in flight and checks that they are
answered in full (uvicorn drains requests before it exits).

It reports throughput, p50/p95/p99 of the well-behaved clients per phase, every status
seen (per kind of client), and the service's memory (server plus workers) over time, and
asserts what issue 17 expects: no 5xx other than the 503 of a stopped query, well-behaved
p95 under faults at most twice the baseline's, the misbehaving client answered 429 beyond
its share, memory growth under 10 % after warm-up, and a clean drain. Exit status 1 when
an expectation fails. All traffic stays on this machine's loopback addresses.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
import contextlib

from load import QUERIES, load_queries, percentile

ROOT = Path(__file__).resolve().parent.parent
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
# A query that takes a second or two, whatever the size of the graph, and then finishes:
# what SIGTERM must not cut.
SLOW = (
    "SELECT (COUNT(*) AS ?n) WHERE { { SELECT ?a WHERE { ?a ?b ?c } LIMIT 2000 } "
    "{ SELECT ?d WHERE { ?d ?e ?f } LIMIT 2000 } }"
)


@dataclass
class Sample:
    client: str
    phase: str
    status: int | str
    seconds: float
    body: str = ""


@dataclass
class SoakReport:
    minutes: float
    clients: int
    kills: int
    rebuilt: bool
    baseline: dict[str, float]
    faults: dict[str, float]
    statuses: dict[str, dict[str, int]]
    memory_mib: list[tuple[float, float]]
    memory_growth_percent: float
    drain: dict[str, object]
    failures: list[str] = field(default_factory=list)

    def text(self) -> str:
        lines = [
            f"soak: {self.minutes:g} min, {self.clients} clients, {self.kills} workers killed, "
            f"rebuild {'done' if self.rebuilt else 'NOT done'}",
            "well-behaved, baseline: " + _fmt(self.baseline),
            "well-behaved, faults:   " + _fmt(self.faults),
        ]
        for who, counts in self.statuses.items():
            lines.append(f"statuses ({who}): " + ", ".join(f"{k}: {v}" for k, v in counts.items()))
        lines.append(
            "memory (MiB, server + workers): "
            + " ".join(
                f"{m:.0f}" for _, m in self.memory_mib[:: max(1, len(self.memory_mib) // 12)]
            )
            + f"; growth after warm-up {self.memory_growth_percent:+.1f} %"
        )
        lines.append(f"drain on SIGTERM: {self.drain}")
        lines.append("expectations: " + ("all met" if not self.failures else "FAILED"))
        lines += [f"  - {f}" for f in self.failures]
        return "\n".join(lines)


def _fmt(figures: dict[str, float]) -> str:
    return ", ".join(f"{k} {v}" for k, v in figures.items())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(port: int, source: str, query: str, timeout: float = 120) -> tuple[int | str, str, float]:
    start = time.perf_counter()
    conn = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=timeout, source_address=(source, 0)
    )
    try:
        conn.request(
            "GET",
            f"/sparql?query={quote(query, safe='')}",
            headers={"Accept": "application/sparql-results+json"},
        )
        response = conn.getresponse()
        body = response.read()
        status: int | str = response.status
        text = body[:300].decode("utf-8", "replace") if status != 200 else ""
    except (OSError, http.client.HTTPException) as exc:
        status, text = type(exc).__name__, str(exc)
    finally:
        conn.close()
    return status, text, time.perf_counter() - start


class Soak:
    def __init__(self, store: Path, minutes: float, clients: int, kill_every: float) -> None:
        self.store = store
        self.minutes = minutes
        self.clients = clients
        self.kill_every = kill_every
        self.port = _free_port()
        self.samples: list[Sample] = []
        self.lock = threading.Lock()
        self.phase = "warmup"
        self.stop = threading.Event()
        self.kills = 0
        self.rebuilt = False
        self.memory: list[tuple[float, float]] = []
        self.queries = [text for _, text in load_queries(QUERIES)]
        self.server: subprocess.Popen[bytes] | None = None

    # --- the server ---------------------------------------------------------------------
    def start_server(self) -> None:
        cmd = [sys.executable, "-m", "api.cli", "serve", "--store", str(self.store),
               "--host", "127.0.0.1", "--port", str(self.port)]  # fmt: skip
        self.server = subprocess.Popen(
            cmd, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(600):
            status, _, _ = _get(self.port, "127.0.0.1", "ASK {}", timeout=5)
            if status == 200:
                return
            time.sleep(0.2)
        raise SystemExit("prkg serve did not start")

    def workers(self) -> list[psutil.Process]:
        assert self.server is not None
        try:
            children = psutil.Process(self.server.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        return [c for c in children if "spawn_main" in " ".join(_cmdline(c))]

    def rss_mib(self) -> float:
        assert self.server is not None
        try:
            procs = [psutil.Process(self.server.pid), *self.workers()]
        except psutil.NoSuchProcess:
            return 0.0
        total = 0
        for p in procs:
            with contextlib.suppress(psutil.NoSuchProcess):
                total += p.memory_info().rss
        return total / 2**20

    # --- the clients ----------------------------------------------------------------------
    def record(self, client: str, status: int | str, body: str, seconds: float) -> None:
        with self.lock:
            self.samples.append(Sample(client, self.phase, status, seconds, body))

    def well_behaved(self, n: int) -> None:
        source = f"127.0.1.{n + 1}"
        rng = random.Random(n)
        position = rng.randrange(len(self.queries))
        while not self.stop.is_set():
            status, body, seconds = _get(
                self.port, source, self.queries[position % len(self.queries)]
            )
            position += 1
            self.record("well-behaved", status, body, seconds)

    def misbehaving(self) -> None:
        while not self.stop.is_set():
            if self.phase != "faults":
                time.sleep(0.2)
                continue
            status, body, seconds = _get(self.port, "127.0.0.2", RUNAWAY)
            self.record("misbehaving", status, body, seconds)
            if status == 429:
                time.sleep(0.2)  # a careless client, not a flood: it retries five times a second

    # --- the faults -----------------------------------------------------------------------
    def chaos(self, fault_start: float, fault_end: float) -> None:
        rebuild_at = fault_start + (fault_end - fault_start) / 2
        next_kill = fault_start + self.kill_every
        while not self.stop.is_set() and time.monotonic() < fault_end:
            now = time.monotonic()
            if now >= next_kill:
                workers = self.workers()
                if workers:
                    random.choice(workers).kill()
                    self.kills += 1
                next_kill += self.kill_every
            if not self.rebuilt and now >= rebuild_at:
                self.rebuilt = True
                threading.Thread(target=self.rebuild, daemon=True).start()
            time.sleep(0.5)

    def rebuild(self) -> None:
        """Rebuild the served store from data/; the server follows the switch."""
        # At a low priority, as an operator schedules a rebuild beside a live server.
        subprocess.run(
            ["nice", "-n", "10", sys.executable, "-m", "api.cli", "build", "--store",
             str(self.store)],
            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True,
        )  # fmt: skip

    def sample_memory(self, started: float) -> None:
        while not self.stop.is_set():
            self.memory.append((round(time.monotonic() - started, 1), self.rss_mib()))
            self.stop.wait(5)

    # --- the run --------------------------------------------------------------------------
    def run(self) -> SoakReport:
        self.start_server()
        total = self.minutes * 60
        baseline = min(total / 5, 300.0)
        started = time.monotonic()
        threads = [threading.Thread(target=self.well_behaved, args=(i,), daemon=True)
                   for i in range(self.clients)]  # fmt: skip
        threads += [threading.Thread(target=self.misbehaving, daemon=True) for _ in range(8)]
        threads.append(threading.Thread(target=self.sample_memory, args=(started,), daemon=True))
        for t in threads:
            t.start()
        warmup = min(10.0, baseline / 4)
        time.sleep(warmup)
        self.phase = "baseline"
        time.sleep(baseline - warmup)
        self.phase = "faults"
        fault_start = time.monotonic()
        self.chaos(fault_start, started + total)
        self.stop.set()
        for t in threads:
            t.join(timeout=130)
        drain = self.drain()
        return self.report(baseline, drain)

    def drain(self) -> dict[str, object]:
        """SIGTERM with slow queries in flight: each must be answered in full."""
        assert self.server is not None
        answers: list[tuple[int | str, str, float]] = []

        def slow(n: int) -> None:
            answers.append(_get(self.port, f"127.0.3.{n + 1}", SLOW))
            if answers[-1][0] != 200:
                print(f"drain: {answers[-1][0]} {answers[-1][1][:200]}", file=sys.stderr)

        probes = [threading.Thread(target=slow, args=(i,)) for i in range(2)]
        for p in probes:
            p.start()
        time.sleep(0.5)
        self.server.send_signal(signal.SIGTERM)
        for p in probes:
            p.join(timeout=120)
        try:
            code = self.server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.server.kill()
            code = "killed after 60 s"
        return {"answers": [a[0] for a in answers], "exit": code}

    def report(self, baseline_seconds: float, drain: dict[str, object]) -> SoakReport:
        def figures(phase: str) -> dict[str, float]:
            rows = [s for s in self.samples if s.client == "well-behaved" and s.phase == phase]
            ok = [s.seconds for s in rows if s.status == 200]
            span = baseline_seconds if phase == "baseline" else self.minutes * 60 - baseline_seconds
            return {
                "requests": len(rows),
                "q/s": round(len(rows) / max(span, 1), 1),
                "p50_ms": round(percentile(ok, 0.50) * 1000, 1),
                "p95_ms": round(percentile(ok, 0.95) * 1000, 1),
                "p99_ms": round(percentile(ok, 0.99) * 1000, 1),
            }

        statuses: dict[str, dict[str, int]] = {}
        for who in ("well-behaved", "misbehaving"):
            counts = Counter(str(s.status) for s in self.samples if s.client == who)
            statuses[who] = dict(sorted(counts.items()))
        base, faults = figures("baseline"), figures("faults")
        after_warmup = [m for t, m in self.memory if t >= baseline_seconds]
        growth = 0.0
        if len(after_warmup) >= 4:
            first = sum(after_warmup[:2]) / 2
            last = sum(after_warmup[-2:]) / 2
            growth = (last - first) / first * 100 if first else 0.0
        report = SoakReport(
            minutes=self.minutes, clients=self.clients, kills=self.kills, rebuilt=self.rebuilt,
            baseline=base, faults=faults, statuses=statuses, memory_mib=self.memory,
            memory_growth_percent=round(growth, 1), drain=drain,
        )  # fmt: skip
        report.failures = self.expectations(report)
        return report

    def expectations(self, r: SoakReport) -> list[str]:
        failures = []
        for s in self.samples:
            if isinstance(s.status, str):
                failures.append(f"a {s.client} request failed without an answer: {s.status}")
                break
        bad = [s for s in self.samples if isinstance(s.status, int) and s.status >= 500
               and not (s.status == 503 and _stopped(s.body))]  # fmt: skip
        if bad:
            failures.append(f"{len(bad)} answers were 5xx other than a stopped query's 503, "
                            f"e.g. {bad[0].status}: {bad[0].body[:120]!r}")  # fmt: skip
        stopped = sum(1 for s in self.samples if s.client == "well-behaved" and s.status == 503)
        if stopped > 2 * max(self.kills, 1):
            failures.append(f"{stopped} well-behaved queries were stopped ({self.kills} kills)")
        if r.faults["p95_ms"] > 2 * r.baseline["p95_ms"]:
            failures.append(
                f"well-behaved p95 under faults {r.faults['p95_ms']} ms is more than twice "
                f"the baseline's {r.baseline['p95_ms']} ms"
            )
        if r.statuses.get("misbehaving", {}).get("429", 0) == 0:
            failures.append("the misbehaving client was never answered 429")
        if r.memory_growth_percent >= 10:
            failures.append(f"memory grew {r.memory_growth_percent} % after warm-up")
        if not self.rebuilt:
            failures.append("the rebuild did not run")
        # uvicorn exits by re-raising the SIGTERM it drained for: -15 is a clean exit too.
        clean_exit = r.drain["exit"] in (0, -signal.SIGTERM)
        if any(a != 200 for a in r.drain["answers"]) or not clean_exit:  # type: ignore[union-attr]
            failures.append(f"SIGTERM did not drain cleanly: {r.drain}")
        return failures


def _stopped(body: str) -> bool:
    """Whether a 503 says the query was stopped (time, memory, or its worker killed)."""
    words = ("stopped", "worker", "longer than", "memory")
    return any(w in body for w in words)


def _cmdline(p: psutil.Process) -> list[str]:
    try:
        return p.cmdline()
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="a built store (prkg build)")
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--kill-every", type=float, default=30.0)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    report = Soak(args.store, args.minutes, args.clients, args.kill_every).run()
    print(json.dumps(asdict(report), indent=2) if args.json else report.text())
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
