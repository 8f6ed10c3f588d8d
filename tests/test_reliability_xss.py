"""Issue 8.5: labels, notes, quotes and titles holding HTML or script stay text everywhere.

A small store is built by the real pipeline from a temporary data directory in which every
free-text field (labels, alternative labels, descriptions, notes, quotes, source titles and
publishers) carries a script payload. Each page that shows them — entity and source pages,
graph views, the timeline, the reconciliation preview — is opened in headless Chromium
served by a real `prkg serve`: no payload may run (window.__xss stays undefined, no dialog,
no injected element) and the entity and source pages must show the payload as literal text.
"""

from __future__ import annotations

import contextlib
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from fuzz.live_server import LiveServer
from reliability_support import chromium

from kg.build import build

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

PAYLOAD = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'
BREAKOUT = "</script><script>window.__xss=3</script>"
ATTRIBUTE = '" onmouseover="window.__xss=4" x="'
TEXT = f"{PAYLOAD}{BREAKOUT}{ATTRIBUTE}"


def yaml_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def payload_data(root: Path) -> Path:
    data = root / "data"
    (data / "entities").mkdir(parents=True)
    (data / "claims").mkdir()
    p = yaml_str
    files = {
        "sources.yaml": f"""\
            sources:
            - id: T1
              url: https://example.org/t1
              title: {p("Title " + TEXT)}
              publisher: {p("Publisher " + TEXT)}
              date: 2025-07-12
              kind: newspaper
              reliability: high
              note: {p("Source note " + TEXT)}
            - id: PRKG
              url: https://w3id.org/prkg/
              title: curation
              publisher: prkg project
              date: null
              date_stated: not stated
              kind: curation
              reliability: medium
            """,
        "entities/e.yaml": f"""\
            entities:
            - slug: pakistan
              class: State
              label: {{en: {p("Pakistan " + TEXT)}, ur: {p("پاکستان " + PAYLOAD)}}}
              alt_labels: {{en: [{p("Alt " + TEXT)}]}}
              description: {p("Description " + TEXT)}
              sources: [T1]
            - slug: russia
              class: State
              label: {{en: Russia}}
              sources: [T1]
            - slug: deal
              class: Protocol
              label: {{en: {p("Deal " + TEXT)}}}
              sources: [T1]
            - slug: deal-signing
              class: Signing
              label: {{en: {p("Signing " + TEXT)}}}
              sources: [T1]
            """,
        "claims/c.yaml": f"""\
            source: T1
            claims:
            - subject: deal
              predicate: party
              object: pakistan
              locator: {p("para 1 " + PAYLOAD)}
              note: {p("Note " + TEXT)}
              quote: {p("Quote " + TEXT)}
              as_spelled: {p("Spelled " + PAYLOAD)}
            - subject: deal
              predicate: party
              object: russia
              locator: para 1
              note: The other party.
            - subject: deal-signing
              predicate: signs
              object: deal
              locator: para 2
              note: {p("Signing note " + TEXT)}
            - subject: deal-signing
              predicate: date
              object: 2025-07-11
              locator: para 2
              note: {p("Date note " + TEXT)}
              quote: {p("Date quote " + TEXT)}
            - subject: deal-signing
              predicate: participant
              object: pakistan
              locator: para 2
              note: {p("Participant " + PAYLOAD)}
            """,
    }
    for name, text in files.items():
        (data / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return data


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    root = tmp_path_factory.mktemp("xss")
    store = root / "store"
    build(payload_data(root), store, log=lambda _m: None)
    with LiveServer(store, root / "serve.log") as live:
        yield live


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as browser:
        yield browser


PAGES = {
    "/id/pakistan": ["Pakistan " + TEXT, "Alt " + TEXT, "Description " + TEXT],
    "/id/deal": ["Deal " + TEXT, "Note " + TEXT, "Quote " + TEXT, "Publisher " + TEXT],
    "/id/deal-signing": ["Signing " + TEXT, "Date quote " + TEXT],
    "/source/T1": ["Title " + TEXT, "Publisher " + TEXT],
    "/graph/deal": [],
    "/graph/pakistan?depth=2": [],
    "/graph": [],
    "/timeline": [],
    "/reconcile/preview?id=deal": ["Deal " + TEXT],
}


@pytest.mark.parametrize("path", list(PAGES))
def test_payloads_do_not_run_and_show_as_text(server: LiveServer, browser, path: str) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        response = page.goto(server.url + path, wait_until="networkidle")
        assert response is not None and response.status == 200, path
        page.wait_for_timeout(300)  # let the views' scripts draw
        # hover every node/item a view has drawn as DOM, to fire any mouse handlers
        for item in page.query_selector_all(".vis-item, a, li")[:40]:
            with contextlib.suppress(Exception):
                item.hover(timeout=200)
        assert page.evaluate("typeof window.__xss") == "undefined", path
        assert dialogs == []
        assert page.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0
        assert page.evaluate("document.querySelectorAll('[onmouseover]').length") == 0
        text = page.inner_text("body")
        for expected in PAGES[path]:
            assert expected in text, f"{path}: {expected!r} not shown literally"
    finally:
        page.close()


def test_timeline_shows_payload_event_as_text(server: LiveServer, browser) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    try:
        page.goto(server.url + "/timeline", wait_until="networkidle")
        page.wait_for_timeout(500)
        assert "Signing " + PAYLOAD in page.inner_text("body")
        assert page.evaluate("typeof window.__xss") == "undefined"
    finally:
        page.close()
