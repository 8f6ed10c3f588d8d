"""Disputed facts: listed with each side's sources; refinements are not disputes."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from kg.data.namespaces import Namespaces
from kg.report.disputes import disputed_facts, incompatible
from kg.store import EmbeddedStore

ID = "https://w3id.org/prkg/id/"
PRKG = "https://w3id.org/prkg/ontology#"


@pytest.fixture(scope="module")
def facts(fixture_store: EmbeddedStore) -> dict[tuple[str, str], dict[str, set[str]]]:
    found = disputed_facts(fixture_store, Namespaces())
    return {
        (f.subject.removeprefix(ID), f.predicate.removeprefix(PRKG)): {
            side.display: {s.id for s in side.sources} for side in f.sides
        }
        for f in found
    }


def test_known_disagreements_listed_with_their_sources(facts: dict) -> None:
    assert facts[("pakistan-steel-mills-corporation-founding", "date")] == {
        "1968": {"S707"},
        "1968-07-02": {"S20", "S713"},
        "1973-07-02": {"S26"},
        "1973-12-30": {"S25"},
    }
    assert facts[("overchuk-meeting-2025-07", "date")]["2025-07-09"] == {"S01"}
    assert "S10" in facts[("overchuk-meeting-2025-07", "date")]["2025-07-10"]
    lengths = facts[("pakistan-stream-gas-pipeline", "length")]
    assert {"1040 km", "1100 km", "1122 km"} <= set(lengths)


def test_refinements_are_not_disputes(facts: dict) -> None:
    # 2015 (Dawn) and June 2015 (others): the second is a more precise form of the first.
    assert ("pakistan-steel-mills", "ceasedOperations") not in facts
    # Karachi and Pipri Creek (a place in Karachi) do not contradict each other.
    assert ("pakistan-steel-mills", "location") not in facts


def test_incompatible_rule() -> None:
    assert not incompatible("2015", "2015-06")
    assert incompatible("2015-06", "2015-07")
    assert not incompatible("urn:a", "urn:b", frozenset({("urn:a", "urn:b")}))
    assert incompatible("urn:a", "urn:b")


def test_disputes_page_html_and_json(built_store_dir: Path) -> None:
    settings = Settings(store_dir=built_store_dir, query_workers=1)
    with TestClient(create_app(settings)) as client:
        page = client.get("/disputes")
        assert page.status_code == 200
        assert "Pakistan Steel Mills" in page.text and "construction start date" in page.text
        assert 'href="/source/S26"' in page.text
        data = client.get("/disputes?format=json").json()
        assert any(d["subject"] == ID + "pakistan-steel-mills" for d in data)
        assert all(len(d["sides"]) >= 2 for d in data)


def test_gallery_query_and_disputes_page_share_one_definition(
    fixture_store: EmbeddedStore, facts: dict
) -> None:
    """disputed-facts.rq and /disputes list the same (subject, property) pairs; one sum in
    two currencies (the 1961 loan: 27 million roubles, $30 million) is in neither."""
    query = (Path(__file__).resolve().parent.parent / "data/queries/disputed-facts.rq").read_text()
    rows = fixture_store.select(query)
    from_query = {
        (str(r["subject"]).removeprefix(ID), str(r["property"]).removeprefix("prkg:")) for r in rows
    }
    assert from_query == set(facts)
    assert ("soviet-oil-exploration-loan-1961", "loanAmount") not in from_query


def test_the_page_has_no_rule_of_its_own(
    fixture_store: EmbeddedStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/disputes lists what the gallery query lists: narrow the query, and the page follows."""
    import kg.report.disputes as disputes

    text = disputes.DEFINITION.read_text(encoding="utf-8")
    narrowed = tmp_path / "disputed-facts.rq"
    narrowed.write_text(
        text.replace(
            "?predicate prkg:singleValued true .",
            "?predicate prkg:singleValued true . FILTER(?predicate = prkg:length)",
        ),
        encoding="utf-8",
    )
    monkeypatch.setattr(disputes, "DEFINITION", narrowed)
    found = disputed_facts(fixture_store, Namespaces())
    assert {(f.subject.removeprefix(ID), f.predicate.removeprefix(PRKG)) for f in found} == {
        ("pakistan-stream-gas-pipeline", "length")
    }
