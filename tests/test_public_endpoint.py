"""A public endpoint that one client cannot take down (issue 17).

Fair shares are checked on a real `prkg serve` with the default settings, each client from
its own loopback address; caching, validators, CORS and the memory limit through the app's
own pooled store. The book-keeping itself is checked with a fake clock.
"""

from __future__ import annotations

import http.client
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from fuzz.live_server import LiveServer
from service_support import pooled_app

from api.limits import FairShare, TooManyRequests, client_id

pytestmark = pytest.mark.e2e

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
QUICK = "ASK { ?s ?p ?o }"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_concurrency_limit_and_reserved_lane() -> None:
    share = FairShare(max_concurrent=2, seconds_per_window=60, workers=3, clock=Clock())
    a1, a2 = share.admit("a"), share.admit("a")
    with pytest.raises(TooManyRequests, match="limit is 2"):
        share.admit("a")
    b1 = share.admit("b")  # the last worker is b's: a has queries running
    with pytest.raises(TooManyRequests, match="kept for other clients"):
        share.admit("b")
    for t in (a1, a2, b1):
        t.finish()
    share.admit("a").finish()


def test_query_time_budget_per_window_with_retry_after() -> None:
    clock = Clock()
    share = FairShare(max_concurrent=4, seconds_per_window=60, window=60, clock=clock)
    first = share.admit("a")
    clock.now += 40
    second = share.admit("a")  # 40 s used, still under the budget
    clock.now += 25  # first: 65 s, second: 25 s
    first.finish()
    second.finish()
    with pytest.raises(TooManyRequests) as refused:
        share.admit("a")
    assert "60 s per 60 s" in str(refused.value)
    assert 0 < refused.value.retry_after <= 60
    clock.now += refused.value.retry_after
    share.admit("a").finish()  # the window has moved on
    share.admit("b").finish()  # another client was never limited


def test_forwarded_address_is_believed_only_from_a_trusted_proxy() -> None:
    forged = {"x-forwarded-for": "6.6.6.6, 10.0.0.7"}
    assert client_id("203.0.113.5", forged, ()) == "203.0.113.5"
    assert client_id("127.0.0.1", forged, ("127.0.0.1",)) == "10.0.0.7"
    tokens = client_id("127.0.0.1", {"authorization": "Bearer abc"}, ())
    assert tokens.startswith("token:") and "abc" not in tokens


def _get(port: int, source: str, query: str) -> tuple[int, dict[str, str], bytes, float]:
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=(source, 0))
    try:
        conn.request("GET", f"/sparql?query={quote(query, safe='')}",
                     headers={"Accept": "application/sparql-results+json"})  # fmt: skip
        response = conn.getresponse()
        body = response.read()
        return response.status, dict(response.getheaders()), body, time.perf_counter() - start
    finally:
        conn.close()


def test_runaways_of_one_client_leave_others_answered(
    built_store_dir: Path, tmp_path: Path
) -> None:
    """The issue's default-settings guarantee: four runaways from one client, a quick query
    from another answered in under a second, and some of the four answered 429."""
    server = LiveServer(built_store_dir, tmp_path / "serve.log", env={"PRKG_QUERY_TIMEOUT": "8"})
    with server.start():
        answers: list[tuple[int, dict[str, str], bytes, float]] = []
        threads = [
            threading.Thread(target=lambda: answers.append(_get(server.port, "127.0.0.2", RUNAWAY)))
            for _ in range(4)
        ]
        for t in threads:
            t.start()
        time.sleep(1.0)  # the runaways are running
        status, _, _, seconds = _get(server.port, "127.0.0.3", QUICK)
        assert status == 200 and seconds < 1.0, (status, seconds)
        for t in threads:
            t.join(timeout=60)
        statuses = sorted(a[0] for a in answers)
        assert statuses.count(429) >= 1, statuses
        refused = next(a for a in answers if a[0] == 429)
        assert int(refused[1]["retry-after"]) >= 1
        assert b"at once" in refused[2]
        assert set(statuses) <= {429, 503}, statuses  # the admitted ones ran out of time


@pytest.fixture
def app(built_store_dir: Path):
    with pooled_app(built_store_dir, result_cache_seconds=30.0) as (app, store):
        yield app, store


def test_results_are_cached_and_dropped_on_a_new_version(app) -> None:
    application, store = app
    with TestClient(application) as client:
        first = client.get("/sparql", params={"query": QUICK})
        second = client.get("/sparql", params={"query": QUICK})
        assert first.headers["x-prkg-cache"] == "miss"
        assert second.headers["x-prkg-cache"] == "hit" and second.content == first.content
        store._generation += 1  # what an update or a followed rebuild does
        assert client.get("/sparql", params={"query": QUICK}).headers["x-prkg-cache"] == "miss"


def test_pages_revalidate_with_304(app) -> None:
    application, store = app
    with TestClient(application) as client:
        page = client.get("/id/pakistan-steel-mills")
        assert page.status_code == 200 and page.headers["etag"]
        assert page.headers["last-modified"]
        again = client.get(
            "/id/pakistan-steel-mills", headers={"If-None-Match": page.headers["etag"]}
        )
        assert again.status_code == 304 and again.content == b""
        since = client.get(
            "/id/pakistan-steel-mills", headers={"If-Modified-Since": page.headers["last-modified"]}
        )
        assert since.status_code == 304
        other = client.get("/id/pakistan-steel-mills", headers={"Accept": "text/turtle"})
        assert other.headers["etag"] != page.headers["etag"]
        store._generation += 1
        fresh = client.get(
            "/id/pakistan-steel-mills", headers={"If-None-Match": page.headers["etag"]}
        )
        assert fresh.status_code == 200


def test_dumps_answer_range_requests(app) -> None:
    application, _ = app
    with TestClient(application) as client:
        listing = client.get("/dumps/")
        assert listing.status_code == 200
        part = client.get("/dumps/dataset.nq", headers={"Range": "bytes=0-99"})
        assert part.status_code == 206 and len(part.content) == 100
        assert part.headers["content-range"].startswith("bytes 0-99/")


def test_cors_reads_are_open_and_updates_are_not(built_store_dir: Path, tmp_path: Path) -> None:
    from service_support import copy_store

    store_dir = copy_store(built_store_dir, tmp_path / "store")
    with (
        pooled_app(store_dir, update_token="s3cret") as (application, _),
        TestClient(application) as client,
    ):
        origin = {"Origin": "https://notebook.example"}
        read = client.get("/sparql", params={"query": QUICK}, headers=origin)
        assert read.headers["access-control-allow-origin"] == "*"
        pre = client.options(
            "/sparql",
            headers={
                **origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
        )
        assert pre.status_code == 204 and "POST" in pre.headers["access-control-allow-methods"]
        pre_auth = client.options(
            "/sparql",
            headers={
                **origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization",
            },
        )
        assert pre_auth.status_code == 403
        update = "INSERT DATA { <http://example.org/a> <http://example.org/b> 1 }"
        foreign = client.post(
            "/sparql", data={"update": update},
            headers={**origin, "Authorization": "Bearer s3cret"},
        )  # fmt: skip
        assert foreign.status_code == 403 and b"other origins" in foreign.content
        own = client.post(
            "/sparql", data={"update": update}, headers={"Authorization": "Bearer s3cret"}
        )
        assert own.status_code == 200, own.text
        page = client.get("/id/pakistan-steel-mills")
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert page.headers["x-content-type-options"] == "nosniff"
        assert page.headers["referrer-policy"]


def test_a_query_past_the_memory_limit_is_stopped_and_others_go_on(built_store_dir: Path) -> None:
    from kg.store import QueryMemoryExceeded
    from kg.store.layout import StoreLayout
    from kg.store.workers import PooledEmbeddedStore

    store = PooledEmbeddedStore(
        StoreLayout(built_store_dir).oxigraph_dir(), workers=2, timeout=60, memory_mb=300
    )
    try:
        # A cartesian product that ORDER BY must materialise before the first row.
        hog = "SELECT ?s ?x WHERE { ?s ?p ?o . ?x ?y ?z } ORDER BY ?s ?x"
        started = time.monotonic()
        with pytest.raises(QueryMemoryExceeded, match="300 MiB"):
            store.query(hog, "application/sparql-results+json")
        assert time.monotonic() - started < 60
        assert store.ask(QUICK)
    finally:
        store.close()
