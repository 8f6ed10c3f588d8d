"""The collection log (data/collection/) accounts for every document looked at (issue 12)."""

from collections import Counter
from pathlib import Path

from kg.data.loader import read_data
from kg.report.collection import check_against_data, flow, read_collection, thin_cells

REPO = Path(__file__).resolve().parent.parent


def claims_per_source() -> dict[str, int]:
    data, errors = read_data(REPO / "data")
    assert errors == []
    counts: Counter[str] = Counter(c.source for c in data.claims)
    return {sid: counts.get(sid, 0) for sid in data.sources}


def test_the_log_of_the_real_data_is_consistent_with_the_data() -> None:
    """Every included document is a source with claims; every exclusion has a reason."""
    log = read_collection(REPO / "data")
    assert log.screenings, "the collection log is empty"
    assert check_against_data(log, claims_per_source()) == []


def test_every_curated_document_is_in_the_log() -> None:
    """No source reaches the graph without the search (or register) that found it."""
    logged = {s.source for s in read_collection(REPO / "data").screenings if s.source}
    data, _ = read_data(REPO / "data")
    # The editors' curation and the public files that evidence links are not searched for.
    documents = {
        sid for sid, src in data.sources.items() if src.kind not in {"curation", "dataset"}
    }
    assert sorted(documents - logged) == []


LOG = """searches:
- id: t-001
  query: steel mill Soviet
  corpus: pages
  language: en
  theme: steel
  run: 2026-12-01
  results:
  - {url: "https://a.example/1", decision: included, source: S1}
  - {url: "https://a.example/2", decision: off-topic, reason: cricket}
  - {url: "https://a.example/3", decision: syndicated, source: S1, reason: APP copy}
- id: t-002
  query: Pakistan Steel
  corpus: pages
  language: en
  theme: stel
  run: 2026-12-01
  results:
  - {url: "https://a.example/1", decision: duplicate, source: S1, reason: seen in t-001}
  - {url: "https://a.example/4", decision: no-checkable-fact}
  - {url: "https://a.example/5", decision: included, source: S9}
"""


def test_the_flow_counts_distinct_documents_and_errors_are_located(tmp_path: Path) -> None:
    (tmp_path / "collection").mkdir()
    (tmp_path / "collection" / "t.yaml").write_text(LOG, encoding="utf-8")
    log = read_collection(tmp_path)
    f = flow(log)
    assert (f.identified, f.included) == (5, 2)
    assert f.excluded == Counter({"off-topic": 1, "syndicated": 1, "no-checkable-fact": 1})
    problems = check_against_data(log, {"S1": 3})
    assert any("t.yaml:12" in p and "unknown theme 'stel'" in p for p in problems), problems
    assert any("t.yaml:20" in p and "needs a reason" in p for p in problems), problems
    assert any("t.yaml:21" in p and "'S9' is not in the data" in p for p in problems), problems


def test_thin_cells_name_the_theme_and_decade() -> None:
    cells = {("steel", "1970s"): 5, ("steel", "1980s"): 1}
    assert thin_cells(cells, ["1970s", "1980s"]) == ["steel 1980s (1)"]
