"""/ontology: documentation of every class and property of the prkg ontology.

The HTML is our own template over SPARQL answers from the ontology graph
(`{ns}graph/ontology`), so it always documents the ontology the store actually holds;
Turtle, RDF/XML (and the other RDF formats) come by content negotiation or `format=`.
"""

from __future__ import annotations

from collections import defaultdict

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, PlainTextResponse
from starlette.concurrency import run_in_threadpool

from api.negotiation import GRAPH_ALIASES, GRAPH_TYPES, HTML, NotAcceptable, format_param, negotiate
from api.pages import P, curie
from api.templating import templates
from kg.data.namespaces import ONTOLOGY_IRI, PRKG, Namespaces
from kg.store import Store, StoreError

router = APIRouter()

KINDS = {
    "owl:Class": "classes",
    "owl:ObjectProperty": "object_properties",
    "owl:DatatypeProperty": "datatype_properties",
    "owl:AnnotationProperty": "annotation_properties",
}


def ontology_context(store: Store, ns: Namespaces) -> dict:
    graph = ns.ontology_graph
    rows = store.select(
        f"""{P}
SELECT ?term ?kind ?p ?o WHERE {{ GRAPH <{graph}> {{
  ?term a ?kind . FILTER(?kind IN (owl:Class, owl:ObjectProperty, owl:DatatypeProperty,
                                   owl:AnnotationProperty)) FILTER(isIRI(?term))
  OPTIONAL {{ ?term ?p ?o FILTER(?p IN (rdfs:label, rdfs:comment, skos:definition,
      rdfs:subClassOf, rdfs:subPropertyOf, rdfs:domain, rdfs:range, skos:closeMatch,
      skos:exactMatch, owl:inverseOf, owl:equivalentClass) && (isIRI(?o) || isLiteral(?o))) }}
}} }} ORDER BY ?term"""
    )
    terms: dict[str, dict] = {}
    for row in rows:
        iri = row["term"].value
        kind = KINDS.get(curie(row["kind"].value))
        entry = terms.setdefault(
            iri, {"iri": iri, "name": curie(iri), "kinds": set(), "values": defaultdict(list)}
        )
        if kind:
            entry["kinds"].add(kind)
        if "p" in row:
            o = row["o"]
            if o.lang not in (None, "en"):
                continue
            shown = {
                "text": curie(o.value) if o.is_uri else o.value,
                "anchor": curie(o.value).split(":", 1)[-1]
                if o.is_uri and o.value.startswith(str(PRKG))
                else None,
            }
            values = entry["values"][curie(row["p"].value)]
            if shown not in values:
                values.append(shown)
    sections: dict[str, list[dict]] = {k: [] for k in KINDS.values()}
    for entry in terms.values():
        for kind in sorted(entry["kinds"]):
            sections[kind].append(entry)
    individuals = store.select(
        f"""{P}
SELECT DISTINCT ?i ?c ?label WHERE {{ GRAPH <{graph}> {{ ?i a ?c . ?c a owl:Class .
  FILTER(STRSTARTS(STR(?i), STR(prkg:))) OPTIONAL {{ ?i rdfs:label ?label }} }} }} ORDER BY ?i"""
    )
    meta = store.select(
        f"{P}\nSELECT ?p ?o WHERE {{ GRAPH <{graph}> {{ <{ONTOLOGY_IRI}> ?p ?o }} }}"
    )
    return {
        "iri": ONTOLOGY_IRI,
        "meta": [(curie(r["p"].value), r["o"].value) for r in meta],
        "sections": sections,
        "individuals": [
            {
                "name": curie(r["i"].value),
                "class": curie(r["c"].value),
                "label": r["label"].value if "label" in r else "",
            }
            for r in individuals
        ],
    }


@router.get(
    "/ontology",
    summary="The prkg ontology: HTML documentation, Turtle or RDF/XML",
    response_class=HTMLResponse,
    responses={406: {}, 503: {}},
)
async def ontology(request: Request, format: str | None = None) -> Response:
    store: Store = request.app.state.store
    ns: Namespaces = request.app.state.namespaces
    try:
        if format:
            media = HTML if format.lower() == "html" else format_param(format, GRAPH_TYPES)
        else:
            offers = [
                HTML,
                "text/turtle",
                "application/rdf+xml",
                *(
                    m
                    for m in GRAPH_TYPES.values()
                    if m not in {"text/turtle", "application/rdf+xml"}
                ),
            ]
            media = negotiate(request.headers.get("accept"), offers, GRAPH_ALIASES)
    except NotAcceptable as exc:
        return PlainTextResponse(str(exc), status_code=406)
    try:
        if media == HTML:
            context = await run_in_threadpool(ontology_context, store, ns)
            return templates.TemplateResponse(request, "ontology.html", {"o": context})
        query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{ns.ontology_graph}> {{ ?s ?p ?o }} }}"
        result = await run_in_threadpool(store.query, query, media)
    except StoreError as exc:
        return PlainTextResponse(f"The ontology is unavailable: {exc}", status_code=503)
    return Response(result.body, media_type=media, headers={"Vary": "Accept"})


_VERSION_QUERY = """PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT ?v WHERE { GRAPH <%s> { ?o a owl:Ontology ; owl:versionInfo ?v ; owl:imports ?i } }"""


@router.get(
    "/ontology/{version}",
    summary="The ontology at its version IRI (https://w3id.org/prkg/ontology/VERSION)",
    response_class=HTMLResponse,
    responses={404: {}, 406: {}, 503: {}},
)
async def ontology_version(request: Request, version: str, format: str | None = None) -> Response:
    """The owl:versionIRI of the ontology resolves here: the current version is served as
    /ontology is; an earlier or unknown version is a 404 that says which one is served."""
    store: Store = request.app.state.store
    ns: Namespaces = request.app.state.namespaces
    try:
        rows = await run_in_threadpool(store.select, _VERSION_QUERY % ns.ontology_graph)
    except StoreError as exc:
        return PlainTextResponse(f"The ontology is unavailable: {exc}", status_code=503)
    current = {str(r["v"].value) for r in rows}
    if version not in current:
        served = ", ".join(sorted(current)) or "none"
        return PlainTextResponse(
            f"Ontology version {version!r} is not served here; the current version is {served}.",
            status_code=404,
        )
    return await ontology(request, format)
