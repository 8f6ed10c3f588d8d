"""Search at `/` and `/search`: the way in for people who don't write SPARQL.

`/` is a search box with what the graph holds and where to start; `/search?q=…` answers
with results and facets, as HTML for people and JSON for scripts (`Accept:
application/json` or `format=json`); `/search/suggest?q=…` feeds the box's type-ahead.
Old `/?query=…` links (the editor used to live at `/`) redirect to `/query`.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from api.deps import get_namespaces, get_store, per_build
from api.reconcile import get_index
from api.templating import templates
from kg.data.namespaces import Namespaces
from kg.link.reconcile_index import LabelIndex
from kg.link.search_index import SearchIndex, build_search_index
from kg.store import Store
from viz.home import home_view

router = APIRouter(tags=["search"])


def get_search_index(
    request: Request,
    labels: Annotated[LabelIndex, Depends(get_index)],
    store: Annotated[Store, Depends(get_store)],
    namespaces: Annotated[Namespaces, Depends(get_namespaces)],
) -> SearchIndex:
    """The search index, rebuilt whenever the reconciliation index is (same store key)."""
    cached = getattr(request.app.state, "search_index", None)
    if cached is None or cached[0] is not labels:
        cached = (labels, build_search_index(store, labels, namespaces))
        request.app.state.search_index = cached
    return cached[1]


def wants_json(request: Request, format: str | None) -> bool:
    if format:
        return format == "json"
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


@router.get("/", response_class=HTMLResponse, summary="Search box and what the graph holds")
def home(
    request: Request,
    index: Annotated[SearchIndex, Depends(get_search_index)],
    store: Annotated[Store, Depends(get_store)],
) -> Response:
    if "query" in request.query_params:  # links from when the editor lived at `/`
        return RedirectResponse("/query?" + urlencode(request.query_params), status_code=301)
    view = per_build(request, "home-view", lambda: home_view(store, index))
    return templates.TemplateResponse(request, "home.html", {"view": view, "q": ""})


@router.get(
    "/search",
    summary="Search entities, sources, notes and quotes in any script",
    responses={
        200: {
            "content": {"application/json": {}, "text/html": {}},
            "description": "Results as an HTML page, or JSON with format=json or "
            "Accept: application/json",
        }
    },
)
def search(
    request: Request,
    index: Annotated[SearchIndex, Depends(get_search_index)],
    q: Annotated[str, Query(max_length=200, description="Words in any script")] = "",
    kind: str | None = None,
    cls: Annotated[str | None, Query(alias="class")] = None,
    decade: str | None = None,
    language: str | None = None,
    format: Annotated[str | None, Query(pattern="^(json|html)$")] = None,
) -> Response:
    results = index.search(q, kind=kind, cls=cls, decade=decade, language=language)
    if wants_json(request, format):
        payload = asdict(results)
        payload["facets"] = {k: [{"value": v, "count": n} for v, n in items]
                             for k, items in results.facets.items()}  # fmt: skip
        return JSONResponse(payload)
    chosen = {"kind": kind, "class": cls, "decade": decade, "language": language}

    def facet_link(name: str, value: str | None) -> str:
        params = {k: v for k, v in chosen.items() if v} | {"q": q}
        params = {k: v for k, v in params.items() if k != name} | ({name: value} if value else {})
        return "/search?" + urlencode(params)

    context = {"results": results, "q": q, "chosen": chosen, "facet_link": facet_link}
    return templates.TemplateResponse(request, "search.html", context)


@router.get("/search/suggest", summary="Type-ahead for the search box")
def suggest(
    index: Annotated[SearchIndex, Depends(get_search_index)],
    q: Annotated[str, Query(max_length=200)] = "",
) -> JSONResponse:
    hits = index.suggest(q) if len(q.strip()) >= 2 else []
    return JSONResponse(
        [{"label": h.label, "href": h.href, "classes": h.classes, "dates": h.dates} for h in hits]
    )
