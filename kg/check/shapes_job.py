"""The SHACL check in other processes, so that it overlaps the rest of the build.

pySHACL is the slowest stage of a large build (about half of it at a million triples) and it
only reads the assembled graph. Forked right after assembly, it runs on the second core
while the parent reasons, loads the new store, runs the quality rules and writes the dumps;
the build waits for its verdict before switching the new store in, so a violation still
stops the build and nothing is served from it. The child gets the graph by fork (copy on
write), not by pickling it; where fork is missing the check simply runs in line.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing as mp
import os
import signal
import time
from collections.abc import Callable
from multiprocessing.connection import Connection

from kg.check.validate import ShapeViolation

Check = Callable[[], list[ShapeViolation]]


def _die_with_parent() -> None:
    """Ask Linux to kill this child if the build is killed (no orphaned pySHACL run)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _child(check: Check, conn: Connection) -> None:
    _die_with_parent()
    started = time.perf_counter()
    try:
        outcome: tuple = ("ok", check(), time.perf_counter() - started)
    except BaseException as exc:
        outcome = ("error", f"{type(exc).__name__}: {exc}", time.perf_counter() - started)
    conn.send(outcome)
    conn.close()


class ShapeCheck:
    """A running (or finished) shape check; `result()` waits for it."""

    def __init__(self, check: Check) -> None:
        self.seconds = 0.0
        self._violations: list[ShapeViolation] | None = None
        self._process: mp.process.BaseProcess | None = None
        try:
            context = mp.get_context("fork")
        except ValueError:
            context = None
        if context is None:
            started = time.perf_counter()
            self._violations = check()
            self.seconds = time.perf_counter() - started
            return
        self._conn, child_end = context.Pipe(duplex=False)
        self._process = context.Process(target=_child, args=(check, child_end), daemon=True)
        self._process.start()
        child_end.close()

    def result(self) -> list[ShapeViolation]:
        if self._violations is not None:
            return self._violations
        assert self._process is not None
        try:
            status, payload, seconds = self._conn.recv()
        except EOFError:
            self._process.join()
            raise RuntimeError(
                f"The shape check (pySHACL) process died (exit code {self._process.exitcode}); "
                "the machine may be out of memory."
            ) from None
        self._process.join()
        self.seconds = seconds
        if status != "ok":
            raise RuntimeError(f"The shape check (pySHACL) failed: {payload}")
        self._violations = payload
        return payload

    def cancel(self) -> None:
        """Stop the check (the build failed elsewhere and its verdict no longer matters)."""
        if self._process is not None and self._process.is_alive():
            self._process.kill()
            self._process.join()


class ShapeChecks:
    """Several shape checks (groups of shapes) side by side; `result()` merges their verdicts."""

    def __init__(self, checks: list[Check]) -> None:
        self._checks = [ShapeCheck(check) for check in checks]
        self.seconds = 0.0

    def result(self) -> list[ShapeViolation]:
        try:
            violations = sorted({v for check in self._checks for v in check.result()})
        except BaseException:
            self.cancel()
            raise
        self.seconds = max(check.seconds for check in self._checks)
        return violations

    def cancel(self) -> None:
        for check in self._checks:
            check.cancel()


def parallel_groups(triples: int, bytes_per_triple: int = 3000) -> int:
    """How many shape checks may run at once: two on a multi-core machine when each
    process's copy of the graph (about `bytes_per_triple`, measured at 1M triples) fits
    in half of the memory available now; one otherwise."""
    if (os.cpu_count() or 1) < 2:
        return 1
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            fields = dict(line.split(":", 1) for line in info)
        available = int(fields["MemAvailable"].split()[0]) * 1024
    except (OSError, KeyError, ValueError):
        return 1
    return 2 if 2 * triples * bytes_per_triple < available / 2 else 1
