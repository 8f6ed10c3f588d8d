"""The search box in real headless Chromium, on the graph `prkg build` makes from data/.

Typing "Гудду", "گڈو" or "Gudu" offers Guddu's power station as a suggestion and following it
opens its page; the results page works with no console error and no request leaving
127.0.0.1. Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from test_browser_views import Watched, _Server, browser  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def real_server(fixture_store) -> Iterator[_Server]:
    with _Server(fixture_store) as running:
        yield running


@pytest.mark.parametrize("typed", ["Гудду", "گڈو", "Gudu"])
def test_typing_any_script_reaches_guddu(browser, real_server, typed):  # noqa: F811
    watched = Watched(browser, real_server.base)
    try:
        watched.open("/")
        box = watched.page.locator("#prkg-q")
        box.press_sequentially(typed, delay=40)
        first = watched.page.locator("#prkg-suggest-list a").first
        first.wait_for(state="visible", timeout=5000)
        assert "Guddu Thermal Power Station" in first.inner_text()
        watched.shot(f"search-suggest-{typed.encode('unicode_escape').decode()[:20]}")
        with watched.page.expect_navigation():
            first.click()
        assert watched.page.url.endswith("/id/guddu-thermal-power-station")
        watched.check_clean()
    finally:
        watched.context.close()


def test_results_page_and_facets_in_the_browser(browser, real_server):  # noqa: F811
    watched = Watched(browser, real_server.base)
    try:
        watched.open("/")
        watched.page.fill("#prkg-q", "Pakistan Steel Mills")
        with watched.page.expect_navigation():
            watched.page.press("#prkg-q", "Enter")
        hits = watched.page.locator(".hit")
        assert hits.count() > 3
        assert "Pakistan Steel Mills" in hits.first.inner_text()
        with watched.page.expect_navigation():
            watched.page.locator(".facets a", has_text="source").first.click()
        kinds = watched.page.eval_on_selector_all(".hit", "els => els.map(e => e.className)")
        assert kinds and all("hit-source" in k for k in kinds)
        watched.shot("search-results")
        watched.open("/")
        assert watched.page.locator(".minichart").count() >= 2
        watched.shot("search-home")
        watched.check_clean()
    finally:
        watched.context.close()
