"""IRIs of the graph: one configurable namespace for data, fixed ones for vocabularies.

Every IRI prkg mints goes through `Namespaces`, so moving the data to another namespace
(a mirror, a test) is one setting.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

DEFAULT_NAMESPACE = "https://w3id.org/prkg/"

PRKG = Namespace("https://w3id.org/prkg/ontology#")
ONTOLOGY_IRI = "https://w3id.org/prkg/ontology"
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
TIME = Namespace("http://www.w3.org/2006/time#")
QUDT = Namespace("http://qudt.org/schema/qudt/")
UNIT = Namespace("http://qudt.org/vocab/unit/")
QUANTITYKIND = Namespace("http://qudt.org/vocab/quantitykind/")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
VANN = Namespace("http://purl.org/vocab/vann/")
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
WD = Namespace("http://www.wikidata.org/entity/")

# The prefixes offered to users (query UI, CLI, dumps). One map, used everywhere.
PREFIXES: dict[str, str] = {
    "prkg": str(PRKG),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dct": str(DCTERMS),
    "prov": str(PROV),
    "foaf": str(FOAF),
    "schema": str(SCHEMA),
    "org": str(ORG),
    "sem": str(SEM),
    "time": str(TIME),
    "qudt": str(QUDT),
    "unit": str(UNIT),
    "quantitykind": str(QUANTITYKIND),
    "geo": str(GEO),
    "vann": str(VANN),
    "void": str(VOID),
    "dcat": str(DCAT),
    "wd": str(WD),
}


@dataclass(frozen=True)
class Namespaces:
    """IRIs under the data namespace (`{ns}id/…`, `{ns}source/…`, `{ns}graph/…`)."""

    base: str = DEFAULT_NAMESPACE

    def __post_init__(self) -> None:
        if not self.base.endswith(("/", "#")):
            raise ValueError(f"The namespace must end with '/' or '#': {self.base!r}")

    def entity(self, slug: str) -> str:
        return f"{self.base}id/{slug}"

    def source(self, source_id: str) -> str:
        return f"{self.base}source/{source_id}"

    def claim(self, claim_id: str) -> str:
        return f"{self.base}claim/{claim_id}"

    def value(self, key: str) -> str:
        return f"{self.base}value/{key}"

    def source_graph(self, source_id: str) -> str:
        return f"{self.base}graph/source/{source_id}"

    @property
    def ontology_graph(self) -> str:
        return f"{self.base}graph/ontology"

    @property
    def inferred_graph(self) -> str:
        return f"{self.base}graph/inferred"

    @property
    def updates_graph(self) -> str:
        return f"{self.base}graph/updates"

    @property
    def dataset(self) -> str:
        return f"{self.base}dataset"

    def prefixes(self) -> dict[str, str]:
        """User-facing prefixes including the data namespace's own."""
        return {
            **PREFIXES,
            "id": self.entity(""),
            "src": self.source(""),
            "graph": f"{self.base}graph/",
        }
