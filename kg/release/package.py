"""`prkg release VERSION`: write DIST/releases/VERSION/, a dated, checksummed, citable package.

It holds the dumps of the store's current build, the analysis tables with their codebook and
Frictionless descriptor, VoID/DCAT naming the version and the previous one, CITATION.cff,
RO-Crate metadata, a changelog against the previous release (Markdown and Turtle), the
history of every entity (since which release it exists, in which its facts last changed) and
SHA256SUMS. Nothing depends on the clock: the date is given, or is the latest
`prkg:recordedOn` of the data. The files are written in a hidden directory beside the final
one and renamed into place, so a failed release leaves nothing half-written.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.data.namespaces import PRKG, Namespaces
from kg.release import changelog, metadata
from kg.release.changes import Snapshot, compare, snapshot, snapshot_quads
from kg.release.codebook import codebook_markdown, datapackage
from kg.release.dumps import read_dataset, write_dumps
from kg.release.tables import all_tables
from kg.store import EmbeddedStore
from kg.store.layout import StoreLayout

VERSION = re.compile(r"^[0-9]+(\.[0-9]+)*([.+-][0-9A-Za-z]+)*$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
HISTORY = "entity-history.json"


class ReleaseError(Exception):
    """The release cannot be made: bad version or date, no built store, release exists."""


def version_key(version: str) -> tuple:
    """Sort key of versions: numeric parts as numbers, so 1.10 comes after 1.9."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[.+-]", version))


def releases(dist: Path) -> list[str]:
    """The finished releases under DIST/releases/, oldest first."""
    folder = dist / "releases"
    if not folder.is_dir():
        return []
    found = [p.name for p in folder.iterdir() if (p / "release.json").is_file()]
    return sorted(found, key=version_key)


def release_info(dist: Path, version: str) -> dict:
    return json.loads((dist / "releases" / version / "release.json").read_text("utf-8"))


def entity_history(dist: Path) -> dict[str, dict[str, str]]:
    """Entity IRI -> {since, facts_changed} from the latest release (empty without one)."""
    done = releases(dist)
    if not done:
        return {}
    path = dist / "releases" / done[-1] / HISTORY
    return json.loads(path.read_text("utf-8")) if path.is_file() else {}


@dataclass(frozen=True)
class Release:
    version: str
    date: str
    previous: str | None
    path: Path


def _data_date(quads: list[ox.Quad]) -> str | None:
    """The latest prkg:recordedOn of the data: its own date, not the clock's."""
    recorded = str(PRKG) + "recordedOn"
    dates = [
        q.object.value[:10]
        for q in quads
        if q.predicate.value == recorded and isinstance(q.object, ox.Literal)
    ]
    dates = [d for d in dates if DATE.fullmatch(d)]
    return max(dates) if dates else None


def make_release(
    store_dir: Path,
    dist: Path,
    version: str,
    *,
    date: str | None = None,
    namespaces: Namespaces | None = None,
) -> Release:
    """Write DIST/releases/VERSION/ from the current build of `store_dir`."""
    ns = namespaces or Namespaces()
    if not VERSION.fullmatch(version):
        raise ReleaseError(
            f"version {version!r}: expected numbers separated by dots, optionally with a "
            "suffix (1.0.0, 2026.12, 1.1.0-rc1)"
        )
    if date is not None and not DATE.fullmatch(date):
        raise ReleaseError(f"date {date!r}: expected YYYY-MM-DD")
    final = dist / "releases" / version
    if final.exists():
        raise ReleaseError(f"{final} exists already: a release is never overwritten")
    layout = StoreLayout(store_dir)
    build = layout.current_build()
    if build is None:
        raise ReleaseError(f"No built store in {store_dir}: run `prkg build --store {store_dir}`.")
    quads = read_dataset(layout.dumps_dir(build) / "dataset.nq")
    date = date or _data_date(quads)
    if date is None:
        raise ReleaseError("the data has no prkg:recordedOn date: give one with --date")
    older = [v for v in releases(dist) if version_key(v) < version_key(version)]
    previous = older[-1] if older else None
    work = dist / "releases" / f".{version}.partial-{os.getpid()}"
    work.mkdir(parents=True)
    try:
        _write(work, quads, layout, build, ns, version, date, previous, dist)
        work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return Release(version, date, previous, final)


def _write(
    out: Path,
    quads: list[ox.Quad],
    layout: StoreLayout,
    build: Path,
    ns: Namespaces,
    version: str,
    date: str,
    previous: str | None,
    dist: Path,
) -> None:
    write_dumps(quads, layout.dumps_dir(build) / "ontology.ttl", out, ns)
    store = EmbeddedStore(layout.oxigraph_dir(build), read_only=True)
    try:
        tables = all_tables(store, ns)
    finally:
        store.close()
    for name, text in tables.items():
        (out / name).write_text(text, encoding="utf-8")
    (out / "codebook.md").write_text(codebook_markdown(version), encoding="utf-8")
    _json(out / "datapackage.json", datapackage(version, date))
    new = snapshot_quads(quads, ns)
    old = snapshot(dist / "releases" / previous, ns) if previous else Snapshot()
    changes = compare(old, new)
    iri = metadata.release_iri(ns, version)
    old_iri = metadata.release_iri(ns, previous) if previous else None
    (out / "changelog.md").write_text(
        changelog.markdown(changes, previous or "nothing (first release)", version, new),
        encoding="utf-8",
    )
    (out / "changelog.ttl").write_text(
        changelog.turtle(changes, iri + "/changelog", old_iri, iri, date), encoding="utf-8"
    )
    before = {}
    if previous and (dist / "releases" / previous / HISTORY).is_file():
        before = json.loads((dist / "releases" / previous / HISTORY).read_text("utf-8"))
    _json(out / HISTORY, history(before, old, new, version))
    counts = {"triples": len({q.triple for q in quads}), "entities": len(new.entities)}
    (out / "void.ttl").write_text(
        metadata.void_turtle(ns, version, date, previous, counts), encoding="utf-8"
    )
    (out / "CITATION.cff").write_text(metadata.citation(version, date, ns), encoding="utf-8")
    info = {
        "version": version,
        "date": date,
        "previous": previous,
        "iri": iri,
        "changes": changes.counts(),
    }
    _json(out / "release.json", info)
    files = [*sorted(p.name for p in out.iterdir() if p.is_file()), "SHA256SUMS"]
    _json(out / "ro-crate-metadata.json", metadata.crate(files, version, date, ns))
    (out / "SHA256SUMS").write_text(metadata.checksums(out), encoding="utf-8")


def _json(path: Path, value: object) -> None:
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True) + "\n", "utf-8")


def history(
    before: dict[str, dict[str, str]], old: Snapshot, new: Snapshot, version: str
) -> dict[str, dict[str, str]]:
    """Entity IRI -> the release it first appeared in and the one its facts last changed in."""
    old_facts, new_facts = old.facts_digest(), new.facts_digest()
    out = {}
    for entity in sorted(new.entities):
        known = before.get(entity)
        if known is None or entity not in old.entities:
            out[entity] = {"since": version, "facts_changed": version}
            continue
        changed = old_facts.get(entity) != new_facts.get(entity)
        out[entity] = {
            "since": known["since"],
            "facts_changed": version if changed else known["facts_changed"],
        }
    return out
