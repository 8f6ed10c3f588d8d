"""VoID linksets: how many links the graph has into each external dataset, and by which predicate.

The dataset description (/.well-known/void) lists one void:Linkset per (target dataset,
link predicate) so that a crawler or a researcher knows, before querying, that the graph
joins Wikidata (and how many entities it can join on). Counting is a SPARQL query, so it
works the same on the embedded store and on a remote one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.data.namespaces import Namespaces
from kg.data.targets import (  # noqa: F401  (re-exported for callers)
    LINK_PREDICATES,
    OWL_SAME_AS,
    SKOS_CLOSE_MATCH,
    SKOS_EXACT_MATCH,
    TARGETS,
    TargetDataset,
)
from kg.store import Store


@dataclass(frozen=True)
class LinksetCount:
    """One void:Linkset: links from our entities into `target` with `predicate`."""

    target: TargetDataset
    predicate: str  # full IRI of the link predicate
    count: int  # distinct (our entity, external IRI) pairs
    subjects: int  # distinct entities of ours that have such a link


def linkset_query(namespaces: Namespaces) -> str:
    """The SPARQL that counts links per (IRI space, predicate); subjects are our entities only.

    Restricting subjects to `{NS}id/` leaves out the reasoner's symmetric copies
    (wd:Q843 owl:sameAs our entity) and any claim node that mentions the link.
    """
    values = " ".join(f"<{p}>" for p in LINK_PREDICATES)
    spaces = " ".join(f'"{t.uri_space}"' for t in TARGETS)
    return f"""SELECT ?space ?p (COUNT(DISTINCT ?pair) AS ?links) (COUNT(DISTINCT ?s) AS ?subjects)
WHERE {{
  VALUES ?p {{ {values} }}
  VALUES ?space {{ {spaces} }}
  ?s ?p ?o .
  FILTER(isIRI(?o) && STRSTARTS(STR(?s), "{namespaces.entity("")}") && STRSTARTS(STR(?o), ?space))
  BIND(CONCAT(STR(?s), " ", STR(?o)) AS ?pair)
}}
GROUP BY ?space ?p
ORDER BY ?space ?p"""


def linkset_counts(store: Store, namespaces: Namespaces | None = None) -> list[LinksetCount]:
    """Links per target dataset and predicate, for the VoID description (zero counts omitted)."""
    namespaces = namespaces or Namespaces()
    by_space = {t.uri_space: t for t in TARGETS}
    out = []
    for row in store.select(linkset_query(namespaces)):
        out.append(
            LinksetCount(
                target=by_space[row["space"].value],
                predicate=row["p"].value,
                count=int(row["links"].value),
                subjects=int(row["subjects"].value),
            )
        )
    return out


def linkset_triples_query(namespaces: Namespaces, target: TargetDataset) -> str:
    """The links from our entities into one target, as a CONSTRUCT over the named graphs
    (so the stored union, where there is one, does not matter); subjects are ours only.
    """
    values = " ".join(f"<{p}>" for p in LINK_PREDICATES)
    return f"""CONSTRUCT {{ ?s ?p ?o }}
WHERE {{
  VALUES ?p {{ {values} }}
  GRAPH ?g {{ ?s ?p ?o }}
  FILTER(isIRI(?o) && STRSTARTS(STR(?s), "{namespaces.entity("")}")
         && STRSTARTS(STR(?o), "{target.uri_space}"))
}}"""


def linkset_dump_name(target: TargetDataset) -> str:
    """File name of a target's linkset dump in dumps/ and dist/: links-<key>.nt."""
    return f"links-{target.key}.nt"


def write_linkset_dumps(store: ox.Store, out: Path, namespaces: Namespaces) -> dict[str, int]:
    """One N-Triples file per target dataset (links-wikidata.nt, …), sorted, so that another
    dataset can load our links without our graph. Written even when empty, so the set of
    files does not depend on the data. Returns the number of triples per file name.
    """
    counts: dict[str, int] = {}
    for target in TARGETS:
        triples = sorted(
            {
                (t.subject.value, t.predicate.value, t.object.value)
                for t in store.query(linkset_triples_query(namespaces, target))
            }
        )
        lines = [f"<{s}> <{p}> <{o}> .\n" for s, p, o in triples]
        name = linkset_dump_name(target)
        (out / name).write_text("".join(lines), encoding="utf-8")
        counts[name] = len(lines)
    return counts
