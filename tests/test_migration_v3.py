"""ontology/migrations/v3.py turns 0.2.0 patterns into 0.3.0 ones, idempotently and on any
file under data/, and the loader names an unmigrated file and line with the advice to run it."""

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
SCRIPT = ROOT / "ontology" / "migrations" / "v3.py"

# Written as a curator of a parallel session would, in the 0.2.0 patterns, in new files.
OLD_CLAIMS = (
    "source: S13\n"
    "claims:\n"
    '- {subject: s999-planned-visit, predicate: status, object: "Scheduled for May 2027",'
    " locator: para 1, as_of: 2026-01-22}\n"
    '- {subject: pakistan-steel-mills, predicate: status, object: "Not for sale this year",'
    " locator: para 2}  # a comment the migration keeps\n"
    "- {subject: s999-planned-visit, predicate: place, object: moscow, locator: para 1}\n"
    "- {subject: s999-planned-visit, predicate: participant, object: shehbaz-sharif,"
    " locator: para 1, role_label: head of the Pakistani delegation}\n"
)
OLD_ENTITIES = (
    "entities:\n"
    "- slug: s999-planned-visit\n"
    "  class: Visit\n"
    "  label: {en: A planned visit}\n"
    "  sources: [S13]\n"
)


def _v3() -> ModuleType:
    spec = spec_from_file_location("v3", SCRIPT)
    assert spec and spec.loader
    module = module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _data_with_old_patterns(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    (data / "claims" / "S999-old-pattern.yaml").write_text(OLD_CLAIMS, encoding="utf-8")
    (data / "entities" / "cur999.yaml").write_text(OLD_ENTITIES, encoding="utf-8")
    return data


def _errors(data: Path) -> list[str]:
    records, errors = read_data(data)
    assert not errors
    onto = OntologyInfo.load(ROOT / "ontology")
    return [str(e) for e in assemble(records, onto, Namespaces()).errors]


def test_loader_names_free_text_status_and_the_migration(tmp_path: Path) -> None:
    errors = _errors(_data_with_old_patterns(tmp_path))
    assert any(
        "S999-old-pattern.yaml:3" in e and "migrations/v3.py" in e and "announced" in e
        for e in errors
    ), errors


def test_migration_fixes_it_and_is_idempotent(tmp_path: Path) -> None:
    data = _data_with_old_patterns(tmp_path)
    first = subprocess.run(
        [sys.executable, str(SCRIPT), str(data)], capture_output=True, text=True, check=True
    )
    for where in (
        "S999-old-pattern.yaml:3",
        "S999-old-pattern.yaml:4",
        "S999-old-pattern.yaml:6",
        "cur999.yaml:3",
    ):
        assert where in first.stdout, first.stdout
    claims = (data / "claims" / "S999-old-pattern.yaml").read_text()
    assert 'object: announced, status_text: "Scheduled for May 2027"' in claims
    assert 'predicate: statusNote, object: "Not for sale this year"' in claims
    assert "# a comment the migration keeps" in claims
    assert "acting_as: head-of-delegation, on_behalf_of: pakistan, role_label:" in claims
    entities = (data / "entities" / "cur999.yaml").read_text()
    assert "class: PlannedEvent  # was: Visit" in entities
    second = subprocess.run(
        [sys.executable, str(SCRIPT), str(data)], capture_output=True, text=True, check=True
    )
    assert second.stdout == ""
    assert _errors(data) == []


def test_loader_names_a_free_text_role(tmp_path: Path) -> None:
    errors = _errors(_data_with_old_patterns(tmp_path))
    assert any("S999-old-pattern.yaml:6" in e and "acting_as" in e and "v3.py" in e for e in errors)


def test_status_words_map_to_the_scheme() -> None:
    v3 = _v3()
    assert v3.status_code("Signed in 2015 but not implemented") == "signed"
    assert v3.status_code("Expected to be signed during the visit") == "announced"
    assert v3.status_code("postponed (June 2025)") == "announced"
    assert v3.status_code("Agreed by Pakistan and Russia to be established") == "agreed"
    assert v3.status_code("To be amended (2024)") is None


def test_repository_data_is_migrated() -> None:
    v3 = _v3()
    planned = v3.planned_slugs(ROOT / "data")
    events, agreements = v3._class_family(ROOT / "ontology" / "prkg.ttl")
    events.add("Event")
    for path in (ROOT / "data").rglob("*.y*ml"):
        text = path.read_text(encoding="utf-8")
        assert v3.migrate_text(text, planned, events, agreements)[1] == [], path
