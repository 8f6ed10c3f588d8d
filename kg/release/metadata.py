"""What describes a release: VoID/DCAT, CITATION.cff, RO-Crate metadata and SHA256SUMS.

A reviewer gets a cited version back by its IRI, its date and its checksums; VoID names the
version and the one before it (dcat:previousVersion), CITATION.cff lets reference managers
and GitHub cite it, RO-Crate describes every file for repositories such as Zenodo. Each is
written from the version, the date and the files alone — never the clock — so two releases
of the same input are byte-identical.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyoxigraph as ox

from kg.data.namespaces import DCAT, ONTOLOGY_IRI, VOID, Namespaces

TITLE = "Pakistan–Russia Knowledge Graph (prkg)"
AUTHOR = "prkg maintainers"
LICENSE = "CC-BY-4.0"
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
DESCRIPTION = (
    "Sourced facts on Pakistan–Russia and Pakistan–USSR industrial cooperation; every fact "
    "names the document it comes from."
)
DCT = "http://purl.org/dc/terms/"
OWL = "http://www.w3.org/2002/07/owl#"
PROV = "http://www.w3.org/ns/prov#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD = "http://www.w3.org/2001/XMLSchema#"
MEDIA = {
    ".nq": "application/n-quads",
    ".nt": "application/n-triples",
    ".trig": "application/trig",
    ".ttl": "text/turtle",
    ".owl": "application/rdf+xml",
    ".csv": "text/csv",
    ".md": "text/markdown",
    ".json": "application/json",
    ".cff": "application/x-yaml",
}
DUMPS = ("dataset.nq", "dataset.trig", "union.ttl", "claims-rdf12.nt")


def release_iri(ns: Namespaces, version: str) -> str:
    return f"{ns.dataset}/release/{version}"


def void_turtle(
    ns: Namespaces, version: str, date: str, previous: str | None, counts: dict[str, int]
) -> str:
    """VoID + DCAT of the release: the dataset's current version, and the release itself."""
    ds = ox.NamedNode(ns.dataset)
    rel = ox.NamedNode(release_iri(ns, version))

    def n(iri: str) -> ox.NamedNode:
        return ox.NamedNode(iri)

    def lit(value: str, datatype: str | None = None, lang: str | None = None) -> ox.Literal:
        if lang:
            return ox.Literal(value, language=lang)
        return ox.Literal(value, datatype=n(datatype)) if datatype else ox.Literal(value)

    t = [
        (ds, RDF_TYPE, n(str(VOID) + "Dataset")),
        (ds, RDF_TYPE, n(str(DCAT) + "Dataset")),
        (ds, n(str(DCAT) + "hasCurrentVersion"), rel),
        (ds, n(str(DCAT) + "hasVersion"), rel),
        (ds, n(OWL + "versionInfo"), lit(version)),
        (rel, RDF_TYPE, n(str(VOID) + "Dataset")),
        (rel, RDF_TYPE, n(str(DCAT) + "Dataset")),
        (rel, n(DCT + "title"), lit(f"{TITLE}, release {version}", lang="en")),
        (rel, n(DCT + "description"), lit(DESCRIPTION, lang="en")),
        (rel, n(DCT + "isVersionOf"), ds),
        (rel, n(str(DCAT) + "version"), lit(version)),
        (rel, n(OWL + "versionInfo"), lit(version)),
        (rel, n(DCT + "issued"), lit(date, XSD + "date")),
        (rel, n(DCT + "license"), n(LICENSE_URL)),
        (rel, n(str(VOID) + "uriSpace"), lit(ns.entity(""))),
        (rel, n(str(VOID) + "vocabulary"), n(ONTOLOGY_IRI + "#")),
    ]
    for key in ("triples", "entities"):
        t.append((rel, n(str(VOID) + key), lit(str(counts.get(key, 0)), XSD + "integer")))
    if previous:
        prev = n(release_iri(ns, previous))
        t += [
            (rel, n(str(DCAT) + "previousVersion"), prev),
            (rel, n(PROV + "wasRevisionOf"), prev),
        ]
    for name in DUMPS:
        media = MEDIA[Path(name).suffix]
        file = n(f"{release_iri(ns, version)}/{name}")
        t += [
            (rel, n(str(VOID) + "dataDump"), file),
            (rel, n(str(DCAT) + "distribution"), file),
            (file, RDF_TYPE, n(str(DCAT) + "Distribution")),
            (file, n(str(DCAT) + "mediaType"), lit(media)),
            (file, n(str(DCAT) + "downloadURL"), file),
        ]
    triples = sorted({ox.Triple(*x) for x in t}, key=str)
    prefixes = {"dcat": str(DCAT), "dct": DCT, "owl": OWL, "prov": PROV, "void": str(VOID)}
    body = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    return body.decode("utf-8") if body else ""


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML scalar


def citation(version: str, date: str, ns: Namespaces) -> str:
    """CITATION.cff (Citation File Format 1.2.0) of one release."""
    return (
        "cff-version: 1.2.0\n"
        "message: If you use this release of prkg, please cite it as below.\n"
        "type: dataset\n"
        f"title: {_quote(TITLE)}\n"
        f"abstract: {_quote(DESCRIPTION)}\n"
        "authors:\n"
        f"  - name: {_quote(AUTHOR)}\n"
        f"version: {_quote(version)}\n"
        f"date-released: {_quote(date)}\n"
        f"license: {LICENSE}\n"
        "identifiers:\n"
        "  - type: other\n"
        f"    value: {_quote(release_iri(ns, version))}\n"
        '    description: "IRI of the release in the prkg namespace (VoID, RO-Crate)"\n'
        "keywords:\n"
        "  - knowledge graph\n"
        "  - Pakistan\n"
        "  - Russia\n"
        "  - Soviet Union\n"
        "  - industrial cooperation\n"
    )


def crate(files: list[str], version: str, date: str, ns: Namespaces) -> dict:
    """RO-Crate 1.1 metadata: the release as a Dataset and every file in it."""
    parts = sorted(f for f in files if f != "ro-crate-metadata.json")
    graph: list[dict] = [
        {
            "@id": "ro-crate-metadata.json",
            "@type": "CreativeWork",
            "conformsTo": {"@id": "https://w3id.org/ro/crate/1.1"},
            "about": {"@id": "./"},
        },
        {
            "@id": "./",
            "@type": "Dataset",
            "name": f"{TITLE}, release {version}",
            "description": DESCRIPTION,
            "version": version,
            "datePublished": date,
            "license": {"@id": LICENSE_URL},
            "identifier": release_iri(ns, version),
            "hasPart": [{"@id": name} for name in parts],
        },
        {"@id": LICENSE_URL, "@type": "CreativeWork", "name": "Creative Commons BY 4.0"},
    ]
    for name in parts:
        graph.append(
            {
                "@id": name,
                "@type": "File",
                "name": name,
                "encodingFormat": MEDIA.get(Path(name).suffix, "text/plain"),
            }
        )
    return {"@context": "https://w3id.org/ro/crate/1.1/context", "@graph": graph}


def checksums(folder: Path) -> str:
    """`sha256sum -c` lines for every file of the release but SHA256SUMS itself."""
    lines = [
        f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}"
        for p in sorted(folder.iterdir())
        if p.is_file() and p.name != "SHA256SUMS"
    ]
    return "\n".join(lines) + "\n"
