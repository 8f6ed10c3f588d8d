"""Issue 8.3, short version: bench/load.py with 4 clients for 5 s against a real `prkg serve`.

The full run (16 clients, 60 s) is `python bench/load.py --store STORE`; its figures are in
the README's Guarantees section. Here the same code must see no 5xx, no dropped connection,
and every query of the mix answered.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from fuzz.live_server import LiveServer
from reliability_support import ROOT

pytestmark = pytest.mark.e2e


def _bench_load():
    spec = importlib.util.spec_from_file_location("bench_load", ROOT / "bench" / "load.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_load"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_short_load_has_no_errors(built_store_dir: Path, tmp_path: Path) -> None:
    load = _bench_load()
    queries = load.load_queries()
    assert len(queries) >= 12
    with LiveServer(built_store_dir, tmp_path / "serve.log") as server:
        report = load.run_load(server.url, queries, clients=4, duration=5.0)
        assert server.healthy()
    print(f"\n[reliability] short load: {report.text()}")
    assert report.server_errors == 0, report.statuses
    assert report.errors == {}, report.errors
    assert set(report.per_query_p50_ms) == {name for name, _ in queries}
    assert report.requests >= 20
    assert report.p99_ms < 5000
