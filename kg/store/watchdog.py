"""The memory limit of the query workers: a watchdog that stops a query grown too large.

A query can exhaust memory long before its time limit (a huge GROUP_CONCAT, a cartesian
product that ORDER BY materialises). The engine is Rust: when an allocation fails it aborts
the process rather than raising, so a limit set inside the worker (RLIMIT_AS) would kill it
without a word. Instead a thread of the service watches the resident memory of every worker
that is running a query and kills the one that passes the limit; the query is answered as
stopped (503, saying so) and the pool replaces the worker. Other queries, in other workers,
and the server itself are unaffected.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import Protocol

from kg.store.embedded import QueryMemoryExceeded, StoreError, StoreUnavailable

POLL_SECONDS = 0.05


class _Process(Protocol):
    pid: int | None

    def kill(self) -> None: ...


class Watched(Protocol):
    process: _Process
    over_memory: bool


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
        self._busy: set[Watched] = set()
        if self.limit:
            threading.Thread(target=self._watch, daemon=True, name="prkg-memory").start()

    @contextlib.contextmanager
    def running(self, worker: Watched) -> Iterator[None]:
        """Watch `worker` while it runs one query."""
        self._busy.add(worker)
        try:
            yield
        finally:
            self._busy.discard(worker)

    def _watch(self) -> None:
        while not self._closed():
            for worker in list(self._busy):
                pid = worker.process.pid
                used = resident_bytes(pid) if pid else None
                if self.limit and used is not None and used > self.limit:
                    worker.over_memory = True
                    worker.process.kill()
            time.sleep(POLL_SECONDS)

    def error(self, worker: Watched, exc: Exception) -> StoreError:
        """The error for a worker that died mid-query: the memory limit, or a failure."""
        if worker.over_memory:
            return QueryMemoryExceeded(
                f"The query used more than the {(self.limit or 0) // 2**20} MiB memory limit "
                "of a query worker and was stopped (PRKG_QUERY_MEMORY_MB)."
            )
        return StoreUnavailable(f"The query worker failed: {exc}")
