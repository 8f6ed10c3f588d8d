"""The external datasets our entities link into, and the predicates of a link.

Part of the data model: the link tools (kg.link), the coverage report (kg.report) and the
dataset description all read it, so it sits below them.
"""

from __future__ import annotations

from dataclasses import dataclass

OWL_SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
SKOS_EXACT_MATCH = "http://www.w3.org/2004/02/skos/core#exactMatch"
SKOS_CLOSE_MATCH = "http://www.w3.org/2004/02/skos/core#closeMatch"
LINK_PREDICATES = (OWL_SAME_AS, SKOS_EXACT_MATCH, SKOS_CLOSE_MATCH)


@dataclass(frozen=True)
class TargetDataset:
    """An external dataset our entities link into, recognised by its IRI space."""

    key: str  # short name, usable in IRIs: {NS}dataset/linkset/{key}-{predicate}
    title: str
    uri_space: str  # void:uriSpace of the target
    homepage: str
    sparql_endpoint: str | None


TARGETS: tuple[TargetDataset, ...] = (
    TargetDataset(
        "wikidata",
        "Wikidata",
        "http://www.wikidata.org/entity/",
        "https://www.wikidata.org/",
        "https://query.wikidata.org/sparql",
    ),
    TargetDataset(
        "geonames", "GeoNames", "https://sws.geonames.org/", "https://www.geonames.org/", None
    ),
    TargetDataset(
        "dbpedia",
        "DBpedia",
        "http://dbpedia.org/resource/",
        "https://www.dbpedia.org/",
        "https://dbpedia.org/sparql",
    ),
)
