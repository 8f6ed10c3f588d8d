"""The examples gallery: at least 12 titled questions, each returning rows on the real build."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from service_support import DATA_DIR

from api.gallery import load_gallery, parse_query_file

QUERY_FILES = sorted((DATA_DIR / "queries").glob("*.rq"))


def test_at_least_twelve_researcher_questions() -> None:
    ours = [p for p in QUERY_FILES if p.name.startswith("q")]
    assert len(ours) >= 12
    for path in QUERY_FILES:
        item = parse_query_file(path)
        assert item is not None and item.title and item.description, path.name


# Federated queries call Wikidata through SERVICE: there is no internet here, so they are run
# against a local SPARQL server holding a Wikidata-shaped extract in tests/test_federation.py.
LOCAL_QUERY_FILES = [p for p in QUERY_FILES if not p.name.startswith("federated-")]


@pytest.mark.parametrize("path", LOCAL_QUERY_FILES, ids=lambda p: p.stem)
def test_gallery_query_returns_rows(client: TestClient, path: Path) -> None:
    query = path.read_text(encoding="utf-8")
    r = client.post("/sparql", data={"query": query}, headers={"Accept": "application/json"})
    assert r.status_code == 200, r.text
    body = r.json()
    rows = body["results"]["bindings"] if "results" in body else [body["boolean"]]
    assert rows, f"{path.name} returned no rows"


def test_loader_reads_every_rq_with_headers(tmp_path: Path) -> None:
    (tmp_path / "theme-steel.rq").write_text(
        "# title: Steel\n# description: First line\n#   continued here.\nSELECT * {}\n",
        encoding="utf-8",
    )
    (tmp_path / "disputed-dates.rq").write_text(
        "# description: no title first\n# title: Dates\nASK {}\n", encoding="utf-8"
    )
    (tmp_path / "untitled.rq").write_text("SELECT * {}\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("# title: not a query\n", encoding="utf-8")
    items = load_gallery(tmp_path)
    assert [i.name for i in items] == ["disputed-dates", "theme-steel"]
    assert items[1].description == "First line continued here."
    assert items[0].title == "Dates" and items[0].query.endswith("ASK {}\n")
