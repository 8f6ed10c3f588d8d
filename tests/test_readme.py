"""README's coverage figures are the ones `prkg stats` computes from the data."""

from __future__ import annotations

from pathlib import Path

from kg.data.namespaces import DEFAULT_NAMESPACE
from kg.report.coverage import coverage_markdown, readme_block, replace_block
from kg.store import EmbeddedStore

README = Path(__file__).resolve().parent.parent / "README.md"
DATA_DIR = README.parent / "data"


def test_readme_coverage_block_is_current(fixture_store: EmbeddedStore) -> None:
    figures = coverage_markdown(fixture_store, DEFAULT_NAMESPACE, DATA_DIR)
    assert readme_block(README.read_text(encoding="utf-8")) == figures.strip(), (
        "README's coverage figures are stale: run `prkg stats --update-readme README.md`"
    )


def test_replace_block_keeps_the_rest() -> None:
    text = README.read_text(encoding="utf-8")
    replaced = replace_block(text, "| x | 1 |")
    assert readme_block(replaced) == "| x | 1 |"
    assert replaced.split("<!-- coverage:start")[0] == text.split("<!-- coverage:start")[0]
