"""/export/{table}.csv and /context.jsonld: the graph for notebooks and spreadsheets.

The tables and the context are made by `kg.report.export`, the same functions `prkg export`
calls, so a download from the service and a file from the CLI are identical.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from api.deps import get_namespaces, get_store
from kg.data.namespaces import Namespaces
from kg.release.tables import TABLE_NAMES, one_table
from kg.report.export import claims_csv, context_jsonld, entities_csv
from kg.store import Store

router = APIRouter(tags=["export"])

CSV_TYPE = "text/csv; charset=utf-8"


def _csv(text: str, filename: str) -> Response:
    return Response(
        text.encode("utf-8"),
        media_type=CSV_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


CSV = {200: {"description": "CSV, one row per item", "content": {"text/csv": {}}}}


@router.get(
    "/export/entities.csv",
    summary="All entities with labels and external ids (CSV)",
    response_class=Response,
    responses=CSV,
)
def export_entities(
    store: Annotated[Store, Depends(get_store)], ns: Annotated[Namespaces, Depends(get_namespaces)]
) -> Response:
    return _csv(entities_csv(store, ns), "prkg-entities.csv")


@router.get(
    "/export/claims.csv",
    summary="All claims with their sources (CSV)",
    response_class=Response,
    responses=CSV,
)
def export_claims(
    store: Annotated[Store, Depends(get_store)], ns: Annotated[Namespaces, Depends(get_namespaces)]
) -> Response:
    return _csv(claims_csv(store, ns), "prkg-claims.csv")


@router.get(
    "/export/{name}.csv",
    summary="An analysis table: projects, agreements, events, posts or trade (CSV)",
    response_class=Response,
    responses={**CSV, 404: {"description": "No table of that name", "content": {"text/plain": {}}}},
)
def export_table(
    name: str,
    store: Annotated[Store, Depends(get_store)],
    ns: Annotated[Namespaces, Depends(get_namespaces)],
) -> Response:
    """The tables of a release (kg/release/tables.py), made from the served build; the
    codebook that describes their columns is in every release (codebook.md)."""
    text = one_table(store, ns, name) if name in TABLE_NAMES else None
    if text is None:
        return PlainTextResponse(
            f"No table {name!r}; the tables are: {', '.join(TABLE_NAMES)}", status_code=404
        )
    return _csv(text, f"prkg-{name}.csv")


@router.get(
    "/context.jsonld",
    summary="JSON-LD context: prkg properties as short names",
    response_class=Response,
    responses={200: {"description": "JSON-LD context", "content": {"application/ld+json": {}}}},
)
def context(
    store: Annotated[Store, Depends(get_store)], ns: Annotated[Namespaces, Depends(get_namespaces)]
) -> Response:
    return JSONResponse(
        context_jsonld(store, ns),
        media_type="application/ld+json",
        headers={"Access-Control-Allow-Origin": "*"},  # JSON-LD processors fetch it cross-site
    )
