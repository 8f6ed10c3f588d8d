"""`/disputes`: every fact on which sources disagree, each side with its sources.

Disagreements are kept in the graph, not resolved; this page makes them visible so a reader
sees at once where the record is contested (the mills' founding year, the pipeline's length,
the day of a meeting) and on whose word each version rests. JSON for scripts, HTML for people.
"""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from api.deps import get_namespaces, get_store, per_build
from api.templating import templates
from kg.data.namespaces import Namespaces
from kg.report.disputes import disputed_facts
from kg.store import Store

router = APIRouter()


@router.get("/disputes", response_class=HTMLResponse, summary="Facts on which sources disagree")
async def disputes(
    request: Request,
    store: Store = Depends(get_store),
    ns: Namespaces = Depends(get_namespaces),
) -> Response:
    facts = await run_in_threadpool(
        per_build, request, ("disputes",), lambda: disputed_facts(store, ns)
    )
    wants_json = "application/json" in request.headers.get("accept", "") or (
        request.query_params.get("format") == "json"
    )
    if wants_json:
        return JSONResponse([asdict(f) for f in facts])
    return templates.TemplateResponse(request, "disputes.html", {"facts": facts})
