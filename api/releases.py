"""/releases/: the dated releases of the graph, each with its changelog and its files.

A researcher cites a release and a reviewer downloads it again here; the list says what
changed from one release to the next. Releases are made by `prkg release` into
PRKG_DIST/releases/ (kg/release/package.py); this router only lists and serves them.
Only plain file names listed in a release directory are served, never a path.
"""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, Response

from api.templating import templates
from kg.release.metadata import MEDIA
from kg.release.package import release_info, releases

router = APIRouter(tags=["releases"])

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def _wants_json(request: Request) -> bool:
    return request.query_params.get("format") == "json" or "application/json" in (
        request.headers.get("accept", "")
    )


def _files(folder: Path) -> list[dict]:
    return [
        {"name": p.name, "size": p.stat().st_size, "type": MEDIA.get(p.suffix, "text/plain")}
        for p in sorted(folder.iterdir())
        if p.is_file() and NAME.fullmatch(p.name)
    ]


def _listing(request: Request) -> list[dict]:
    dist = request.app.state.settings.dist_dir
    out = []
    for version in reversed(releases(dist)):
        info = release_info(dist, version)
        folder = dist / "releases" / version
        changelog = folder / "changelog.md"
        out.append(
            {
                **info,
                "href": f"/releases/{version}/",
                "changelog": changelog.read_text("utf-8") if changelog.is_file() else "",
                "files": _files(folder),
            }
        )
    return out


PAGE = {
    200: {
        "description": "HTML page, or JSON with ?format=json",
        "content": {"application/json": {}},
    },
}
NOT_FOUND = {404: {"description": "No such release or file", "content": {"text/plain": {}}}}


@router.get(
    "/releases/", response_class=HTMLResponse, summary="Releases with changelogs", responses=PAGE
)
def releases_index(request: Request) -> Response:
    listing = _listing(request)
    if _wants_json(request):
        return JSONResponse([{k: v for k, v in r.items() if k != "changelog"} for r in listing])
    return templates.TemplateResponse(request, "releases.html", {"releases": listing})


@router.get(
    "/releases/{version}/",
    response_class=HTMLResponse,
    summary="One release",
    responses={**PAGE, **NOT_FOUND},
)
def release_page(request: Request, version: str) -> Response:
    found = [r for r in _listing(request) if r["version"] == version]
    if not found:
        return PlainTextResponse(f"No release {version!r}; see /releases/.", status_code=404)
    if _wants_json(request):
        return JSONResponse({k: v for k, v in found[0].items() if k != "changelog"})
    return templates.TemplateResponse(request, "releases.html", {"releases": found, "one": True})


@router.get(
    "/releases/{version}/{name}",
    summary="Download a file of a release",
    response_class=Response,
    responses={
        200: {"description": "The file", "content": {m: {} for m in sorted(set(MEDIA.values()))}},
        **NOT_FOUND,
    },
)
def release_file(request: Request, version: str, name: str) -> Response:
    dist = request.app.state.settings.dist_dir
    if version not in releases(dist) or not NAME.fullmatch(name):
        return PlainTextResponse(f"No file {name!r} in release {version!r}.", status_code=404)
    files = {p.name: p for p in (dist / "releases" / version).iterdir() if p.is_file()}
    if name not in files:
        return PlainTextResponse(f"No file {name!r} in release {version!r}.", status_code=404)
    path = files[name]
    return FileResponse(path, media_type=MEDIA.get(path.suffix, "text/plain"), filename=name)
