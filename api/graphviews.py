"""/graph and /graph/{slug}: interactive network views, and the vendored scripts they load.

The view model comes from viz.network (types in viz.network_model), the HTML from viz.render;
this module only reads parameters, turns bad ones into 4xx pages with the reason, and serves
viz/static files.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from api.deps import get_namespaces, get_settings, get_store, get_vocabulary, per_build
from api.settings import Settings
from kg.data.namespaces import Namespaces
from kg.store import Store
from viz.entities import SLUG, EntityNotFound
from viz.network import build_network
from viz.network_model import MAX_DEPTH, FilterError, NetworkFilters
from viz.render import ASSETS, STATIC, render_message, render_network
from viz.vocabulary import Vocabulary

router = APIRouter(tags=["graph views"])

HTML_ERRORS = {
    400: {"description": "A filter parameter is invalid; the page says which and why."},
    404: {"description": "No entity with this slug."},
}

Depth = Annotated[int | None, Query(ge=1, le=MAX_DEPTH, description="Steps from the entity (1–3).")]
Classes = Annotated[
    list[str] | None,
    Query(
        alias="class",
        description="Keep nodes of these prkg classes (repeat, or comma-separate).",
    ),
]
From = Annotated[str | None, Query(alias="from", max_length=10, description="YYYY[-MM[-DD]]")]
To = Annotated[str | None, Query(max_length=10, description="YYYY[-MM[-DD]]")]
Source = Annotated[
    str | None, Query(max_length=64, description="Keep statements of this source id.")
]
Publisher = Annotated[
    str | None, Query(max_length=200, description="Keep statements whose publisher contains this.")
]


def _page(html: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-cache"})


def _view(
    request: Request,
    store: Store,
    vocab: Vocabulary,
    ns: Namespaces,
    settings: Settings,
    slug: str | None,
    depth: int | None,
    classes: list[str] | None,
    date_from: str | None,
    date_to: str | None,
    source: str | None,
    publisher: str | None,
) -> HTMLResponse:
    try:
        filters = NetworkFilters.parse(
            depth=depth,
            classes=classes,
            date_from=date_from,
            date_to=date_to,
            source=source,
            publisher=publisher,
        )

        def draw() -> str:
            view = build_network(store, ns, slug, filters, settings.max_graph_nodes, vocab=vocab)
            return render_network(view)

        html = per_build(request, ("graph", slug, filters), draw) if slug is None else draw()
    except FilterError as exc:
        return _page(render_message("Cannot draw this view", str(exc)), 400)
    except EntityNotFound as exc:
        return _page(
            render_message("Not found", str(exc), ("Start from the overview: /graph",)), 404
        )
    return _page(html)


@router.get("/graph", response_class=HTMLResponse, responses=HTML_ERRORS)
def graph_overview(
    request: Request,
    store: Annotated[Store, Depends(get_store)],
    vocab: Annotated[Vocabulary, Depends(get_vocabulary)],
    settings: Annotated[Settings, Depends(get_settings)],
    ns: Annotated[Namespaces, Depends(get_namespaces)],
    depth: Depth = None,
    classes: Classes = None,
    date_from: From = None,
    to: To = None,
    source: Source = None,
    publisher: Publisher = None,
) -> HTMLResponse:
    """The whole graph of sourced statements, filtered, up to the node cap."""
    return _view(
        request, store, vocab, ns, settings, None, depth, classes, date_from, to, source, publisher
    )


@router.get("/graph/{slug}", response_class=HTMLResponse, responses=HTML_ERRORS)
def graph_entity(
    request: Request,
    slug: Annotated[str, Path(pattern=SLUG.pattern, description="Entity slug, as in /id/{slug}")],
    store: Annotated[Store, Depends(get_store)],
    vocab: Annotated[Vocabulary, Depends(get_vocabulary)],
    settings: Annotated[Settings, Depends(get_settings)],
    ns: Annotated[Namespaces, Depends(get_namespaces)],
    depth: Depth = None,
    classes: Classes = None,
    date_from: From = None,
    to: To = None,
    source: Source = None,
    publisher: Publisher = None,
) -> HTMLResponse:
    """The network around one entity, `depth` steps out, filtered and capped."""
    return _view(
        request, store, vocab, ns, settings, slug, depth, classes, date_from, to, source, publisher
    )


@router.get("/viz/static/{name:path}", include_in_schema=False)
def viz_static(name: str) -> Response:
    """The vendored front-end files (vis-network, vis-timeline) and our stylesheet; no others."""
    media_type = ASSETS.get(name)
    if media_type is None:
        return Response("Not found", status_code=404, media_type="text/plain")
    return FileResponse(
        STATIC / name,
        media_type=media_type,
        headers={"Cache-Control": "public, max-age=86400"},
    )
