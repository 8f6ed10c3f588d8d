"""What changed between two builds or releases: sources, entities, claims, support of facts.

Each side is read from its `dataset.nq` (a release directory, a store directory whose current
build is used, a build directory or the file itself) into an in-memory store, so any two can
be compared without a server. Claim ids are content-derived: a claim whose content changed
is one removed and one added; a claim keeping its id but gaining or losing a qualifier
(locator, quote, confidence) is "changed". A dispute is what /disputes calls one — the
single definition in `kg.report.disputes`, which honours prkg:singleValued.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field, fields
from pathlib import Path

import pyoxigraph as ox

from kg.data.namespaces import Namespaces
from kg.release.dumps import read_dataset
from kg.report.disputes import disputed_facts
from kg.report.export import english_labels
from kg.store import EmbeddedStore

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
Fact = tuple[str, str, str]


class DiffError(Exception):
    """A side of the comparison is not a release, a build or a store."""


def dataset_file(path: Path) -> Path:
    """The `dataset.nq` of a release, store, build or dumps directory (or the file)."""
    if path.is_file() and path.name.endswith(".nq"):
        return path
    for candidate in (
        path / "dataset.nq",
        path / "dumps" / "dataset.nq",
        path / "current" / "dumps" / "dataset.nq",
    ):
        if candidate.is_file():
            return candidate
    raise DiffError(f"{path}: no dataset.nq here (expected a release, build or store directory)")


@dataclass
class Snapshot:
    """The parts of a dataset a changelog compares."""

    sources: set[str] = field(default_factory=set)
    entities: set[str] = field(default_factory=set)
    claims: dict[str, frozenset[tuple[str, str]]] = field(default_factory=dict)
    support: dict[Fact, frozenset[str]] = field(default_factory=dict)  # fact -> source ids
    disputes: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)

    def facts_digest(self) -> dict[str, str]:
        """Entity -> digest of its facts and their sources: equal digests, unchanged facts."""
        rows: dict[str, list[str]] = defaultdict(list)
        for (s, p, o), sids in self.support.items():
            rows[s].append(f"{p} {o} {' '.join(sorted(sids))}")
        return {
            e: hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()
            for e, lines in rows.items()
        }


def snapshot_quads(quads: list[ox.Quad], ns: Namespaces) -> Snapshot:
    snap = Snapshot()
    graph_prefix, entity_prefix = ns.source_graph(""), ns.entity("")
    claim_prefix, source_prefix = ns.claim(""), ns.source("")
    parts: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for q in quads:
        g = q.graph_name
        if not (isinstance(g, ox.NamedNode) and g.value.startswith(graph_prefix)):
            continue
        snap.sources.add(g.value[len(graph_prefix) :])
        s = q.subject
        if not isinstance(s, ox.NamedNode):
            continue
        if s.value.startswith(claim_prefix):
            parts[s.value].append((q.predicate.value, str(q.object)))
        elif s.value.startswith(entity_prefix) and q.predicate.value == RDF + "type":
            snap.entities.add(s.value)
    support: dict[Fact, set[str]] = defaultdict(set)
    for claim, pairs in parts.items():
        snap.claims[claim] = frozenset(pairs)
        props = dict(pairs)
        if RDF + "subject" in props and DERIVED in props:
            fact = (
                props[RDF + "subject"].strip("<>"),
                props[RDF + "predicate"].strip("<>"),
                props[RDF + "object"],
            )
            support[fact].add(props[DERIVED].strip("<>").removeprefix(source_prefix))
    snap.support = {k: frozenset(v) for k, v in support.items()}
    store = EmbeddedStore(None)
    store.extend(quads)
    for fact in disputed_facts(store, ns):
        values = frozenset(side.display for side in fact.sides)
        snap.disputes[(fact.subject, fact.predicate)] = values
    snap.labels = english_labels(store, ns)
    store.close()
    return snap


def snapshot(path: Path, ns: Namespaces | None = None) -> Snapshot:
    return snapshot_quads(read_dataset(dataset_file(path)), ns or Namespaces())


@dataclass
class Changes:
    """The differences from `old` to `new`, each list sorted."""

    sources_added: list[str]
    sources_removed: list[str]
    entities_added: list[str]
    entities_removed: list[str]
    claims_added: list[str]
    claims_removed: list[str]
    claims_changed: list[str]
    # (s, p, o, source ids before, source ids after)
    support_changed: list[tuple[str, str, str, tuple[str, ...], tuple[str, ...]]]
    # (s, p, values now disputed): disputes that are new or whose values changed
    new_disputes: list[tuple[str, str, tuple[str, ...]]]
    disputes_resolved: list[tuple[str, str, tuple[str, ...]]]

    def counts(self) -> dict[str, int]:
        return {f.name: len(getattr(self, f.name)) for f in fields(self)}

    def is_empty(self) -> bool:
        return not any(self.counts().values())


def compare(old: Snapshot, new: Snapshot) -> Changes:
    """What changed from `old` to `new`."""
    support = [
        (*fact, tuple(sorted(old.support[fact])), tuple(sorted(new.support[fact])))
        for fact in sorted(old.support.keys() & new.support.keys())
        if old.support[fact] != new.support[fact]
    ]
    common = old.claims.keys() & new.claims.keys()
    return Changes(
        sources_added=sorted(new.sources - old.sources),
        sources_removed=sorted(old.sources - new.sources),
        entities_added=sorted(new.entities - old.entities),
        entities_removed=sorted(old.entities - new.entities),
        claims_added=sorted(new.claims.keys() - old.claims.keys()),
        claims_removed=sorted(old.claims.keys() - new.claims.keys()),
        claims_changed=sorted(c for c in common if old.claims[c] != new.claims[c]),
        support_changed=support,
        new_disputes=[
            (s, p, tuple(sorted(v)))
            for (s, p), v in sorted(new.disputes.items())
            if old.disputes.get((s, p)) != v
        ],
        disputes_resolved=[
            (s, p, tuple(sorted(v)))
            for (s, p), v in sorted(old.disputes.items())
            if (s, p) not in new.disputes
        ],
    )


def diff_paths(a: Path, b: Path, ns: Namespaces | None = None) -> tuple[Changes, Snapshot]:
    """The changes from `a` to `b`, and `b`'s snapshot (for labels)."""
    new = snapshot(b, ns)
    return compare(snapshot(a, ns), new), new
