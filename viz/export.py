"""`prkg viz SLUG [--depth N] -o FILE.html`: one network view as a file to share.

The file stands alone: vis-network is in-line, nothing is fetched when it is opened, and its
links point at the entities' IRIs (which resolve to their pages on the public service).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from kg.data.namespaces import Namespaces
from kg.store import Store
from viz.entities import EntityNotFound
from viz.links import Links
from viz.network import build_network
from viz.network_model import FilterError, NetworkFilters
from viz.render import render_network

DEFAULT_MAX_NODES = 300


class ExportError(Exception):
    """The view cannot be written: unknown entity, bad depth, too many nodes."""


def write_view(
    store: Store,
    namespaces: Namespaces,
    slug: str,
    depth: int,
    out_path: Path,
    *,
    max_nodes: int = DEFAULT_MAX_NODES,
) -> Path:
    """Write the network around `slug` to `out_path` (atomically) and return the path."""
    try:
        filters = NetworkFilters.parse(depth=depth)
        view = build_network(store, namespaces, slug, filters, max_nodes)
    except (FilterError, EntityNotFound, ValueError) as exc:
        raise ExportError(str(exc)) from exc
    if view.too_many is not None:
        raise ExportError(f"{view.too_many.message} Try a smaller --depth.")
    links = Links(
        served=False,
        entity_base=namespaces.entity(""),
        source_base=namespaces.source(""),
    )
    html = render_network(view, links)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".prkg-viz-", suffix=".html", dir=out_path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(html)
        os.replace(tmp, out_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out_path
