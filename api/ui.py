"""The query UI at `/query`: bundled YASGUI (works offline), our prefixes, the gallery.

Search has `/` (api.search); old `/?query=…` links redirect here.

Shareable links: YASGUI keeps the query in the page URL; every gallery item also links to
`/query?query=…`, which opens the editor with that query. `/assets/…` serves the vendored files.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse

from api.gallery import load_gallery
from api.templating import STATIC_DIR, templates
from api.void import public_base

router = APIRouter()

STARTER = """SELECT ?entity ?label ?class WHERE {
  ?entity a ?class ; rdfs:label ?label .
  FILTER(STRSTARTS(STR(?entity), STR(id:)) && LANGMATCHES(LANG(?label), "en"))
}
ORDER BY ?label
LIMIT 50
"""


def prefix_block(prefixes: dict[str, str]) -> str:
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in prefixes.items())


def render_ui(request: Request) -> HTMLResponse:
    """The page with YASGUI pointed at our /sparql; `/query` and GET /sparql (browsers)."""
    settings = request.app.state.settings
    prefixes = request.app.state.namespaces.prefixes()
    gallery = load_gallery(settings.data_dir / "queries")
    config = {
        "endpoint": public_base(request, settings) + "sparql",
        "defaultQuery": prefix_block(prefixes) + "\n" + STARTER,
        "query": request.query_params.get("query"),
        "prefixes": prefixes,
        "gallery": [{"name": g.name, "title": g.title, "query": g.query} for g in gallery],
    }
    items = [
        {
            "name": g.name,
            "title": g.title,
            "description": g.description,
            "link": "/query?query=" + quote(g.query, safe=""),
        }
        for g in gallery
    ]
    context = {"config": config, "gallery": items, "prefixes": prefixes}
    return templates.TemplateResponse(request, "ui.html", context)


@router.get("/query", response_class=HTMLResponse, summary="Query UI (YASGUI) and examples gallery")
def home(request: Request) -> HTMLResponse:
    return render_ui(request)


@router.get("/assets/{path:path}", include_in_schema=False)
def asset(path: str) -> FileResponse:
    """Vendored front-end files; anything outside api/static is refused."""
    target = (STATIC_DIR / path).resolve()
    if not target.is_relative_to(STATIC_DIR) or not target.is_file():
        raise HTTPException(404, f"No asset {path!r}.")
    return FileResponse(target)
