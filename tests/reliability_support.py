"""What the reliability tests share: the paths, the `prkg` command run as a child process,
a served store, a headless Chromium. One copy of each, so the test modules differ only in
what they check.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fuzz.live_server import LiveServer

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("PRKG_TEST_DATA_DIR", ROOT / "data"))  # override: developers only
# The command's environment: nothing of the caller's but the path (no PRKG_* settings leak in).
CLEAN_ENV = {"PYTHONPATH": str(ROOT), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def prkg(
    *args: str, timeout: float = 300, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `prkg ARGS`; one still running after `timeout` s is killed and reported as such."""
    proc = subprocess.Popen([sys.executable, "-m", "api.cli", *args], cwd=ROOT,
                            env=CLEAN_ENV if env is None else env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)  # fmt: skip
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate(timeout=30)
        err += f"\n[test] still running after {timeout} s: killed"
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def build_args(data: Path, store: Path, dist: Path) -> list[str]:
    """`prkg build` without the reasoner: it runs before anything is written under the store,
    so skipping it only makes each run shorter; every stage that touches the disk runs."""
    return ["build", "--no-reason", "--data", str(data), "--store", str(store),
            "--dist", str(dist)]  # fmt: skip


@contextmanager
def serving(
    store: Path,
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    env: dict[str, str] | None = None,
) -> Iterator[LiveServer]:
    """`prkg serve` on `store` (a real uvicorn on a free port), logging to a fresh folder."""
    with LiveServer(store, tmp_path_factory.mktemp(name) / "serve.log", env) as live:
        yield live


@contextmanager
def chromium() -> Iterator[object]:
    """Debian's headless Chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
