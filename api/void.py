"""Describing the dataset and the service: VoID + DCAT at /.well-known/void, and the SPARQL
service description answered by GET /sparql (no query) to RDF clients.

Both are small graphs built with rdflib from counts the store computes, and served in the
RDF format the client negotiates.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import PlainTextResponse
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, XSD

from api.deps import get_namespaces, get_settings, get_store, per_build
from api.negotiation import GRAPH_ALIASES, GRAPH_TYPES, NotAcceptable, format_param, negotiate
from api.settings import Settings
from kg.data.namespaces import DCAT, ONTOLOGY_IRI, PREFIXES, SD, VOID, Namespaces
from kg.link.linksets import linkset_counts, linkset_dump_name
from kg.release.metadata import release_iri
from kg.release.package import release_info, releases
from kg.store import Store, StoreError
from kg.store.layout import StoreLayout

router = APIRouter()

LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
FORMATS = URIRef("http://www.w3.org/ns/formats/")
RESULT_FORMAT_IRIS = [
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "RDF_XML",
    "JSON-LD",
    "TriG",
    "N-Quads",
]
RDFLIB_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    "application/trig": "trig",
    "application/n-quads": "nquads",
}
# Linksets: owl:sameAs / skos:exactMatch objects grouped by the dataset they point into.
DUMP_TYPES = {
    ".trig": "application/trig",
    ".nq": "application/n-quads",
    ".ttl": "text/turtle",
    ".owl": "application/rdf+xml",
    ".nt": "application/n-triples",
    ".jsonld": "application/ld+json",
}


def public_base(request: Request, settings: Settings) -> str:
    """Absolute base URL of the service (ends with '/'), honouring PRKG_PUBLIC_BASE_URL."""
    base = settings.public_base_url or str(request.base_url)
    return base if base.endswith("/") else base + "/"


def _count(store: Store, query: str) -> int:
    rows = store.select(query)
    return int(rows[0]["n"].value) if rows and "n" in rows[0] else 0


def graph_counts(store: Store) -> dict[str, int]:
    rows = store.select(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    )
    return {r["g"].value: int(r["n"].value) for r in rows if "g" in r}


def serialize(graph: Graph, request: Request, fmt: str | None) -> Response:
    """Send a small rdflib graph in the negotiated RDF format (406 when none fits)."""
    try:
        if fmt:
            media = format_param(fmt, GRAPH_TYPES)
        else:
            offers = list(GRAPH_TYPES.values())
            media = negotiate(request.headers.get("accept"), offers, GRAPH_ALIASES)
    except NotAcceptable as exc:
        return PlainTextResponse(str(exc), status_code=406)
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True)
    body = graph.serialize(format=RDFLIB_FORMATS[media], encoding="utf-8")
    return Response(body, media_type=media, headers={"Vary": "Accept"})


def service_description(store: Store, ns: Namespaces, settings: Settings, base: str) -> Graph:
    """The SPARQL 1.1 Service Description of /sparql, with VoID triple counts per graph."""
    g = Graph()
    endpoint = URIRef(base + "sparql")
    g.add((endpoint, RDF.type, SD.Service))
    g.add((endpoint, SD.endpoint, endpoint))
    g.add((endpoint, SD.supportedLanguage, SD.SPARQL11Query))
    if settings.update_token:
        g.add((endpoint, SD.supportedLanguage, SD.SPARQL11Update))
    g.add((endpoint, SD.feature, SD.UnionDefaultGraph))
    g.add((endpoint, SD.feature, SD.BasicFederatedQuery))
    for name in RESULT_FORMAT_IRIS:
        g.add((endpoint, SD.resultFormat, URIRef(str(FORMATS) + name)))
    dataset = BNode()
    default = BNode()
    g.add((endpoint, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, DCTERMS.source, URIRef(ns.dataset)))
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    counts = graph_counts(store)
    g.add((default, VOID.triples, Literal(sum(counts.values()), datatype=XSD.integer)))
    for name, n in counts.items():
        named, graph = BNode(), BNode()
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(name)))
        g.add((named, SD.graph, graph))
        g.add((graph, RDF.type, SD.Graph))
        g.add((graph, VOID.triples, Literal(n, datatype=XSD.integer)))
    return g


def dump_files(settings: Settings) -> list:
    """The dump files of the served build (none with a remote store)."""
    if settings.store_url:
        return []
    folder = StoreLayout(settings.store_dir).dumps_dir()
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in DUMP_TYPES)


def void_description(store: Store, ns: Namespaces, settings: Settings, base: str) -> Graph:
    """VoID + DCAT description of the dataset: counts, partitions, linksets, dumps, license."""
    g = Graph()
    ds = URIRef(ns.dataset)
    entity_space = ns.entity("")
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.title, Literal("Pakistan–Russia Knowledge Graph (prkg)", lang="en")))
    g.add(
        (
            ds,
            DCTERMS.description,
            Literal(
                "Sourced facts on Pakistan–Russia and Pakistan–USSR industrial cooperation; every "
                "fact names the document it comes from.",
                lang="en",
            ),
        )
    )
    g.add((ds, DCTERMS.license, LICENSE))
    g.add((ds, VOID.sparqlEndpoint, URIRef(base + "sparql")))
    g.add((ds, VOID.uriSpace, Literal(entity_space)))
    g.add((ds, VOID.vocabulary, URIRef(ONTOLOGY_IRI + "#")))
    g.add((ds, VOID.rootResource, URIRef(base + "ontology")))
    triples = _count(
        store,
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o "
        "WHERE { GRAPH ?g { ?s ?p ?o } } }",
    )
    ent_filter = f'FILTER(STRSTARTS(STR(?s), "{entity_space}"))'
    stats = {
        VOID.triples: triples,
        VOID.entities: _count(
            store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a ?c {ent_filter} }}"
        ),
        VOID.classes: _count(store, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }"),
        VOID.properties: _count(store, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }"),
        VOID.distinctSubjects: _count(
            store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"
        ),
        VOID.distinctObjects: _count(store, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }"),
    }
    for prop, value in stats.items():
        g.add((ds, prop, Literal(value, datatype=XSD.integer)))
    rows = store.select(
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c"
    )
    for row in rows:
        part = BNode()
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(row["c"].value)))
        g.add((part, VOID.entities, Literal(int(row["n"].value), datatype=XSD.integer)))
    for link in linkset_counts(store, ns):  # one void:Linkset per target and predicate
        name = link.predicate.rsplit("#", 1)[-1]
        linkset = URIRef(f"{ns.dataset}/linkset/{link.target.key}-{name}")
        target = URIRef(link.target.homepage)
        g.add((ds, VOID.subset, linkset))
        g.add((linkset, RDF.type, VOID.Linkset))
        g.add((linkset, VOID.subjectsTarget, ds))
        g.add((linkset, VOID.objectsTarget, target))
        g.add((linkset, VOID.linkPredicate, URIRef(link.predicate)))
        g.add((linkset, VOID.triples, Literal(link.count, datatype=XSD.integer)))
        dump = linkset_dump_name(link.target)
        if any(p.name == dump for p in dump_files(settings)):
            # The target's links as their own file, loadable without our graph.
            g.add((linkset, VOID.dataDump, URIRef(f"{base}dumps/{dump}")))
        g.add((target, RDF.type, VOID.Dataset))
        g.add((target, DCTERMS.title, Literal(link.target.title)))
        g.add((target, VOID.uriSpace, Literal(link.target.uri_space)))
        if link.target.sparql_endpoint:
            g.add((target, VOID.sparqlEndpoint, URIRef(link.target.sparql_endpoint)))
    examples = store.select(
        f"SELECT DISTINCT ?s WHERE {{ ?s a ?c {ent_filter} }} ORDER BY ?s LIMIT 3"
    )
    for row in examples:
        g.add((ds, VOID.exampleResource, URIRef(row["s"].value)))
    for path in dump_files(settings):
        url = URIRef(f"{base}dumps/{path.name}")
        dist = URIRef(f"{ns.dataset}/distribution/{path.name}")
        g.add((ds, VOID.dataDump, url))
        g.add((ds, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCAT.downloadURL, url))
        g.add((dist, DCAT.mediaType, Literal(DUMP_TYPES[path.suffix])))
        g.add((dist, DCAT.byteSize, Literal(path.stat().st_size, datatype=XSD.nonNegativeInteger)))
        g.add((dist, DCTERMS.license, LICENSE))
    _current_release(g, ds, ns, settings, base)
    service = URIRef(base + "sparql")
    g.add((ds, DCAT.accessService, service))
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCAT.endpointURL, service))
    g.add((service, DCAT.servesDataset, ds))
    return g


def _current_release(g: Graph, ds: URIRef, ns: Namespaces, settings: Settings, base: str) -> None:
    """The latest release made by `prkg release` (dcat:hasCurrentVersion), and every one."""
    done = releases(settings.dist_dir)
    for version in done:
        info = release_info(settings.dist_dir, version)
        rel = URIRef(release_iri(ns, version))
        g.add((ds, DCAT.hasVersion, rel))
        g.add((rel, RDF.type, DCAT.Dataset))
        g.add((rel, DCAT.version, Literal(version)))
        g.add((rel, DCTERMS.issued, Literal(info["date"], datatype=XSD.date)))
        g.add((rel, DCTERMS.isVersionOf, ds))
        g.add((rel, DCAT.landingPage, URIRef(f"{base}releases/{version}/")))
        if info.get("previous"):
            g.add((rel, DCAT.previousVersion, URIRef(release_iri(ns, info["previous"]))))
    if done:
        g.add((ds, DCAT.hasCurrentVersion, URIRef(release_iri(ns, done[-1]))))
        g.add((ds, OWL.versionInfo, Literal(done[-1])))


@router.get(
    "/.well-known/void",
    summary="VoID and DCAT description of the dataset",
    responses={200: {"content": {m: {} for m in GRAPH_TYPES.values()}}, 406: {}, 503: {}},
)
def well_known_void(request: Request, format: str | None = None) -> Response:
    store, settings = get_store(request), get_settings(request)
    ns = get_namespaces(request)
    try:
        base = public_base(request, settings)
        graph = per_build(
            # a release made since the build is named at once (releases are in the key)
            request,
            ("void", base, *releases(settings.dist_dir)),
            lambda: void_description(store, ns, settings, base),
        )
    except StoreError as exc:
        return PlainTextResponse(f"The dataset description is unavailable: {exc}", 503)
    return serialize(graph, request, format)
