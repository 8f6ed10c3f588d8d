"""HTML for the graph views and the timeline, from view models; the renderer never queries.

Networks are assembled with pyvis (nodes, edges, options) and drawn by vis-network, which we
vendor (viz/static). pyvis's own template pulls bootstrap and tom-select from CDNs and its
`write_html` writes `lib/` folders, so we use neither: we take pyvis's network data and render
our own Jinja template, in memory. Text reaches the page three ways, each escaped:
HTML via Jinja autoescape; JSON inside <script> via `tojson` (which escapes <, >, &, ');
tooltips via DOM nodes built with `textContent` in the page (vis-network shows string titles
as text, and we pass elements built from text).
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from pyvis.network import Network

from viz.links import Links
from viz.network_model import EdgeView, NetworkView, NodeView, SourceRef
from viz.styles import CLASS_STYLES, EDGE_STYLES
from viz.timeline import THEMES, TimelineView

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
STATIC_URL = "/viz/static"

# Files the pages load; the service serves exactly these (see api.graphviews).
ASSETS: dict[str, str] = {
    "vis-network/vis-network.min.js": "text/javascript",
    "vis-timeline/vis-timeline-graph2d.min.js": "text/javascript",
    "vis-timeline/vis-timeline-graph2d.min.css": "text/css",
    "prkg-views.css": "text/css",
}
LABEL_MAX = 42


@cache
def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"], default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["asset"] = asset_tag
    return env


def _inline_safe(text: str, tag: str) -> str:
    if f"</{tag}" in text.lower():
        raise ValueError(f"A vendored asset contains '</{tag}' and cannot be put in-line")
    return text


def asset_tag(name: str, served: bool) -> str:
    """A <script>/<link> for a vendored file, or the file itself in-line for exports."""
    from markupsafe import Markup

    kind = ASSETS[name]
    if served:
        url = f"{STATIC_URL}/{name}"
        if kind == "text/css":
            return Markup('<link rel="stylesheet" href="{}">').format(url)
        return Markup('<script src="{}"></script>').format(url)
    text = (STATIC / name).read_text(encoding="utf-8")
    if kind == "text/css":
        return Markup("<style>" + _inline_safe(text, "style") + "</style>")
    return Markup("<script>" + _inline_safe(text, "script") + "</script>")


def _short(text: str, limit: int = LABEL_MAX) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _ref_line(ref: SourceRef) -> str:
    parts = [ref.source.citation]
    if ref.locator:
        parts.append(ref.locator)
    if ref.role_label:
        parts.append(f"role: {ref.role_label}")
    if ref.as_of:
        parts.append(f"as of {ref.as_of}")
    if ref.confidence:
        parts.append(f"confidence {ref.confidence.lower()}")
    if ref.source.reliability:
        parts.append(f"source reliability {ref.source.reliability.lower()}")
    return " · ".join(parts)


def node_tip(node: NodeView) -> dict:
    """Tooltip content as data; the page turns it into DOM text (never HTML)."""
    rows: list[list[str]] = [["Class", node.class_label]]
    for fact in node.dates:
        cites = "; ".join(r.source.citation for r in fact.refs)
        flag = " (sources disagree)" if fact.conflicting else ""
        rows.append([fact.label, f"{fact.value}{flag} — {cites}"])
    for iri in node.external:
        rows.append(["Same as", iri])
    rows.append(["Connections in view", str(node.degree)])
    return {"title": node.label, "rows": rows}


def edge_tip(edge: EdgeView, labels: dict[str, str]) -> dict:
    rows: list[list[str]] = []
    if edge.conflicting:
        rows.append(["Warning", "Conflicting sources: others give a different value."])
    if edge.weak:
        rows.append(["Warning", "Backed by weak sources only."])
    for ref in edge.refs:
        rows.append(["Source", _ref_line(ref)])
        if ref.quote:
            rows.append(["Quote", f"“{_short(ref.quote, 240)}”"])
        if ref.note:
            rows.append(["Note", _short(ref.note, 240)])
    title = f"{labels[edge.source]} — {edge.label} → {labels[edge.target]}"
    return {"title": title, "rows": rows}


def _pyvis_network(view: NetworkView, links: Links) -> tuple[list[dict], list[dict], dict]:
    """Nodes, edges and options as pyvis assembles them (nothing is written to disk)."""
    net = Network(height="70vh", width="100%", directed=True, cdn_resources="in_line")
    keep = view.filters.query_string()
    for node in view.nodes:
        net.add_node(
            node.slug,
            label=_short(node.label),
            shape=node.style.shape,
            color={
                "background": node.style.color,
                "border": "#111111" if node.is_center else node.style.color,
                "highlight": {"background": node.style.color, "border": "#000000"},
            },
            size=node.size + (6 if node.is_center else 0),
            borderWidth=4 if node.is_center else 1,
            font={"size": 15 if node.is_center else 13, "strokeWidth": 3, "strokeColor": "#fff"},
            title=f"{node.label} ({node.class_label})",
            tip=node_tip(node),
            cls=node.cls,
            center=node.is_center,
            pageUrl=links.entity(node.slug),
            graphUrl=links.graph(node.slug, keep),
        )
    labels = {n.slug: n.label for n in view.nodes}
    for edge in view.edges:
        style = edge.style
        net.add_edge(
            edge.source,
            edge.target,
            id=edge.id,
            label=edge.label,
            title=f"{labels[edge.source]} — {edge.label} → {labels[edge.target]}",
            tip=edge_tip(edge, labels),
            color={"color": style.color, "highlight": "#000000"},
            dashes=list(style.dashes) if isinstance(style.dashes, tuple) else style.dashes,
            width=2 if style.key != "plain" else 1.5,
            kind=style.key,
            predicate=edge.predicate,
            font={"size": 11, "align": "middle", "strokeWidth": 3, "color": "#333"},
        )
    net.options = {
        "interaction": {"hover": True, "tooltipDelay": 150, "navigationButtons": False},
        "physics": {
            "solver": "barnesHut",
            "barnesHut": {"gravitationalConstant": -9000, "springLength": 160},
            "stabilization": {"enabled": True, "iterations": 300},
        },
        "edges": {
            "smooth": {"enabled": True, "type": "dynamic"},
            "arrows": {"to": {"scaleFactor": 0.6}},
        },
        "nodes": {"font": {"face": "system-ui, sans-serif"}},
    }
    nodes, edges, _heading, _height, _width, _options = net.get_network_data()
    return nodes, edges, net.options


def render_network(view: NetworkView, links: Links | None = None, *, title: str = "") -> str:
    """The whole page of a network view (served) or a standalone file (links.served False)."""
    links = links or Links()
    nodes, edges, options = _pyvis_network(view, links)
    heading = title or (f"Network around {view.center.label}" if view.center else "Graph overview")
    refs_by_edge = {e.id: e for e in view.edges}
    labels = {n.slug: n.label for n in view.nodes}
    return (
        _env()
        .get_template("network.html")
        .render(
            heading=heading,
            view=view,
            links=links,
            served=links.served,
            nodes=nodes,
            edges=edges,
            options=options,
            labels=labels,
            refs_by_edge=refs_by_edge,
            class_styles=CLASS_STYLES,
            edge_styles=EDGE_STYLES,
            ref_line=_ref_line,
            keep_filters=view.filters.query_string(with_depth=False),
            today=date.today().isoformat(),
        )
    )


def render_timeline(view: TimelineView, links: Links | None = None) -> str:
    links = links or Links()
    return (
        _env()
        .get_template("timeline.html")
        .render(
            heading="Timeline of events",
            view=view,
            links=links,
            served=links.served,
            items=[item.to_json(links) for item in view.items],
            themes=THEMES,
            today=date.today().isoformat(),
        )
    )


def render_message(title: str, message: str, hints: tuple[str, ...] = ()) -> str:
    """An error or notice page in the views' style (the message is escaped like all text)."""
    return (
        _env()
        .get_template("message.html")
        .render(heading=title, message=message, hints=hints, served=True)
    )
