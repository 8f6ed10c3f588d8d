"""`prkg build`: data/ + ontology/ → validated, reasoned, persistent store and dumps.

The stages run in order and the first stage with errors stops the build, listing all of
that stage's errors. Nothing is written where the current store lives until everything
has succeeded: the new store is built in a fresh directory and switched in atomically
(see kg/layout.py), so a failed or killed build leaves the previous one served.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from kg.assemble import Assembly, assemble
from kg.layout import StoreLayout, store_lock
from kg.loader import DataValidationError, read_data
from kg.namespaces import DEFAULT_NAMESPACE, PRKG, Namespaces
from kg.ontology import ONTOLOGY_FILE, OntologyInfo
from kg.quality import run_rules
from kg.reason import reason
from kg.store import EmbeddedStore
from kg.validate import check_shapes, load_shapes

Log = Callable[[str], None]
DEFAULT_ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"


class BuildError(Exception):
    """A stage of the build failed; the message lists every problem found in that stage."""


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class BuildSummary:
    namespace: str
    sources: int
    entities_by_class: dict[str, int]
    claims: int
    triples_per_graph: dict[str, int]
    inferred: int
    total_quads: int
    seconds: float
    stages: dict[str, float] = field(default_factory=dict)
    build_dir: str = ""

    def text(self) -> str:
        lines = [
            f"Built {self.total_quads} quads in {self.seconds:.1f} s ({self.build_dir})",
            f"  sources: {self.sources}",
            f"  claims:  {self.claims}",
            f"  entities: {sum(self.entities_by_class.values())}",
        ]
        lines += [f"    {cls}: {n}" for cls, n in sorted(self.entities_by_class.items())]
        lines.append("  triples per graph:")
        lines += [f"    {g}: {n}" for g, n in sorted(self.triples_per_graph.items())]
        lines.append(f"  inferred triples: {self.inferred}")
        return "\n".join(lines)


class _Stages:
    def __init__(self, log: Log) -> None:
        self.log = log
        self.times: dict[str, float] = {}

    def run(self, name: str, func: Callable[[], object]) -> object:
        self.log(f"[prkg build] {name} …")
        start = time.perf_counter()
        result = func()
        self.times[name] = round(time.perf_counter() - start, 3)
        self.log(f"[prkg build] {name} done in {self.times[name]:.2f} s")
        return result


def _to_ox(term: object) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    from rdflib import BNode, Literal

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unexpected term {term!r}")


def _graph_quads(graph: Graph, name: str) -> list[ox.Quad]:
    g = ox.NamedNode(name)
    return [ox.Quad(_to_ox(s), _to_ox(p), _to_ox(o), g) for s, p, o in graph]  # type: ignore[arg-type]


def check_data(
    data_dir: Path,
    *,
    namespace: str = DEFAULT_NAMESPACE,
    ontology_dir: Path = DEFAULT_ONTOLOGY_DIR,
    reason_owl: bool = True,
    log: Log = _stderr,
) -> tuple[Assembly, Graph, OntologyInfo]:
    """Read, assemble, validate and reason; raise BuildError/DataValidationError on problems."""
    ns = Namespaces(namespace)
    stages = _Stages(log)
    onto = stages.run("reading the ontology", lambda: OntologyInfo.load(ontology_dir))
    assert isinstance(onto, OntologyInfo)
    data, errors = stages.run("reading data", lambda: read_data(data_dir))  # type: ignore[misc]
    if errors:
        raise DataValidationError(errors)
    assembly = stages.run("checking references", lambda: assemble(data, onto, ns))
    assert isinstance(assembly, Assembly)
    if assembly.errors:
        raise DataValidationError(assembly.errors)
    union = assembly.union()
    violations = stages.run(
        "validating shapes (pySHACL)",
        lambda: check_shapes(union, load_shapes(ontology_dir), onto.graph, assembly.origins),
    )
    if violations:
        listing = "\n".join(f"  {v}" for v in violations)  # type: ignore[union-attr]
        raise BuildError(f"{len(violations)} shape violation(s):\n{listing}")  # type: ignore[arg-type]
    inferred = Graph()
    if reason_owl:
        result = stages.run(
            "reasoning (owlready2 HermiT)",
            lambda: reason(union, onto, (ns.entity(""), ns.value(""))),
        )
        inferred = result.inferred  # type: ignore[union-attr]
    assembly.graphs[ns.inferred_graph] = inferred
    assembly.graphs[ns.ontology_graph] = onto.graph
    setattr(assembly, "stage_times", stages.times)  # noqa: B010
    return assembly, union, onto


def build(
    data_dir: Path,
    store_dir: Path,
    *,
    namespace: str = DEFAULT_NAMESPACE,
    dist_dir: Path | None = None,
    ontology_dir: Path = DEFAULT_ONTOLOGY_DIR,
    reason_owl: bool = True,
    log: Log = _stderr,
) -> BuildSummary:
    """Build the store in `store_dir` from `data_dir`; atomic with respect to the old store."""
    started = time.perf_counter()
    ns = Namespaces(namespace)
    assembly, union, onto = check_data(
        data_dir, namespace=namespace, ontology_dir=ontology_dir, reason_owl=reason_owl, log=log
    )
    stages = _Stages(log)
    stages.times.update(getattr(assembly, "stage_times", {}))
    layout = StoreLayout(store_dir)
    store_dir.mkdir(parents=True, exist_ok=True)
    build_dir = layout.new_build()
    # A server with updates enabled writes to the served build. From the copy of its updates
    # graph to the switch, the store lock keeps it from writing (it waits), so no accepted
    # update is left behind in the old build.
    try:
        with store_lock(layout.lock_path):
            previous = layout.current_build()
            store = EmbeddedStore(layout.oxigraph_dir(build_dir))
            oxs = store.oxigraph

            def load() -> None:
                # One bulk load for all graphs: each bulk_extend call has a fixed cost.
                oxs.bulk_extend(
                    quad
                    for name in sorted(assembly.graphs)
                    for quad in _graph_quads(assembly.graphs[name], name)
                )
                if previous is not None:
                    _carry_updates(layout.oxigraph_dir(previous), oxs, ns.updates_graph)
                oxs.flush()

            stages.run("loading the store (pyoxigraph)", load)
            violations = stages.run("quality rules", lambda: run_rules(store, ns))
            if violations:
                raise BuildError(
                    "Quality rules failed:\n" + "\n".join(f"  {v}" for v in violations)  # type: ignore[union-attr]
                )
            stages.run(
                "writing dumps",
                lambda: write_dumps(oxs, layout.dumps_dir(build_dir), ontology_dir, ns),
            )
            counts = {name: len(graph) for name, graph in sorted(assembly.graphs.items())}
            summary = BuildSummary(
                namespace=namespace,
                sources=sum(1 for g in assembly.graphs if g.startswith(ns.source_graph(""))),
                entities_by_class=_entities_by_class(union, onto, ns),
                claims=assembly.claim_count,
                triples_per_graph=counts,
                inferred=len(assembly.graphs[ns.inferred_graph]),
                total_quads=len(oxs),
                seconds=0.0,
                stages=stages.times,
                build_dir=str(build_dir),
            )
            store.close()
            summary.seconds = round(time.perf_counter() - started, 2)
            (build_dir / "build.json").write_text(
                json.dumps(asdict(summary), indent=2, ensure_ascii=False), encoding="utf-8"
            )
            layout.activate(build_dir)
    except BaseException:
        layout.discard(build_dir)
        raise
    if dist_dir is not None:
        dist_dir.mkdir(parents=True, exist_ok=True)
        for dump in layout.dumps_dir(build_dir).iterdir():
            shutil.copy2(dump, dist_dir / dump.name)
    log(summary.text())
    return summary


def _carry_updates(previous_dir: Path, target: ox.Store, graph: str) -> None:
    """Copy the SPARQL-Update graph of the previous build, so a rebuild never loses it."""
    try:
        old = ox.Store.read_only(str(previous_dir))
    except OSError:
        return
    name = ox.NamedNode(graph)
    target.bulk_extend(list(old.quads_for_pattern(None, None, None, name)))


def _entities_by_class(union: Graph, onto: OntologyInfo, ns: Namespaces) -> dict[str, int]:
    from rdflib.namespace import RDF

    prefix = ns.entity("")
    counts: Counter[str] = Counter()
    classes = {iri: name for name, iri in onto.classes.items()}
    for s, o in union.subject_objects(RDF.type):
        if str(s).startswith(prefix) and o in classes:
            counts[classes[o]] += 1
    return dict(sorted(counts.items()))


def write_dumps(store: ox.Store, out: Path, ontology_dir: Path, ns: Namespaces) -> None:
    """The dataset as TriG and N-Quads, the union as Turtle, the ontology as Turtle and RDF/XML."""
    out.mkdir(parents=True, exist_ok=True)
    prefixes = {
        k: v
        for k, v in ns.prefixes().items()
        if k in {"prkg", "rdf", "rdfs", "xsd", "owl", "skos", "dct", "prov", "schema", "id", "src"}
    }
    store.dump(str(out / "dataset.trig"), format=ox.RdfFormat.TRIG, prefixes=prefixes)
    store.dump(str(out / "dataset.nq"), format=ox.RdfFormat.N_QUADS)
    union = store.query(
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True
    )
    union.serialize(str(out / "union.ttl"), format=ox.RdfFormat.TURTLE)  # type: ignore[union-attr]
    shutil.copy2(ontology_dir / ONTOLOGY_FILE, out / "ontology.ttl")
    onto = Graph().parse(ontology_dir / ONTOLOGY_FILE, format="turtle")
    onto.serialize(out / "ontology.owl", format="xml")


__all__ = ["PRKG", "BuildError", "BuildSummary", "build", "check_data"]
