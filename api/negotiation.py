"""HTTP content negotiation (RFC 9110 Accept with q-values and wildcards) and our format names.

Every router that answers in more than one format asks `negotiate()` which media type to
send, so `/sparql`, `/id/…`, `/ontology` and `/.well-known/void` agree on names, aliases and
the convenience `format=` parameter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# SELECT / ASK answers.
RESULT_TYPES: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
# CONSTRUCT / DESCRIBE answers and every RDF document we serve.
GRAPH_TYPES: dict[str, str] = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json",
    "trig": "application/trig",
    "nquads": "application/n-quads",
}
HTML = "text/html"

# Media types clients commonly send for the same thing (SPARQLWrapper, rdflib, curl users).
ALIASES: dict[str, str] = {
    "application/json": "application/sparql-results+json",
    "text/javascript": "application/sparql-results+json",
    "application/javascript": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
    "application/x-turtle": "text/turtle",
    "text/plain": "application/n-triples",
    "application/x-trig": "application/trig",
    "text/x-nquads": "application/n-quads",
    "application/xhtml+xml": HTML,
}
# For graph answers the same aliases mean the RDF flavour.
GRAPH_ALIASES: dict[str, str] = {
    "application/json": "application/ld+json",
    "application/xml": "application/rdf+xml",
    "text/xml": "application/rdf+xml",
}
# `format=` values that name the other family: be lenient (json → JSON-LD for a graph).
CROSS_FORMAT: dict[str, str] = {"json": "jsonld", "xml": "rdfxml"}


class NotAcceptable(Exception):
    """No offered media type satisfies the request (answered with 406)."""


@dataclass(frozen=True, slots=True)
class MediaRange:
    type: str
    subtype: str
    q: float
    order: int

    def matches(self, media_type: str) -> int:
        """Specificity of the match (2 exact, 1 type/*, 0 */*) or -1 for none."""
        main, _, sub = media_type.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 0
        if self.type == main and self.subtype == "*":
            return 1
        if self.type == main and self.subtype == sub:
            return 2
        return -1


def parse_accept(header: str | None) -> list[MediaRange]:
    """Parse an Accept header; malformed parts are skipped (a sloppy client still gets a reply)."""
    if not header or not header.strip():
        return [MediaRange("*", "*", 1.0, 0)]
    ranges: list[MediaRange] = []
    for order, part in enumerate(header.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if "/" not in media:
            if media == "*":
                media = "*/*"
            else:
                continue
        main, _, sub = media.partition("/")
        q = 1.0
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value.strip())))
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(main, sub, q, order))
    return ranges


def negotiate(
    accept: str | None,
    offers: Sequence[str],
    aliases: dict[str, str] | None = None,
) -> str:
    """The offer the client prefers most; ties go to the order of `offers` (our preference).

    `aliases` maps extra media types a client may ask for to one of `offers`; the canonical
    offer is returned. Raises NotAcceptable when nothing has q > 0.
    """
    aliases = {k: v for k, v in (aliases or {}).items() if v in offers}
    candidates: list[tuple[str, str]] = [(o, o) for o in offers]
    candidates += [(alias, canon) for alias, canon in aliases.items() if alias not in offers]
    ranges = parse_accept(accept)
    best: tuple[float, int, int] | None = None
    chosen: str | None = None
    for position, (name, canonical) in enumerate(candidates):
        matches = [(r.matches(name), r) for r in ranges]
        matches = [(spec, r) for spec, r in matches if spec >= 0]
        if not matches:
            continue
        spec, rng = max(matches, key=lambda m: m[0])
        # A wildcard match never selects an alias: `*/*` means "your default", not text/plain.
        if spec < 2 and name != canonical:
            continue
        if rng.q <= 0:
            continue
        key = (rng.q, spec, -position)
        if best is None or key > best:
            best, chosen = key, canonical
    if chosen is None:
        raise NotAcceptable(
            f"None of the formats this resource offers ({', '.join(offers)}) is acceptable "
            f"to 'Accept: {accept}'."
        )
    return chosen


def format_param(value: str, family: dict[str, str]) -> str:
    """Resolve a `format=` value (short name or media type) within one family, or raise."""
    name = value.strip().lower()
    if name in family:
        return family[name]
    if family is GRAPH_TYPES and name in CROSS_FORMAT:
        return family[CROSS_FORMAT[name]]
    if name in family.values():
        return name
    canonical = ALIASES.get(name)
    if family is GRAPH_TYPES:
        canonical = GRAPH_ALIASES.get(name, canonical)
    if canonical in family.values():
        return canonical  # type: ignore[return-value]
    raise NotAcceptable(f"format={value!r} is not available here; use one of: {', '.join(family)}.")
