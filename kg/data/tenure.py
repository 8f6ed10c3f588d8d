"""Tenures and sums (ontology 0.4.0): the periods posts are held, and one sum in two currencies.

A mixin of the assembler, like kg/data/participation.py: it uses the assembler's error list,
IRIs and `add_fact`, and keeps these patterns' checks and triples in one place.

- Every `holdsPost` claim implies a prkg:Tenure (a W3C ORG membership) of its person in its
  post, with an OWL-Time period. The claim's `as_of` (when the source saw the post held)
  stays on the claim and becomes an instant inside the period (time:inside), never its
  start; `held_from` and `held_until` are the start and end as the source gives them
  (time:hasBeginning, time:hasEnd). Each is a fact with its own claim of the line's source,
  so two sources giving different starts are a disagreement like any other.
- A `sameSumAs` claim links two amounts of money given for one subject in two currencies.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal, InvalidOperation
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from kg.data.assembly_part import AssemblyPart
from kg.data.namespaces import PRKG, TIME
from kg.data.records import ClaimRecord, valid_date
from kg.data.terms import TRADE_FLOW_TERMS
from kg.data.values import instant, interval_node, value_node

_TENURE_KEYS = ("held_from", "held_until", "term")


class Tenures(AssemblyPart):
    """Checks and triples of the tenure qualifiers and of sameSumAs claims."""

    onto: Any

    # -- tenure ---------------------------------------------------------------------------
    def tenure_ok(self, claim: ClaimRecord, prop: URIRef) -> bool:
        """held_from / held_until / term qualify a holdsPost claim, with valid dates."""
        given = [k for k in _TENURE_KEYS if getattr(claim, k)]
        if not given:
            return True
        if prop != PRKG.holdsPost:
            self.err(claim.file, claim.line, f"{', '.join(given)} qualify a holdsPost claim only")
            return False
        ok = True
        for key in ("held_from", "held_until"):
            value = getattr(claim, key)
            if value and not valid_date(value):
                self.err(claim.file, claim.line, f"malformed date {value!r} in {key}")
                ok = False
        start, end = claim.held_from, claim.held_until
        if ok and start and end and end < start and not start.startswith(end):
            self.err(claim.file, claim.line, f"held_until {end} is before held_from {start}")
            ok = False
        return ok

    def add_tenure(self, claim: ClaimRecord, person: URIRef, post: Node) -> None:
        """The tenure a holdsPost claim implies, and the sourced facts about its period."""
        key = f"{claim.subject}--{claim.object}" + (f"--{claim.term}" if claim.term else "")
        tenure = URIRef(self.ns.value("tenure-" + key))
        period = URIRef(self.ns.value("tenure-" + key + "-period"))
        derived = dataclasses.replace(claim, id=None)  # same source, locator, qualifiers
        here = f"{claim.file}:{claim.line}"
        name = f"{self._label(claim.subject)} as {self._label(str(claim.object))}"
        if claim.term:
            name += f" (term {claim.term})"
        self.add_fact(
            (tenure, PRKG.tenurePeriod, period),
            claim.source,
            here,
            claim=derived,
            locator=claim.locator,
            note=claim.note,
            nested=[
                (tenure, RDF.type, PRKG.Tenure),
                (tenure, RDFS.label, Literal(name, lang="en")),
                (period, RDFS.label, Literal(f"Term of {name}", lang="en")),
                (tenure, PRKG.tenureHolder, person),
                (tenure, PRKG.tenurePost, post),
                (period, RDF.type, TIME.ProperInterval),
            ],
        )
        for date, prop in (
            (claim.as_of, TIME.inside),
            (claim.held_from, TIME.hasBeginning),
            (claim.held_until, TIME.hasEnd),
        ):
            if not date:
                continue
            node, description = instant(date, self.ns)
            self.add_fact(
                (period, prop, node),
                claim.source,
                here,
                claim=derived,
                locator=claim.locator,
                note=claim.note,
                nested=description,
            )

    def _label(self, slug: str) -> str:
        record = self.data.entities.get(slug)
        return record.labels.get("en", slug) if record else slug

    # -- one sum in two currencies --------------------------------------------------------
    def add_same_sum(self, claim: ClaimRecord) -> None:
        """`{subject: S, predicate: sameSumAs, object: [money, money]}`: the two amounts,
        which other claims give for S, are one sum (both directions, each with a claim)."""
        obj = claim.object
        if not isinstance(obj, list) or len(obj) != 2:
            self.err(
                claim.file,
                claim.object_line,
                "sameSumAs takes two amounts, [{amount: N, currency: X}, {amount: M, "
                "currency: Y}], given for the subject by other claims",
            )
            return
        nodes = []
        for value in obj:
            one = dataclasses.replace(claim, object=value)
            made = value_node(one, "money", self.ns, self.err)
            if made is None:
                return
            if not self._subject_has_amount(claim.subject, value):
                self.err(
                    claim.file,
                    claim.object_line,
                    f"no claim gives {claim.subject!r} the amount {value!r}: sameSumAs links "
                    "amounts that other claims give",
                )
                return
            nodes.append(made)
        (a, a_props), (b, b_props) = nodes
        if dict(a_props).get(PRKG.currency) == dict(b_props).get(PRKG.currency):
            self.err(claim.file, claim.object_line, "sameSumAs links amounts in two currencies")
            return
        here = f"{claim.file}:{claim.line}"
        pairs = (((a, a_props), (b, b_props)), ((b, b_props), (a, a_props)))
        for (s, s_props), (o, o_props) in pairs:
            self.add_fact(
                (s, PRKG.sameSumAs, o),
                claim.source,
                here,
                claim=dataclasses.replace(claim, id=None),
                locator=claim.locator,
                note=claim.note,
                extra=o_props,
                nested=[(s, p, v) for p, v in s_props],
            )

    def _subject_has_amount(self, subject: str, value: Any) -> bool:
        def same(x: Any, y: Any) -> bool:
            if not isinstance(x, dict) or not isinstance(y, dict):
                return False
            try:
                keys = ("amount", "min", "max")
                return str(x.get("currency")) == str(y.get("currency")) and all(
                    (k in x) == (k in y)
                    and (k not in x or Decimal(str(x[k])) == Decimal(str(y[k])))
                    for k in keys
                )
            except InvalidOperation:
                return False

        return any(
            c.subject == subject and c.predicate != "sameSumAs" and same(c.object, value)
            for c in self.data.claims
        )

    # -- observations (trade flows, reference periods) and the patterns they replace ------
    def observation_object(
        self, claim: ClaimRecord, kind: str
    ) -> tuple[Node, list[tuple[Node, Node]], list[Triple]] | None:
        """The object of a tradeFlow (a member of the flow scheme) or refPeriod (an OWL-Time
        interval) claim, with the interval's description."""
        if kind == "flow":
            code = str(claim.object).strip()
            if code not in TRADE_FLOW_TERMS:
                self.err(
                    claim.file,
                    claim.object_line,
                    f"tradeFlow takes one of: {', '.join(TRADE_FLOW_TERMS)}; not {code!r}",
                )
                return None
            return TRADE_FLOW_TERMS[code], [], []
        return interval_node(claim, self.ns, self.err)

    def old_observation_pattern(self, claim: ClaimRecord) -> bool:
        """True (and an error naming the line) for the 0.3.0 patterns v4.py migrates: a
        free-text flow or period, a trade figure's states as an unordered observationOf."""
        name = claim.predicate.removeprefix("prkg:")
        advice = "This is the 0.3.0 pattern: run python ontology/migrations/v4.py data"
        if name in _REPLACED:
            self.err(claim.file, claim.line, f"{name} is deprecated: {_REPLACED[name]}. {advice}")
            return True
        record = self.data.entities.get(claim.subject)
        target = self.data.entities.get(str(claim.object))
        if (
            name == "observationOf"
            and record is not None
            and record.cls == "TradeFigure"
            and target is not None
            and target.cls == "State"
        ):
            self.err(
                claim.file,
                claim.line,
                "a trade figure's states are its reporter (whose exports or imports) and "
                f"partner, not an unordered observationOf. {advice}",
            )
            return True
        return False


_REPLACED = {
    "flow": "write tradeFlow (exports|imports|total) with reporter and partner",
    "period": "write refPeriod {from: DATE, to: DATE, label: TEXT}",
}
Triple = tuple[Node, Node, Node]
