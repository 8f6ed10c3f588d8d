"""Link coverage (issue 15): the build warns about linkable entities without an identifier,
and `prkg stats` reports the share per class."""

from __future__ import annotations

import shutil
from pathlib import Path

from linking_support import DATA, data_store

from kg.report.links import coverage_markdown, coverage_warning, link_coverage


def test_coverage_per_class_on_the_real_data() -> None:
    coverage = {c.cls: c for c in link_coverage(data_store())}
    states = coverage["State"]
    assert "pakistan" in states.linked and "china" in states.linked
    assert states.percent == 100
    assert "karachi" in coverage["City"].linked
    # events are not linkable classes
    assert not any(c.startswith("igc-session") for cov in coverage.values() for c in cov.entities)
    text = coverage_markdown(list(coverage.values()))
    # every state is linked, however many curation adds (12 since Belarus and the United States)
    n = len(states.entities)
    assert n >= 12
    assert f"| State | {n} | {n} | 100 |" in text
    assert "Without an identifier" in text


def test_a_new_entity_without_identifier_is_warned_about(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    (data / "entities" / "zz-test.yaml").write_text(
        "recorded: 2026-12-02\nentities:\n- slug: zz-test-city\n  class: City\n"
        "  label: {en: Zz Test City}\n  sources: [S01]\n",
        encoding="utf-8",
    )
    coverage = link_coverage(data_store(data))
    warning = coverage_warning(coverage)
    assert warning is not None and "zz-test-city (City)" in warning
    city = next(c for c in coverage if c.cls == "City")
    assert "zz-test-city" in city.missing


def test_build_prints_the_warning(tmp_path: Path) -> None:
    from kg.build import build

    lines: list[str] = []
    build(DATA, tmp_path / "store", log=lines.append)
    assert any(line.startswith("warning:") and "linkable classes" in line for line in lines)
    dumps = tmp_path / "store" / "current" / "dumps"
    assert (dumps / "links-wikidata.nt").read_text(encoding="utf-8").count("\n") >= 20
