"""Linked-data pages: `/id/{slug}` (entities) and `/source/{id}` (source documents).

Browsers get HTML in which every fact lists the documents that support it; RDF clients get,
by content negotiation, the resource's description plus its claims and their sources (a
CONSTRUCT run by the engine). Path parameters are checked against a strict pattern before
they reach a query, so no request can inject SPARQL.
"""

from __future__ import annotations

import re
from collections import defaultdict

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, PlainTextResponse
from starlette.concurrency import run_in_threadpool

from api.deps import per_build
from api.negotiation import GRAPH_ALIASES, GRAPH_TYPES, HTML, NotAcceptable, format_param, negotiate
from api.templating import templates
from kg.data.namespaces import PREFIXES, Namespaces
from kg.release.package import entity_history
from kg.report.disputes import disputed_facts
from kg.store import Store, StoreError, Term
from viz.statements import format_structured, group_statements, local_name
from viz.vocabulary import level_name

router = APIRouter()

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
SOURCE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
P = "\n".join(f"PREFIX {k}: <{v}>" for k, v in PREFIXES.items())
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
EXTERNAL = {
    "http://www.w3.org/2002/07/owl#sameAs",
    "http://www.w3.org/2004/02/skos/core#exactMatch",
    "http://www.w3.org/2004/02/skos/core#closeMatch",
}
CLAIM_SOURCE = """
  OPTIONAL { ?doc dct:title ?title } OPTIONAL { ?doc dct:publisher ?publisher }
  OPTIONAL { ?doc dct:issued ?issued } OPTIONAL { ?doc prkg:dateStatement ?datestmt }
  OPTIONAL { ?doc schema:url ?url } OPTIONAL { ?c prkg:locator ?locator }
  OPTIONAL { ?c prkg:quote ?quote } OPTIONAL { ?c prkg:note ?note }
  OPTIONAL { ?doc prkg:reliability ?reliability }"""


def curie(iri: str) -> str:
    for prefix, base in PREFIXES.items():
        if iri.startswith(base) and re.fullmatch(r"[\w.-]*", iri[len(base) :]):
            return f"{prefix}:{iri[len(base) :]}"
    return iri


def link_for(value: str, ns: Namespaces) -> str | None:
    """Where a term's page is: our own pages for our IRIs, the IRI itself for web IRIs."""
    for prefix, route in ((ns.entity(""), "/id/"), (ns.source(""), "/source/")):
        if value.startswith(prefix):
            return route + value[len(prefix) :]
    return value if value.startswith(("http://", "https://")) else None


def view(term: Term | None, ns: Namespaces, label: str | None = None) -> dict | None:
    if term is None:
        return None
    href = link_for(term.value, ns) if term.is_uri else None
    shown = label or (curie(term.value) if term.is_uri else term.value)
    return {
        "value": term.value,
        "text": shown,
        "href": href,
        "lang": term.lang,
        "datatype": curie(term.datatype) if term.datatype else None,
        "datatype_iri": term.datatype,
        "uri": term.is_uri,
    }


def _first(rows: list[dict], key: str) -> dict[str, str]:
    """First label per IRI (English preferred by ORDER BY in the query)."""
    out: dict[str, str] = {}
    for row in rows:
        if key in row and "l" in row:
            out.setdefault(row[key].value, row["l"].value)
    return out


def labels_for(store: Store, iris: set[str]) -> dict[str, str]:
    safe = sorted(i for i in iris if not re.search(r"[<>\"{}|\\^`\s]", i))
    if not safe:
        return {}
    values = " ".join(f"<{i}>" for i in safe)
    rows = store.select(
        f"{P}\nSELECT ?x ?l WHERE {{ VALUES ?x {{ {values} }} ?x rdfs:label ?l }} "
        'ORDER BY ?x DESC(LANGMATCHES(LANG(?l), "en")) DESC(LANG(?l) = "")'
    )
    return _first(rows, "x")


def claims_of(store: Store, where: str, ns: Namespaces) -> list[dict]:
    """Claims matching `where` (binding ?c, ?s, ?p, ?o, ?doc) with their source's details."""
    rows = store.select(
        f"{P}\nSELECT DISTINCT ?c ?s ?p ?o ?doc ?title ?publisher ?issued ?datestmt ?url "
        # curated claims and those the rules derived (a shortcut date from a life-cycle event)
        f"?locator ?quote ?note ?reliability WHERE {{ "
        f"VALUES ?kind {{ prkg:Claim prkg:DerivedClaim }} ?c a ?kind ; rdf:subject ?s ; "
        f"rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?doc . {where} {CLAIM_SOURCE} }}"
        " ORDER BY ?doc ?c"
    )
    claims = []
    for r in rows:
        doc = r["doc"].value
        claims.append(
            {
                "key": (r["s"].value, r["p"].value, r["o"].value),
                "s": r["s"],
                "p": r["p"],
                "o": r["o"],
                "source": {
                    "href": link_for(doc, ns),
                    "id": doc.rsplit("/", 1)[-1],
                    "title": r["title"].value if "title" in r else None,
                    "publisher": r["publisher"].value if "publisher" in r else None,
                    "date": (
                        r["issued"].value
                        if "issued" in r
                        else r["datestmt"].value
                        if "datestmt" in r
                        else None
                    ),
                    "url": r["url"].value if "url" in r else None,
                    "reliability": (  # "high", not prkg:HighReliability: the row says "reliability"
                        level_name(r["reliability"].value).lower() if "reliability" in r else None
                    ),
                },
                "locator": r["locator"].value if "locator" in r else None,
                "quote": r["quote"].value if "quote" in r else None,
                "note": r["note"].value if "note" in r else None,
            }
        )
    return claims


def entity_context(
    store: Store, ns: Namespaces, slug: str, disputed_pairs: frozenset[tuple[str, str]]
) -> dict | None:
    """The entity page's view model; `disputed_pairs` are the (subject, property) pairs of
    /disputes, given by the caller so that they are computed once per build, not per page."""
    iri = ns.entity(slug)
    rows = store.select(f"SELECT DISTINCT ?p ?o ?g WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} }}")
    if not rows:
        return None
    claims = claims_of(store, f"FILTER(?s = <{iri}>)", ns)
    by_fact: dict[tuple[str, str], dict] = {}
    for row in rows:
        key = (row["p"].value, row["o"].value)
        fact = by_fact.setdefault(
            key, {"p": row["p"], "o": row["o"], "graphs": set(), "claims": []}
        )
        fact["graphs"].add(row["g"].value)
    for claim in claims:
        fact = by_fact.get((claim["p"].value, claim["o"].value))
        if fact is not None:
            fact["claims"].append(claim)
    values = store.select(
        f"SELECT DISTINCT ?v ?vp ?vo WHERE {{ <{iri}> ?p ?v . "
        f'FILTER(STRSTARTS(STR(?v), "{ns.value("")}")) ?v ?vp ?vo }} ORDER BY ?v ?vp'
    )
    value_parts: dict[str, list[str]] = defaultdict(list)
    value_fields: dict[str, dict[str, str]] = defaultdict(dict)
    for v in values:
        if v["vp"].value != "http://www.w3.org/1999/02/22-rdf-syntax-ns#type":
            value_parts[v["v"].value].append(f"{curie(v['vp'].value)} {v['vo'].value}")
            value_fields[v["v"].value][local_name(v["vp"].value)] = v["vo"].value
    incoming = store.select(
        f"{P}\nSELECT DISTINCT ?s ?p WHERE {{ ?s ?p <{iri}> FILTER(?p != rdf:object) "
        "FILTER NOT EXISTS { ?s a prkg:Claim } } ORDER BY ?p ?s LIMIT 500"
    )
    iris = {k[0] for k in by_fact} | {r["o"].value for r in rows if r["o"].is_uri}
    iris |= {r["s"].value for r in incoming} | {r["p"].value for r in incoming}
    labels = labels_for(store, iris)
    facts = []
    for fact in by_fact.values():
        p, o = fact["p"], fact["o"]
        facts.append(
            {
                "p": view(p, ns, labels.get(p.value)),
                "o": view(o, ns, labels.get(o.value)),
                "value_parts": value_parts.get(o.value, []),
                "value_text": (
                    format_structured(value_fields[o.value]) if o.value in value_fields else None
                ),
                "claims": fact["claims"],
                "graphs": sorted(g.rsplit("graph/", 1)[-1] for g in fact["graphs"]),
            }
        )
    facts.sort(key=lambda f: (f["p"]["text"].lower(), f["o"]["text"]))
    names = [f["o"] for f in facts if f["p"]["value"] in {LABEL, PREFIXES["skos"] + "prefLabel"}]
    disputed = {p for s, p in disputed_pairs if s == iri}
    hidden: set[str] = set()  # names and identifiers keep their sources in the groups
    groups = group_statements(
        facts, property_ranges(store), class_ancestors(store), disputed,
        f"/disputes#{slug}-", hidden,
    )  # fmt: skip
    incoming_groups: dict[str, dict] = {}
    for r in incoming:
        p_view = view(r["p"], ns, labels.get(r["p"].value))
        entry = incoming_groups.setdefault(r["p"].value, {"p": p_view, "subjects": []})
        entry["subjects"].append(view(r["s"], ns, labels.get(r["s"].value)))
    return {
        "iri": iri,
        "slug": slug,
        "title": labels.get(iri) or _label_from(names) or slug,
        "labels": names,
        "alt_labels": [f["o"] for f in facts if f["p"]["value"] == PREFIXES["skos"] + "altLabel"],
        "types": [f["o"] for f in facts if f["p"]["value"] == PREFIXES["rdf"] + "type"],
        "external": [f["o"] for f in facts if f["p"]["value"] in EXTERNAL],
        "facts": facts,
        "groups": groups,
        "incoming_groups": sorted(incoming_groups.values(), key=lambda g: g["p"]["text"].lower()),
        "incoming": [
            {
                "s": view(r["s"], ns, labels.get(r["s"].value)),
                "p": view(r["p"], ns, labels.get(r["p"].value)),
            }
            for r in incoming
        ],
    }


def property_ranges(store: Store) -> dict[str, set[str]]:
    """Each property's rdfs:range as the ontology declares it (drives the page's groups)."""
    ranges: dict[str, set[str]] = defaultdict(set)
    for r in store.select(f"{P}\nSELECT ?p ?r WHERE {{ ?p rdfs:range ?r FILTER(isIRI(?r)) }}"):
        ranges[r["p"].value].add(r["r"].value)
    return ranges


def class_ancestors(store: Store) -> dict[str, set[str]]:
    """Class local name → itself and its superclasses' local names (from the ontology)."""
    rows = store.select(
        f"{P}\nSELECT ?c ?a WHERE {{ ?c rdfs:subClassOf* ?a FILTER(isIRI(?c) && isIRI(?a)) }}"
    )
    out: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        out[local_name(r["c"].value)].add(local_name(r["a"].value))
    return out


def _label_from(names: list[dict]) -> str | None:
    english = [n["text"] for n in names if (n["lang"] or "").startswith("en")]
    return (english or [n["text"] for n in names] or [None])[0]


def source_context(store: Store, ns: Namespaces, source_id: str) -> dict | None:
    iri = ns.source(source_id)
    rows = store.select(f"SELECT DISTINCT ?p ?o WHERE {{ <{iri}> ?p ?o }} ORDER BY ?p ?o")
    if not rows:
        return None
    claims = claims_of(store, f"FILTER(?doc = <{iri}>)", ns)
    iris = {c["s"].value for c in claims} | {c["p"].value for c in claims}
    iris |= {c["o"].value for c in claims if c["o"].is_uri} | {r["p"].value for r in rows}
    labels = labels_for(store, iris)
    record = [
        {"p": view(r["p"], ns, labels.get(r["p"].value)), "o": view(r["o"], ns)} for r in rows
    ]
    for claim in claims:
        claim["views"] = {k: view(claim[k], ns, labels.get(claim[k].value)) for k in "spo"}
    get = {r["p"].value: r["o"].value for r in rows}
    return {
        "iri": iri,
        "id": source_id,
        "record": record,
        "claims": claims,
        "title": get.get(PREFIXES["dct"] + "title", source_id),
        "url": get.get(PREFIXES["schema"] + "url"),
    }


def describe_query(iri: str, ns: Namespaces, source: bool) -> str:
    """CONSTRUCT of a resource, its claims and their sources (or a document and its claims)."""
    link = "prov:wasDerivedFrom" if source else "rdf:subject"
    return f"""{P}
CONSTRUCT {{ <{iri}> ?p ?o . ?v ?vp ?vo . ?c ?cp ?co . ?doc ?dp ?do . }} WHERE {{
  {{ <{iri}> ?p ?o }}
  UNION {{ <{iri}> ?p0 ?v . FILTER(STRSTARTS(STR(?v), "{ns.value("")}")) ?v ?vp ?vo }}
  UNION {{ ?c a prkg:Claim ; {link} <{iri}> ; ?cp ?co }}
  UNION {{ ?c a prkg:Claim ; {link} <{iri}> ; prov:wasDerivedFrom ?doc . ?doc ?dp ?do }}
}}"""


async def answer(request: Request, kind: str, key: str, fmt: str | None) -> Response:
    store: Store = request.app.state.store
    ns: Namespaces = request.app.state.namespaces
    pattern = SLUG if kind == "id" else SOURCE_ID
    if not pattern.fullmatch(key):
        return PlainTextResponse(f"{key!r} is not a valid {kind} identifier.", status_code=404)
    try:
        if fmt:
            media = format_param(fmt, GRAPH_TYPES) if fmt.lower() != "html" else HTML
        else:
            offers = [HTML, *GRAPH_TYPES.values()]
            media = negotiate(request.headers.get("accept"), offers, GRAPH_ALIASES)
    except NotAcceptable as exc:
        return PlainTextResponse(str(exc), status_code=406)
    try:
        if kind == "id":  # the disputes are the /disputes page's, computed once per build
            facts = await run_in_threadpool(
                per_build, request, ("disputes",), lambda: disputed_facts(store, ns)
            )
            pairs = frozenset((d.subject, d.predicate) for d in facts)
            context = await run_in_threadpool(entity_context, store, ns, key, pairs)
        else:
            context = await run_in_threadpool(source_context, store, ns, key)
        if context is None:
            return PlainTextResponse(f"Nothing is known about {kind}/{key}.", status_code=404)
        if media == HTML:
            template = "entity.html" if kind == "id" else "source.html"
            if kind == "id":  # since which release it exists, when its facts last changed
                context["history"] = entity_history(request.app.state.settings.dist_dir).get(
                    context["iri"]
                )
            return templates.TemplateResponse(request, template, {"r": context})
        query = describe_query(context["iri"], ns, source=kind == "source")
        result = await run_in_threadpool(store.query, query, media)
    except StoreError as exc:
        return PlainTextResponse(f"The store could not answer: {exc}", status_code=503)
    return Response(result.body, media_type=media, headers={"Vary": "Accept"})


@router.get(
    "/id/{slug}",
    summary="An entity: HTML page or RDF (by Accept or format=)",
    response_class=HTMLResponse,
    responses={404: {}, 406: {}, 503: {}},
)
async def entity(request: Request, slug: str, format: str | None = None) -> Response:
    return await answer(request, "id", slug, format)


@router.get(
    "/source/{source_id}",
    summary="A source document: HTML page or RDF",
    response_class=HTMLResponse,
    responses={404: {}, 406: {}, 503: {}},
)
async def source(request: Request, source_id: str, format: str | None = None) -> Response:
    return await answer(request, "source", source_id, format)
