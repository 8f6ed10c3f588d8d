"""What changed between releases (issue 16, part 2): `prkg diff`, the changelog in Markdown
and RDF, the history of entities, /releases/, the entity page and VoID.

The newer side is the real release's dataset with real edits made to its quads — a claim
removed, a second source for a fact, a conflicting date, one more participant — so the
changelog is checked against changes we know. A second value of a property that is not
prkg:singleValued is no dispute: the one definition of /disputes (kg.report.disputes) is used.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from api.cli import main
from kg.data.namespaces import Namespaces
from kg.release.changes import compare, snapshot, snapshot_quads
from kg.release.dumps import read_dataset
from kg.release.package import history, make_release

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
PRKG = "https://w3id.org/prkg/ontology#"
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"  # dates are typed in the data
PROV = "http://www.w3.org/ns/prov#"


@pytest.fixture(scope="module")
def dist(built_store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("dist")
    make_release(built_store_dir, folder, "1.0.0")
    make_release(built_store_dir, folder, "1.1.0")
    return folder


def _claim(ns: Namespaces, key: str, sid: str, s: str, p: str, o: ox.Literal | ox.NamedNode
           ) -> list[ox.Quad]:  # fmt: skip
    graph = ox.NamedNode(ns.source_graph(sid))
    c = ox.NamedNode(ns.claim(key))
    subject, predicate = ox.NamedNode(s), ox.NamedNode(p)
    return [
        ox.Quad(c, ox.NamedNode(RDF + "type"), ox.NamedNode(PRKG + "Claim"), graph),
        ox.Quad(c, ox.NamedNode(RDF + "subject"), subject, graph),
        ox.Quad(c, ox.NamedNode(RDF + "predicate"), predicate, graph),
        ox.Quad(c, ox.NamedNode(RDF + "object"), o, graph),
        ox.Quad(c, ox.NamedNode(PROV + "wasDerivedFrom"), ox.NamedNode(ns.source(sid)), graph),
        # every built claim has a confidence (the build's default is high)
        ox.Quad(c, ox.NamedNode(PRKG + "confidence"), ox.NamedNode(PRKG + "HighConfidence"), graph),
        ox.Quad(subject, predicate, o, graph),
    ]


def _object(text: str) -> ox.NamedNode | ox.Literal:
    if text.startswith("<"):
        return ox.NamedNode(text[1:-1])
    quad = next(iter(ox.parse(f"<x:s> <x:p> {text} .", format=ox.RdfFormat.N_TRIPLES)))
    return quad.object  # type: ignore[return-value]


@pytest.fixture(scope="module")
def edited(dist: Path, tmp_path_factory: pytest.TempPathFactory, namespaces: Namespaces
           ) -> Iterator[tuple[Path, dict]]:  # fmt: skip
    """dataset.nq of 1.0.0 with four known edits, in a directory of its own."""
    ns = namespaces
    quads = read_dataset(dist / "releases" / "1.0.0" / "dataset.nq")
    old = snapshot_quads(quads, ns)
    date, participant = PRKG + "date", PRKG + "participant"
    # an event with one undisputed date, and one with participants
    dated = sorted(
        (s, o) for (s, p, o) in old.support if p == date and (s, p) not in old.disputes
        and sum(1 for (s2, p2, _o) in old.support if s2 == s and p2 == date) == 1
        and o.startswith('"') and o[1:5].isdigit()
    )  # fmt: skip
    event, event_date = dated[0]
    with_people = sorted(s for (s, p, _o) in old.support if p == participant and s != event)
    meeting = with_people[0]
    present = {o for (s, p, o) in old.support if s == meeting and p == participant}
    newcomer = next(e for e in sorted(old.entities) if f"<{e}>" not in present)
    fact, sids = sorted(old.support.items())[0]
    other_source = sorted(old.sources - set(sids))[0]
    removed_claim = sorted(c for c, pairs in old.claims.items()
                           if (RDF + "subject", f"<{meeting}>") in pairs)[0]  # fmt: skip
    keep = [q for q in quads if q.subject.value != removed_claim]
    added = (
        _claim(ns, "test-support", other_source, fact[0], fact[1],
               _object(fact[2]))
        + _claim(ns, "test-dispute", other_source, event, date,
                 ox.Literal("1901-01-01", datatype=ox.NamedNode(XSD_DATE)))
        + _claim(ns, "test-participant", other_source, meeting, participant,
                 ox.NamedNode(newcomer))
    )  # fmt: skip
    folder = tmp_path_factory.mktemp("edited")
    ox.serialize(keep + added, str(folder / "dataset.nq"), format=ox.RdfFormat.N_QUADS)
    yield folder, {"event": event, "event_date": event_date, "meeting": meeting, "fact": fact,
                   "source": other_source, "removed": removed_claim}  # fmt: skip


def test_diff_finds_each_known_edit(dist: Path, edited: tuple[Path, dict], namespaces: Namespaces
                                    ) -> None:  # fmt: skip
    folder, known = edited
    changes = compare(snapshot(dist / "releases" / "1.0.0"), snapshot(folder))
    assert changes.claims_removed == [known["removed"]]
    assert set(changes.claims_added) == {
        namespaces.claim(k) for k in ("test-support", "test-dispute", "test-participant")
    }
    supported = {(s, p, o): after for s, p, o, _before, after in changes.support_changed}
    assert known["source"] in supported[known["fact"]]
    disputes = {(s, p) for s, p, _v in changes.new_disputes}
    assert (known["event"], PRKG + "date") in disputes
    # a second participant is no dispute: prkg:participant is not single-valued
    assert not any(p == PRKG + "participant" for _s, p in disputes)
    assert not changes.sources_added and not changes.entities_added


def test_prkg_diff_prints_markdown_and_turtle(
    dist: Path, edited: tuple[Path, dict], capsys: pytest.CaptureFixture[str]
) -> None:
    folder, known = edited
    assert main(["diff", str(dist / "releases" / "1.0.0"), str(folder)]) == 0
    text = capsys.readouterr().out
    assert "## New disputes" in text and "1901-01-01" in text
    assert "## Facts whose support changed" in text and known["source"] in text
    assert main(["diff", str(dist / "releases" / "1.0.0"), str(folder), "--format", "turtle"]) == 0
    store = ox.Store()
    store.load(capsys.readouterr().out, format=ox.RdfFormat.TURTLE)
    rows = list(store.query(
        "PREFIX cs: <http://purl.org/vocab/changeset/schema#> "
        "PREFIX chg: <https://w3id.org/prkg/changes#> "
        "SELECT ?removed ?d WHERE { ?set cs:removal ?removed ; chg:newDispute ?d }"
    ))  # fmt: skip
    assert {r["removed"].value for r in rows} == {known["removed"]}


def test_diff_of_a_store_against_its_release_is_empty(
    dist: Path, built_store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diff", str(built_store_dir), str(dist / "releases" / "1.0.0")]) == 0
    out = capsys.readouterr().out
    assert "- claims added: 0" in out and "- new disputes: 0" in out


def test_diff_of_something_else_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                           ) -> None:  # fmt: skip
    assert main(["diff", str(tmp_path), str(tmp_path)]) == 2
    assert "no dataset.nq" in capsys.readouterr().err


def test_history_says_where_facts_last_changed(dist: Path, edited: tuple[Path, dict]) -> None:
    folder, known = edited
    before = json.loads((dist / "releases" / "1.0.0" / "entity-history.json").read_text())
    old, new = snapshot(dist / "releases" / "1.0.0"), snapshot(folder)
    after = history(before, old, new, "1.1.0")
    assert after[known["event"]] == {"since": "1.0.0", "facts_changed": "1.1.0"}
    untouched = sorted(e for e in new.entities if e not in {known["event"], known["meeting"],
                                                            known["fact"][0]})  # fmt: skip
    assert any(after[e]["facts_changed"] == "1.0.0" for e in untouched)


def test_release_changelog_ttl_parses(dist: Path) -> None:
    store = ox.Store()
    store.load(path=str(dist / "releases" / "1.0.0" / "changelog.ttl"), format=ox.RdfFormat.TURTLE)
    n = list(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s "
                         "<http://purl.org/vocab/changeset/schema#addition> ?c }"))  # fmt: skip
    assert int(n[0]["n"].value) > 1000


@pytest.fixture(scope="module")
def release_client(built_store_dir: Path, dist: Path) -> Iterator[TestClient]:
    from service_support import pooled_app

    with pooled_app(built_store_dir, dist_dir=dist) as (app, _s), TestClient(app) as c:
        yield c


def test_releases_page_lists_changelogs_and_downloads(release_client: TestClient) -> None:
    page = release_client.get("/releases/")
    assert page.status_code == 200
    assert page.text.index("1.1.0") < page.text.index('id="release-1.0.0"')
    assert "/releases/1.0.0/CITATION.cff" in page.text and "Changelog" in page.text
    listing = release_client.get("/releases/", params={"format": "json"}).json()
    assert [r["version"] for r in listing] == ["1.1.0", "1.0.0"]
    cff = release_client.get("/releases/1.0.0/CITATION.cff")
    assert cff.status_code == 200 and 'version: "1.0.0"' in cff.text
    assert release_client.get("/releases/1.0.0/").status_code == 200
    for bad in ("/releases/9.9/", "/releases/1.0.0/..%2Fx", "/releases/1.0.0/nothing.csv"):
        assert release_client.get(bad).status_code == 404, bad


def test_entity_page_names_its_releases(release_client: TestClient) -> None:
    page = release_client.get("/id/pakistan-steel-mills")
    assert page.status_code == 200
    assert 'since <a href="/releases/1.0.0/">1.0.0</a>' in page.text


def test_void_names_the_current_release(release_client: TestClient, namespaces: Namespaces
                                        ) -> None:  # fmt: skip
    body = release_client.get("/.well-known/void", params={"format": "ntriples"}).text
    current = f"<{namespaces.dataset}/release/1.1.0>"
    assert f"<{namespaces.dataset}> <http://www.w3.org/ns/dcat#hasCurrentVersion> {current}" in body


def test_release_after_a_data_change_says_which_facts_changed(tmp_path: Path) -> None:
    """End to end: build and release, edit the data, build and release again.

    The edit (in a copy of data/) gives S02 two more claims: a second source for a fact S01
    gives (the revival agreement is part of the revival project) and another day for the
    signing than S01's (2025-07-11) — a new dispute, since prkg:date is single-valued.
    """
    import shutil

    from conftest import DATA_DIR

    from kg.build import build

    data, store, dist = tmp_path / "data", tmp_path / "store", tmp_path / "dist"
    shutil.copytree(DATA_DIR, data)
    build(data, store, log=lambda _m: None)
    make_release(store, dist, "1.0.0")
    s02 = data / "claims" / "S02-geo-psm-agreement.yaml"
    s02.write_text(
        s02.read_text(encoding="utf-8")
        + "- {subject: psm-revival-agreement-2025, predicate: partOfProject, "
        "object: psm-revival-project, locator: test edit}\n"
        "- {subject: psm-revival-signing-2025, predicate: date, object: 2025-07-10, "
        "locator: test edit}\n",
        encoding="utf-8",
    )
    build(data, store, log=lambda _m: None)
    make_release(store, dist, "1.1.0")
    folder = dist / "releases" / "1.1.0"
    info = json.loads((folder / "release.json").read_text())
    assert info["previous"] == "1.0.0"
    assert info["changes"]["claims_added"] == 2 and info["changes"]["claims_removed"] == 0
    assert info["changes"]["support_changed"] == 1 and info["changes"]["new_disputes"] == 1
    text = (folder / "changelog.md").read_text()
    support = text.split("## Facts whose support changed")[1].split("##")[0]
    assert "psm-revival-project" in support and "S01 → S01, S02" in support
    disputes = text.split("## New disputes")[1]
    assert "psm-revival-signing-2025" in disputes and "2025-07-10 | 2025-07-11" in disputes
    history = json.loads((folder / "entity-history.json").read_text())
    agreement = history["https://w3id.org/prkg/id/psm-revival-agreement-2025"]
    assert agreement == {"since": "1.0.0", "facts_changed": "1.1.0"}
    assert history["https://w3id.org/prkg/id/karachi"]["facts_changed"] == "1.0.0"
