"""Disputed facts: where sources give different values for a single-valued property.

Which properties take one value per subject is said in the ontology (`prkg:singleValued
true`), so the disputes page, the coverage figures and the graph views agree on what a
disagreement is. Two values disagree unless one is a more precise form of the other (a
year and a day in that year).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from kg.data.namespaces import Namespaces
from kg.store import Store

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


_QUERY = (
    _PREFIXES
    + """
SELECT ?c ?s ?sLabel ?p ?pLabel ?o ?doc ?publisher ?issued ?stated ?rel ?conf ?loc ?quote
       ?amount ?min ?max ?unit ?currency ?event
WHERE {
  ?p prkg:singleValued true .
  # curated claims and the claims the rules derived (ontology/rules/: a shortcut's value
  # taken from a life-cycle event's date), which carry the event they come from
  ?c rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?doc .
  OPTIONAL { ?c prkg:viaEvent ?event }
  OPTIONAL { ?c prkg:confidence ?conf } OPTIONAL { ?c prkg:locator ?loc }
  OPTIONAL { ?c prkg:quote ?quote }
  OPTIONAL { ?doc dct:publisher ?publisher } OPTIONAL { ?doc dct:issued ?issued }
  OPTIONAL { ?doc prkg:dateStatement ?stated } OPTIONAL { ?doc prkg:reliability ?rel }
  OPTIONAL { ?s rdfs:label ?sLabel FILTER(LANGMATCHES(LANG(?sLabel), "en")) }
  OPTIONAL { ?p rdfs:label ?pLabel FILTER(LANGMATCHES(LANG(?pLabel), "en")) }
  OPTIONAL { ?o prkg:amount ?amount } OPTIONAL { ?o prkg:minAmount ?min }
  OPTIONAL { ?o prkg:maxAmount ?max } OPTIONAL { ?o prkg:unit ?unit }
  OPTIONAL { ?o prkg:currency ?currency }
}
"""
)

_LABELS = (
    _PREFIXES
    + """
SELECT ?o ?label WHERE {
  VALUES ?o { %s } ?o rdfs:label ?label FILTER(LANGMATCHES(LANG(?label), "en")) }
"""
)


_WITHIN = (
    _PREFIXES
    + """
SELECT DISTINCT ?inner ?outer WHERE { VALUES ?inner { %s } ?inner prkg:location+ ?outer }
"""
)


def _display(row: dict) -> str:
    def num(key: str) -> str:
        return str(row[key]) if key in row else ""

    measure = str(row.get("unit") or row.get("currency") or "")
    if "amount" in row:
        return f"{num('amount')} {measure}".strip()
    if "min" in row or "max" in row:
        return f"{num('min')}–{num('max')} {measure}".strip()
    return str(row["o"])


def disputed_facts(store: Store, ns: Namespaces) -> list[DisputedFact]:
    """Every (subject, single-valued property) on which sources disagree, with each side."""
    by_fact: dict[tuple[str, str], dict[str, dict[str, SourceRef]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    # Where each value comes from: the life-cycle event it was derived from, or (curated)
    # the claim itself. Two values from one event are a disagreement about the event's date,
    # listed on the event; on the shortcut they count only beside another origin.
    origins: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    labels: dict[str, str] = {}
    displays: dict[str, str] = {}
    currencies: dict[str, str] = {}
    entity_objects: set[str] = set()
    for row in store.select(_QUERY):
        s, p, o = str(row["s"]), str(row["p"]), str(row["o"])
        labels.setdefault(s, str(row.get("sLabel") or s.rsplit("/", 1)[-1]))
        labels.setdefault(p, str(row.get("pLabel") or p.rsplit("#", 1)[-1]))
        displays[o] = _display(row)
        if "currency" in row:
            currencies[o] = str(row["currency"])
        if row["o"].is_uri and o.startswith(ns.entity("")):
            entity_objects.add(o)
        origins[(s, p)][o].add(str(row.get("event") or row["c"]))
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
    within: frozenset[tuple[str, str]] = frozenset()
    if entity_objects:
        values = " ".join(f"<{o}>" for o in sorted(entity_objects))
        for row in store.select(_LABELS % values):
            displays[str(row["o"])] = str(row["label"])
        within = frozenset(
            (str(r["inner"]), str(r["outer"])) for r in store.select(_WITHIN % values)
        )
    result: list[DisputedFact] = []
    for (s, p), objects in sorted(by_fact.items()):
        if len(objects) < 2 or not _disagree(list(objects), currencies, within, origins[(s, p)]):
            continue
        fact = DisputedFact(s, labels[s], p, labels[p])
        for o, docs in sorted(objects.items(), key=lambda kv: displays[kv[0]]):
            fact.sides.append(Side(o, displays[o], tuple(docs[d] for d in sorted(docs))))
        result.append(fact)
    return result


def _disagree(
    values: list[str],
    currencies: dict[str, str],
    within: frozenset[tuple[str, str]],
    origins: dict[str, set[str]] | None = None,
) -> bool:
    """True when two of the values are incompatible, whichever documents give them.

    A date given less precisely ("2015") is compatible with a more precise one ("2015-06"):
    the second refines the first. Amounts in two currencies are not compared (a report often
    gives both). One document giving two incompatible values (a mirror whose infobox and
    text differ) contradicts itself, and that is shown too. Two values derived from the same
    life-cycle event (`origins`: value -> events or curated claims) are the event's own
    disagreement, not the shortcut's.
    """
    return any(
        incompatible(a, b, within)
        and not _other_currency(a, b, currencies)
        and not _one_event(a, b, origins)
        for i, a in enumerate(values)
        for b in values[i + 1 :]
    )


def _one_event(a: str, b: str, origins: dict[str, set[str]] | None) -> bool:
    """True when both values come from one and the same origin (one event) and nothing else."""
    if origins is None:
        return False
    first, second = origins.get(a, set()), origins.get(b, set())
    return len(first) == 1 and first == second


def _other_currency(a: str, b: str, currencies: dict[str, str]) -> bool:
    return a in currencies and b in currencies and currencies[a] != currencies[b]


def incompatible(a: str, b: str, within: frozenset[tuple[str, str]] = frozenset()) -> bool:
    """Two values of a single-valued property that cannot both be right.

    Equal values agree, and so does a date with a more precise date inside it, and a place
    with a place inside it (`within` holds (inner, outer) pairs of prkg:location+).
    """
    if a == b or (a, b) in within or (b, a) in within:
        return False
    if _DATE.match(a) and _DATE.match(b):
        return not (a.startswith(b) or b.startswith(a))
    return True


_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
