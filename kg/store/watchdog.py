"""The watchdog of the query workers: memory limit, and a lower priority for long queries.

A query can exhaust memory long before its time limit (a huge GROUP_CONCAT, a cartesian
product that ORDER BY materialises). The engine is Rust: when an allocation fails it aborts
the process rather than raising, so a limit set inside the worker (RLIMIT_AS) would kill it
without a word. Instead a thread of the service watches the resident memory of every worker
that is running a query and kills the one that passes the limit; the query is answered as
stopped (503, saying so) and the pool replaces the worker. Other queries, in other workers,
and the server itself are unaffected.

The same thread lowers the CPU priority (nice 19) of a worker whose query has run longer
than `LONG_SECONDS`: on a 2-core machine two runaway queries would otherwise take both
cores from everyone's short queries until they time out. The priority is raised back when
the query ends (or, where the process may not raise priorities, the worker is replaced).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import Protocol

from kg.store.interface import QueryMemoryExceeded, StoreError, StoreUnavailable

POLL_SECONDS = 0.05
LONG_SECONDS = 1.0
NICE_LONG = 19


class _Process(Protocol):
    pid: int | None

    def kill(self) -> None: ...


class Watched(Protocol):
    process: _Process
    over_memory: bool
    reniced: bool


def resident_bytes(pid: int) -> int | None:
    """Resident memory of a process (Linux /proc), or None when it cannot be read."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


class MemoryWatchdog:
    """Kills a busy worker whose resident memory passes `limit_mb` (None: no limit)."""

    def __init__(self, limit_mb: int | None, closed: Callable[[], bool]) -> None:
        self.limit = limit_mb * 2**20 if limit_mb else None
        self._closed = closed
        self._busy: dict[Watched, float] = {}
        threading.Thread(target=self._watch, daemon=True, name="prkg-watchdog").start()

    @contextlib.contextmanager
    def running(self, worker: Watched) -> Iterator[None]:
        """Watch `worker` while it runs one query; afterwards it runs at normal priority
        again, or is left marked `reniced` for the pool to replace."""
        self._busy[worker] = time.monotonic()
        try:
            yield
        finally:
            self._busy.pop(worker, None)
            if worker.reniced and worker.process.pid:
                try:
                    os.setpriority(os.PRIO_PROCESS, worker.process.pid, 0)
                    worker.reniced = False
                except OSError:
                    pass  # not allowed to raise it again: the pool replaces the worker

    def _watch(self) -> None:
        while not self._closed():
            now = time.monotonic()
            for worker, started in list(self._busy.items()):
                pid = worker.process.pid
                if not pid:
                    continue
                used = resident_bytes(pid) if self.limit else None
                if self.limit and used is not None and used > self.limit:
                    worker.over_memory = True
                    worker.process.kill()
                elif not worker.reniced and now - started > LONG_SECONDS:
                    with contextlib.suppress(OSError):
                        os.setpriority(os.PRIO_PROCESS, pid, NICE_LONG)
                        worker.reniced = True
            time.sleep(POLL_SECONDS)

    def error(self, worker: Watched, exc: Exception) -> StoreError:
        """The error for a worker that died mid-query: the memory limit, or a failure."""
        if worker.over_memory:
            return QueryMemoryExceeded(
                f"The query used more than the {(self.limit or 0) // 2**20} MiB memory limit "
                "of a query worker and was stopped (PRKG_QUERY_MEMORY_MB)."
            )
        return StoreUnavailable(f"The query worker failed: {exc}")
