"""Disputed facts: where sources give different values for a single-valued property.

What a disagreement is has one definition, the gallery query data/queries/disputed-facts.rq,
which this module runs as it is: the disputes page, the coverage figures, the graph views
and a researcher's SPARQL agree. The query reads from the ontology which properties take one
value (`prkg:singleValued`) and which change over time (`prkg:timeVarying`), and from the
data which amounts are one sum in two currencies (`prkg:sameSumAs`); values that only differ
in precision (a year and a day in it, a city and a place in it) are not a disagreement.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from kg.data.namespaces import Namespaces
from kg.store import Store
from kg.store.interface import Term

_PREFIXES = """PREFIX prkg: <https://w3id.org/prkg/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dct: <http://purl.org/dc/terms/>
"""


def single_valued_properties(store: Store) -> frozenset[str]:
    """IRIs of the properties the ontology marks prkg:singleValued."""
    rows = store.select(_PREFIXES + "SELECT DISTINCT ?p WHERE { ?p prkg:singleValued true }")
    return frozenset(str(r["p"]) for r in rows)


@dataclass(frozen=True)
class Side:
    """One value and the sources that give it."""

    value: str
    display: str
    sources: tuple[SourceRef, ...]


@dataclass(frozen=True)
class SourceRef:
    id: str
    iri: str
    publisher: str
    date: str
    reliability: str
    confidence: str
    locator: str
    quote: str
    # the life-cycle event a derived value was taken from (its slug), "" for a curated value
    via_event: str = ""


@dataclass
class DisputedFact:
    subject: str
    subject_label: str
    predicate: str
    predicate_label: str
    sides: list[Side] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return self.subject.rsplit("/", 1)[-1]


# The definition of a disagreement: the gallery query, run as it is, so that the /disputes
# page, the coverage figures and a researcher's SPARQL see one rule (ontology 0.4.0).
DEFINITION = (
    Path(__file__).resolve().parent.parent.parent / "data" / "queries" / "disputed-facts.rq"
)

_QUERY = (
    _PREFIXES
    + """
SELECT ?s ?p ?o ?doc ?publisher ?issued ?stated ?rel ?conf ?loc ?quote ?event
WHERE {
  VALUES (?s ?p ?o) { %s }
  ?c rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?doc .
  OPTIONAL { ?c prkg:confidence ?conf } OPTIONAL { ?c prkg:locator ?loc }
  OPTIONAL { ?c prkg:quote ?quote } OPTIONAL { ?c prkg:viaEvent ?event }
  OPTIONAL { ?doc dct:publisher ?publisher } OPTIONAL { ?doc dct:issued ?issued }
  OPTIONAL { ?doc prkg:dateStatement ?stated } OPTIONAL { ?doc prkg:reliability ?rel }
}
"""
)


_PREDICATE_LABELS = (
    _PREFIXES
    + """SELECT ?p ?label WHERE {
  VALUES ?p { %s } ?p rdfs:label ?label FILTER(LANGMATCHES(LANG(?label), "en")) }"""
)


def disputed_facts(store: Store, ns: Namespaces) -> list[DisputedFact]:
    """Every (subject, single-valued property) on which sources disagree, with each side:
    the claims the gallery query (`DEFINITION`) lists, with their sources' details."""
    del ns  # the definition names no data namespace
    rows = store.select(DEFINITION.read_text(encoding="utf-8"))
    labels: dict[str, str] = {}
    displays: dict[str, str] = {}
    terms: dict[tuple[str, str, str], tuple[Term, Term, Term]] = {}
    for row in rows:
        s, p, o = str(row["subject"]), str(row["predicate"]), str(row["object"])
        labels.setdefault(s, str(row.get("subjectLabel") or s.rsplit("/", 1)[-1]))
        displays[o] = str(row["value"])
        terms[(s, p, o)] = (row["subject"], row["predicate"], row["object"])
    if not terms:
        return []
    by_fact: dict[tuple[str, str], dict[str, dict[str, SourceRef]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    values = " ".join(f"({' '.join(_sparql(t) for t in triple)})" for triple in terms.values())
    for row in store.select(_QUERY % values):
        s, p, o = str(row["s"]), str(row["p"]), str(row["o"])
        doc = str(row["doc"])
        by_fact[(s, p)][o][doc] = SourceRef(
            id=doc.rsplit("/", 1)[-1],
            iri=doc,
            publisher=str(row.get("publisher", "")),
            date=str(row.get("issued") or row.get("stated") or ""),
            reliability=str(row.get("rel", "")).rsplit("#", 1)[-1],
            confidence=str(row.get("conf", "")).rsplit("#", 1)[-1],
            locator=str(row.get("loc", "")),
            quote=str(row.get("quote", "")),
            via_event=str(row["event"]).rsplit("/", 1)[-1] if "event" in row else "",
        )
    predicates = " ".join(sorted({f"<{p}>" for _, p in by_fact}))
    predicate_labels = {
        str(r["p"]): str(r["label"]) for r in store.select(_PREDICATE_LABELS % predicates)
    }
    result: list[DisputedFact] = []
    for (s, p), objects in sorted(by_fact.items()):
        fact = DisputedFact(s, labels[s], p, predicate_labels.get(p, p.rsplit("#", 1)[-1]))
        for o, docs in sorted(objects.items(), key=lambda kv: displays[kv[0]]):
            fact.sides.append(Side(o, displays[o], tuple(docs[d] for d in sorted(docs))))
        result.append(fact)
    return result


def _sparql(term: Term) -> str:
    """A term of a query result written back into a query (an IRI or a literal)."""
    if term.is_uri:
        return f"<{term.value}>"
    text = json.dumps(term.value, ensure_ascii=False)
    if term.lang:
        return f"{text}@{term.lang}"
    return f"{text}^^<{term.datatype}>" if term.datatype else text


def incompatible(a: str, b: str, within: frozenset[tuple[str, str]] = frozenset()) -> bool:
    """Two values of a single-valued property that cannot both be right, for the graph views
    (viz/), which hold claims but no store: equal values agree, and so does a date with a
    more precise date inside it, and a place with a place inside it (`within` holds (inner,
    outer) pairs). The full definition, with sums and points in time, is `DEFINITION`.
    """
    if a == b or (a, b) in within or (b, a) in within:
        return False
    if _DATE.match(a) and _DATE.match(b):
        return not (a.startswith(b) or b.startswith(a))
    return True


_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
