"""Bad input to the link tools (issue 15): one line naming file and line, exit != 0,
nothing written."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from linking_support import DATA, ROOT

from kg.link.extract import LinkingError, read_extract
from kg.link.review import accept_review

SHA = "a" * 64


def review_text(entity: str = "astana", qid: str = "Q1520", extra: str = "") -> str:
    """A review file as `prkg link suggest` writes it, one accepted candidate (made up)."""
    return (
        "extract:\n"
        "  file: extract.nt\n"
        f"  sha256: {SHA}\n"
        "  format: ntriples\n"
        "  url: https://example.org/extract.nt\n"
        "  retrieved: 2026-12-02\n"
        "generated: 2026-12-02\n"
        "candidates:\n"
        "- entity: karachi\n"
        "  qid: Q8660\n"
        "  accept: false\n"
        f"- entity: {entity}\n"
        f"  qid: {qid}\n"
        "  predicate: owl:sameAs\n"
        "  confidence: medium\n"
        f"{extra}"
        "  accept: true\n"
    )


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            review_text(qid="Q-15x"),
            r"review\.yaml:12: candidate 2: 'Q-15x' is not a Wikidata QID",
        ),
        (review_text(entity="no-such-city"), r"review\.yaml:12: candidate 2: unknown entity"),
        (
            review_text(extra="  geonames: '15a26'\n"),
            r"review\.yaml:12: candidate 2: GeoNames id '15a26' is not a number",
        ),
        (
            review_text().replace("  qid: Q8660\n", "  qid: [Q8660\n"),
            r"review\.yaml:\d+: not valid YAML",
        ),
    ],
)
def test_bad_review_is_refused_with_file_and_line(
    tmp_path: Path, data_dir: Path, text: str, message: str
) -> None:
    review = tmp_path / "review.yaml"
    review.write_text(text, encoding="utf-8")
    before = files_of(data_dir)
    with pytest.raises(LinkingError, match=message) as info:
        accept_review(review, data_dir)
    assert "\n" not in str(info.value)
    assert files_of(data_dir) == before  # nothing written


def test_good_review_with_geonames_is_accepted(tmp_path: Path, data_dir: Path) -> None:
    """The control: the same file with a well-formed id is accepted (made-up ids, temp copy)."""
    review = tmp_path / "review.yaml"
    review.write_text(review_text(extra="  geonames: '1526273'\n"), encoding="utf-8")
    result = accept_review(review, data_dir)
    assert result.added == 2
    text = (data_dir / "claims" / "links-accepted.yaml").read_text(encoding="utf-8")
    assert "https://sws.geonames.org/1526273/" in text and "Q1520" in text


def test_cli_exits_non_zero_with_one_line(tmp_path: Path, data_dir: Path) -> None:
    review = tmp_path / "review.yaml"
    review.write_text(review_text(qid="Q12x"), encoding="utf-8")
    before = files_of(data_dir)
    run = subprocess.run(
        [sys.executable, "-m", "api.cli", "link", "accept", str(review), "--data", str(data_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode != 0
    assert run.stderr.strip().count("\n") == 0, run.stderr
    assert f"{review}:12: candidate 2" in run.stderr
    assert files_of(data_dir) == before


def test_extract_with_a_broken_line_names_it(tmp_path: Path) -> None:
    extract = tmp_path / "extract.jsonl"
    broken = '{"id": "Q8660", "labels": {}}\n{"id": "Q649", "labels": \n'
    extract.write_text(broken, encoding="utf-8")
    with pytest.raises(LinkingError, match=r"extract\.jsonl:2: not a JSON entity"):
        read_extract(extract)
