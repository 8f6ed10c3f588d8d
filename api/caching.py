"""Answers computed once per build: per-build values, a query-result cache, conditional GET.

The store's `version` names what it holds (the build directory and the updates applied
since); a value computed for one version is good until the version changes. That makes the
service description, VoID, overview views and gallery answers cost one computation per build
(VoID took 11 s per request at 1M triples), lets query results be reused for a configurable
time, and gives every page an `ETag` and `Last-Modified` that change exactly when the data
does, so that clients and proxies can revalidate with a `304 Not Modified`.

A store without a version (a remote SPARQL server, whose data can change behind our back)
gets the same caches with a time limit instead: values are recomputed every `ttl` seconds.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from email.utils import formatdate, parsedate_to_datetime
from typing import Any, TypeVar

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

T = TypeVar("T")


def store_version(store: object, ttl: float = 60.0) -> str:
    """What the store holds, as a short string; a time bucket when it cannot say."""
    version = getattr(store, "version", None)
    value = version() if callable(version) else version
    if value:
        return str(value)
    return f"t{int(time.time() // max(ttl, 1.0))}"


def store_modified(store: object) -> float | None:
    """When the store's data last changed (a POSIX time), if it knows."""
    modified = getattr(store, "modified", None)
    value = modified() if callable(modified) else modified
    return float(value) if value else None


class PerBuild:
    """Values computed once per store version (the previous version's are dropped)."""

    def __init__(self) -> None:
        self._version: str | None = None
        self._values: dict[Any, Any] = {}
        self._lock = threading.Lock()

    def get(self, version: str, key: Any, compute: Callable[[], T]) -> T:
        with self._lock:
            if version != self._version:
                self._version, self._values = version, {}
            if key in self._values:
                return self._values[key]  # type: ignore[no-any-return]
        value = compute()
        with self._lock:
            if version == self._version:
                self._values[key] = value
        return value


class ResultCache:
    """Query answers keyed by (query, dataset, format, store version), for `ttl` seconds.

    Small answers only (`max_bytes` each) and at most `max_entries`, least recently used
    first out; a new version (rebuild or update) empties it. The gallery's queries (`pinned`)
    stay for the whole version. A `ttl` of 0 turns the cache off, pinned queries included
    (the benchmarks do, to measure the engine rather than the cache).
    """

    def __init__(
        self,
        ttl: float,
        max_entries: int = 512,
        max_bytes: int = 1_000_000,
        pinned: frozenset[str] = frozenset(),
    ) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        # Query texts answered once per version whatever the ttl: the gallery's examples.
        self.pinned = pinned
        self._entries: OrderedDict[tuple[Any, ...], tuple[float, Any]] = OrderedDict()
        self._version: str | None = None

    def _key(self, version: str, key: tuple[Any, ...]) -> tuple[Any, ...] | None:
        if self.ttl <= 0:
            return None
        if version != self._version:
            self._version = version
            self._entries.clear()
        return key

    def get(self, version: str, key: tuple[Any, ...]) -> Any | None:
        k = self._key(version, key)
        if k is None or k not in self._entries:
            return None
        stored, value = self._entries[k]
        if k[0] not in self.pinned and time.monotonic() - stored > self.ttl:
            del self._entries[k]
            return None
        self._entries.move_to_end(k)
        return value

    def put(self, version: str, key: tuple[Any, ...], value: Any, size: int) -> None:
        k = self._key(version, key)
        if k is None or size > self.max_bytes:
            return
        self._entries[k] = (time.monotonic(), value)
        self._entries.move_to_end(k)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)


# Paths whose answers depend only on the store's data and the request: they get validators.
CONDITIONAL_PREFIXES = (
    "/id/",
    "/source/",
    "/ontology",
    "/.well-known/void",
    "/graph",
    "/timeline",
    "/disputes",
    "/export/",
    "/context.jsonld",
    "/search",
    "/map",
    "/releases",
)


class ConditionalGet:
    """ASGI middleware: `ETag` and `Last-Modified` per build on data pages; 304 when fresh.

    The tag is a digest of the store version and everything the answer depends on (path,
    query string, Accept and Accept-Language), so it can be checked before the page is
    computed: a revalidation costs no query at all.
    """

    def __init__(self, app: ASGIApp, store_of: Callable[[], object]) -> None:
        self.app = app
        self.store_of = store_of

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in {"GET", "HEAD"}
            or not scope["path"].startswith(CONDITIONAL_PREFIXES)
        ):
            await self.app(scope, receive, send)
            return
        store = self.store_of()
        if store is None:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        version = store_version(store)
        basis = "\n".join(
            (
                version,
                scope["path"],
                scope.get("query_string", b"").decode("latin-1"),
                headers.get("accept", ""),
                headers.get("accept-language", ""),
            )
        )
        etag = 'W/"' + hashlib.sha256(basis.encode()).hexdigest()[:24] + '"'
        modified = store_modified(store)
        last_modified = formatdate(modified, usegmt=True) if modified else None
        if _fresh(headers, etag, modified):
            fresh = {"etag": etag, "vary": "Accept, Accept-Language"}
            if last_modified:
                fresh["last-modified"] = last_modified
            await send(
                {
                    "type": "http.response.start",
                    "status": 304,
                    "headers": [(k.encode(), v.encode()) for k, v in fresh.items()],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return

        async def send_with_validators(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                out = MutableHeaders(scope=message)
                if "etag" not in out:
                    out["ETag"] = etag
                    if last_modified:
                        out["Last-Modified"] = last_modified
            await send(message)

        await self.app(scope, receive, send_with_validators)


def _fresh(headers: Headers, etag: str, modified: float | None) -> bool:
    """Whether the client's copy is current (If-None-Match wins over If-Modified-Since)."""
    none_match = headers.get("if-none-match")
    if none_match is not None:
        tags = {t.strip() for t in none_match.split(",")}
        return "*" in tags or etag in tags or etag.removeprefix("W/") in tags
    since = headers.get("if-modified-since")
    if since and modified:
        try:
            return parsedate_to_datetime(since).timestamp() >= int(modified)
        except (TypeError, ValueError):
            return False
    return False
