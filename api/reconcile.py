"""/reconcile: the W3C Entity Reconciliation API (v0.2), the protocol OpenRefine speaks.

A researcher with a spreadsheet of names points OpenRefine at this URL and gets our
entities back, with scores, match flags, previews, auto-complete and extra columns (data
extension). Matching itself lives in `kg.link.reconcile_index`; this module only speaks the
protocol: the manifest, batches of queries, suggest, preview and extend.
"""

from __future__ import annotations

import html
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse

from api.deps import get_namespaces, get_settings, get_store
from api.settings import Settings
from kg.data.namespaces import PRKG, Namespaces
from kg.link.reconcile_build import build_index
from kg.link.reconcile_index import IndexedEntity, LabelIndex
from kg.store import Store

router = APIRouter(prefix="/reconcile", tags=["reconciliation"])

DEFAULT_LIMIT = 5
MAX_LIMIT = 100
SUGGEST_PAGE = 10


def get_index(
    request: Request,
    store: Annotated[Store, Depends(get_store)],
    namespaces: Annotated[Namespaces, Depends(get_namespaces)],
) -> LabelIndex:
    """The label index of the app's store, rebuilt when the store's size changes.

    A SPARQL Update changes the count, so reconciliation never answers from a stale
    index for long; counting is cheap next to re-reading every label.
    """
    key = (id(store), store.count())
    cached = getattr(request.app.state, "reconcile_index", None)
    if cached is None or cached[0] != key:
        cached = (key, build_index(store, namespaces))
        request.app.state.reconcile_index = cached
    return cached[1]


def _base_url(request: Request, settings: Settings) -> str:
    base = settings.public_base_url or str(request.base_url)
    return base.rstrip("/")


# --- manifest --------------------------------------------------------------------------


def manifest(request: Request, settings: Settings, ns: Namespaces, index: LabelIndex) -> dict:
    base = _base_url(request, settings)
    return {
        "versions": ["0.2"],
        "name": "prkg — Pakistan–Russia Knowledge Graph",
        "identifierSpace": ns.entity(""),
        "schemaSpace": str(PRKG),
        "documentation": f"{base}/docs",
        "serviceVersion": request.app.version,
        "view": {"url": f"{base}/id/{{{{id}}}}"},
        "defaultTypes": _default_types(index),
        "preview": {"url": f"{base}/reconcile/preview?id={{{{id}}}}", "width": 400, "height": 240},
        "suggest": {
            "entity": {"service_url": base, "service_path": "/reconcile/suggest/entity"},
            "type": {"service_url": base, "service_path": "/reconcile/suggest/type"},
            "property": {"service_url": base, "service_path": "/reconcile/suggest/property"},
        },
        "extend": {
            "propose_properties": {
                "service_url": base,
                "service_path": "/reconcile/extend/propose",
            },
            "property_settings": [],
        },
        "batchSize": 50,
    }


def _default_types(index: LabelIndex) -> list[dict[str, str]]:
    """The classes with entities that no other such class contains, and the classes just
    below those: good first choices. The second level matters once a curator types an entity
    with a broad class (an association as a plain Actor): State and Person stay offered."""
    used = {t for e in index.entities.values() for t in e.types if t in index.classes}

    def used_above(t: str) -> set[str]:
        return {o for o in used if o != t and o in index.classes[t].ancestors}

    tops = {t for t in used if not used_above(t)}
    below = {t for t in used if used_above(t) and all(not used_above(o) for o in used_above(t))}
    chosen = [index.classes[t] for t in tops | below]
    return [{"id": c.local, "name": c.name} for c in sorted(chosen, key=lambda c: c.name)]


def _types_of(index: LabelIndex, entity: IndexedEntity) -> list[dict[str, str]]:
    """The entity's most specific prkg classes (inferred superclasses left out)."""
    known = [t for t in entity.types if t in index.classes]
    specific = [
        t for t in known if not any(o != t and t in index.classes[o].ancestors for o in known)
    ]
    return [{"id": index.classes[t].local, "name": index.classes[t].name} for t in sorted(specific)]


# --- queries ---------------------------------------------------------------------------


def _parse_json(raw: str, what: str) -> Any:
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise HTTPException(
            400, f"'{what}' is not valid JSON: {exc.msg} at char {exc.pos}"
        ) from None


def run_queries(index: LabelIndex, batch: Any) -> dict[str, Any]:
    """Answer a batch `{key: query}`; every key comes back with its `result` list."""
    if not isinstance(batch, dict):
        raise HTTPException(400, "'queries' must be a JSON object mapping keys to queries")
    out: dict[str, Any] = {}
    for key, query in batch.items():
        if not isinstance(query, dict):
            raise HTTPException(400, f"query {key!r} must be a JSON object")
        text = query.get("query", "")
        if not isinstance(text, str):
            raise HTTPException(400, f"query {key!r}: 'query' must be a string")
        types = query.get("type")
        if isinstance(types, str):
            types = [types]
        elif types is not None and not (
            isinstance(types, list) and all(isinstance(t, str) for t in types)
        ):
            raise HTTPException(400, f"query {key!r}: 'type' must be a string or list of strings")
        limit = query.get("limit", DEFAULT_LIMIT)
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
            raise HTTPException(400, f"query {key!r}: 'limit' must be a positive integer")
        props_raw = query.get("properties") or []
        if not isinstance(props_raw, list):
            raise HTTPException(400, f"query {key!r}: 'properties' must be a list")
        props: list[tuple[str, Any]] = []
        for item in props_raw:
            if (
                not isinstance(item, dict)
                or "v" not in item
                or not (item.get("pid") or item.get("p"))
            ):
                raise HTTPException(
                    400, f"query {key!r}: each property needs 'pid' and 'v', got {item!r}"
                )
            props.append((str(item.get("pid") or item.get("p")), item["v"]))
        if not text.strip() and not props:
            raise HTTPException(400, f"query {key!r} has neither a 'query' string nor properties")
        candidates = index.reconcile(
            text, types=types, properties=props or None, limit=min(limit, MAX_LIMIT)
        )
        result = []
        for c in candidates:
            item: dict[str, Any] = {
                "id": c.entity.slug,
                "name": c.entity.name,
                "score": c.score,
                "match": c.match,
                "type": _types_of(index, c.entity),
                "features": c.features,
            }
            if c.entity.description:
                item["description"] = c.entity.description
            result.append(item)
        out[str(key)] = {"result": result}
    return out


def run_extend(index: LabelIndex, request_body: Any) -> dict[str, Any]:
    """Data extension: the values of the asked properties for the asked entities."""
    if not isinstance(request_body, dict):
        raise HTTPException(400, "'extend' must be a JSON object with 'ids' and 'properties'")
    ids = request_body.get("ids")
    props = request_body.get("properties")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise HTTPException(400, "'extend.ids' must be a list of entity ids")
    if not isinstance(props, list) or not all(isinstance(p, dict) and "id" in p for p in props):
        raise HTTPException(400, "'extend.properties' must be a list of objects with an 'id'")
    meta = []
    resolved: list[tuple[str, str]] = []
    for p in props:
        public = str(p["id"])
        canonical = index.property_id(public)
        if canonical is None:
            raise HTTPException(400, f"unknown property {public!r}; see /reconcile/extend/propose")
        info = next(i for i in index.all_properties() if i.iri == canonical)
        entry: dict[str, Any] = {"id": public, "name": info.name}
        target = index.classes.get(info.range or "")
        if info.kind == "object" and target is not None:
            entry["type"] = {"id": target.local, "name": target.name}
        meta.append(entry)
        resolved.append((public, canonical))
    rows: dict[str, Any] = {}
    for ident in ids:
        entity = index.entity_for(ident)
        rows[ident] = {
            public: (
                [index.display_value(t) for t in index.values(entity.slug, canonical)]
                if entity
                else []
            )
            for public, canonical in resolved
        }
    return {"meta": meta, "rows": rows}


async def _form_or_query(request: Request) -> dict[str, str]:
    params = dict(request.query_params)
    if request.method == "POST":
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("application/json"):
            body = _parse_json((await request.body()).decode("utf-8", "replace"), "request body")
            if isinstance(body, dict):
                for k, v in body.items():
                    params[k] = v if isinstance(v, str) else json.dumps(v)
        else:
            try:
                form = await request.form()
            except Exception as exc:  # malformed multipart or urlencoded body
                raise HTTPException(
                    400, f"The request body cannot be read as a form: {exc}"
                ) from None
            params.update({k: str(v) for k, v in form.items()})
    return params


@router.api_route("", methods=["GET", "POST"], summary="Reconciliation service endpoint")
async def reconcile_endpoint(
    request: Request,
    settings: Annotated[Settings, Depends(get_settings)],
    ns: Annotated[Namespaces, Depends(get_namespaces)],
    index: Annotated[LabelIndex, Depends(get_index)],
) -> JSONResponse:
    """Without parameters: the service manifest. With `queries`: reconciliation results.
    With `extend`: data extension."""
    params = await _form_or_query(request)
    if "queries" in params:
        return JSONResponse(run_queries(index, _parse_json(params["queries"], "queries")))
    if "extend" in params:
        return JSONResponse(run_extend(index, _parse_json(params["extend"], "extend")))
    return JSONResponse(manifest(request, settings, ns, index))


# --- suggest, preview, propose ---------------------------------------------------------


def _page(items: list, cursor: int) -> list:
    return items[cursor : cursor + SUGGEST_PAGE]


@router.get("/suggest/entity", summary="Auto-complete entities by any label")
def suggest_entity(
    index: Annotated[LabelIndex, Depends(get_index)],
    prefix: str = "",
    type: str | None = None,
    cursor: int = 0,
) -> dict:
    hits = index.suggest_entities(prefix, types=[type] if type else None)
    result = []
    for entity in _page(hits, max(cursor, 0)):
        item: dict[str, Any] = {
            "id": entity.slug,
            "name": entity.name,
            "notable": _types_of(index, entity),
        }
        if entity.description:
            item["description"] = entity.description
        result.append(item)
    return {"result": result}


@router.get("/suggest/type", summary="Auto-complete classes")
def suggest_type(
    index: Annotated[LabelIndex, Depends(get_index)], prefix: str = "", cursor: int = 0
) -> dict:
    result = []
    for c in _page(index.suggest_classes(prefix), max(cursor, 0)):
        item = {"id": c.local, "name": c.name}
        if c.description:
            item["description"] = c.description
        result.append(item)
    return {"result": result}


@router.get("/suggest/property", summary="Auto-complete properties")
def suggest_property(
    index: Annotated[LabelIndex, Depends(get_index)], prefix: str = "", cursor: int = 0
) -> dict:
    result = []
    for p in _page(index.suggest_properties(prefix), max(cursor, 0)):
        item = {"id": p.local, "name": p.name}
        if p.description:
            item["description"] = p.description
        result.append(item)
    return {"result": result}


@router.get(
    "/extend/propose",
    summary="Properties to offer for data extension",
    responses={400: {"description": "Unknown type"}},
)
def propose_properties(
    index: Annotated[LabelIndex, Depends(get_index)],
    type: str | None = None,
    limit: int = 20,
) -> dict:
    if type and index.class_for(type) is None:
        raise HTTPException(400, f"unknown type {type!r}; see /reconcile/suggest/type")
    props = index.propose_properties(type, max(1, min(limit, MAX_LIMIT)))
    out: dict[str, Any] = {
        "properties": [{"id": p.local, "name": p.name} for p in props],
        "limit": limit,
    }
    if type:
        out["type"] = type
    return out


@router.get(
    "/preview",
    response_class=HTMLResponse,
    summary="HTML preview of an entity",
    responses={404: {"description": "Unknown entity"}},
)
def preview(id: str, index: Annotated[LabelIndex, Depends(get_index)]) -> HTMLResponse:
    entity = index.entity_for(id)
    if entity is None:
        raise HTTPException(404, f"no entity {id!r}")
    esc = html.escape
    types = ", ".join(esc(t["name"]) for t in _types_of(index, entity))
    others = "; ".join(
        f"{esc(text)} <small>({esc(lang or '-')})</small>"
        for text, lang in entity.labels
        if text != entity.name
    )
    links = " ".join(
        f'<a href="{esc(x)}" target="_blank" rel="noopener">{esc(_short(x))}</a>'
        for x in entity.external
    )
    parts = [
        f'<div class="prkg-preview" style="font:14px sans-serif;margin:6px">'
        f'<a href="/id/{esc(entity.slug)}" target="_blank"><b>{esc(entity.name)}</b></a>'
        f"<div><i>{types}</i></div>"
    ]
    if entity.description:
        parts.append(f"<p>{esc(entity.description)}</p>")
    if others:
        parts.append(f"<div>Also: {others}</div>")
    if links:
        parts.append(f"<div>Same as: {links}</div>")
    parts.append("</div>")
    page = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>'
        f"{esc(entity.name)}</title></head><body>{''.join(parts)}</body></html>"
    )
    return HTMLResponse(page)


def _short(iri: str) -> str:
    if iri.startswith("http://www.wikidata.org/entity/"):
        return "Wikidata " + iri.rsplit("/", 1)[1]
    return iri
