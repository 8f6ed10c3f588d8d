"""Issue 8.8: faults. Builds killed at random moments, broken stores at start-up.

* `prkg build` is killed with SIGKILL at random points of its run, many times, over a store
  that already holds a good build. After every kill the store's `current` build must be
  complete (never a partial one), open read-only, hold exactly its recorded number of quads
  and answer every competency question exactly as before.
* `prkg serve` (and `prkg query`) on a missing or broken store must stop with a message that
  names the store, a non-zero exit status and no Python traceback.
* The remote backend going down (503, then recovery) is covered against a real Virtuoso in
  tests/test_remote_virtuoso.py::test_api_answers_sparql_from_virtuoso and
  ::test_server_down_then_back; a rebuild giving an isomorphic dataset in
  tests/test_build.py::test_rebuild_is_deterministic.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from competency_questions import load_questions
from fuzz.live_server import free_port
from reliability_support import CLEAN_ENV, DATA_DIR, ROOT, build_args, prkg

from kg.store import EmbeddedStore
from kg.store.layout import StoreLayout

KILL_RUNS = int(os.environ.get("PRKG_FAULT_RUNS", "20"))
SEED = int(os.environ.get("PRKG_FAULT_SEED", "8"))
STAGE = re.compile(r"\[prkg build\] (.+?) …")


def snapshot(store: Path) -> dict[str, object]:
    """What a reader of `current` sees: quads, per-graph counts, competency answers."""
    layout = StoreLayout(store)
    current = layout.current_build()
    assert current is not None, "no current build"
    assert (current / "build.json").is_file(), f"current points at a partial build {current}"
    recorded = json.loads((current / "build.json").read_text(encoding="utf-8"))
    store_ = EmbeddedStore(layout.oxigraph_dir(current), read_only=True)
    try:
        quads = store_.count()
        graphs = {g: store_.count(g) for g in store_.named_graphs()}
        answers = {q.id: sorted(str(sorted((k, str(v)) for k, v in row.items()))
                                for row in store_.select(q.sparql))
                   for q in load_questions()}  # fmt: skip
    finally:
        store_.close()
    # build.json counts the quads of the named graphs; the store also holds their union
    # once more in its default graph (kg/store/union.py).
    assert sum(graphs.values()) == recorded["total_quads"], "store and build.json disagree"
    assert quads > recorded["total_quads"]
    return {"quads": quads, "graphs": graphs, "answers": answers}


def test_sigkill_during_build_leaves_a_servable_store(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)  # a snapshot: edits to data/ during the run do not count
    store, dist = tmp_path / "store", tmp_path / "dist"
    first = prkg(*build_args(data, store, dist))
    assert first.returncode == 0, first.stderr[-3000:]
    # the kills are timed on a warm build: the first one (cold caches) runs longer, and delays
    # drawn from it let most later builds finish before the kill
    started = time.perf_counter()
    second = prkg(*build_args(data, store, dist))
    duration = time.perf_counter() - started
    assert second.returncode == 0, second.stderr[-3000:]
    reference = snapshot(store)
    assert reference["quads"] > 1000 and reference["answers"]
    # Half the kills anywhere in the run, half in the window that writes to disk (loading the
    # store, quality rules, dumps, the switch of `current`), located from the stage timings.
    times = json.loads((StoreLayout(store).current_build() / "build.json").read_text())["stages"]  # type: ignore[operator]
    writing = sum(v for k, v in times.items() if k.startswith(("loading", "quality", "writing")))
    write_start = max(0.05, duration - writing - 0.3)
    rng = random.Random(SEED)
    stages: dict[str, int] = {}
    completed = 0
    for run in range(KILL_RUNS):
        low = 0.05 if run % 2 == 0 else write_start
        delay = rng.uniform(low, duration * 1.02)
        log = tmp_path / f"build-{run}.log"
        with open(log, "w") as err:
            command = [sys.executable, "-m", "api.cli", *build_args(data, store, dist)]
            proc = subprocess.Popen(command,
                                    cwd=ROOT, env=CLEAN_ENV, stdout=subprocess.DEVNULL, stderr=err,
                                    start_new_session=True)  # fmt: skip
            try:
                proc.wait(timeout=delay)
                completed += 1
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)
        reached = STAGE.findall(log.read_text(encoding="utf-8"))
        stage = "finished" if proc.returncode == 0 else (reached[-1] if reached else "start-up")
        stages[stage] = stages.get(stage, 0) + 1
        after = snapshot(store)
        assert after == reference, f"run {run}: killed after {delay:.2f} s in {stage!r}"
        leftovers = [p for p in StoreLayout(store).builds.iterdir()
                     if p != StoreLayout(store).current_build()]  # fmt: skip
        assert all(not (p / "build.json").exists() or proc.returncode != 0 for p in leftovers)
    # a killed build's leftovers are cleared by the next successful build
    final = prkg(*build_args(data, store, dist))
    assert final.returncode == 0, final.stderr[-2000:]
    assert [p.name for p in StoreLayout(store).builds.iterdir()] == [
        StoreLayout(store).current_build().name  # type: ignore[union-attr]
    ]
    assert snapshot(store) == reference
    print(
        f"\n[reliability] {KILL_RUNS} SIGKILLed builds (full build {duration:.1f} s, seed {SEED}): "
        f"stages hit {stages}; {completed} finished before the kill; store intact every time"
    )
    assert sum(n for s, n in stages.items() if s != "finished") >= KILL_RUNS // 2


def _corrupt_store(tmp_path: Path, built_store_dir: Path, how: str) -> Path:
    store = shutil.copytree(built_store_dir, tmp_path / "store", symlinks=True)
    oxdir = StoreLayout(store).oxigraph_dir(StoreLayout(store).current_build())
    if how == "corrupt-current-file":
        (oxdir / "CURRENT").write_text("garbage\n")
    elif how == "missing-database":
        shutil.rmtree(oxdir)
    elif how == "truncated-tables":
        for table in oxdir.glob("*.sst"):
            table.write_bytes(table.read_bytes()[:100])
    return store


def assert_clean_failure(result: subprocess.CompletedProcess[str], *words: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-2000:]
    assert "Traceback" not in output, output[-3000:]
    for word in words:
        assert word in output, output[-2000:]


def test_serve_without_store_or_data_fails_clearly(tmp_path: Path) -> None:
    result = prkg("serve", "--store", "/nonexistent/prkg-store", "--data", "/nonexistent/data",
                  "--port", "1", timeout=60)  # fmt: skip
    assert_clean_failure(result, "/nonexistent/data")


def test_serve_on_a_file_instead_of_a_store_fails_clearly(tmp_path: Path) -> None:
    not_a_dir = tmp_path / "store"
    not_a_dir.write_text("not a store")
    result = prkg("serve", "--store", str(not_a_dir), "--data", "/nonexistent/data",
                  "--port", "1", timeout=60)  # fmt: skip
    assert_clean_failure(result)


@pytest.mark.parametrize(
    "how",
    [pytest.param(h)
     for h in ("corrupt-current-file", "missing-database", "truncated-tables")],
)  # fmt: skip
def test_serve_on_a_broken_store_fails_clearly(how: str, tmp_path: Path,
                                               built_store_dir: Path) -> None:  # fmt: skip
    store = _corrupt_store(tmp_path, built_store_dir, how)
    result = prkg("serve", "--store", str(store), "--data", "/nonexistent/data", "--port",
                  str(free_port()), timeout=20)  # fmt: skip
    assert "still running" not in result.stderr, "prkg serve started on a broken store"
    assert_clean_failure(result, str(store))


@pytest.mark.parametrize("how", ["corrupt-current-file", "missing-database"])
def test_query_on_a_broken_store_fails_clearly(how: str, tmp_path: Path,
                                               built_store_dir: Path) -> None:  # fmt: skip
    store = _corrupt_store(tmp_path, built_store_dir, how)
    result = prkg("query", "--store", str(store), "ASK { ?s ?p ?o }", timeout=120)
    assert_clean_failure(result, str(store))
