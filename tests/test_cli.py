"""The `prkg` commands beyond build and query, run as a user runs them."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from test_build import run_prkg

ROOT = Path(__file__).resolve().parent.parent


def test_viz_writes_a_standalone_view(built_store_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "psm.html"
    done = run_prkg("viz", "pakistan-steel-mills", "--store", str(built_store_dir), "-o", str(out),
                cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    html = out.read_text(encoding="utf-8")
    assert "Pakistan Steel Mills" in html
    assert "https://w3id.org/prkg/id/pakistan-steel-mills" in html
    assert not re.search(r'<(script|link)[^>]+(src|href)="https?://', html), "loads from the web"
    unknown = run_prkg("viz", "no-such-thing", "--store", str(built_store_dir), "-o", str(out),
                   cwd=tmp_path)  # fmt: skip
    assert unknown.returncode == 2 and "Traceback" not in unknown.stderr


def test_export_writes_csv_and_context(built_store_dir: Path, tmp_path: Path) -> None:
    done = run_prkg(
        "export", "--store", str(built_store_dir), "-o", str(tmp_path / "out"), cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    claims = (tmp_path / "out" / "claims.csv").read_text(encoding="utf-8")
    assert claims.startswith("claim,subject,") and ",S01," in claims
    assert (tmp_path / "out" / "context.jsonld").exists()


def test_stats_prints_coverage(built_store_dir: Path, tmp_path: Path) -> None:
    done = run_prkg("stats", "--store", str(built_store_dir), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Sources by kind" in done.stdout and "Disputed facts" in done.stdout


def test_link_suggest_writes_a_review_file(built_store_dir: Path, tmp_path: Path) -> None:
    extract = ROOT / "tests" / "fixtures" / "wikidata-extract.nt"
    review = tmp_path / "review.yaml"
    done = run_prkg("link", "suggest", "--store", str(built_store_dir), "--wikidata", str(extract),
                "-o", str(review), cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert yaml.safe_load(review.read_text(encoding="utf-8"))
