"""`prkg build`: data/ + ontology/ → validated, reasoned, persistent store and dumps.

The stages run in order and the first stage with errors stops the build, listing all of
that stage's errors; the SHACL check alone runs beside the later stages, in other processes
(kg/check/shapes_job.py), and the build waits for it before switching stores. Nothing is written
where the current store lives until everything has succeeded: the new store is built in a
fresh directory and switched in atomically (see kg/store/layout.py), so a failed or killed build
leaves the previous one served.
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
from rdflib import Graph

from kg.check.curation import check_data
from kg.check.derive import curated_shortcuts, derive
from kg.check.quality import run_rules
from kg.check.reason import reason
from kg.check.shapes_job import ShapeChecks, parallel_groups
from kg.check.validate import ShapeViolation, check_shapes, load_shapes, shape_groups
from kg.data.assemble import Assembly, assemble
from kg.data.loader import read_data
from kg.data.namespaces import DEFAULT_NAMESPACE, PRKG, Namespaces
from kg.data.nquads import write_files
from kg.data.ontology import ONTOLOGY_FILE, OntologyInfo
from kg.data.records import DataValidationError
from kg.link.linksets import write_linkset_dumps
from kg.report.links import coverage_warning, link_coverage
from kg.store import EmbeddedStore
from kg.store.layout import StoreLayout, store_lock
from kg.store.union import DEFAULT, with_default_copies

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


@dataclass
class _Prepared:
    assembly: Assembly
    onto: OntologyInfo
    shapes: ShapeChecks
    stages: _Stages


def _shape_error(violations: list[ShapeViolation]) -> BuildError:
    listing = "\n".join(f"  {v}" for v in violations)
    return BuildError(f"{len(violations)} shape violation(s):\n{listing}")


def _prepare(
    data_dir: Path, ns: Namespaces, ontology_dir: Path, reason_owl: bool, log: Log
) -> _Prepared:
    """Read and assemble; start the shape check in the background; reason."""
    stages = _Stages(log)
    onto = stages.run("reading the ontology", lambda: OntologyInfo.load(ontology_dir))
    assert isinstance(onto, OntologyInfo)
    data, errors = stages.run("reading data", lambda: read_data(data_dir))  # type: ignore[misc]
    if errors:
        raise DataValidationError(errors)
    twice = curated_shortcuts(data, onto.graph)
    if twice:
        shown = ", ".join(twice[:10]) + (" …" if len(twice) > 10 else "")
        log(
            f"[prkg build] warning: {len(twice)} claim(s) curate a date that the rules derive "
            f"from life-cycle events ({shown}); run python ontology/migrations/v5.py on the "
            "data folder to make them the events' dates"
        )
    # Curation findings (possible duplicates, long quotes) are for a person to judge: they are
    # printed and the build goes on; a `distinct:` entry naming unknown records is an error.
    report = stages.run("curation checks", lambda: check_data(data))
    if report.errors:  # type: ignore[union-attr]
        raise DataValidationError(report.errors)  # type: ignore[union-attr]
    for finding in report.findings:  # type: ignore[union-attr]
        log(f"warning: {finding}")
    assembly = stages.run("checking references", lambda: assemble(data, onto, ns))
    assert isinstance(assembly, Assembly)
    if assembly.errors:
        raise DataValidationError(assembly.errors)
    # The rules of ontology/rules/ derive the life-cycle shortcuts (a facility's construction
    # start date from its ConstructionStart event, …) into the inferred graph before the
    # shapes and the reasoner run, so that both check the derived values as well.
    derived = stages.run(
        "deriving by rules (ontology/rules)",
        lambda: derive(assembly.triples(), onto.graph, ontology_dir),
    )
    log(
        "[prkg build] rules derived "
        + ", ".join(f"{n} triples by {rule}" for rule, n in derived.per_rule.items())  # type: ignore[union-attr]
    )
    assembly.graphs[ns.inferred_graph] = derived.graph  # type: ignore[union-attr]
    shapes_graph = load_shapes(ontology_dir)
    log("[prkg build] validating shapes (pySHACL), in parallel processes …")
    # The merged graph pySHACL needs is made in the shape-check processes too (it takes a
    # while, and nothing else needs it: the reasoner reads the graphs one by one). With the
    # memory for it, claims' shapes and the others are checked side by side.
    size = sum(len(graph) for graph in assembly.graphs.values())
    groups = shape_groups(shapes_graph, parallel_groups(size))
    shapes = ShapeChecks(
        [
            lambda group=group: check_shapes(
                assembly.union(), shapes_graph, onto.graph, assembly.origins, group
            )
            for group in groups
        ]
    )
    inferred = Graph()
    try:
        if reason_owl:
            result = stages.run(
                "reasoning (owlready2 HermiT)",
                lambda: reason(
                    assembly.triples(),
                    onto,
                    (ns.entity(""), ns.value("")),
                    bookkeeping=(ns.claim(""),),
                ),
            )
            inferred = result.inferred  # type: ignore[union-attr]
            log(
                f"[prkg build] the reasoner read {result.literals} literal values "  # type: ignore[union-attr]
                f"(texts, numbers); {result.dates_left_to_shacl} dates (xsd:date, gYearMonth, "  # type: ignore[union-attr]
                "gYear: outside the OWL 2 datatype map) are left to the SHACL shapes"
            )
    except (BuildError, DataValidationError) as exc:
        # Shapes come first, as when the stages ran one after the other: a shape violation
        # usually explains the clash the reasoner found.
        violations = shapes.result()
        if violations:
            raise _shape_error(violations) from exc
        raise
    except BaseException:
        shapes.cancel()
        raise
    for triple in derived.graph:  # type: ignore[union-attr]
        inferred.add(triple)
    assembly.graphs[ns.inferred_graph] = inferred
    assembly.graphs[ns.ontology_graph] = onto.graph
    return _Prepared(assembly, onto, shapes, stages)


def _join_shapes(prepared: _Prepared, log: Log) -> None:
    """Wait for the shape check; raise its violations as the build's error."""
    violations = prepared.shapes.result()
    seconds = round(prepared.shapes.seconds, 3)
    prepared.stages.times["validating shapes (pySHACL)"] = seconds
    log(f"[prkg build] validating shapes (pySHACL) done in {seconds:.2f} s (in parallel)")
    if violations:
        raise _shape_error(violations)


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
    prepared = _prepare(data_dir, ns, ontology_dir, reason_owl, log)
    assembly, onto, stages = prepared.assembly, prepared.onto, prepared.stages
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

            dumps = layout.dumps_dir(build_dir)
            dumps.mkdir(parents=True, exist_ok=True)

            def load() -> None:
                # The graphs go to pyoxigraph's bulk loader as N-Quads, each triple also into
                # the default graph, which holds the union (kg/store/union.py). `dataset.nq`, the
                # same quads without the union, is the dump.
                load_file = build_dir / "load.nq"
                write_files(assembly.graphs, dumps / "dataset.nq", load_file)
                oxs.bulk_load(path=str(load_file), format=ox.RdfFormat.N_QUADS)
                load_file.unlink()
                if previous is not None:
                    _carry_updates(layout.oxigraph_dir(previous), oxs, ns.updates_graph)
                oxs.flush()

            stages.run("loading the store (pyoxigraph)", load)
            # The bulk loader leaves many small files; compacting them once makes every
            # later query faster (1.3-1.9x on the benchmark's analytic queries at 1M).
            stages.run("compacting the store", oxs.optimize)
            violations = stages.run("quality rules", lambda: run_rules(store, ns))
            if violations:
                raise BuildError(
                    "Quality rules failed:\n" + "\n".join(f"  {v}" for v in violations)  # type: ignore[union-attr]
                )
            # Not an error: curation adds entities before anyone finds their identifiers.
            coverage = stages.run("link coverage", lambda: link_coverage(store, ns))
            warning = coverage_warning(coverage)  # type: ignore[arg-type]
            if warning:
                log(warning)
            stages.run(
                "writing dumps",
                lambda: write_dumps(oxs, dumps, ontology_dir, ns),
            )
            _join_shapes(prepared, log)
            counts = {name: len(graph) for name, graph in sorted(assembly.graphs.items())}
            summary = BuildSummary(
                namespace=namespace,
                sources=sum(1 for g in assembly.graphs if g.startswith(ns.source_graph(""))),
                entities_by_class=_entities_by_class(assembly, onto, ns),
                claims=assembly.claim_count,
                triples_per_graph=counts,
                inferred=len(assembly.graphs[ns.inferred_graph]),
                total_quads=len(oxs)
                - sum(1 for _ in oxs.quads_for_pattern(None, None, None, DEFAULT)),
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
        prepared.shapes.cancel()
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
    target.bulk_extend(with_default_copies(list(old.quads_for_pattern(None, None, None, name))))


def _entities_by_class(assembly: Assembly, onto: OntologyInfo, ns: Namespaces) -> dict[str, int]:
    from rdflib.namespace import RDF

    prefix = ns.entity("")
    classes = {iri: name for name, iri in onto.classes.items()}
    typed = {
        (s, o)
        for name, graph in assembly.graphs.items()
        if name not in (ns.inferred_graph, ns.ontology_graph)  # asserted types only
        for s, o in graph.subject_objects(RDF.type)
        if o in classes and str(s).startswith(prefix)
    }
    counts = Counter(classes[o] for _s, o in typed)
    return dict(sorted(counts.items()))


def write_dumps(store: ox.Store, out: Path, ontology_dir: Path, ns: Namespaces) -> None:
    """The dataset as TriG and N-Quads, the union as Turtle, the ontology as Turtle and RDF/XML,
    and the linksets as N-Triples (links-<target>.nt).

    `dataset.nq` was written by the load stage; the updates graph carried over from the
    previous build is appended, so the dump holds every named graph of the store (and not
    the stored union, which is the default graph: kg/store/union.py).
    """
    prefixes = {
        k: v
        for k, v in ns.prefixes().items()
        if k in {"prkg", "rdf", "rdfs", "xsd", "owl", "skos", "dct", "prov", "schema", "id", "src"}
    }
    updates = list(store.quads_for_pattern(None, None, None, ox.NamedNode(ns.updates_graph)))
    if updates:
        with (out / "dataset.nq").open("ab") as nq:
            ox.serialize(updates, nq, format=ox.RdfFormat.N_QUADS)
    ox.serialize(
        ox.parse(path=str(out / "dataset.nq"), format=ox.RdfFormat.N_QUADS),
        str(out / "dataset.trig"),
        format=ox.RdfFormat.TRIG,
        prefixes=prefixes,
    )
    store.dump(
        str(out / "union.ttl"), format=ox.RdfFormat.TURTLE, from_graph=DEFAULT, prefixes=prefixes
    )
    shutil.copy2(ontology_dir / ONTOLOGY_FILE, out / "ontology.ttl")
    if (ontology_dir / "imports" / "external.ttl").is_file():
        shutil.copy2(ontology_dir / "imports" / "external.ttl", out / "ontology-external.ttl")
    onto = Graph().parse(ontology_dir / ONTOLOGY_FILE, format="turtle")
    onto.serialize(out / "ontology.owl", format="xml")
    # The links into Wikidata, GeoNames and DBpedia, one N-Triples file per target (issue 15).
    write_linkset_dumps(store, out, ns)


__all__ = ["PRKG", "BuildError", "BuildSummary", "build"]
