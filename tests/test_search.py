"""Search at `/` and `/search` (issue 14) on the real data, assembled as `prkg build` does.

A newcomer types a name in any of the three scripts, or misspells it, and must land on the
entity; scripts get the same answer as JSON; old editor links still open the editor.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from linking_support import data_store

from api.app import create_app
from api.settings import Settings
from kg.link.textmatch import romanise, word_score

GUDDU = "/id/guddu-thermal-power-station"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    settings = Settings(store_dir=tmp_path_factory.mktemp("store"))
    with TestClient(create_app(settings, store=data_store())) as c:
        yield c


def first_hit(client: TestClient, q: str) -> dict:
    r = client.get("/search", params={"q": q}, headers={"Accept": "application/json"})
    assert r.status_code == 200, r.text
    hits = r.json()["hits"]
    assert hits, f"nothing found for {q!r}"
    return hits[0]


@pytest.mark.parametrize("q", ["Гудду", "گڈو", "Gudu", "guddu", "GUDDU power"])
def test_any_script_or_spelling_finds_guddu_first(client, q):
    hit = first_hit(client, q)
    assert (hit["kind"], hit["href"]) == ("entity", GUDDU), hit
    assert "Power plant" in hit["classes"]


def test_icu_transliteration_spells_urdu_and_russian_in_latin():
    assert romanise("Гудду") == "guddu"
    assert romanise("Карачи") == "karachi"  # ч is ch, the English romanisation
    assert romanise("گڈو") == "gdu"  # Urdu writes no short vowels
    assert word_score("گڈو", "Guddu") >= 0.9 > word_score("گڈو", "Karachi")


def test_results_carry_class_dates_snippet_and_facets(client):
    r = client.get("/search", params={"q": "Pakistan Steel Mills", "format": "json"})
    body = r.json()
    top = body["hits"][0]
    assert top["href"] == "/id/pakistan-steel-mills" and top["snippet"]
    kinds = {f["value"] for f in body["facets"]["kind"]}
    assert {"entity", "source", "passage"} <= kinds
    assert body["facets"]["decade"] and body["facets"]["language"]
    passage = next(h for h in body["hits"] if h["kind"] == "passage")
    assert "steel" in passage["snippet"].lower()


def test_facet_filters_narrow_the_results(client):
    everything = client.get("/search", params={"q": "Pakistan Steel Mills", "format": "json"})
    sources = client.get(
        "/search", params={"q": "Pakistan Steel Mills", "kind": "source", "format": "json"}
    )
    assert 0 < sources.json()["total"] < everything.json()["total"]
    assert {h["kind"] for h in sources.json()["hits"]} == {"source"}


def test_html_results_page_and_home_page(client):
    r = client.get("/search", params={"q": "Гудду"})
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    assert f'href="{GUDDU}"' in r.text
    home = client.get("/")
    assert home.status_code == 200
    assert 'action="/search"' in home.text and "What the graph holds" in home.text
    assert 'href="/id/pakistan-steel-mills"' in home.text  # a starting point
    assert "Sources per decade" in home.text


def test_old_editor_links_redirect_and_editor_moved(client):
    r = client.get("/?query=ASK%20%7B%7D", follow_redirects=False)
    assert r.status_code == 301
    assert r.headers["location"] == "/query?query=ASK+%7B%7D"
    assert 'id="prkg-config"' in client.get("/query").text


def test_type_ahead(client):
    suggestions = client.get("/search/suggest", params={"q": "Гудд"}).json()
    assert suggestions[0]["href"] == GUDDU
    assert client.get("/search/suggest", params={"q": "G"}).json() == []


def test_bad_parameters_are_4xx(client):
    assert client.get("/search", params={"q": "x" * 201}).status_code == 422
    assert client.get("/search", params={"q": "a", "format": "xml"}).status_code == 422
    empty = client.get("/search", params={"q": "  ", "format": "json"}).json()
    assert empty["hits"] == []
