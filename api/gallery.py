"""The examples gallery: researcher questions kept as `data/queries/*.rq`.

Each file starts with header comments `# title: …` and `# description: …` (a description may
continue on following `#` lines). Files without a title are not shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_HEADER = re.compile(r"^#\s*([A-Za-z_-]+)\s*:\s*(.*)$")


@dataclass(frozen=True)
class GalleryQuery:
    name: str  # file stem, e.g. q01-agreements
    title: str
    description: str
    query: str


def parse_query_file(path: Path) -> GalleryQuery | None:
    """Read one .rq file; None when it has no `# title:` header."""
    text = path.read_text(encoding="utf-8")
    fields: dict[str, str] = {}
    last: str | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        match = _HEADER.match(stripped)
        if match and match.group(1).lower() in {"title", "description"}:
            last = match.group(1).lower()
            fields[last] = match.group(2).strip()
        elif last == "description" and stripped.lstrip("#").strip():
            fields[last] += " " + stripped.lstrip("#").strip()
        else:
            last = None
    if not fields.get("title"):
        return None
    return GalleryQuery(path.stem, fields["title"], fields.get("description", ""), text)


def load_gallery(folder: Path) -> list[GalleryQuery]:
    """All titled queries of `folder`, ordered by file name."""
    if not folder.is_dir():
        return []
    items = (parse_query_file(p) for p in sorted(folder.glob("*.rq")))
    return [item for item in items if item is not None]
