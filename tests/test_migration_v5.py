"""ontology/migrations/v5.py moves curated shortcut dates to life-cycle events, on any data
folder, idempotently; the rule then derives the shortcut back with the claim's provenance."""

from __future__ import annotations

import datetime
import shutil
import subprocess
import sys
from importlib.util import module_from_spec, spec_from_file_location
from pathlib import Path
from types import ModuleType

from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, XSD

from kg.check.derive import derive
from kg.data.assemble import assemble
from kg.data.loader import read_data
from kg.data.namespaces import PRKG, Namespaces
from kg.data.ontology import OntologyInfo

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "ontology" / "migrations" / "v5.py"
ID = "https://w3id.org/prkg/id/"

# As a curator of a parallel session writes them: flow and block style, a claim with its
# own source, an as_spelled, a comment to keep.
NEW_CLAIMS = (
    "source: S13\n"
    "recorded: 2026-11-27\n"
    "claims:\n"
    '- {subject: pakistan-steel-mills, predicate: constructionStartDate, object: "1975",'
    ' locator: para 4, quote: "work began in 1975", as_spelled: the Karachi plant}'
    "  # kept\n"
    "- subject: muzaffargarh-thermal-power-station\n"
    "  predicate: operationalSince\n"
    '  object: "1980"\n'
    "  locator: para 5\n"
    "  confidence: low\n"
    "- {subject: ogdcl, predicate: prkg:foundingDate, object: 1961-04, locator: para 6,"
    " source: S36}\n"
)


def _v5() -> ModuleType:
    spec = spec_from_file_location("v5", SCRIPT)
    assert spec and spec.loader
    module = module_from_spec(spec)
    sys.modules["v5"] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _copy(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    (data / "claims" / "S999-new-curator.yaml").write_text(NEW_CLAIMS, encoding="utf-8")
    return data


def _snapshot(data: Path) -> dict[str, str]:
    return {str(p.relative_to(data)): p.read_text(encoding="utf-8") for p in data.rglob("*.yaml")}


def test_migration_moves_shortcuts_to_events_and_is_idempotent(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    changes = _v5().migrate(data, datetime.date(2026, 12, 9))
    assert any("S999-new-curator.yaml:4" in c for c in changes), changes
    records, errors = read_data(data)
    assert not errors, errors
    shortcuts = set(_v5().KINDS)
    assert not [c for c in records.claims if c.predicate.removeprefix("prkg:") in shortcuts]
    mine = {(c.subject, c.predicate, str(c.object)): c for c in records.claims if c.source == "S13"}
    moved = mine[("pakistan-steel-mills-construction-start", "date", "1975")]
    assert (moved.locator, moved.quote, moved.as_spelled) == ("para 4", "work began in 1975", None)
    link = mine[("pakistan-steel-mills-construction-start", "concerns", "pakistan-steel-mills")]
    assert link.as_spelled == "the Karachi plant" and link.locator == "para 4"
    assert link.recorded == "2026-12-09"  # made on the day of the run
    assert moved.recorded == "2026-11-27"  # the migrated claim keeps its own day
    block = mine[("muzaffargarh-thermal-power-station-production-start", "date", "1980")]
    assert block.confidence == "low"
    ogdcl = [c for c in records.claims if c.subject == "ogdcl-founding" and c.object == "1961-04"]
    assert [c.source for c in ogdcl] == ["S36"]
    # the event a source dates is an entity of its class, with that source among its sources
    event = records.entities["pakistan-steel-mills-construction-start"]
    assert event.cls == "ConstructionStart" and {"S13", "S22"} <= set(event.sources)
    assert records.entities["muzaffargarh-thermal-power-station-production-start"].cls == (
        "ProductionStart"
    )
    text = (data / "claims" / "S999-new-curator.yaml").read_text(encoding="utf-8")
    assert "# kept" in text
    # a second run finds nothing to do and leaves every file as it is
    before = _snapshot(data)
    assert _v5().migrate(data) == []
    assert _snapshot(data) == before


def test_migrated_data_derives_the_shortcut_with_its_provenance(tmp_path: Path) -> None:
    """After the migration the rule gives back the shortcut, from the same source, locator
    and quote, and the assembled data passes the loader's checks."""
    data = _copy(tmp_path)
    _v5().migrate(data)
    records, errors = read_data(data)
    assert not errors
    onto = OntologyInfo.load(ROOT / "ontology")
    assembly = assemble(records, onto, Namespaces())
    assert not assembly.errors, assembly.errors[:5]
    derived = derive(assembly.triples(), onto.graph, ROOT / "ontology").graph
    psm = URIRef(ID + "pakistan-steel-mills")
    year = Literal("1975", datatype=XSD.gYear)
    assert (psm, PRKG.constructionStartDate, year) in derived
    claims = [
        c
        for c in derived.subjects(RDF.subject, psm)
        if (c, RDF.predicate, PRKG.constructionStartDate) in derived
        and (c, RDF.object, year) in derived
    ]
    assert len(claims) == 1
    claim = claims[0]
    assert (claim, RDF.type, PRKG.DerivedClaim) in derived
    assert (claim, PROV.wasDerivedFrom, URIRef("https://w3id.org/prkg/source/S13")) in derived
    assert (claim, PRKG.quote, Literal("work began in 1975")) in derived
    assert (claim, PRKG.locator, Literal("para 4")) in derived
    assert (claim, PRKG.viaEvent, URIRef(ID + "pakistan-steel-mills-construction-start")) in (
        derived
    )


def test_command_line(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(data)], capture_output=True, text=True, check=True
    )
    assert "S999-new-curator.yaml" in done.stdout
    again = subprocess.run(
        [sys.executable, str(SCRIPT), str(data)], capture_output=True, text=True, check=True
    )
    assert again.stdout.strip() == "0 change(s)"
    bad = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True)
    assert bad.returncode == 2 and "usage" in bad.stderr


def test_rerun_on_new_data_adds_its_sources_to_the_events_there(tmp_path: Path) -> None:
    """The lead re-runs the script at merge: events made earlier get the new sources."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    _v5().migrate(data, datetime.date(2026, 12, 2))
    (data / "claims" / "S999-new-curator.yaml").write_text(NEW_CLAIMS, encoding="utf-8")
    changes = _v5().migrate(data, datetime.date(2026, 12, 5))
    assert any("sources + ['S13']" in c for c in changes), changes
    records, errors = read_data(data)
    assert not errors, errors
    assert "S13" in records.entities["pakistan-steel-mills-construction-start"].sources
    assert "S36" in records.entities["ogdcl-founding"].sources
    # a new event is recorded on the day of the run that made it, in that day's file
    # (Guddu's production start exists in data/ since a curator's S718: Muzaffargarh's does not)
    made = records.entities["muzaffargarh-thermal-power-station-production-start"]
    assert made.recorded == "2026-12-05" and made.file.endswith("life-cycle-2026-12-05.yaml")


def test_repository_data_is_migrated() -> None:
    """No claim in data/ curates a shortcut date: each is an event's date (the rule derives
    the shortcut), and every event the migration made concerns what it dates."""
    records, errors = read_data(ROOT / "data")
    assert not errors
    shortcuts = set(_v5().KINDS)
    left = [f"{c.file}:{c.line}" for c in records.claims if c.predicate in shortcuts]
    assert left == [], "run python ontology/migrations/v5.py data"
    concerned = {c.subject for c in records.claims if c.predicate == "concerns"}
    made = [e for e in records.entities.values() if "life-cycle-" in e.file]
    assert made and all(e.slug in concerned for e in made)
