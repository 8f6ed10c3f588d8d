"""Evaluate the prkg ontology offline: OOPS!-style pitfall checks and the OWL 2 DL profile.

Run `python ontology/evaluate.py` (exit status 1 when the DL check or a pitfall marked
critical fails). The OOPS! web service cannot be called from the tests, so the pitfalls that
can be computed from the ontology alone are computed here, each under its catalogue number
(https://oops.linkeddata.es/catalogue.jsp); the OWL 2 DL profile check is the OWL API's own,
run in Java against the OWL API that ships inside owlready2's HermiT.jar. README's ontology
section shows this script's output.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

HERE = Path(__file__).resolve().parent
PRKG = "https://w3id.org/prkg/ontology#"
JAVA_SOURCE = HERE / "tools" / "DLProfileCheck.java"
AGENTS = {PRKG + "team", PRKG + "curators"}


@dataclass
class Finding:
    code: str
    title: str
    critical: bool
    items: list[str] = field(default_factory=list)


def load(ontology_dir: Path = HERE) -> Graph:
    """The ontology with its imported module of external declarations (its imports closure)."""
    graph = Graph().parse(ontology_dir / "prkg.ttl", format="turtle")
    module = ontology_dir / "imports" / "external.ttl"
    if module.is_file():
        graph.parse(module, format="turtle")
    return graph


def hermit_jar() -> Path:
    import owlready2

    jar = Path(owlready2.__file__).parent / "hermit" / "HermiT.jar"
    if not jar.is_file():
        raise FileNotFoundError(f"HermiT.jar not found at {jar} (is owlready2 installed?)")
    return jar


def dl_profile_violations(graph: Graph) -> list[str]:
    """The OWL API's OWL 2 DL profile violations of `graph` (imports already merged in)."""
    jar = hermit_jar()
    with tempfile.TemporaryDirectory(prefix="prkg-dl-") as tmp:
        work = Path(tmp)
        closed = Graph()
        for triple in graph:
            if triple[1] != OWL.imports:  # merged: the OWL API must not fetch it
                closed.add(triple)
        closed.serialize(work / "ontology.owl", format="xml")
        subprocess.run(
            ["javac", "-cp", str(jar), "-d", str(work), str(JAVA_SOURCE)],
            check=True,
            capture_output=True,
        )
        run = subprocess.run(
            ["java", "-cp", f"{jar}:{work}", "DLProfileCheck", str(work / "ontology.owl")],
            capture_output=True,
            text=True,
            timeout=120,
        )
    lines = [line for line in run.stdout.splitlines() if line.strip()]
    if not lines or not lines[-1].startswith("violations:"):
        raise RuntimeError(f"the DL profile check did not run: {run.stderr.strip()[-500:]}")
    return lines[:-1]


def _terms(graph: Graph, kind: URIRef) -> list[URIRef]:
    return sorted(
        s
        for s in graph.subjects(RDF.type, kind)
        if isinstance(s, URIRef) and str(s).startswith(PRKG) and str(s) not in AGENTS
    )


def _name(term: URIRef) -> str:
    return str(term)[len(PRKG) :]


def pitfalls(graph: Graph) -> list[Finding]:
    """The OOPS! pitfalls that need no web service, computed on the ontology graph."""
    classes = _terms(graph, OWL.Class)
    obj = _terms(graph, OWL.ObjectProperty)
    dat = _terms(graph, OWL.DatatypeProperty)
    declared = set(classes) | set(obj) | set(dat) | set(_terms(graph, OWL.AnnotationProperty))
    declared |= {s for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef)}
    findings: list[Finding] = []

    disjoint: set[URIRef] = set()
    for group in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        disjoint.update(graph.items(graph.value(group, OWL.members)))
    for a, b in graph.subject_objects(OWL.disjointWith):
        disjoint.update((a, b))

    # P10: a class without any disjointness axiom, on itself or on a superclass.
    def covered(cls: URIRef) -> bool:
        seen, todo = set(), [cls]
        while todo:
            c = todo.pop()
            if c in disjoint:
                return True
            seen.add(c)
            todo += [p for p in graph.objects(c, RDFS.subClassOf) if p not in seen]
        return False

    findings.append(
        Finding("P10", "Missing disjointness", True, [_name(c) for c in classes if not covered(c)])
    )
    # P11: properties without domain or range.
    findings.append(
        Finding(
            "P11",
            "Missing domain or range in properties",
            True,
            [
                _name(p)
                for p in obj + dat
                if graph.value(p, RDFS.domain) is None or graph.value(p, RDFS.range) is None
            ],
        )
    )
    # P13: object properties without an inverse (informational: most need none).
    with_inverse = {s for s, _ in graph.subject_objects(OWL.inverseOf)} | {
        o for _, o in graph.subject_objects(OWL.inverseOf)
    }
    findings.append(
        Finding(
            "P13",
            "Inverse relationships not explicitly declared (informational)",
            False,
            [_name(p) for p in obj if p not in with_inverse],
        )
    )
    # P08/P04-like: terms without label or definition; P34/P35: undeclared terms used.
    findings.append(
        Finding(
            "P08",
            "Missing annotations (English label or definition)",
            True,
            [
                _name(t)
                for t in classes + obj + dat
                if not any(
                    getattr(x, "language", None) == "en" for x in graph.objects(t, RDFS.label)
                )
                or graph.value(t, URIRef("http://www.w3.org/2004/02/skos/core#definition")) is None
            ],
        )
    )
    used = {
        n
        for triple in graph
        for n in triple
        if isinstance(n, URIRef) and str(n).startswith(PRKG) and str(n) not in AGENTS
    }
    findings.append(
        Finding(
            "P34/P35",
            "Untyped class or property (used, not declared)",
            True,
            sorted(_name(n) for n in used - declared),
        )
    )
    # P32: several classes, or several properties, with the same English label (a class
    # "Place" and a property "place" are the usual pairing, not a pitfall).
    by_label: dict[str, list[str]] = defaultdict(list)
    for kind, terms in (("class", classes), ("property", obj + dat)):
        for t in terms:
            for lab in graph.objects(t, RDFS.label):
                if getattr(lab, "language", None) == "en":
                    by_label[f"{kind} {str(lab).lower()}"].append(_name(t))
    findings.append(
        Finding(
            "P32",
            "Several classes or properties with the same label",
            True,
            [f"{lab}: {', '.join(ts)}" for lab, ts in sorted(by_label.items()) if len(ts) > 1],
        )
    )
    # P22: inconsistent naming (classes UpperCamelCase, properties lowerCamelCase).
    bad = [_name(c) for c in classes if not re.fullmatch(r"[A-Z][A-Za-z0-9]*", _name(c))]
    bad += [_name(p) for p in obj + dat if not re.fullmatch(r"[a-z][A-Za-z0-9]*", _name(p))]
    findings.append(Finding("P22", "Inconsistent naming convention", True, bad))
    # rdfs:isDefinedBy on every term.
    findings.append(
        Finding(
            "meta",
            "Terms without rdfs:isDefinedBy",
            True,
            [_name(t) for t in classes + obj + dat if graph.value(t, RDFS.isDefinedBy) is None],
        )
    )
    return findings


def report(ontology_dir: Path = HERE) -> tuple[str, bool]:
    """The evaluation as Markdown-ready text, and whether it passed."""
    graph = load(ontology_dir)
    lines = []
    ok = True
    classes = len(_terms(graph, OWL.Class))
    props = len(_terms(graph, OWL.ObjectProperty)) + len(_terms(graph, OWL.DatatypeProperty))
    lines.append(f"prkg ontology: {classes} classes, {props} properties")
    violations = dl_profile_violations(graph)
    ok &= not violations
    lines.append(f"OWL 2 DL profile (OWL API): {len(violations)} violation(s)")
    lines += [f"  {v}" for v in violations[:20]]
    for f in pitfalls(graph):
        state = "ok" if not f.items else f"{len(f.items)}"
        if f.items and f.critical:
            ok = False
        lines.append(f"{f.code} {f.title}: {state}")
        if f.items and f.critical:
            lines += [f"  {item}" for item in f.items[:20]]
    return "\n".join(lines), ok


def main() -> int:
    text, ok = report(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
