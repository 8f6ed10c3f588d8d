"""The reconciliation service (/reconcile) against the W3C Reconciliation API v0.2.

Every response is validated against the JSON schemas in tests/schemas (written from the
specification), and an OpenRefine-shaped batch - a CSV of names in English, Russian and
Urdu spellings, sent ten at a time as form-encoded `queries` - must come back with the
right entities and match flags. The store is the real data, assembled as `prkg build` does.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import jsonschema
import pytest
from fastapi.testclient import TestClient
from linking_support import FIXTURES, data_store

from api.app import create_app
from api.settings import Settings
from kg.data.namespaces import Namespaces
from kg.link.reconcile_build import build_index
from kg.link.textmatch import normalise, similarity

SCHEMAS = Path(__file__).parent / "schemas"


def schema(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads((SCHEMAS / f"{name}.json").read_text()))


def valid(name: str, payload: object) -> object:
    errors = sorted(schema(name).iter_errors(payload), key=str)
    assert not errors, f"{name}: " + "; ".join(e.message for e in errors[:5])
    return payload


@pytest.fixture(scope="module")
def store():
    return data_store()


@pytest.fixture(scope="module")
def client(store, tmp_path_factory):
    settings = Settings(store_dir=tmp_path_factory.mktemp("store"))
    with TestClient(create_app(settings, store=store)) as c:
        yield c


def reconcile(client: TestClient, batch: dict) -> dict:
    valid("reconciliation-query-batch", batch)
    response = client.post("/reconcile", data={"queries": json.dumps(batch)})
    assert response.status_code == 200, response.text
    return valid("reconciliation-result-batch", response.json())


# --- normalisation ---------------------------------------------------------------------


def test_normalise_folds_scripts_case_and_marks():
    assert normalise("  ALEXEI   Overchuk ") == "alexei overchuk"
    assert normalise("Ёлкин") == normalise("елкин")
    # Arabic yeh/kaf typed for Urdu ye/kaf, and optional vowel marks
    assert normalise("پاكستان") == normalise("پاکستان")
    assert normalise("پاکِستان") == normalise("پاکستان")
    assert normalise("Industries-Engineering, LLC") == "industries engineering llc"


def test_similarity_is_one_only_for_equal_names():
    assert similarity("Россия", "россия") == 1.0
    assert similarity("Moskva", "Москва") == pytest.approx(0.97)
    near = similarity("Vadim Velitchko", "Vadim Velichko")
    assert 0.8 < near < 0.95
    assert similarity("Karachi", "Moscow") < 0.5


# --- manifest --------------------------------------------------------------------------


def test_manifest(client):
    response = client.get("/reconcile")
    assert response.status_code == 200
    manifest = valid("manifest", response.json())
    assert manifest["identifierSpace"] == Namespaces().entity("")
    type_ids = {t["id"] for t in manifest["defaultTypes"]}
    assert {"State", "Person"} <= type_ids
    # every class in use is a default type or below one
    index = client.app.state.reconcile_index[1]
    defaults = {index.class_for(t).iri for t in type_ids}
    for entity in index.entities.values():
        for t in entity.types:
            assert index.classes[t].ancestors & defaults, (entity.slug, t)
    for kind in ("entity", "type", "property"):
        path = manifest["suggest"][kind]["service_path"]
        assert client.get(path, params={"prefix": "a"}).status_code == 200
    preview = manifest["preview"]["url"].replace("{{id}}", "pakistan")
    assert client.get(preview.replace("http://testserver", "")).status_code == 200


def test_manifest_is_invalid_without_required_fields():
    """The schema is not vacuous: a manifest missing identifierSpace fails it."""
    bad = {"versions": ["0.2"], "name": "x", "schemaSpace": "https://example.org/"}
    assert list(schema("manifest").iter_errors(bad))


# --- queries ---------------------------------------------------------------------------


def csv_rows() -> list[dict[str, str]]:
    with (FIXTURES / "reconcile-names.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_openrefine_batch_from_csv(client):
    """Reconcile the CSV as OpenRefine does: batches of 10 keyed q0..qN, form-encoded."""
    rows = csv_rows()
    assert len(rows) >= 15
    answers: dict[int, dict] = {}
    for start in range(0, len(rows), 10):
        batch = {}
        for i, row in enumerate(rows[start : start + 10], start):
            query: dict = {"query": row["name"], "limit": 3}
            if row["type"]:
                query["type"] = row["type"]
                query["type_strict"] = "should"
            if row["country"]:
                query["properties"] = [{"pid": "country", "v": row["country"]}]
            batch[f"q{i}"] = query
        result = reconcile(client, batch)
        assert set(result) == set(batch)
        answers.update({int(k[1:]): v for k, v in result.items()})
    failures = []
    for i, row in enumerate(rows):
        result = answers[i]["result"]
        top = result[0] if result else None
        expect_match = row["expected_match"] == "true"
        if row["expected_id"]:
            if top is None or top["id"] != row["expected_id"]:
                failures.append(f"{row['name']!r}: top candidate {top and top['id']!r}")
                continue
            if top["match"] is not expect_match:
                failures.append(f"{row['name']!r}: match={top['match']} score={top['score']}")
        elif expect_match:
            failures.append(f"{row['name']!r}: bad fixture row")
        elif any(c["match"] for c in result):
            failures.append(f"{row['name']!r}: should match nothing, got {result[0]['id']}")
    assert not failures, "\n".join(failures)


def test_scores_rank_and_types_are_reported(client):
    result = reconcile(client, {"a": {"query": "Pakistan", "limit": 5}})["a"]["result"]
    ids = [c["id"] for c in result]
    assert ids[0] == "pakistan" and result[0]["match"] is True
    assert result[0]["type"] == [{"id": "State", "name": "State"}]
    scores = [c["score"] for c in result]
    assert scores == sorted(scores, reverse=True)
    assert all(c["match"] is False for c in result[1:])


def test_ambiguous_label_is_not_a_match(client):
    result = reconcile(client, {"q": {"query": "PSM"}})["q"]["result"]
    top_two = {c["id"] for c in result[:2]}
    assert top_two == {"pakistan-steel-mills", "pakistan-steel-mills-corporation"}
    assert not any(c["match"] for c in result)


def test_type_constraint_filters(client):
    result = reconcile(client, {"q": {"query": "Karachi", "type": "City"}})["q"]["result"]
    assert result[0]["id"] == "karachi" and result[0]["match"] is True
    assert all(t["id"] == "City" for c in result for t in c["type"])
    none = reconcile(client, {"q": {"query": "Karachi", "type": "Person"}})["q"]["result"]
    assert all(c["id"] != "karachi" for c in none)


def test_property_constraint_changes_the_score(client):
    def top(country: str) -> dict:
        q = {"query": "Industries Engineering", "properties": [{"pid": "country", "v": country}]}
        return reconcile(client, {"q": q})["q"]["result"][0]

    agree, disagree = top("Россия"), top("Pakistan")
    assert agree["id"] == disagree["id"] == "industries-engineering-llc"
    assert agree["score"] > disagree["score"]
    assert {"id": "property:country", "value": True} in agree["features"]
    assert {"id": "property:country", "value": False} in disagree["features"]


def test_get_with_queries_parameter(client):
    batch = {"q0": {"query": "Москва"}}
    response = client.get("/reconcile", params={"queries": json.dumps(batch)})
    assert response.status_code == 200
    assert (
        valid("reconciliation-result-batch", response.json())["q0"]["result"][0]["id"] == "moscow"
    )


@pytest.mark.parametrize(
    ("payload", "needle"),
    [
        ("{not json", "not valid JSON"),
        ('{"q0": "Karachi"}', "must be a JSON object"),
        ('{"q0": {"query": "x", "limit": 0}}', "limit"),
        ('{"q0": {"query": "x", "properties": [{"pid": "country"}]}}', "'pid' and 'v'"),
    ],
)
def test_bad_queries_are_400_with_reason(client, payload, needle):
    response = client.post("/reconcile", data={"queries": payload})
    assert response.status_code == 400
    assert needle in response.json()["detail"]


# --- suggest, preview ------------------------------------------------------------------


def test_suggest_entity_by_prefix_in_any_script(client):
    for prefix, expected in (
        ("Kar", "karachi"),
        ("Моск", "moscow"),
        ("کرا", "karachi"),
        ("overch", "alexei-overchuk"),
    ):
        response = client.get("/reconcile/suggest/entity", params={"prefix": prefix})
        assert response.status_code == 200
        ids = [r["id"] for r in valid("suggest-entities-response", response.json())["result"]]
        assert expected in ids, (prefix, ids)
    typed = client.get("/reconcile/suggest/entity", params={"prefix": "Pak", "type": "State"})
    assert [r["id"] for r in typed.json()["result"]] == ["pakistan"]


def test_suggest_type_and_property(client):
    types = valid(
        "suggest-types-response",
        client.get("/reconcile/suggest/type", params={"prefix": "ci"}).json(),
    )
    assert {"City"} <= {t["id"] for t in types["result"]}
    props = valid(
        "suggest-properties-response",
        client.get("/reconcile/suggest/property", params={"prefix": "coun"}).json(),
    )
    assert "country" in {p["id"] for p in props["result"]}
    wd = client.get("/reconcile/suggest/property", params={"prefix": "wiki"}).json()
    assert "wikidata" in {p["id"] for p in wd["result"]}


def test_preview_shows_labels_and_external_links(client):
    response = client.get("/reconcile/preview", params={"id": "pakistan"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "Pakistan" in response.text and "پاکستان" in response.text
    assert 'href="http://www.wikidata.org/entity/Q843"' in response.text
    assert client.get("/reconcile/preview", params={"id": "no-such"}).status_code == 404


# --- data extension --------------------------------------------------------------------


def test_propose_properties_for_a_type(client):
    response = client.get("/reconcile/extend/propose", params={"type": "City"})
    assert response.status_code == 200
    body = valid("propose-properties-response", response.json())
    assert body["type"] == "City"
    assert "wikidata" in {p["id"] for p in body["properties"]}
    assert client.get("/reconcile/extend/propose", params={"type": "Nope"}).status_code == 400


def test_extend_returns_values_with_entities_and_qids(client):
    query = {
        "ids": ["industries-engineering-llc", "pakistan", "karachi", "unknown-slug"],
        "properties": [{"id": "country"}, {"id": "wikidata"}],
    }
    valid("data-extension-query", query)
    response = client.post("/reconcile", data={"extend": json.dumps(query)})
    assert response.status_code == 200, response.text
    body = valid("data-extension-response", response.json())
    assert [m["id"] for m in body["meta"]] == ["country", "wikidata"]
    assert body["meta"][0]["type"]["id"] == "State"
    rows = body["rows"]
    assert rows["industries-engineering-llc"]["country"] == [{"id": "russia", "name": "Russia"}]
    assert rows["pakistan"]["wikidata"] == [{"str": "Q843"}]
    assert rows["unknown-slug"] == {"country": [], "wikidata": []}


def test_extend_literal_values_are_typed(store):
    index = build_index(store, Namespaces())
    values = [
        index.display_value(t)
        for t in index.values("psm-revival-signing-2025", index.property_id("date"))
    ]
    assert {"date": "2025-07-11T00:00:00Z"} in values


def test_extend_unknown_property_is_400(client):
    query = {"ids": ["pakistan"], "properties": [{"id": "colour"}]}
    response = client.post("/reconcile", data={"extend": json.dumps(query)})
    assert response.status_code == 400 and "colour" in response.json()["detail"]
