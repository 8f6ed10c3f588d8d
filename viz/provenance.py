"""Claims and source documents behind the facts a view shows.

Every edge and date in a view comes from `prkg:Claim` nodes (DESIGN.md, provenance model), so
each can name its sources. This module reads claims and documents, and judges the two things a
reader must see at a glance: claims that conflict, and facts that rest on weak sources only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kg.data.namespaces import Namespaces
from kg.report.disputes import incompatible
from kg.store import Store, Term
from viz.vocabulary import PREFIXES, level_name, local_name

# Nodes per VALUES block: keeps each query small whatever the view's size.
CHUNK = 200


def iri(value: str) -> str:
    """An IRI in SPARQL syntax; refuses characters that could end the IRI early."""
    if any(ch in value for ch in '<>"{}|\\^`\n\r\t ') or not value:
        raise ValueError(f"Not an IRI usable in a query: {value!r}")
    return f"<{value}>"


def chunks(items: Sequence[str], size: int = CHUNK) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(frozen=True, slots=True)
class SourceView:
    """A source document as a tooltip cites it: publisher and date first."""

    iri: str
    id: str
    publisher: str
    title: str
    issued: str | None
    date_statement: str | None
    reliability: str | None  # local name: High, Medium, Low
    url: str | None

    @property
    def date_text(self) -> str:
        if self.issued:
            return self.issued
        if self.date_statement:
            return self.date_statement
        return "date not stated"

    @property
    def citation(self) -> str:
        """'Dawn, 2025-07-12': what a reader needs to judge the fact."""
        return f"{self.publisher}, {self.date_text}"

    @property
    def weak(self) -> bool:
        return self.reliability == "Low"


@dataclass(frozen=True, slots=True)
class ClaimView:
    """One (subject, predicate, object) as one document supports it."""

    iri: str
    subject: str
    predicate: str
    object: Term
    doc: str
    confidence: str | None = None
    as_of: str | None = None
    locator: str | None = None
    role_label: str | None = None
    note: str | None = None
    quote: str | None = None

    def weak(self, sources: dict[str, SourceView]) -> bool:
        """A claim is weak when we rate it Low, or its document is rated Low."""
        source = sources.get(self.doc)
        return self.confidence == "Low" or (source is not None and source.weak)


def _claim_from_row(row: dict[str, Term]) -> ClaimView:
    def text(name: str) -> str | None:
        term = row.get(name)
        return term.value if term is not None else None

    conf = row.get("conf")
    return ClaimView(
        iri=row["c"].value,
        subject=row["s"].value,
        predicate=row["p"].value,
        object=row["o"],
        doc=row["doc"].value,
        confidence=level_name(conf.value) if conf is not None else None,
        as_of=text("asOf"),
        locator=text("loc"),
        role_label=text("role"),
        note=text("note"),
        quote=text("quote"),
    )


_CLAIM_DETAILS = """
  ?c a prkg:Claim ; rdf:predicate ?p ; prov:wasDerivedFrom ?doc .
  OPTIONAL { ?c prkg:confidence ?conf }
  OPTIONAL { ?c prkg:asOf ?asOf }
  OPTIONAL { ?c prkg:locator ?loc }
  OPTIONAL { ?c prkg:roleLabel ?role }
  OPTIONAL { ?c prkg:note ?note }
  OPTIONAL { ?c prkg:quote ?quote }
"""


def _dedupe(rows: list[dict[str, Term]]) -> list[ClaimView]:
    """One ClaimView per claim IRI (OPTIONALs with several values would repeat it)."""
    claims: dict[str, ClaimView] = {}
    for row in rows:
        claim = _claim_from_row(row)
        claims.setdefault(claim.iri, claim)
    return sorted(claims.values(), key=lambda c: (c.subject, c.predicate, c.object.value, c.doc))


def edge_claims(store: Store, ns: Namespaces, nodes: Sequence[str] | None) -> list[ClaimView]:
    """Claims linking two entities, touching any of `nodes` (all of them when None)."""
    entity_ns = ns.entity("")
    keep = (
        f'FILTER(isIRI(?o) && STRSTARTS(STR(?o), "{entity_ns}") '
        f'&& STRSTARTS(STR(?s), "{entity_ns}"))'
    )
    if nodes is None:
        query = (
            PREFIXES
            + "SELECT * WHERE {\n  ?c rdf:subject ?s ; rdf:object ?o .\n"
            + _CLAIM_DETAILS
            + keep
            + "\n}"
        )
        return _dedupe(store.select(query))
    rows: list[dict[str, Term]] = []
    for part in chunks(sorted(set(nodes))):
        values = " ".join(iri(n) for n in part)
        query = (
            PREFIXES
            + f"""SELECT * WHERE {{
  VALUES ?n {{ {values} }}
  {{ ?c rdf:subject ?n ; rdf:object ?o . BIND(?n AS ?s) }}
  UNION
  {{ ?c rdf:object ?n ; rdf:subject ?s . BIND(?n AS ?o) }}
"""
            + _CLAIM_DETAILS
            + keep
            + "\n}"
        )
        rows.extend(store.select(query))
    return _dedupe(rows)


def literal_claims(
    store: Store, nodes: Sequence[str], predicates: Sequence[str]
) -> list[ClaimView]:
    """Claims giving literal values (dates, say) of `predicates` for `nodes`."""
    if not nodes or not predicates:
        return []
    preds = " ".join(iri(p) for p in predicates)
    rows: list[dict[str, Term]] = []
    for part in chunks(sorted(set(nodes))):
        values = " ".join(iri(n) for n in part)
        query = (
            PREFIXES
            + f"""SELECT * WHERE {{
  VALUES ?s {{ {values} }}
  VALUES ?p {{ {preds} }}
  ?c rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  FILTER(isLiteral(?o))
"""
            + _CLAIM_DETAILS
            + "\n}"
        )
        rows.extend(store.select(query))
    return _dedupe(rows)


def sources(store: Store, ns: Namespaces, docs: Iterable[str]) -> dict[str, SourceView]:
    """The documents behind claims, keyed by IRI."""
    wanted = sorted(set(docs))
    found: dict[str, SourceView] = {}
    prefix = ns.source("")
    for part in chunks(wanted):
        values = " ".join(iri(d) for d in part)
        rows = store.select(
            PREFIXES
            + f"""SELECT ?doc (SAMPLE(?pub) AS ?publisher) (SAMPLE(?t) AS ?title)
       (MIN(STR(?iss)) AS ?issued) (SAMPLE(?ds) AS ?dstmt) (SAMPLE(?rel) AS ?reliability)
       (SAMPLE(STR(?u)) AS ?url)
WHERE {{
  VALUES ?doc {{ {values} }}
  OPTIONAL {{ ?doc dct:publisher ?pub }}
  OPTIONAL {{ ?doc dct:title ?t }}
  OPTIONAL {{ ?doc dct:issued ?iss }}
  OPTIONAL {{ ?doc prkg:dateStatement ?ds }}
  OPTIONAL {{ ?doc prkg:reliability ?rel }}
  OPTIONAL {{ ?doc schema:url ?u }}
}} GROUP BY ?doc"""
        )
        for row in rows:
            doc = row["doc"].value
            doc_id = doc[len(prefix) :] if doc.startswith(prefix) else local_name(doc)

            def text(name: str, row: dict[str, Term] = row) -> str | None:
                term = row.get(name)
                return term.value if term is not None else None

            rel = text("reliability")
            found[doc] = SourceView(
                iri=doc,
                id=doc_id,
                publisher=text("publisher") or "unknown publisher",
                title=text("title") or doc_id,
                issued=text("issued"),
                date_statement=text("dstmt"),
                reliability=level_name(rel) if rel else None,
                url=text("url"),
            )
    return found


def conflicting(
    claims: Sequence[ClaimView], single_valued: frozenset[str]
) -> set[tuple[str, str, str]]:
    """(subject, predicate, object) triples whose value another source contradicts.

    Only single-valued properties (prkg:singleValued in the ontology, passed in) can be
    contradicted; the rule for two values is kg.report.disputes.incompatible, the same one the
    /disputes page uses, so a date given as a year does not contradict a day in that year.
    """
    by_sp: dict[tuple[str, str], set[str]] = {}
    for claim in claims:
        if claim.predicate in single_valued:
            by_sp.setdefault((claim.subject, claim.predicate), set()).add(claim.object.value)
    result: set[tuple[str, str, str]] = set()
    for (subject, predicate), values in by_sp.items():
        for value in values:
            if any(incompatible(value, other) for other in values):
                result.add((subject, predicate, value))
    return result
