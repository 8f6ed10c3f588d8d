"""Entity pages that read like a reference work: statements grouped, values written for people.

A reader of `/id/psm` wants "Capacity: 1.1 million tonnes a year — 3 sources", not a value
IRI followed by `prkg:amount 1100000; prkg:unit t/a`. This module turns the facts the page
handler read from the store into small view models: property groups in a stable order (what
it is, when, where, who, figures, related things), one row per distinct value with all its
sources, and each value as text. The group of a property comes from its `rdfs:range` in the
ontology (read by the caller), so renaming a property in the ontology needs no change here.
Nothing in this module queries the store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

# Groups in the order a reference work reads; the key is matched against the range's class.
GROUPS = (
    ("what", "What it is"),
    ("when", "When"),
    ("where", "Where"),
    ("who", "Who"),
    ("figures", "Figures"),
    ("related", "Related things"),
)
# Classes (local names) whose instances put a property in a group.
WHERE_CLASSES = {"Place", "Facility", "Feature"}
WHO_CLASSES = {"Actor", "Agent", "Person", "Organization", "Post"}
FIGURE_CLASSES = {"Value", "Quantity", "MonetaryAmount"}
DATE_TYPES = {XSD + t for t in ("date", "dateTime", "gYear", "gYearMonth")}

UNIT_WORDS = {
    "acre": ("acre", "acres"),
    "t": ("tonne", "tonnes"),
    "km": ("km", "km"),
    "MW": ("MW", "MW"),
    "percent": ("%", "%"),
    "year": ("year", "years"),
    "inch": ("inch", "inches"),
    "bcm": ("billion cubic metres", "billion cubic metres"),
    "Mt": ("million tonnes", "million tonnes"),
}
CURRENCY_SIGNS = {"USD": "US$", "PKR": "PKR", "EUR": "€", "SUR": "Soviet roubles"}
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def local_name(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


def group_of(predicate: str, ranges: set[str], ancestors: dict[str, set[str]],
             datatype: str | None, is_value: bool) -> str:  # fmt: skip
    """The group a statement goes in, from the property's ranges (and the value as a fallback)."""
    if predicate == RDF_TYPE:
        return "what"
    names: set[str] = set()
    for r in ranges:
        names |= ancestors.get(local_name(r), {local_name(r)})
    if is_value or names & FIGURE_CLASSES:
        return "figures"
    if datatype in DATE_TYPES or any(r in DATE_TYPES for r in ranges):
        return "when"
    if names & WHERE_CLASSES:
        return "where"
    if names & WHO_CLASSES:
        return "who"
    if datatype is not None or any(r.startswith(XSD) or r.endswith("Literal") for r in ranges):
        return "what"
    return "related"


def format_number(n: Decimal) -> str:
    """18660 → "18,660"; 500000000 → "500 million"; 1.1 → "1.1"."""
    for size, word in ((Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million")):
        if abs(n) >= size:
            scaled = (n / size).normalize()
            return f"{_plain(scaled)} {word}"
    return _plain(n)


def _plain(n: Decimal) -> str:
    if n == n.to_integral_value():
        return f"{int(n):,}"
    return f"{n.normalize():,f}"


def _number(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def format_unit(unit: str, plural: bool) -> str:
    """"Mt/a" → "million tonnes a year"; unknown units are shown as written."""
    base, _, per = unit.partition("/")
    words = UNIT_WORDS.get(base)
    text = (words[1] if plural else words[0]) if words else base
    if per == "a":
        text += " a year"
    elif per:
        text += f" per {per}"
    return text


def format_structured(parts: dict[str, str]) -> str | None:
    """A quantity or amount of money (local property name → lexical value) as text.

    The amount, or min–max, with the unit in words or the currency before the number;
    None when the parts are not a value we know (the caller then shows them as they are).
    """
    amount, low, high = (_number(parts.get(k)) for k in ("amount", "minAmount", "maxAmount"))
    if amount is not None:
        figure, plural = format_number(amount), amount != 1
    elif low is not None or high is not None:
        figure = "–".join(format_number(x) for x in (low, high) if x is not None)
        if low is None:
            figure = "up to " + figure
        elif high is None:
            figure = "at least " + figure
        plural = True
    else:
        return None
    if "currency" in parts:
        currency = parts["currency"]
        return f"{CURRENCY_SIGNS.get(currency, currency)} {figure}"
    if "unit" in parts:
        unit = format_unit(parts["unit"], plural)
        return f"{figure}{unit}" if unit == "%" else f"{figure} {unit}"
    return figure


def format_date(text: str, datatype: str | None) -> str:
    """xsd:date "2025-07-11" → "11 July 2025"; gYearMonth → "July 2025"; others unchanged."""
    m = re.fullmatch(r"(-?\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", text.strip())
    if not m or (datatype is not None and datatype not in DATE_TYPES):
        return text
    year, month, day = m.groups()
    try:
        if day:
            d = date(int(year), int(month), int(day))
            return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
        if month:
            return f"{MONTHS[int(month) - 1]} {int(year)}"
    except (ValueError, IndexError):
        return text
    return str(int(year))


@dataclass
class Reference:
    """One source behind a value: enough to find the passage and judge it."""

    id: str
    href: str | None
    publisher: str | None
    date: str | None
    title: str | None
    url: str | None
    locator: str | None
    quote: str | None
    note: str | None
    reliability: str | None


# A value with this many sources or fewer shows them open: the reader sees who says it and in
# whose words without a click; longer lists (a country's name, cited by 30 documents) fold.
OPEN_REFERENCES = 3


@dataclass
class ValueRow:
    """One distinct value of a property, with every source that gives it."""

    text: str
    href: str | None
    lang: str | None
    references: list[Reference] = field(default_factory=list)
    graphs: list[str] = field(default_factory=list)

    @property
    def source_count(self) -> int:
        """Independent sources: distinct documents (two claims from one document count once)."""
        return len({r.id for r in self.references})

    @property
    def references_open(self) -> bool:
        return self.source_count <= OPEN_REFERENCES


@dataclass
class PropertyRow:
    label: str
    iri: str
    href: str | None
    values: list[ValueRow] = field(default_factory=list)
    disputed: bool = False
    dispute_href: str | None = None


@dataclass
class StatementGroup:
    key: str
    title: str
    properties: list[PropertyRow] = field(default_factory=list)


def group_statements(facts: list[dict], ranges: dict[str, set[str]],
                     ancestors: dict[str, set[str]], disputed: set[str],
                     dispute_href: str, hidden: set[str]) -> list[StatementGroup]:  # fmt: skip
    """Facts (as read by `api.pages`) → groups of property rows in the reading order.

    `disputed` holds the predicates on which sources disagree about this entity (each row
    links to `dispute_href` + the property's local name, its anchor on `/disputes`); `hidden`
    the predicates the page shows elsewhere (labels, external identifiers).
    """
    by_property: dict[str, PropertyRow] = {}
    group_for: dict[str, str] = {}
    for fact in facts:
        p, o = fact["p"], fact["o"]
        if p["value"] in hidden:
            continue
        text = fact.get("value_text") or o["text"]
        if not o["uri"]:
            text = format_date(text, (o.get("datatype_iri") or None))
        row = by_property.get(p["value"])
        if row is None:
            row = by_property[p["value"]] = PropertyRow(
                label=p["text"], iri=p["value"], href=p["href"],
                disputed=p["value"] in disputed,
                dispute_href=(
                    dispute_href + local_name(p["value"]) if p["value"] in disputed else None
                ),
            )  # fmt: skip
            group_for[p["value"]] = group_of(
                p["value"], ranges.get(p["value"], set()), ancestors,
                o.get("datatype_iri"), bool(fact.get("value_text")),
            )  # fmt: skip
        value = next((v for v in row.values if v.text == text and v.href == o["href"]), None)
        if value is None:
            value = ValueRow(text=text, href=None if fact.get("value_text") else o["href"],
                             lang=o["lang"])  # fmt: skip
            row.values.append(value)
        seen = {(r.id, r.locator, r.quote) for r in value.references}
        for c in fact["claims"]:
            s = c["source"]
            ref = Reference(s["id"], s["href"], s["publisher"], s["date"], s["title"], s["url"],
                            c["locator"], c["quote"], c["note"], s["reliability"])  # fmt: skip
            if (ref.id, ref.locator, ref.quote) not in seen:
                seen.add((ref.id, ref.locator, ref.quote))
                value.references.append(ref)
        value.graphs = sorted(set(value.graphs) | set(fact["graphs"]))
    groups = []
    for key, title in GROUPS:
        rows = [r for iri, r in by_property.items() if group_for[iri] == key]
        rows.sort(key=lambda r: (r.label.lower(), r.iri))
        for r in rows:
            r.values.sort(key=lambda v: (-v.source_count, v.text))
        if rows:
            groups.append(StatementGroup(key, title, rows))
    return groups
