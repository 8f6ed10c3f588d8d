"""Graph views and timeline in real headless Chromium, against a real uvicorn server.

The server runs on a free loopback port with the fixture store of tests/viz_fixture.py (and,
for the newcomer's path of issue 4, the store built from data/ when it builds). Every page is
watched: a console error, an uncaught exception, a dialog or a request to anywhere but the
server fails the test. Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
import viz_fixture as fx
from reliability_support import CHROMIUM, chromium

from kg.data.namespaces import Namespaces
from viz.network import NetworkFilters, build_network
from viz.timeline import build_timeline

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
NS = Namespaces()
CAP = 300


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Server:
    """uvicorn serving one app in a thread; the store stays in this process."""

    def __init__(self, store, cap: int = CAP) -> None:
        import uvicorn

        from api.app import create_app
        from api.settings import Settings

        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        app = create_app(Settings(max_graph_nodes=cap), store=store)
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> _Server:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def store():
    return fx.make_store(NS)


@pytest.fixture(scope="module")
def server(store) -> Iterator[_Server]:
    with _Server(store) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    with chromium() as browser:
        yield browser


class Watched:
    """A page whose console errors, exceptions, dialogs and outside requests are recorded."""

    def __init__(self, browser, base: str) -> None:
        self.base = base
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.dialogs: list[str] = []
        host = urlparse(base).netloc

        def route(route) -> None:
            url = route.request.url
            parsed = urlparse(url)
            if parsed.scheme in ("data", "blob") or parsed.netloc == host:
                route.continue_()
            else:
                self.outside.append(url)
                route.abort()

        self.context.route("**/*", route)
        self.page.on(
            "console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None
        )
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

        def dialog(d) -> None:
            self.dialogs.append(d.message)
            d.dismiss()

        self.page.on("dialog", dialog)

    def open(self, path: str) -> None:
        self.page.goto(self.base + path)
        self.wait_ready()

    def wait_ready(self) -> None:
        self.page.wait_for_load_state("load")
        if self.page.evaluate("() => !!document.getElementById('prkg-network')"):
            self.page.wait_for_function("() => window.prkgNetwork && window.prkgNetwork.ready")

    def node_ids(self) -> list[str]:
        return self.page.evaluate("() => window.prkgNetwork.nodes.getIds()")

    def node_point(self, node_id: str) -> tuple[float, float]:
        point = self.page.evaluate(
            """(id) => {
              const net = window.prkgNetwork.network;
              const dom = net.canvasToDOM(net.getPositions([id])[id]);
              const box = document.getElementById('prkg-network').getBoundingClientRect();
              return [box.left + dom.x, box.top + dom.y];
            }""",
            node_id,
        )
        return point[0], point[1]

    def click_node(self, node_id: str) -> None:
        x, y = self.node_point(node_id)
        with self.page.expect_navigation():
            self.page.mouse.click(x, y)
        self.wait_ready()

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))

    def check_clean(self) -> None:
        assert self.errors == [], f"console errors: {self.errors}"
        assert self.outside == [], f"requests left 127.0.0.1: {self.outside}"
        assert self.dialogs == [], f"dialogs opened (script ran?): {self.dialogs}"
        assert self.page.evaluate("() => window.__xss") is None

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def page(browser, server) -> Iterator[Watched]:
    watched = Watched(browser, server.base)
    yield watched
    try:
        watched.check_clean()
    finally:
        watched.close()


def model(store, slug, **params):
    return build_network(store, NS, slug, NetworkFilters.parse(**params), CAP)


def test_network_shows_the_model_and_follows_clicks(page, store):
    page.open("/graph/pakistan-steel-mills")
    expected = model(store, "pakistan-steel-mills")
    assert sorted(page.node_ids()) == sorted(n.slug for n in expected.nodes)
    assert page.page.evaluate("() => window.prkgNetwork.edges.length") == len(expected.edges)
    legend = page.page.inner_text("#prkg-legend")
    for _, label in expected.legend:
        assert label in legend
    page.shot("graph-psm")

    page.click_node("psm-revival-agreement-2025")
    assert urlparse(page.page.url).path == "/graph/psm-revival-agreement-2025"
    assert "Network around Pakistan–Russia agreement" in page.page.inner_text("h1")
    link = page.page.get_attribute("#prkg-entity-link", "href")
    assert link == "/id/psm-revival-agreement-2025"
    facts = page.page.inner_text("#prkg-facts")
    assert "Saif Anjum" in facts and "Vadim Velichko" in facts and "Dawn, 2025-07-12" in facts

    page.click_node("vadim-velichko")
    page.click_node("industries-engineering-llc")  # two steps away: vadim → post → company
    assert urlparse(page.page.url).path == "/graph/industries-engineering-llc"
    assert page.page.get_attribute("#prkg-entity-link", "href") == "/id/industries-engineering-llc"
    page.shot("graph-industries-engineering")


def test_hover_shows_sources_and_weak_or_conflicting_edges(page, store):
    page.open("/graph/fixture-company?depth=1")
    kinds = page.page.evaluate("() => window.prkgNetwork.edges.get().map(e => e.kind)")
    expected = model(store, "fixture-company", depth=1)
    assert sorted(kinds) == sorted(e.style.key for e in expected.edges)
    assert {"conflict", "weak"} <= set(kinds)
    dashes = page.page.evaluate(
        "() => window.prkgNetwork.edges.get().filter(e => e.kind !== 'plain').map(e => e.dashes)"
    )
    assert all(isinstance(d, list) and d for d in dashes)
    x, y = page.node_point("fixture-company")
    page.page.mouse.move(x, y)
    tip = page.page.locator("div.vis-tooltip")
    tip.wait_for(state="visible")
    assert "Fixture Company" in tip.inner_text() and "Company" in tip.inner_text()
    side = page.page.inner_text("aside")
    assert "conflicting sources" in side and "weak sources only" in side


def test_filter_form_narrows_the_view(page, store):
    page.open("/graph/pakistan-steel-mills?depth=3")
    before = len(page.node_ids())
    page.page.select_option("select[name=class]", ["Place", "Agreement"])
    with page.page.expect_navigation():
        page.page.click("#prkg-apply")
    page.wait_ready()
    query = urlparse(page.page.url).query
    assert "class=Place" in query and "class=Agreement" in query and "depth=3" in query
    expected = model(store, "pakistan-steel-mills", depth=3, classes=["Place", "Agreement"])
    ids = page.node_ids()
    assert sorted(ids) == sorted(n.slug for n in expected.nodes)
    assert 1 < len(ids) < before
    page.shot("graph-psm-filtered")


def test_node_cap_message(browser, store):
    with _Server(store, cap=4) as small:
        watched = Watched(browser, small.base)
        try:
            watched.open("/graph/pakistan-steel-mills?depth=3")
            message = watched.page.inner_text("#prkg-too-many")
            assert "Too many nodes" in message and "limit is 4" in message
            assert "depth" in message
            assert watched.node_ids() == []
            watched.check_clean()
        finally:
            watched.close()


def test_timeline_items_filters_and_links(page, store):
    page.open("/timeline")
    page.page.wait_for_selector("#prkg-timeline .vis-item")
    expected = build_timeline(store, NS)
    ids = page.page.evaluate("() => window.prkgTimeline.items.getIds()")
    assert sorted(ids) == sorted(i.slug for i in expected.items)
    page.shot("timeline")
    page.page.select_option("#prkg-theme", "pipeline")
    with page.page.expect_navigation():
        page.page.click("#prkg-apply")
    page.page.wait_for_selector("#prkg-timeline .vis-item")
    pipeline = build_timeline(store, NS, theme="pipeline")
    ids = page.page.evaluate("() => window.prkgTimeline.items.getIds()")
    assert sorted(ids) == sorted(i.slug for i in pipeline.items) and ids
    page.page.click("#prkg-timeline .vis-item-content")
    details = page.page.locator("#prkg-details")
    first = pipeline.items[0]
    assert details.locator(f'a[href="/id/{first.slug}"]').count() == 1
    assert details.locator('a[href^="/source/"]').count() == len(first.sources)


def test_hostile_labels_stay_text(page, store):
    page.open("/graph/xss-person?depth=1")
    x, y = page.node_point("xss-person")
    page.page.mouse.move(x, y)
    tip = page.page.locator("div.vis-tooltip")
    tip.wait_for(state="visible")
    assert fx.XSS_LABEL in tip.inner_text()
    assert tip.locator("img, script, b").count() == 0
    facts = page.page.locator("#prkg-facts")
    assert fx.XSS_QUOTE in facts.inner_text() and "<i>Evil</i> Press" in facts.inner_text()
    assert facts.locator("img, i, u").count() == 0
    assert fx.XSS_LABEL in page.page.inner_text("h1")
    page.shot("xss-graph")

    page.open("/timeline")
    page.page.wait_for_selector("#prkg-timeline .vis-item")
    timeline = page.page.locator("#prkg-timeline")
    assert fx.XSS_EVENT_LABEL[:50] in timeline.inner_text()  # items show labels cut at 60
    assert timeline.locator("img").count() == 0
    page.page.click("#prkg-timeline .vis-item-content:has-text('Meeting </script>')")
    details = page.page.locator("#prkg-details")
    assert fx.XSS_EVENT_LABEL in details.inner_text() and details.locator("img").count() == 0
    page.shot("xss-timeline")


# -- the newcomer's path of issue 4, on the real data ---------------------------------


@pytest.fixture(scope="module")
def real_server(fixture_store) -> Iterator[_Server]:
    """The store `prkg build` makes from data/ (tests/conftest.py): a broken build fails here."""
    with _Server(fixture_store) as running:
        yield running


def test_newcomer_reaches_signatories_company_and_timeline_offline(browser, real_server):
    watched = Watched(browser, real_server.base)
    try:
        watched.open("/")
        home = watched.page
        if home.locator('a[href="/graph"]').count():
            with home.expect_navigation():
                home.click('a[href="/graph"]')
        else:  # until the home page links the views, start where it would lead
            watched.open("/graph")
        watched.wait_ready()
        if "pakistan-steel-mills" in watched.node_ids():
            watched.click_node("pakistan-steel-mills")
        else:  # overview over the cap: its list of starting points
            with watched.page.expect_navigation():
                watched.page.click('a[href^="/graph/pakistan-steel-mills"]')
            watched.wait_ready()
        assert "pakistan-steel-mills" in watched.node_ids()
        watched.click_node("psm-revival-agreement-2025")
        rows = watched.page.locator("#prkg-facts tr", has_text="signatory")
        text = rows.all_inner_texts()
        assert any("Saif Anjum" in t for t in text) and any("Vadim Velichko" in t for t in text)
        # Dawn (S01) is among the sources of both signatories' rows; later sources may add rows.
        assert any("Dawn" in t and "Saif Anjum" in t for t in text)
        assert any("Dawn" in t and "Vadim Velichko" in t for t in text)
        watched.shot("real-agreement")
        watched.click_node("vadim-velichko")
        watched.click_node("industries-engineering-llc")
        assert "Industries Engineering LLC" in watched.page.inner_text("h1")
        with watched.page.expect_navigation():
            watched.page.click('header a[href="/timeline"]')
        watched.page.wait_for_selector("#prkg-timeline .vis-item")
        watched.shot("real-timeline")
        watched.check_clean()
    finally:
        watched.close()
