"""ontology/migrations/v4.py turns 0.3.0 observation and capacity patterns into 0.4.0 ones,
idempotently and on any file under data/, and the loader names an unmigrated file and line
with the advice to run it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from importlib.util import module_from_spec, spec_from_file_location
from pathlib import Path
from types import ModuleType

from kg.data.assemble import assemble
from kg.data.loader import read_data
from kg.data.namespaces import Namespaces
from kg.data.ontology import OntologyInfo

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "ontology" / "migrations" / "v4.py"

# Written as a curator of a parallel session would, in the 0.3.0 patterns, in new files.
OLD_CLAIMS = (
    "source: S13\n"
    "claims:\n"
    "- {subject: s998-imports, predicate: observationOf, object: russia, locator: para 1,\n"
    '   note: "Imports from Russia."}\n'
    "- {subject: s998-imports, predicate: observationOf, object: pakistan, locator: para 1}\n"
    "- {subject: s998-imports, predicate: flow, object: imports, locator: para 1}"
    "  # a comment the migration keeps\n"
    "- {subject: s998-imports, predicate: period, object: FY2023-24, locator: para 1}\n"
    "- {subject: s998-imports, predicate: tradeValue, object: {amount: 5, currency: USD},"
    " locator: para 2, as_of: 2024-06-30}\n"
    "- {subject: s998-imports, predicate: tradeValue, object: {amount: 1400, currency: PKR},"
    " locator: para 2, as_of: 2024-06-30}\n"
    "- {subject: pakistan-steel-mills, predicate: capacity, object: {amount: 3, unit: Mt/a},"
    ' locator: para 3,\n   note: "The design capacity of a plan."}\n'
    "- {subject: pakistan-steel-mills, predicate: capacity, object: {amount: 0.5, unit: Mt/a},"
    " locator: para 4, as_of: 2030}\n"
)
OLD_ENTITIES = (
    "entities:\n"
    "- slug: s998-imports\n"
    "  class: TradeFigure\n"
    "  label: {en: Pakistan's imports from Russia (a test figure)}\n"
    "  sources: [S13]\n"
)


def _v4() -> ModuleType:
    spec = spec_from_file_location("v4", SCRIPT)
    assert spec and spec.loader
    module = module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _data_with_old_patterns(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    (data / "claims" / "S998-old-pattern.yaml").write_text(OLD_CLAIMS, encoding="utf-8")
    (data / "entities" / "cur998.yaml").write_text(OLD_ENTITIES, encoding="utf-8")
    return data


def _errors(data: Path) -> list[str]:
    records, errors = read_data(data)
    assert not errors
    onto = OntologyInfo.load(ROOT / "ontology")
    return [str(e) for e in assemble(records, onto, Namespaces()).errors]


def test_loader_names_each_old_pattern_and_the_migration(tmp_path: Path) -> None:
    errors = _errors(_data_with_old_patterns(tmp_path))
    for line, words in ((3, "reporter"), (5, "reporter"), (6, "tradeFlow"), (7, "refPeriod")):
        assert any(
            f"S998-old-pattern.yaml:{line}:" in e and words in e and "migrations/v4.py" in e
            for e in errors
        ), (line, errors)


def test_migration_fixes_it_and_is_idempotent(tmp_path: Path) -> None:
    data = _data_with_old_patterns(tmp_path)
    first = subprocess.run(
        [sys.executable, str(SCRIPT), str(data)], capture_output=True, text=True, check=True
    )
    for where in (":3: s998-imports: observationOf → reporter", ":5:", ":6:", ":7:", ":10:"):
        assert where in first.stdout, first.stdout
    claims = (data / "claims" / "S998-old-pattern.yaml").read_text()
    # the first state named is the side the flow is seen from (0.3.0's "first state's side")
    assert "predicate: reporter, object: russia" in claims
    assert "predicate: partner, object: pakistan" in claims
    assert "predicate: tradeFlow, object: imports, locator: para 1}  # a comment" in claims
    assert 'refPeriod, object: {from: 2023-07-01, to: 2024-06-30, label: "FY2023-24"}' in claims
    assert "predicate: designCapacity, object: {amount: 3," in claims
    assert "predicate: installedCapacity, object: {amount: 0.5," in claims
    assert (
        "predicate: sameSumAs, object: [{amount: 5, currency: USD}, {amount: 1400, currency: PKR}]"
        in claims
    )
    second = subprocess.run(
        [sys.executable, str(SCRIPT), str(data)], capture_output=True, text=True, check=True
    )
    assert second.stdout == ""
    assert _errors(data) == []


def test_period_names_become_intervals() -> None:
    v4 = _v4()
    assert v4.period_interval("2023") == ("2023-01-01", "2023-12-31")
    assert v4.period_interval("FY2022-23") == ("2022-07-01", "2023-06-30")
    assert v4.period_interval("FY1999-2000") == ("1999-07-01", "2000-06-30")
    assert v4.period_interval("2024-03") == ("2024-03", "2024-03")
    assert v4.period_interval("FY2022-25") is None  # not one fiscal year
    assert v4.period_interval("last year") is None


def test_repository_data_is_migrated() -> None:
    v4 = _v4()
    classes = v4.entity_classes(ROOT / "data")
    for path in (ROOT / "data").rglob("*.y*ml"):
        if "queries" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        assert v4.migrate_text(text, classes) == (text, []), path
