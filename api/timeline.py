"""/timeline: the events of the graph on a vis-timeline, filterable by theme and actor."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from api.deps import get_namespaces, get_store, get_vocabulary, per_build
from kg.data.namespaces import Namespaces
from kg.store import Store
from viz.render import render_message, render_timeline
from viz.timeline import THEMES, TimelineFilterError, build_timeline
from viz.vocabulary import Vocabulary

router = APIRouter(tags=["graph views"])


@router.get(
    "/timeline",
    response_class=HTMLResponse,
    responses={400: {"description": "An unknown theme or a malformed actor slug."}},
)
def timeline(
    request: Request,
    store: Annotated[Store, Depends(get_store)],
    vocab: Annotated[Vocabulary, Depends(get_vocabulary)],
    ns: Annotated[Namespaces, Depends(get_namespaces)],
    theme: Annotated[
        str | None, Query(max_length=32, description=f"One of: {', '.join(THEMES)}")
    ] = None,
    actor: Annotated[
        str | None, Query(max_length=200, description="Slug of an actor taking part")
    ] = None,
) -> HTMLResponse:
    """Dated events from the 1960s to today; each links to its entity page and sources."""
    try:
        html = per_build(
            request,
            ("timeline", theme, actor),
            lambda: render_timeline(
                build_timeline(store, ns, theme=theme or None, actor=actor or None, vocab=vocab)
            ),
        )
    except TimelineFilterError as exc:
        return HTMLResponse(render_message("Cannot draw the timeline", str(exc)), 400)
    return HTMLResponse(html, headers={"Cache-Control": "no-cache"})
