"""Reconciliation accuracy and speed on the real graph: prints figures, asserts nothing.

Runs the OpenRefine-shaped name list (tests/fixtures/reconcile-names.csv) plus spellings of
facility names in other scripts, through the same index the /reconcile and /search services
use, and prints top-1 accuracy, match-flag accuracy and time per query. Run before and after
a change to `kg.link.textmatch` to see what it did:

    .venv/bin/python bench/reconcile_bench.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import csv
import statistics
import time
from pathlib import Path

from kg.data.assemble import assemble
from kg.data.loader import read_data
from kg.data.namespaces import Namespaces
from kg.data.ontology import OntologyInfo
from kg.link.reconcile_build import build_index
from kg.store import EmbeddedStore

ROOT = Path(__file__).resolve().parent.parent
NAMES = ROOT / "tests" / "fixtures" / "reconcile-names.csv"
# Other scripts and misspellings of names whose labels are English only.
EXTRA = [
    ("Гудду", "guddu-thermal-power-station"),
    ("گڈو", "guddu-thermal-power-station"),
    ("Gudu", "guddu-thermal-power-station"),
    ("Guddu", "guddu-thermal-power-station"),
    ("Музаффаргарх", "muzaffargarh-thermal-power-station"),
    ("Карачи", "karachi"),
    ("Pakistan Steal Mills", "pakistan-steel-mills"),
]


def load_store() -> tuple[EmbeddedStore, Namespaces]:
    ns = Namespaces()
    data, _errors = read_data(ROOT / "data")
    assembly = assemble(data, OntologyInfo.load(ROOT / "ontology"), ns)
    store = EmbeddedStore(None)
    store.load((ROOT / "ontology" / "prkg.ttl").read_bytes(), "text/turtle", ns.ontology_graph)
    for iri, triples in assembly.graphs.items():
        graph = triples.to_graph() if hasattr(triples, "to_graph") else triples
        store.load(graph.serialize(format="nt", encoding="utf-8"), "application/n-triples", iri)
    return store, ns


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="timing rounds over the list")
    args = parser.parse_args()
    store, ns = load_store()
    index = build_index(store, ns)
    with NAMES.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    cases = [
        (r["name"], r["type"] or None, r["expected_id"] or None, r["expected_match"]) for r in rows
    ]
    cases += [(name, None, slug, "") for name, slug in EXTRA]
    top1 = flags = 0
    misses = []
    for name, type_, expected, match in cases:
        found = index.reconcile(name, types=[type_] if type_ else None, limit=3)
        top = found[0] if found else None
        ok = (
            (top is not None and top.entity.slug == expected)
            if expected
            else not (top and top.match)
        )
        top1 += ok
        if not ok:
            misses.append(f"{name!r} -> {top.entity.slug if top else None}")
        if match:
            flags += (bool(top and top.match and ok)) == (match == "true")
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        for name, type_, _e, _m in cases:
            index.reconcile(name, types=[type_] if type_ else None, limit=3)
        times.append((time.perf_counter() - start) / len(cases))
    print(f"entities indexed      {len(index.entities)}")
    print(
        f"queries               {len(cases)} ({len(rows)} from the CSV, {len(EXTRA)} other scripts)"
    )
    print(f"top-1 correct         {top1}/{len(cases)} ({100 * top1 / len(cases):.0f} %)")
    print(f"match flag correct    {flags}/{len(rows)}")
    print(
        f"ms per query          median {1000 * statistics.median(times):.2f}, "
        f"max {1000 * max(times):.2f}"
    )
    for miss in misses:
        print("  miss:", miss)


if __name__ == "__main__":
    main()
