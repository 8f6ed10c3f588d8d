"""The values of claims: dates as precise as the source gives them, whole and decimal
numbers, and the structured values (quantities with a unit, amounts of money with a currency).

Each reader reports a mistake through `err(file, line, message)`, in the words a curator
understands, and returns None; the assembler (kg/data/assemble.py) goes on with the next claim.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from kg.data.namespaces import PRKG, QUDT, TIME, Namespaces
from kg.data.records import DATE_RE, ClaimRecord, valid_date

CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
# Capacities are rates (a year's production): their units end in "/a" since ontology 0.2.0.
RATE_PREDICATES = ("capacity", "plannedCapacity")
# Where a reader reports a mistake: file, line, message.
Report = Callable[[str, int, str], None]


def date_literal(text: str) -> Literal:
    """A date as precise as the source gives it: xsd:date, xsd:gYearMonth or xsd:gYear."""
    match = DATE_RE.match(text)
    assert match, text
    if match.group(3):
        return Literal(text, datatype=XSD.date)
    if match.group(2):
        return Literal(text, datatype=XSD.gYearMonth)
    return Literal(text, datatype=XSD.gYear)


Units = dict[str, tuple[URIRef, URIRef]]
Triple = tuple[Node, Node, Node]
# OWL-Time's property for a date of each precision.
_TIME_POSITION = {XSD.date: TIME.inXSDDate, XSD.gYearMonth: TIME.inXSDgYearMonth,
                  XSD.gYear: TIME.inXSDgYear}  # fmt: skip


def instant(date: str, ns: Namespaces) -> tuple[URIRef, list[Triple]]:
    """An OWL-Time instant for a date as precise as the source gives it, named by the date
    (one node per date), with its description."""
    node = URIRef(ns.value("instant-" + date))
    lit = date_literal(date)
    return node, [(node, RDF.type, TIME.Instant), (node, _TIME_POSITION[lit.datatype], lit)]


def interval_node(
    claim: ClaimRecord, ns: Namespaces, err: Report
) -> tuple[URIRef, list[tuple[Node, Node]], list[Triple]] | None:
    """An OWL-Time proper interval from `{from: DATE, to: DATE, label: TEXT}`: its node
    (named by its two ends), its own properties and the descriptions of its instants."""
    obj = claim.object
    line = claim.object_line
    if not isinstance(obj, dict) or not {"from", "to"} <= set(obj):
        err(claim.file, line, f"{claim.predicate} takes a period like "
            f"{{from: 2022-07-01, to: 2023-06-30, label: FY2022-23}}, not {obj!r}")  # fmt: skip
        return None
    unknown = set(obj) - {"from", "to", "label"}
    if unknown:
        err(claim.file, line, f"unknown field(s) {sorted(unknown)} in the period; allowed: "
            "['from', 'label', 'to']")  # fmt: skip
        return None
    start, end = str(obj["from"]).strip(), str(obj["to"]).strip()
    for key, text in (("from", start), ("to", end)):
        if not valid_date(text):
            err(claim.file, line, f"malformed date {text!r} in {key}: write YYYY, YYYY-MM or "
                "YYYY-MM-DD")  # fmt: skip
            return None
    if end < start and not start.startswith(end):
        err(claim.file, line, f"the period ends ({end}) before it begins ({start})")
        return None
    node = URIRef(ns.value(f"interval-{start}--{end}"))
    begin, begin_desc = instant(start, ns)
    finish, finish_desc = instant(end, ns)
    props: list[tuple[Node, Node]] = [
        (RDF.type, TIME.ProperInterval),
        (TIME.hasBeginning, begin),
        (TIME.hasEnd, finish),
    ]
    if obj.get("label"):
        props.append((RDFS.label, Literal(str(obj["label"]), lang="en")))
    return node, props, begin_desc + finish_desc


def value_node(
    claim: ClaimRecord, kind: str, ns: Namespaces, err: Report, units: Units | None = None
) -> tuple[URIRef, list[tuple[Node, Node]]] | None:
    """The node of a structured value (`quantity`: amount and unit, with the unit's QUDT IRI
    and quantity kind from `units`; otherwise money: amount and ISO 4217 currency) and its
    properties; named by its content, so equal values share one node."""
    obj = claim.object
    line = claim.object_line
    if not isinstance(obj, dict):
        what = "{amount: N, unit: U}" if kind == "quantity" else "{amount: N, currency: USD}"
        err(claim.file, line, f"{claim.predicate} takes a value like {what}, not {obj!r}")
        return None
    allowed = {"amount", "min", "max", "unit" if kind == "quantity" else "currency"}
    unknown = set(obj) - allowed
    if unknown:
        err(
            claim.file,
            line,
            f"unknown field(s) {sorted(unknown)} in the value; allowed: {sorted(allowed)}",
        )
        return None
    props: list[tuple[Node, Node]] = []
    numbers: dict[str, Decimal] = {}
    for key, prop in (
        ("amount", PRKG.amount),
        ("min", PRKG.minAmount),
        ("max", PRKG.maxAmount),
    ):
        if key in obj:
            try:
                numbers[key] = Decimal(str(obj[key]))
            except InvalidOperation:
                err(claim.file, line, f"{key} must be a number, not {obj[key]!r}")
                return None
            props.append((prop, Literal(numbers[key], datatype=XSD.decimal)))
    if not numbers:
        err(claim.file, line, "the value needs 'amount' (or 'min' and 'max')")
        return None
    if "min" in numbers and "max" in numbers and numbers["min"] > numbers["max"]:
        err(claim.file, line, "min is larger than max")
        return None
    if kind == "quantity":
        unit = obj.get("unit")
        if not unit:
            err(claim.file, line, "a quantity needs a unit")
            return None
        if claim.predicate.removeprefix("prkg:") in RATE_PREDICATES and str(unit) in ("Mt", "t"):
            err(
                claim.file,
                line,
                f"{claim.predicate} is a rate: write unit {unit}/a, not {unit} (the pattern of "
                "ontology 0.1.0; run `python ontology/migrations/v2.py data` to migrate)",
            )
            return None
        if units is not None:
            if str(unit) not in units:
                err(
                    claim.file,
                    line,
                    f"unknown unit {unit!r}: use one of {', '.join(sorted(units))} (the unit "
                    "table of ontology/prkg.ttl, each a QUDT unit)",
                )
                return None
            unit_iri, quantity_kind = units[str(unit)]
            props.append((QUDT.hasUnit, unit_iri))
            props.append((QUDT.hasQuantityKind, quantity_kind))
        props.append((PRKG.unit, Literal(str(unit))))
        props.insert(0, (RDF.type, PRKG.QuantityValue))
    else:
        currency = str(obj.get("currency") or "")
        if not CURRENCY_RE.match(currency):
            err(
                claim.file,
                line,
                f"currency must be an ISO 4217 code like USD, not {currency!r}",
            )
            return None
        props.append((PRKG.currency, Literal(currency)))
        props.insert(0, (RDF.type, PRKG.MonetaryAmount))
    key = json.dumps(sorted((str(p), str(o)) for p, o in props))
    node = URIRef(ns.value(hashlib.sha1(key.encode()).hexdigest()[:16]))
    return node, props


def literal(claim: ClaimRecord, kind: str, err: Report) -> Literal | None:
    """The claim's object as a literal typed by the property's kind (the ontology's range:
    temporal, integer, decimal, else plain text)."""
    value = claim.object
    line = claim.object_line
    if isinstance(value, dict | list):
        err(claim.file, line, f"{claim.predicate} takes a single value, not {value!r}")
        return None
    text = str(value).strip()
    if kind == "temporal":
        if not valid_date(text):
            err(
                claim.file,
                line,
                f"malformed date {text!r} for {claim.predicate}: write YYYY, YYYY-MM or YYYY-MM-DD",
            )
            return None
        return date_literal(text)
    if kind == "integer":
        if not re.fullmatch(r"-?\d+", text):
            err(claim.file, line, f"{claim.predicate} takes a whole number, not {text!r}")
            return None
        return Literal(int(text), datatype=XSD.integer)
    if kind == "decimal":
        try:
            return Literal(Decimal(text), datatype=XSD.decimal)
        except InvalidOperation:
            err(claim.file, line, f"{claim.predicate} takes a number, not {text!r}")
            return None
    return Literal(text)
