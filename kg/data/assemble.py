"""Turning the records read from `data/` into named graphs of plain triples and Claims.

This is where the provenance model is made real: every fact becomes a plain triple in the
named graph of each source that supports it, plus one prkg:Claim node per (triple, source)
that says where in the document, in whose words, and how far we trust it. References are
checked against the entities, sources and the ontology, each error with file and line.
The values of claims (dates, numbers, quantities, amounts of money) are read in
kg/data/values.py.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS
from rdflib.term import Node

from kg.data.namespaces import PRKG, Namespaces
from kg.data.ontology import EXTERNAL_PREDICATES, OntologyInfo
from kg.data.participation import QualifiedParticipation
from kg.data.records import ClaimRecord, DataError, DataSet, valid_date
from kg.data.source_graph import SourceGraphs
from kg.data.tenure import Tenures
from kg.data.terms import (  # noqa: F401  (re-exported: callers read the tables here)
    LEVEL_TERMS,
    OLD_ROLE_WORDS,
    RELIABILITY_TERMS,
    ROLE_TERMS,
    SOURCE_KIND_TERMS,
    STATUS_TERMS,
)
from kg.data.triples import TripleSet
from kg.data.values import date_literal, literal, value_node

CURATION_SOURCE = "PRKG"

Triple = tuple[Node, Node, Node]


@dataclass
class Assembly:
    """The dataset as named graphs, plus where each fact came from in `data/`."""

    graphs: dict[str, TripleSet | Graph] = field(default_factory=dict)
    origins: dict[Triple, list[str]] = field(default_factory=dict)
    errors: list[DataError] = field(default_factory=list)
    claim_count: int = 0

    def graph(self, iri: str) -> TripleSet:
        found = self.graphs.get(iri)
        if found is None:
            found = self.graphs[iri] = TripleSet(URIRef(iri))
        assert isinstance(found, TripleSet)
        return found

    def triples(self) -> Iterator[tuple[Node, Node, Node]]:
        """Every graph's triples, one graph after the other (a triple in k graphs, k times)."""
        for graph in self.graphs.values():
            yield from graph

    def union(self) -> Graph:
        union = Graph()
        for graph in self.graphs.values():
            for triple in graph:
                union.add(triple)
        return union


class Assembler(SourceGraphs, QualifiedParticipation, Tenures):
    def __init__(self, data: DataSet, ontology: OntologyInfo, ns: Namespaces) -> None:
        self.data = data
        self.onto = ontology
        self.ns = ns
        self.out = Assembly()
        self.claim_ids: dict[str, str] = {}

    # -- helpers -----------------------------------------------------------------------
    def err(self, file: str, line: int, message: str) -> None:
        self.out.errors.append(DataError(file, line, message))

    def entity_iri(self, slug: str) -> URIRef:
        return URIRef(self.ns.entity(slug))

    def class_of(self, slug: str) -> URIRef | None:
        record = self.data.entities.get(slug)
        return self.onto.classes.get(record.cls) if record else None

    # -- facts and their claims ----------------------------------------------------------
    def add_fact(
        self,
        triple: Triple,
        source_id: str,
        origin: str,
        *,
        claim: ClaimRecord | None = None,
        locator: str | None = None,
        note: str | None = None,
        extra: list[tuple[Node, Node]] | None = None,
        nested: list[Triple] | None = None,
        recorded: str | None = None,
    ) -> None:
        """Assert `triple` in the source's graph and attach one Claim node to it; `extra`
        describes the object (a value node), `nested` the nodes that description names."""
        src = self.data.sources[source_id]
        g = self.out.graph(self.ns.source_graph(source_id))
        g.add(triple)
        for prop, value in extra or []:  # the value node's own description
            g.add((triple[2], prop, value))
        for more in nested or []:
            g.add(more)
        s, p, o = triple
        key_obj = o.n3()
        base = claim.id if claim and claim.id else None
        digest_input = json.dumps(
            [source_id, str(s), str(p), key_obj, locator or ""], ensure_ascii=False
        )
        cid = base or hashlib.sha1(digest_input.encode("utf-8")).hexdigest()[:16]
        if cid in self.claim_ids:
            where = claim.file if claim else origin
            line = claim.line if claim else 0
            self.err(where, line, f"the same claim appears twice (first at {self.claim_ids[cid]})")
            return
        self.claim_ids[cid] = origin
        c = URIRef(self.ns.claim(cid))
        g.add((c, RDF.type, PRKG.Claim))
        g.add((c, RDF.subject, s))
        g.add((c, RDF.predicate, p))
        g.add((c, RDF.object, o))
        g.add((c, PROV.wasDerivedFrom, self.doc_iri(source_id)))
        if locator:
            g.add((c, PRKG.locator, Literal(locator)))
        if note:
            g.add((c, PRKG.note, Literal(note, lang="en")))
        level = (claim.confidence if claim and claim.confidence else None) or src.reliability
        g.add((c, PRKG.confidence, LEVEL_TERMS[level]))
        recorded = recorded or (claim.recorded if claim else None)
        if recorded and valid_date(recorded):
            g.add((c, PRKG.recordedOn, date_literal(recorded)))
        if claim:
            if claim.quote:
                g.add((c, PRKG.quote, Literal(claim.quote)))
            if claim.as_spelled:
                g.add((c, PRKG.asSpelled, Literal(claim.as_spelled)))
            if claim.role_label or claim.acting_as:
                # The words a reader sees; the role itself is the qualified participation's.
                words = claim.role_label or str(claim.acting_as).replace("-", " ")
                g.add((c, PRKG.roleLabel, Literal(words)))
            if claim.status_text:
                g.add((c, PRKG.statusText, Literal(claim.status_text, lang="en")))
            if claim.role:
                g.add((c, PRKG.role, self.entity_iri(claim.role)))
            if claim.as_of:
                g.add((c, PRKG.asOf, date_literal(claim.as_of)))
        self.out.origins.setdefault(triple, []).append(origin)
        self.out.claim_count += 1

    def add_entity(self, slug: str) -> None:
        rec = self.data.entities[slug]
        here = f"{rec.file}:{rec.line}"
        cls = self.onto.classes.get(rec.cls)
        if cls is None:
            self.err(
                rec.file,
                rec.line,
                f"entity {slug!r}: unknown class {rec.cls!r}"
                f"{self._hint(rec.cls, self.onto.classes)}",
            )
            return
        iri = self.entity_iri(slug)
        for sid in rec.sources:
            if sid not in self.data.sources:
                self.err(rec.file, rec.line, f"entity {slug!r}: unknown source id {sid!r}")
                continue
            self.add_fact(
                (iri, RDF.type, cls),
                sid,
                here,
                locator="whole document",
                note=f"The document attests this {rec.cls}.",
                recorded=rec.recorded,
            )
        if CURATION_SOURCE not in self.data.sources:
            self.err(rec.file, rec.line, f"the curation source {CURATION_SOURCE!r} is not defined")
            return
        locator = f"{rec.file}, entity {slug}"  # stable across edits, unlike a line
        for lang, text in sorted(rec.labels.items()):
            self.add_fact(
                (iri, RDFS.label, Literal(text, lang=lang)),
                CURATION_SOURCE,
                here,
                locator=locator,
                note="Editors' label.",
                recorded=rec.recorded,
            )
        for lang, values in sorted(rec.alt_labels.items()):
            for text in values:
                self.add_fact(
                    (iri, SKOS.altLabel, Literal(text, lang=lang)),
                    CURATION_SOURCE,
                    here,
                    locator=locator,
                    note="Another spelling seen in the sources.",
                    recorded=rec.recorded,
                )
        if rec.description:
            self.add_fact(
                (iri, RDFS.comment, Literal(rec.description, lang="en")),
                CURATION_SOURCE,
                here,
                locator=locator,
                note="Editors' description.",
                recorded=rec.recorded,
            )

    @staticmethod
    def _hint(name: str, known: dict[str, URIRef]) -> str:
        import difflib

        close = difflib.get_close_matches(name, list(known), n=3)
        return f" (did you mean {', '.join(close)}?)" if close else ""

    def resolve_predicate(self, claim: ClaimRecord) -> tuple[URIRef, str] | None:
        name = claim.predicate
        if name in EXTERNAL_PREDICATES:
            return EXTERNAL_PREDICATES[name], "external"
        local = name.removeprefix("prkg:")
        if local in self.onto.object_properties:
            prop = self.onto.object_properties[local]
            return prop, self.onto.value_kind(prop) or "entity"
        if local in self.onto.datatype_properties:
            return self.onto.datatype_properties[local], "literal"
        known = {**self.onto.object_properties, **self.onto.datatype_properties}
        self.err(claim.file, claim.line, f"unknown predicate {name!r}{self._hint(local, known)}")
        return None

    def check_class(self, claim: ClaimRecord, slug: str, prop: URIRef, which: URIRef) -> None:
        """Domain/range check with a located message (HermiT would only say 'inconsistent')."""
        allowed = self.onto.allowed_classes(prop, which)
        actual = self.class_of(slug)
        if not allowed or actual is None:
            return
        if not any(self.onto.is_subclass(actual, cls) for cls in allowed):
            names = " or ".join(str(c).removeprefix(str(PRKG)) for c in allowed)
            role = "subject" if which == RDFS.domain else "object"
            self.err(
                claim.file,
                claim.line,
                f"{role} {slug!r} is a {self.data.entities[slug].cls}, but {claim.predicate} "
                f"expects {names}",
            )

    def add_claim(self, claim: ClaimRecord) -> None:
        here = f"{claim.file}:{claim.line}"
        ok = True
        if claim.source not in self.data.sources:
            self.err(claim.file, claim.line, f"unknown source id {claim.source!r}")
            ok = False
        if claim.subject not in self.data.entities:
            self.err(claim.file, claim.line, f"unknown entity {claim.subject!r} as subject")
            ok = False
        if claim.confidence and claim.confidence not in LEVEL_TERMS:
            self.err(claim.file, claim.line, "confidence must be high|medium|low")
            ok = False
        if claim.role and claim.role not in self.data.entities:
            self.err(claim.file, claim.line, f"unknown entity {claim.role!r} as role")
            ok = False
        for key, value in (("as_of", claim.as_of), ("recorded", claim.recorded)):
            if value and not valid_date(value):
                self.err(claim.file, claim.line, f"malformed date {value!r} in {key}")
                ok = False
        if not claim.locator:
            self.err(
                claim.file,
                claim.line,
                "claim has no locator: say where in the source (e.g. 'para 3')",
            )
            ok = False
        if claim.quote and len(claim.quote.split()) > 40:
            self.err(claim.file, claim.line, "quote is longer than 40 words: keep quotes short")
            ok = False
        if ok and claim.predicate.removeprefix("prkg:") == "sameSumAs":
            self.add_same_sum(claim)
            return
        resolved = self.resolve_predicate(claim)
        if resolved is None or not ok or self.old_observation_pattern(claim):
            return
        prop, kind = resolved
        nested: list[Triple] = []
        subject = self.entity_iri(claim.subject)
        self.check_class(claim, claim.subject, prop, RDFS.domain)
        extra: list[tuple[Node, Node]] = []
        obj: Node
        if kind == "entity":
            if not isinstance(claim.object, str) or claim.object not in self.data.entities:
                self.err(
                    claim.file,
                    claim.object_line,
                    f"unknown entity {claim.object!r} as object of {claim.predicate}",
                )
                return
            self.check_class(claim, claim.object, prop, RDFS.range)
            obj = self.entity_iri(claim.object)
        elif kind in ("quantity", "money"):
            made = value_node(claim, kind, self.ns, self.err, self.onto.units)
            if made is None:
                return
            obj, extra = made
        elif kind in ("flow", "interval"):
            found = self.observation_object(claim, kind)
            if found is None:
                return
            obj, extra, nested = found
        elif kind == "status":
            code = str(claim.object).strip()
            if code not in STATUS_TERMS:
                self.err(
                    claim.file,
                    claim.object_line,
                    f"status takes one of: {', '.join(STATUS_TERMS)}; not {code!r}. Free-text "
                    "status is the 0.2.0 pattern: run python ontology/migrations/v3.py data "
                    "(it keeps the words in status_text, or makes them a statusNote)",
                )
                return
            obj = STATUS_TERMS[code]
        elif kind == "external":
            text = str(claim.object)
            if not re.match(r"^https?://\S+$", text):
                self.err(
                    claim.file,
                    claim.object_line,
                    f"{claim.predicate} takes an absolute IRI, not {text!r}",
                )
                return
            obj = URIRef(text)
        else:
            lit = literal(claim, self.onto.literal_kind(prop), self.err)
            if lit is None:
                return
            obj = lit
        if not self.participation_ok(claim, prop) or not self.tenure_ok(claim, prop):
            return
        self.add_fact(
            (subject, prop, obj),
            claim.source,
            here,
            claim=claim,
            locator=claim.locator,
            note=claim.note,
            extra=extra,
            nested=nested,
        )
        if claim.acting_as or claim.on_behalf_of:
            self.add_participation(claim, subject, obj)
        if prop == PRKG.holdsPost:
            self.add_tenure(claim, subject, obj)

    def run(self) -> Assembly:
        for sid in sorted(self.data.sources):
            self.add_source(self.data.sources[sid])
        for slug in sorted(self.data.entities):
            self.add_entity(slug)
        for claim in self.data.claims:
            self.add_claim(claim)
        return self.out


def assemble(data: DataSet, ontology: OntologyInfo, ns: Namespaces) -> Assembly:
    """Build the named graphs; errors are collected in `Assembly.errors`, not raised."""
    return Assembler(data, ontology, ns).run()
