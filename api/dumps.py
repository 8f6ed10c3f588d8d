"""/dumps/: the files the build wrote for download (TriG, N-Quads, Turtle, ontology).

Only plain file names inside the served build's dumps directory are answered; anything
that could climb out of it (`..`, slashes, encoded separators) is refused with 404.
"""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse, Response

from api.templating import templates
from api.void import DUMP_TYPES, dump_files

router = APIRouter()

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9]+)+$")


@router.get("/dumps/", response_class=HTMLResponse, summary="List of downloadable dumps")
def dumps_index(request: Request) -> Response:
    files = [
        {"name": p.name, "size": p.stat().st_size, "type": DUMP_TYPES[p.suffix]}
        for p in dump_files(request.app.state.settings)
    ]
    return templates.TemplateResponse(request, "dumps.html", {"files": files})


@router.get("/dumps/{name}", summary="Download one dump file", responses={404: {}})
def dump(request: Request, name: str) -> Response:
    files = {p.name: p for p in dump_files(request.app.state.settings)}
    if not NAME.fullmatch(name) or name not in files:
        return PlainTextResponse(f"No dump named {name!r}; see /dumps/.", status_code=404)
    path = files[name]
    return FileResponse(path, media_type=DUMP_TYPES[path.suffix], filename=name)
