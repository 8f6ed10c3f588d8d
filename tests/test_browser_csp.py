"""The pages' Content-Security-Policy in real headless Chromium (issue 17, item 6).

Style elements are ours only: our stylesheets, and the `<style>` elements the vendored vis
libraries insert, allowed by the hashes of their texts. These tests open the graph view, the
timeline, the search page and the query editor and require that (a) the libraries' own styles
are applied with no CSP violation in the console and (b) a style element that is not ours,
inserted into the page, is refused by the browser.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from test_browser_views import Watched, _Server, browser, store  # noqa: F401  (fixtures)

from api.headers import policy_for
from viz.render import STATIC
from viz.vendored_styles import injected_css, style_hashes

pytestmark = pytest.mark.browser

FOREIGN = "body { outline: 7px solid rgb(1, 2, 3) !important; }"


@pytest.fixture(scope="module")
def server(store) -> Iterator[_Server]:  # noqa: F811
    with _Server(store) as running:
        yield running


def test_policy_names_every_library_style_and_allows_no_inline_style_elements() -> None:
    policy = dict(part.strip().split(" ", 1) for part in policy_for(b"<p>").split(";"))
    for directive in ("style-src", "style-src-elem"):
        assert "'unsafe-inline'" not in policy[directive]
        assert set(style_hashes()) <= set(policy[directive].split())
    network = injected_css((STATIC / "vis-network/vis-network.min.js").read_text("utf-8"))
    assert any(css.startswith(".vis-overlay{") for css in network)
    assert len(style_hashes()) >= 10


def _foreign_style_applied(watched: Watched) -> bool:
    return watched.page.evaluate(
        """(css) => { const s = document.createElement('style'); s.textContent = css;
                      document.head.appendChild(s);
                      return getComputedStyle(document.body).outlineColor === 'rgb(1, 2, 3)'; }""",
        FOREIGN,
    )


@pytest.mark.parametrize("path", ["/graph/pakistan-steel-mills", "/timeline", "/", "/query"])
def test_library_styles_apply_and_foreign_styles_are_refused(browser, server, path) -> None:  # noqa: F811
    watched = Watched(browser, server.base)
    try:
        watched.open(path)
        watched.page.wait_for_timeout(300)
        assert watched.errors == [], f"{path}: console errors: {watched.errors}"
        if path.startswith(("/graph", "/timeline")):
            # vis-network / vis-timeline inserted their <style> elements and they took effect
            inserted = watched.page.evaluate(
                "() => [...document.querySelectorAll('head style')].map(s => s.textContent)"
            )
            assert any(".vis" in css for css in inserted), inserted
            assert watched.page.evaluate(
                "() => [...document.styleSheets].some(s => !s.href && s.cssRules.length > 0)"
            )
        assert _foreign_style_applied(watched) is False
        assert any("Content Security Policy" in e for e in watched.errors), watched.errors
    finally:
        watched.close()
