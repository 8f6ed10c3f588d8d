"""The graph of each source document: its description (title, publisher, date, kind,
reliability), as the first triples of the source's named graph.

A mixin of the assembler (kg/data/assemble.py), kept apart so that the assembler holds the
facts and their claims.
"""

from __future__ import annotations

from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS

from kg.data.assembly_part import AssemblyPart
from kg.data.namespaces import PRKG, SCHEMA
from kg.data.records import SourceRecord
from kg.data.terms import RELIABILITY_TERMS, SOURCE_KIND_TERMS
from kg.data.values import date_literal

NEWS_KINDS = {"newspaper", "news-agency", "opinion", "trade-press"}


class SourceGraphs(AssemblyPart):
    """The description of each source document in its own graph."""

    out: Any

    def doc_iri(self, source_id: str) -> URIRef:
        return URIRef(self.ns.source(source_id))

    def add_source(self, src: SourceRecord) -> None:
        g = self.out.graph(self.ns.source_graph(src.id))
        doc = self.doc_iri(src.id)
        g.add((doc, RDF.type, PRKG.SourceDocument))
        g.add((doc, RDF.type, PROV.Entity))
        g.add(
            (doc, RDF.type, SCHEMA.NewsArticle if src.kind in NEWS_KINDS else SCHEMA.CreativeWork)
        )
        g.add((doc, RDFS.label, Literal(src.title)))
        g.add((doc, DCTERMS.title, Literal(src.title)))
        g.add((doc, DCTERMS.publisher, Literal(src.publisher)))
        g.add((doc, SCHEMA.url, URIRef(src.url)))
        g.add((doc, DCTERMS.identifier, Literal(src.id)))
        g.add((doc, PRKG.sourceKind, SOURCE_KIND_TERMS[src.kind]))
        g.add((doc, PRKG.reliability, RELIABILITY_TERMS[src.reliability]))
        if src.date:
            g.add((doc, DCTERMS.issued, date_literal(src.date)))
        if src.date_stated:
            g.add((doc, PRKG.dateStatement, Literal(src.date_stated)))
        if src.title_note:
            g.add((doc, PRKG.titleStatement, Literal(src.title_note)))
        if src.author:
            g.add((doc, DCTERMS.creator, Literal(src.author)))
        if src.language:
            g.add((doc, DCTERMS.language, Literal(src.language)))
        if src.note:
            g.add((doc, PRKG.sourceNote, Literal(src.note)))
        for other in src.same_text_as:
            if other not in self.data.sources:
                self.err(src.file, src.line, f"same_text_as names unknown source {other!r}")
                continue
            g.add((doc, PRKG.sameSourceAs, self.doc_iri(other)))
