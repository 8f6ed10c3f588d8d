"""ontology/migrations/v2.py turns 0.1.0 patterns into 0.2.0 ones, idempotently, and the
loader names an unmigrated file and line with the advice to run it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from kg.data.assemble import assemble
from kg.data.loader import read_data
from kg.data.namespaces import Namespaces
from kg.data.ontology import OntologyInfo

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "ontology" / "migrations" / "v2.py"

OLD_CLAIM = (
    "source: S01\n"
    "claims:\n"
    "- {subject: pakistan-steel-mills, predicate: capacity, object: {amount: 3, unit: Mt},"
    " locator: para 99, note: planted}\n"
)


def _data_with_old_claim(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    (data / "claims" / "S999-old-pattern.yaml").write_text(OLD_CLAIM, encoding="utf-8")
    return data


def _errors(data: Path) -> list[str]:
    records, errors = read_data(data)
    assert not errors
    onto = OntologyInfo.load(ROOT / "ontology")
    return [str(e) for e in assemble(records, onto, Namespaces()).errors]


def test_loader_names_the_old_pattern_and_the_migration(tmp_path: Path) -> None:
    data = _data_with_old_claim(tmp_path)
    errors = _errors(data)
    assert any(
        "S999-old-pattern.yaml:3" in e and "migrations/v2.py" in e and "Mt/a" in e for e in errors
    ), errors


def test_migration_fixes_it_and_is_idempotent(tmp_path: Path) -> None:
    data = _data_with_old_claim(tmp_path)
    first = subprocess.run(
        [sys.executable, str(SCRIPT), str(data)], capture_output=True, text=True, check=True
    )
    assert "S999-old-pattern.yaml:3" in first.stdout
    assert "unit: Mt/a}" in (data / "claims" / "S999-old-pattern.yaml").read_text()
    second = subprocess.run(
        [sys.executable, str(SCRIPT), str(data)], capture_output=True, text=True, check=True
    )
    assert second.stdout == ""
    assert _errors(data) == []


def test_repository_data_is_migrated() -> None:
    out = subprocess.run(
        [sys.executable, str(SCRIPT), "--dry-run-not-supported"], capture_output=True, text=True
    )
    assert out.returncode == 2  # usage: a directory is required
    from importlib.util import module_from_spec, spec_from_file_location

    spec = spec_from_file_location("v2", SCRIPT)
    assert spec and spec.loader
    v2 = module_from_spec(spec)
    spec.loader.exec_module(v2)
    for path in (ROOT / "data").rglob("*.y*ml"):
        assert v2.migrate_text(path.read_text(encoding="utf-8"))[1] == [], path
