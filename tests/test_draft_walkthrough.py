"""CONTRIBUTING.md's walk-through (draft → review → accept → build) is true: its blocks are run
on a scratch copy of data/ with the real commands, and the draft it shows is the one made."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
import yaml

from api.cli import main
from kg.data.loader import read_data
from kg.data.textsig import signature

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "CONTRIBUTING.md"
FIXTURE = ROOT / "tests" / "fixtures" / "draft" / "dawn-psm-excerpt.txt"


def block(name: str) -> str:
    """The fenced block that follows `<!-- walkthrough: NAME -->` in the guide."""
    text = GUIDE.read_text(encoding="utf-8")
    match = re.search(rf"<!-- walkthrough: {name} -->\n```[a-z]*\n(.*?)```", text, re.DOTALL)
    assert match, f"no walkthrough block {name!r} in CONTRIBUTING.md"
    return match.group(1)


def command(line: str, **paths: str) -> list[str]:
    words = shlex.split(line.replace("\\\n", " "))
    assert words[0] == ".venv/bin/prkg"
    return [paths.get(w, w) for w in words[1:]]


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    return data


def test_walkthrough(scratch: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    review = tmp_path / "dawn-psm.review.yaml"
    draft_cmd = command(
        block("draft"), **{"tests/fixtures/draft/dawn-psm-excerpt.txt": str(FIXTURE),
                           "dawn-psm.review.yaml": str(review)}
    )  # fmt: skip
    assert main([*draft_cmd, "--data", str(scratch)]) == 0, capsys.readouterr().err
    drafted = review.read_text(encoding="utf-8")
    for line in block("source").splitlines():
        assert line in drafted, f"the guide shows {line!r}; the draft has not"
    doc = yaml.safe_load(drafted)
    sid = doc["source"]
    assert doc["sources"][0]["text_minhash"] == signature(FIXTURE.read_text(encoding="utf-8"))
    assert all(entry.get("review") is True for entry in doc["sources"] + doc["claims"])
    para1 = doc["paragraphs"][0]
    assert {m["entity"] for m in para1["mentions"]} >= {
        "pakistan",
        "russia",
        "pakistan-steel-mills",
    }
    assert para1["dates"][0]["value"] == "2025-07-11"
    assert any(c["object"] == "russia" and c["subject_class"] == "Signing" for c in doc["claims"])

    # Accept refuses the draft as it is, and writes nothing.
    before = sorted(p.name for p in (scratch / "claims").iterdir())
    assert main(["draft", "accept", str(review), "--data", str(scratch)]) != 0
    assert "still marked `review: true`" in capsys.readouterr().err
    assert sorted(p.name for p in (scratch / "claims").iterdir()) == before

    # The reviewed file of the guide (with the id the draft suggested) is accepted.
    reviewed = block("reviewed").replace("S631", sid)
    review.write_text(reviewed, encoding="utf-8")
    accept_line, build_line = block("accept").strip().splitlines()
    code = main([*command(accept_line, **{"dawn-psm.review.yaml": str(review)}),
                 "--data", str(scratch)])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    written = scratch / "claims" / f"{sid}-dawn.yaml"
    assert written.exists()
    assert "review:" not in written.read_text(encoding="utf-8")
    data, errors = read_data(scratch)
    assert not errors
    assert data.sources[sid].reliability == "high"
    assert any(c.source == sid and c.predicate == "party" for c in data.claims)

    store = tmp_path / "store"
    build = command(build_line, **{"./store": str(store)})
    assert main([*build, "--data", str(scratch), "--dist", str(tmp_path / "dist")]) == 0
    assert (store / "current").exists() or any(store.iterdir())
    # The guide names the file accept writes.
    assert f"`data/claims/{written.name.replace(sid, 'S631')}`" in GUIDE.read_text(encoding="utf-8")
