"""The 2-minute version of the soak under faults (bench/soak.py; issue 17).

16 well-behaved clients on the gallery mix, a worker killed every 30 s, a rebuild in the
middle, a misbehaving client with 8 runaways, then SIGTERM with queries in flight. The
script asserts its own expectations and exits 1 when one fails; its report is printed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from service_support import copy_store

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.timeout(600)
def test_two_minute_soak_meets_its_expectations(built_store_dir: Path, tmp_path: Path) -> None:
    store = copy_store(built_store_dir, tmp_path / "store")
    run = subprocess.run(
        [sys.executable, "bench/soak.py", "--store", str(store), "--minutes", "2"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=560,
    )
    print(run.stdout, run.stderr[-2000:])
    assert "expectations: all met" in run.stdout, run.stdout + run.stderr[-2000:]
    assert run.returncode == 0
