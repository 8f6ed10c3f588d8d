"""Issue 15.3: OpenRefine, the real client, reconciles and extends a sheet of names against prkg.

A headless OpenRefine (the Debian package) gets a CSV of 65 names — English labels,
abbreviations, alternative spellings, Urdu and Russian script, misspellings, and names that
are not in the graph — reconciles the column against a real `prkg serve` through its own
`core/recon` operation with auto-match on, then adds country, location and Wikidata columns
from the reconciled values (`core/extend-reconciled-data`) and reads the project back.

Asserted: at least 90 % of the names in the graph auto-matched to the right entity, none
auto-matched to a wrong one, every name not in the graph left unmatched, and every extension
cell what the graph says (checked by SPARQL against the same store).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from fuzz.live_server import LiveServer
from openrefine_support import Cell, OpenRefine
from reliability_support import serving

from kg.store import EmbeddedStore
from kg.store.layout import StoreLayout

pytestmark = pytest.mark.e2e

NAMES = Path(__file__).parent / "fixtures" / "openrefine" / "names.csv"
ID_SPACE = "https://w3id.org/prkg/id/"
SCHEMA_SPACE = "https://w3id.org/prkg/ontology#"
EXTENSION = {  # OpenRefine column (the service's property id) → how the graph says it
    "country": "<https://w3id.org/prkg/ontology#country>",
    "location": "<https://w3id.org/prkg/ontology#location>",
}
WIKIDATA_COLUMN = "Wikidata ID"  # OpenRefine names a new column by the service's property name


@pytest.fixture(scope="module")
def prkg(built_store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with serving(built_store_dir, tmp_path_factory, "serve-openrefine",
                 {"PRKG_RESULT_CACHE_SECONDS": "0"}) as live:
        yield live


@pytest.fixture(scope="module")
def refine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpenRefine]:
    folder = tmp_path_factory.mktemp("openrefine")
    with OpenRefine(folder / "workspace", folder / "openrefine.log") as running:
        yield running


@pytest.fixture(scope="module")
def project(
    prkg: LiveServer, refine: OpenRefine
) -> tuple[list[dict[str, Cell]], list[dict[str, str]]]:
    """The sheet, reconciled and extended by OpenRefine; and the expected answers."""
    text = NAMES.read_text(encoding="utf-8")
    expected = list(csv.DictReader(text.splitlines()))
    service = f"{prkg.url}/reconcile"
    pid = refine.create_project("prkg-names", text)
    refine.reconcile(pid, "name", service, ID_SPACE, SCHEMA_SPACE)
    refine.extend(pid, "name", service, ID_SPACE, SCHEMA_SPACE, [*EXTENSION, "wikidata"])
    return refine.rows(pid), expected


def records(rows: list[dict[str, Cell]]) -> list[list[dict[str, Cell]]]:
    """OpenRefine's records: a row with a name starts one, extension rows below it join it."""
    out: list[list[dict[str, Cell]]] = []
    for row in rows:
        if "name" in row and row["name"].value not in (None, ""):
            out.append([row])
        elif out:
            out[-1].append(row)
    return out


def test_sheet_reconciled_with_the_accuracy_asked(project) -> None:  # type: ignore[no-untyped-def]
    rows, expected = project
    recs = records(rows)
    assert len(expected) >= 60 and len(recs) == len(expected)
    in_graph = [(rec[0]["name"], want) for rec, want in zip(recs, expected, strict=True)
                if want["expected"]]
    not_in_graph = [(rec[0]["name"], want) for rec, want in zip(recs, expected, strict=True)
                    if not want["expected"]]
    right = [c.value for c, w in in_graph if c.judgment == "matched" and c.match == w["expected"]]
    wrong = [(c.value, c.match, w["expected"]) for c, w in in_graph + not_in_graph
             if c.judgment == "matched" and c.match != (w["expected"] or None)]
    unmatched = [c.value for c, _ in in_graph if c.judgment != "matched"]
    share = len(right) / len(in_graph)
    print(f"\n[openrefine] {len(expected)} names: {len(in_graph)} in the graph, "
          f"{len(right)} auto-matched right ({share:.0%}), {len(wrong)} wrong, "
          f"{len(unmatched)} left for review {unmatched}; "
          f"{len(not_in_graph)} not in the graph, "
          f"{sum(c.judgment != 'matched' for c, _ in not_in_graph)} left unmatched")
    assert wrong == []
    assert share >= 0.9, unmatched
    assert all(c.judgment != "matched" for c, _ in not_in_graph)
    # Every language's rows took part: the sheet is not only English.
    assert {w["note"] for _, w in in_graph} >= {"Urdu", "Russian", "misspelt"}


def test_extension_columns_are_what_the_graph_says(project, built_store_dir: Path) -> None:  # type: ignore[no-untyped-def]
    rows, _expected = project
    store = EmbeddedStore(StoreLayout(built_store_dir).oxigraph_dir(), read_only=True)
    filled = 0
    for rec in records(rows):
        head = rec[0]["name"]
        if head.judgment != "matched" or head.match is None:
            added = {*EXTENSION, WIKIDATA_COLUMN}
            assert all(c.value in (None, "") for r in rec for k, c in r.items() if k in added)
            continue
        entity = f"<{ID_SPACE}{head.match}>"
        for column, predicate in EXTENSION.items():
            got = {r[column].match for r in rec if column in r and r[column].value}
            answer = store.select(f"SELECT ?o WHERE {{ {entity} {predicate} ?o }}")
            want = {str(row["o"].value).removeprefix(ID_SPACE) for row in answer}
            assert got == want, (head.value, column, got, want)
            filled += len(got)
        column = WIKIDATA_COLUMN
        got_qids = {str(r[column].value) for r in rec if column in r and r[column].value}
        answer = store.select(
            "SELECT ?w WHERE { " + entity + " <http://www.w3.org/2002/07/owl#sameAs>"
            "|<http://www.w3.org/2004/02/skos/core#exactMatch> ?w "
            'FILTER(STRSTARTS(STR(?w), "http://www.wikidata.org/entity/")) }')
        want_qids = {str(row["w"].value).rsplit("/", 1)[1] for row in answer}
        assert got_qids == want_qids, (head.value, got_qids, want_qids)
        filled += len(got_qids)
    assert filled >= 10, "the extension must have filled cells"
