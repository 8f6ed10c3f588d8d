"""Query execution with a real time limit for the embedded store: a pool of worker processes.

pyoxigraph cannot interrupt a running query, so the service runs each query in one of a few
worker processes that opened the store read-only; when a query overruns its time limit the
worker is killed (the only way to really stop the work) and replaced. `PooledEmbeddedStore`
implements the `Store` protocol, so the API never knows about the pool.

Result size is capped Virtuoso-style: at most `max_rows` solutions (or triples) are returned,
the answer is still well-formed, and `CappedResult.truncated` says that rows were dropped
(the API turns it into `X-PRKG-Truncated: true` and `X-SPARQL-MaxRows` headers).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing as mp
import os
import queue
import threading
import time
from collections.abc import Sequence
from functools import partial
from multiprocessing.connection import Connection
from pathlib import Path

from anyio import to_thread

from kg.store.embedded import EmbeddedStore
from kg.store.interface import (
    RESULT_FORMATS,
    QueryTimeout,
    Row,
    StoreError,
    StoreUnavailable,
    rows_from_json,
)
from kg.store.layout import store_lock
from kg.store.query_worker import (
    JSON_RESULTS,
    RDF_FORMATS,
    CappedResult,
    decode_reply,
    serve,
)
from kg.store.watchdog import MemoryWatchdog

# Queries up to this size are written to the worker from the event loop without blocking it.
INLINE_REQUEST = 32 * 1024


def _identity(path: Path) -> tuple[int, int]:
    """What tells one build's directory from another's, whatever path reaches it."""
    seen = os.stat(path)
    return (seen.st_dev, seen.st_ino)


async def readable(conn: Connection, timeout: float) -> bool:
    """Wait on the running event loop until `conn` has data (or EOF): False after `timeout`."""
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[bool] = loop.create_future()

    def settle(value: bool) -> None:
        if not ready.done():
            ready.set_result(value)

    fd = conn.fileno()
    timer = loop.call_later(max(timeout, 0.001), settle, False)
    loop.add_reader(fd, settle, True)
    try:
        return await ready
    finally:
        timer.cancel()
        loop.remove_reader(fd)
        # uvloop makes a watched descriptor non-blocking; the Connection expects blocking
        # reads (a reply may still be arriving, and `query` reads it from a thread later).
        os.set_blocking(fd, True)


class _Worker:
    def __init__(self, ctx: mp.context.BaseContext, path: Path, max_rows: int, gen: int) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(
            target=serve, args=(str(path), child, max_rows), daemon=True, name="prkg-query"
        )
        self.process.start()
        child.close()
        self.generation = gen
        self.over_memory = False  # set by the pool's watchdog before it kills the worker
        self.reniced = False  # running at a lower priority (a long query; see watchdog)

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


def _probe(path: Path) -> None:
    """Open the store and read from it once, so a damaged store fails at start-up with a
    message rather than on the first visitor's query."""
    probe = EmbeddedStore(path, read_only=True)
    try:
        probe.ask("ASK { ?s ?p ?o }")
    except (StoreError, OSError, RuntimeError) as exc:
        raise StoreUnavailable(f"The store at {path} cannot be read: {exc}") from exc
    finally:
        probe.close()


class PooledEmbeddedStore:
    """The embedded store as the service uses it: queries in killable worker processes.

    `writable=True` (updates enabled) also opens the store read-write in this process; an
    update runs here under a lock, and workers are replaced afterwards so they see it.
    """

    def __init__(
        self,
        path: Path,
        *,
        workers: int = 2,
        timeout: float = 30.0,
        max_rows: int = 10_000,
        writable: bool = False,
        lock_path: Path | None = None,
        memory_mb: int | None = None,
    ) -> None:
        if not (path / "CURRENT").exists():
            raise StoreUnavailable(f"No store at {path}: run `prkg build` first.")
        _probe(path)
        # RocksDB names its files by path: every instance opens the build's real directory,
        # never one reached through the `current` link a rebuild repoints. `link` is watched
        # so that the pool follows a rebuild (see _follow).
        self.link = path
        self.path = path.resolve()
        self._identity = _identity(self.path)
        self.lock_path = lock_path
        self.timeout = timeout
        self.max_rows = max_rows
        self._ctx = mp.get_context("spawn")
        self._generation = 0
        self._free: queue.Queue[_Worker] = queue.Queue()
        self._size = max(1, workers)
        self._writer = EmbeddedStore(self.path, read_only=False) if writable else None
        self._write_lock = threading.Lock()
        self._closed = False
        self._modified: float | None = None
        self._watchdog = MemoryWatchdog(memory_mb, lambda: self._closed)
        for _ in range(self._size):
            self._free.put(self._spawn())

    @property
    def worker_count(self) -> int:
        return self._size

    def version(self) -> str:
        """What the served store holds, for caches: the build directory and its updates."""
        if self._moved():
            self._follow()
        return f"{self.path.name}#{self._generation}"

    def modified(self) -> float:
        """When the served data last changed: the last update, else the build's time."""
        if self._modified is not None and self._modified > self.path.stat().st_mtime:
            return self._modified
        return self.path.stat().st_mtime

    def _spawn(self) -> _Worker:
        return _Worker(self._ctx, self.path, self.max_rows, self._generation)

    def _follow(self) -> None:
        """After a rebuild, move to the new build: workers respawn there, the writer reopens."""
        target = self.link.resolve()
        if target == self.path or not (target / "CURRENT").exists():
            return
        with self._write_lock:
            if target == self.path:
                return
            if self._writer is not None:
                self._writer.close()
                self._writer = EmbeddedStore(target, read_only=False)
            self.path = target
            self._identity = _identity(target)
            self._generation += 1

    def _check(self, media_type: str) -> None:
        if self._closed:
            raise StoreUnavailable("The store has been closed.")
        if media_type not in RESULT_FORMATS and media_type not in RDF_FORMATS:
            raise StoreError(f"Unsupported media type {media_type}")

    def _moved(self) -> bool:
        """Whether a rebuild repointed the store link: one stat, cheaper than resolving the
        path (which `_follow` does) on every query."""
        try:
            seen = os.stat(self.link)
        except OSError:  # the link is being switched: let `_follow` sort it out
            return True
        return (seen.st_dev, seen.st_ino) != self._identity

    def _fresh(self, worker: _Worker) -> _Worker:
        """The worker, or a new one if it opened a build or state that has since changed,
        or if it died while idle (killed from outside, out of memory)."""
        if worker.generation != self._generation or not worker.process.is_alive():
            worker.kill()
            return self._spawn()
        return worker

    def _take(self, limit: float) -> _Worker:
        try:
            worker = self._free.get(timeout=limit)
        except queue.Empty:
            raise QueryTimeout(
                f"All {self._size} query workers stayed busy for {limit:g} s; try again later."
            ) from None
        return self._fresh(worker)

    def _release(self, worker: _Worker, healthy: bool) -> None:
        """Return a worker to the pool; one whose state is unknown (it timed out, failed, or
        its caller gave up mid-answer), or that still runs at a lowered priority, is killed
        and replaced first."""
        if not healthy or worker.reniced:
            worker.kill()
            if self._closed:
                return
            worker = self._spawn()
        if self._closed:
            worker.kill()
        else:
            self._free.put(worker)

    @staticmethod
    def _request(
        query: str,
        media_type: str,
        default_graphs: Sequence[str] | None,
        named_graphs: Sequence[str] | None,
    ) -> tuple[str, str, list[str], list[str]]:
        return (query, media_type, list(default_graphs or []), list(named_graphs or []))

    @staticmethod
    def _timed_out(limit: float) -> QueryTimeout:
        return QueryTimeout(f"The query ran longer than the {limit:g} s limit and was stopped.")

    def query(
        self,
        query: str,
        media_type: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        timeout: float | None = None,
    ) -> CappedResult:
        """Run a query in a worker; once more in a fresh one if a rebuild removed the build
        the first worker had opened (a worker started just before the switch)."""
        args = (query, media_type, default_graphs, named_graphs, timeout)
        try:
            return self._query_once(*args)
        except StoreUnavailable:
            if not self._moved() and (self.path / "CURRENT").exists():
                raise
            self._follow()
            return self._query_once(*args)

    def _query_once(
        self,
        query: str,
        media_type: str,
        default_graphs: Sequence[str] | None,
        named_graphs: Sequence[str] | None,
        timeout: float | None,
    ) -> CappedResult:
        self._check(media_type)
        self._follow()
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        worker = self._take(limit)
        healthy = False
        try:
            with self._watchdog.running(worker):
                worker.conn.send(self._request(query, media_type, default_graphs, named_graphs))
                if not worker.conn.poll(max(deadline - time.monotonic(), 0.001)):
                    raise self._timed_out(limit)
                reply = worker.conn.recv()
                if reply[0] == "ok" and reply[3] is None:
                    reply = (*reply[:3], worker.conn.recv_bytes())
            healthy = True
        except (EOFError, OSError) as exc:
            raise self._watchdog.error(worker, exc) from exc
        finally:
            self._release(worker, healthy)
        return decode_reply(reply, media_type)

    async def aquery(
        self,
        query: str,
        media_type: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        timeout: float | None = None,
    ) -> CappedResult:
        """`query` for async callers, with the same time limit, row cap and errors.

        When a worker is free and the query is small, the request is written and the answer
        awaited on the event loop itself (the worker's pipe is watched for readability), so
        a lookup costs one wake-up instead of a hop to a thread and back. Anything that
        could block the loop (every worker busy, a rebuild to follow, a large query) goes
        through `query` in a thread, as before; so does an answer too large to read inline.
        """
        self._check(media_type)
        args = (query, media_type)
        kwargs = {"default_graphs": default_graphs, "named_graphs": named_graphs}
        slow = partial(self.query, *args, **kwargs, timeout=timeout)
        if len(query) > INLINE_REQUEST or self._moved():
            return await to_thread.run_sync(slow)
        try:
            worker = self._free.get_nowait()
        except queue.Empty:
            return await to_thread.run_sync(slow)
        limit = self.timeout if timeout is None else timeout
        healthy = False
        worker = self._fresh(worker)
        try:
            with self._watchdog.running(worker):
                worker.conn.send(self._request(query, media_type, default_graphs, named_graphs))
                if not await readable(worker.conn, limit):
                    raise self._timed_out(limit)
                reply = worker.conn.recv()
                if reply[0] == "ok" and reply[3] is None:
                    reply = (*reply[:3], await to_thread.run_sync(worker.conn.recv_bytes))
            healthy = True
        except (EOFError, OSError) as exc:
            raise self._watchdog.error(worker, exc) from exc
        finally:
            self._release(worker, healthy)
        try:
            return decode_reply(reply, media_type)
        except StoreUnavailable:  # the build went away under the worker: `query` retries
            return await to_thread.run_sync(slow)

    def select(self, query: str) -> list[Row]:
        return rows_from_json(self.query(query, JSON_RESULTS).body)

    def ask(self, query: str) -> bool:
        return bool(json.loads(self.query(query, JSON_RESULTS).body)["boolean"])

    def update(self, update: str, *, graph: str | None = None) -> None:
        """Apply an update with the single writer; `graph` is unused (the API confines it)."""
        if self._writer is None:
            raise StoreError("This store was opened read-only; updates are disabled.")
        with self._build_lock():
            self._follow()  # a rebuild finished: write to the build now served
            with self._write_lock:
                assert self._writer is not None
                self._writer.update(update)
                self._writer.flush()
                self._generation += 1
                self._modified = time.time()

    def _build_lock(self) -> contextlib.AbstractContextManager[None]:
        """The store lock shared with `prkg build` (none for a bare directory)."""
        return store_lock(self.lock_path) if self.lock_path else contextlib.nullcontext()

    def load(self, data: bytes, media_type: str, graph: str | None = None) -> None:
        if self._writer is None:
            raise StoreError("This store was opened read-only.")
        with self._build_lock():
            self._follow()
            with self._write_lock:
                assert self._writer is not None
                self._writer.load(data, media_type, graph)
                self._writer.flush()
                self._generation += 1
                self._modified = time.time()

    def named_graphs(self) -> list[str]:
        rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } } ORDER BY ?g")
        return [r["g"].value for r in rows if "g" in r]

    def count(self, graph: str | None = None) -> int:
        if graph is None:
            q = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
        else:
            q = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        return int(self.select(q)[0]["n"].value)

    def close(self) -> None:
        self._closed = True
        while True:
            try:
                self._free.get_nowait().kill()
            except queue.Empty:
                break
        if self._writer is not None:
            self._writer.close()
            self._writer = None
