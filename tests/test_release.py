"""`prkg release`: a citable, checksummed, byte-reproducible package of one build (issue 16).

Real builds of data/ (the session's one and a second one made here), real files on disk, the
real CLI; CITATION.cff checked against the Citation File Format 1.2.0 schema (and by
cffconvert where installed), the RO-Crate read back with the `rocrate` package.
tests/schemas/citation-file-format-1.2.0.json is the schema of the Citation File Format
1.2.0 (https://citation-file-format.github.io/1.2.0/schema.json), as cffconvert 2.0.0 ships it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml
from conftest import DATA_DIR

from api.cli import main
from kg.build import build
from kg.data.namespaces import Namespaces
from kg.release.package import make_release, releases
from kg.store import EmbeddedStore

SCHEMAS = Path(__file__).resolve().parent / "schemas"
EXPECTED = {
    "dataset.nq", "dataset.trig", "union.ttl", "ontology.ttl", "ontology.owl",
    "claims-rdf12.nt", "projects.csv", "agreements.csv", "events.csv", "posts.csv",
    "trade.csv", "entities.csv", "claims.csv", "codebook.md", "datapackage.json",
    "void.ttl", "CITATION.cff", "ro-crate-metadata.json", "SHA256SUMS", "changelog.md",
    "changelog.ttl", "entity-history.json", "release.json",
}  # fmt: skip


@pytest.fixture(scope="module")
def dist(built_store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two releases of the session's build through the CLI: 1.0.0, then 1.1.0."""
    folder = tmp_path_factory.mktemp("dist")
    for version in ("1.0.0", "1.1.0"):
        code = main(["release", version, "--store", str(built_store_dir), "--dist", str(folder)])
        assert code == 0
    return folder


def test_release_holds_every_file_with_checksums(dist: Path) -> None:
    folder = dist / "releases" / "1.0.0"
    assert {p.name for p in folder.iterdir()} >= EXPECTED
    lines = (folder / "SHA256SUMS").read_text().splitlines()
    listed = {}
    for line in lines:
        digest, name = line.split("  ")
        listed[name] = digest
    assert set(listed) == {p.name for p in folder.iterdir()} - {"SHA256SUMS"}
    for name, digest in listed.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    assert releases(dist) == ["1.0.0", "1.1.0"]


def test_dumps_parse_and_agree(dist: Path) -> None:
    folder = dist / "releases" / "1.0.0"
    nq = set(ox.parse(path=str(folder / "dataset.nq"), format=ox.RdfFormat.N_QUADS))
    trig = set(ox.parse(path=str(folder / "dataset.trig"), format=ox.RdfFormat.TRIG))
    assert len(nq) == len(trig) > 10_000
    union = list(ox.parse(path=str(folder / "union.ttl"), format=ox.RdfFormat.TURTLE))
    assert len(union) == len({q.triple for q in nq})
    owl = list(ox.parse(path=str(folder / "ontology.owl"), format=ox.RdfFormat.RDF_XML))
    ttl = list(ox.parse(path=str(folder / "ontology.ttl"), format=ox.RdfFormat.TURTLE))
    assert len(owl) == len(ttl) > 500


def test_two_builds_of_the_same_data_give_byte_identical_releases(
    dist: Path, tmp_path: Path
) -> None:
    """A second, independent build (fresh blank nodes, another store) released again."""
    store = tmp_path / "store"
    build(DATA_DIR, store, log=lambda _m: None)
    other = tmp_path / "dist"
    make_release(store, other, "1.0.0")
    first, second = dist / "releases" / "1.0.0", other / "releases" / "1.0.0"
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_void_names_version_date_and_previous(dist: Path, namespaces: Namespaces) -> None:
    store = ox.Store()
    store.load(path=str(dist / "releases" / "1.1.0" / "void.ttl"), format=ox.RdfFormat.TURTLE)
    rel = f"{namespaces.dataset}/release/1.1.0"
    q = f"""PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX dct: <http://purl.org/dc/terms/>
    SELECT ?v ?d ?prev ?cur WHERE {{ <{rel}> dcat:version ?v ; dct:issued ?d ;
      dcat:previousVersion ?prev . <{namespaces.dataset}> dcat:hasCurrentVersion ?cur }}"""
    rows = list(store.query(q))
    assert len(rows) == 1
    assert rows[0]["v"].value == "1.1.0"
    assert rows[0]["prev"].value.endswith("/release/1.0.0")
    assert rows[0]["cur"].value == rel
    info = json.loads((dist / "releases" / "1.1.0" / "release.json").read_text())
    assert rows[0]["d"].value == info["date"]
    assert info["previous"] == "1.0.0"


def test_citation_cff_is_valid(dist: Path) -> None:
    import jsonschema

    text = (dist / "releases" / "1.1.0" / "CITATION.cff").read_text()
    data = yaml.safe_load(text)
    schema = json.loads((SCHEMAS / "citation-file-format-1.2.0.json").read_text())
    jsonschema.validate({k: str(v) if k == "date-released" else v for k, v in data.items()},
                        schema, format_checker=jsonschema.FormatChecker())  # fmt: skip
    assert data["version"] == "1.1.0"
    bad = dict(data, **{"date-released": "yesterday"})
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema, format_checker=jsonschema.FormatChecker())


def test_citation_cff_passes_cffconvert(dist: Path) -> None:
    """cffconvert pins jsonschema<4, so it cannot be a test dependency; checked where present."""
    cffconvert = pytest.importorskip("cffconvert")
    citation = cffconvert.Citation(
        (dist / "releases" / "1.1.0" / "CITATION.cff").read_text(), src=None
    )
    citation.validate()


def test_ro_crate_reads_back_with_every_file(dist: Path) -> None:
    from rocrate.rocrate import ROCrate

    folder = dist / "releases" / "1.0.0"
    crate = ROCrate(str(folder))
    assert crate.root_dataset["version"] == "1.0.0"
    ids = {e.id for e in crate.get_entities()}
    for name in EXPECTED - {"ro-crate-metadata.json"}:
        assert name in ids, name


def test_triple_term_dump_answers_an_annotation_query(dist: Path) -> None:
    """SPARQL 1.2: `s p o ~ ?claim` over the claims as RDF 1.2 triple terms."""
    store = EmbeddedStore(None)
    data = (dist / "releases" / "1.0.0" / "claims-rdf12.nt").read_bytes()
    store.load(data, "application/n-triples", graph="https://w3id.org/prkg/graph/claims12")
    rows = store.select(
        """PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX prkg: <https://w3id.org/prkg/ontology#>
        SELECT ?claim ?doc WHERE {
          <https://w3id.org/prkg/id/pakistan-steel-mills> prkg:builtWithAssistanceOf
            <https://w3id.org/prkg/id/soviet-union> ~ ?claim .
          ?claim prov:wasDerivedFrom ?doc }"""
    )
    assert len(rows) >= 3
    assert all(r["doc"].value.startswith("https://w3id.org/prkg/source/") for r in rows)


def test_second_release_of_same_data_has_empty_changelog(dist: Path) -> None:
    info = json.loads((dist / "releases" / "1.1.0" / "release.json").read_text())
    assert not any(info["changes"].values())
    history = json.loads((dist / "releases" / "1.1.0" / "entity-history.json").read_text())
    psm = history["https://w3id.org/prkg/id/pakistan-steel-mills"]
    assert psm == {"since": "1.0.0", "facts_changed": "1.0.0"}


@pytest.mark.parametrize("version", ["", "v1", "1..0", "../x", "1.0/2"])
def test_bad_version_is_refused(
    version: str, built_store_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["release", version, "--store", str(built_store_dir), "--dist", str(tmp_path)])
    assert code == 2
    assert "version" in capsys.readouterr().err
    assert not (tmp_path / "releases").exists()


def test_existing_release_is_never_overwritten(
    dist: Path, built_store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = dist / "releases" / "1.0.0"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    code = main(["release", "1.0.0", "--store", str(built_store_dir), "--dist", str(dist)])
    assert code == 2
    assert "exists already" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert not [p for p in (dist / "releases").iterdir() if p.name.startswith(".")]


def test_a_failed_release_leaves_nothing_behind(
    built_store_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fault injection: the last metadata file fails to be made, late in the release."""
    from kg.release import metadata

    def broken(*_args: object) -> str:
        raise OSError("disk full")

    monkeypatch.setattr(metadata, "citation", broken)
    with pytest.raises(OSError, match="disk full"):
        make_release(built_store_dir, tmp_path, "1.0.0")
    assert list((tmp_path / "releases").iterdir()) == []


def test_missing_store_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["release", "1.0.0", "--store", str(tmp_path / "none"), "--dist", str(tmp_path)])
    assert code == 2
    assert "No built store" in capsys.readouterr().err
    assert not (tmp_path / "releases").exists()


def test_bad_date_is_refused(
    built_store_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["release", "1.0.0", "--store", str(built_store_dir), "--dist", str(tmp_path)]
    assert main([*argv, "--date", "2026-13"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert not (tmp_path / "releases").exists()
