"""Qualified participation (ontology 0.3.0): who took part in an event, in which role, on
behalf of whom — a PROV-O style qualified relation beside the plain participant triple.

A mixin of the assembler: it uses the assembler's error list, IRIs and `add_fact`, and
keeps this one pattern's checks and triples in one place.
"""

from __future__ import annotations

import hashlib
import json

from rdflib import URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from kg.data.assembly_part import AssemblyPart
from kg.data.namespaces import PRKG
from kg.data.records import ClaimRecord
from kg.data.terms import OLD_ROLE_WORDS, ROLE_TERMS


class QualifiedParticipation(AssemblyPart):
    """Checks and triples of acting_as / on_behalf_of on participant claims."""

    def participation_ok(self, claim: ClaimRecord, prop: URIRef) -> bool:
        """acting_as / on_behalf_of qualify a participant claim; free-text roles are 0.2.0."""
        if claim.role_label and not claim.acting_as and OLD_ROLE_WORDS.match(claim.role_label):
            self.err(
                claim.file,
                claim.line,
                f"role_label {claim.role_label!r} names a role: write acting_as "
                f"({'|'.join(ROLE_TERMS)}) and on_behalf_of (a state or organisation slug). "
                "This is the 0.2.0 pattern: run python ontology/migrations/v3.py data",
            )
            return False
        if not (claim.acting_as or claim.on_behalf_of):
            return True
        ok = True
        if prop not in (PRKG.participant, PRKG.signatory, PRKG.witness):
            self.err(
                claim.file,
                claim.line,
                "acting_as and on_behalf_of qualify a participant, signatory or witness claim",
            )
            ok = False
        if claim.acting_as and claim.acting_as not in ROLE_TERMS:
            self.err(
                claim.file,
                claim.line,
                f"acting_as {claim.acting_as!r}: use one of {', '.join(ROLE_TERMS)}",
            )
            ok = False
        if claim.on_behalf_of and claim.on_behalf_of not in self.data.entities:
            self.err(
                claim.file, claim.line, f"unknown entity {claim.on_behalf_of!r} as on_behalf_of"
            )
            ok = False
        return ok

    def add_participation(self, claim: ClaimRecord, event: URIRef, agent: Node) -> None:
        """A prkg:Participation node (PROV-O qualified association) in the claim's graph."""
        key = json.dumps(
            [str(event), str(agent), claim.acting_as, claim.on_behalf_of, claim.role],
            ensure_ascii=False,
        )
        node = URIRef(self.ns.value("participation-" + hashlib.sha1(key.encode()).hexdigest()[:16]))
        extra: list[tuple[Node, Node]] = [(RDF.type, PRKG.Participation), (PRKG.agent, agent)]
        if claim.acting_as:
            extra.append((PRKG.participationRole, ROLE_TERMS[claim.acting_as]))
        if claim.on_behalf_of:
            extra.append((PRKG.onBehalfOf, self.entity_iri(claim.on_behalf_of)))
        if claim.role:
            extra.append((PRKG.inPost, self.entity_iri(claim.role)))
        # Its own claim, with the same source and locator, so the qualified relation is a
        # sourced fact like the plain prkg:participant triple beside it.
        self.add_fact(
            (event, PRKG.qualifiedParticipation, node),
            claim.source,
            f"{claim.file}:{claim.line}",
            locator=claim.locator,
            note=claim.note,
            extra=extra,
            recorded=claim.recorded,
        )
