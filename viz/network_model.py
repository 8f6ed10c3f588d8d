"""What a graph view is made of: the reader's filters, and the nodes, edges and sources shown.

Plain dataclasses, shared by the walk that fills them (`viz.network`) and the renderer that
draws them (`viz.render`), so that neither imports the other's work.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from viz.dates import DateError, Span, parse_bound
from viz.provenance import SourceView
from viz.styles import EDGE_CONFLICT, EDGE_PLAIN, EDGE_WEAK, ClassStyle, EdgeStyle

MAX_DEPTH = 3
DEFAULT_DEPTH = 2


class FilterError(ValueError):
    """A filter parameter the view cannot use; the message names the parameter."""


@dataclass(frozen=True)
class NetworkFilters:
    """What the reader narrowed the view to. Empty filters keep everything."""

    depth: int = DEFAULT_DEPTH
    classes: tuple[str, ...] = ()
    date_from: Span | None = None
    date_to: Span | None = None
    source: str | None = None
    publisher: str | None = None

    @classmethod
    def parse(
        cls,
        *,
        depth: int | None = None,
        classes: Iterable[str] | str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        source: str | None = None,
        publisher: str | None = None,
    ) -> NetworkFilters:
        """Filters from query parameters, with a FilterError naming any bad one."""
        depth = DEFAULT_DEPTH if depth is None else depth
        if not 1 <= depth <= MAX_DEPTH:
            raise FilterError(f"'depth' must be 1, 2 or 3, not {depth}")
        if isinstance(classes, str):
            classes = [classes]
        names: list[str] = []
        for item in classes or ():
            names.extend(part.strip() for part in item.split(",") if part.strip())
        for name in names:
            if not name.isidentifier():
                raise FilterError(f"'class' must be prkg class names, not {name!r}")
        try:
            low = parse_bound(date_from, "from")
            high = parse_bound(date_to, "to")
        except DateError as exc:
            raise FilterError(str(exc)) from exc
        if low and high and low.start > high.end:
            raise FilterError(f"'from' ({low.text}) is after 'to' ({high.text})")
        source = (source or "").strip() or None
        if source is not None and not all(ch.isalnum() or ch in "-_." for ch in source):
            raise FilterError(f"'source' must be a source id such as S01, not {source!r}")
        publisher = (publisher or "").strip() or None
        if publisher is not None and len(publisher) > 200:
            raise FilterError("'publisher' is longer than 200 characters")
        return cls(depth, tuple(dict.fromkeys(names)), low, high, source, publisher)

    @property
    def low(self):
        return self.date_from.start if self.date_from else None

    @property
    def high(self):
        return self.date_to.end if self.date_to else None

    @property
    def narrowing(self) -> bool:
        return bool(self.classes or self.date_from or self.date_to or self.source or self.publisher)

    def params(self, *, with_depth: bool = True) -> list[tuple[str, str]]:
        """Query parameters reproducing these filters (for links that keep them)."""
        out: list[tuple[str, str]] = []
        if with_depth:
            out.append(("depth", str(self.depth)))
        out.extend(("class", c) for c in self.classes)
        if self.date_from:
            out.append(("from", self.date_from.text))
        if self.date_to:
            out.append(("to", self.date_to.text))
        if self.source:
            out.append(("source", self.source))
        if self.publisher:
            out.append(("publisher", self.publisher))
        return out

    def query_string(self, *, with_depth: bool = True) -> str:
        params = self.params(with_depth=with_depth)
        return "?" + urlencode(params) if params else ""


@dataclass(frozen=True, slots=True)
class SourceRef:
    """One claim behind an edge or a date, with the document it comes from."""

    source: SourceView
    locator: str | None
    confidence: str | None
    as_of: str | None
    role_label: str | None
    note: str | None
    quote: str | None
    weak: bool


@dataclass(frozen=True, slots=True)
class DateFact:
    """One dated statement about a node: 'date 2025-07-11 (Dawn, 2025-07-12)'."""

    property: str
    label: str
    value: str
    refs: tuple[SourceRef, ...]
    conflicting: bool


@dataclass
class NodeView:
    slug: str
    iri: str
    label: str
    cls: str | None
    class_label: str
    style: ClassStyle
    dates: list[DateFact] = field(default_factory=list)
    degree: int = 0
    is_center: bool = False
    distance: int | None = None
    external: tuple[str, ...] = ()  # the same thing in Wikidata, GeoNames, DBpedia

    @property
    def size(self) -> float:
        """Radius grows with the square root of the degree, so hubs stand out but fit."""
        return round(12 + 6 * math.sqrt(self.degree), 1)


@dataclass
class EdgeView:
    id: str
    source: str  # slug
    target: str  # slug
    predicate: str  # local name
    label: str
    refs: list[SourceRef]
    conflicting: bool
    weak: bool

    @property
    def style(self) -> EdgeStyle:
        if self.conflicting:
            return EDGE_CONFLICT
        if self.weak:
            return EDGE_WEAK
        return EDGE_PLAIN


@dataclass(frozen=True)
class TooMany:
    """The view would pass the node cap: say so, and how to narrow it."""

    count: int
    cap: int
    exact: bool  # False: the walk stopped as soon as it passed the cap
    hints: tuple[str, ...]

    @property
    def message(self) -> str:
        amount = f"{self.count}" if self.exact else f"more than {self.cap}"
        return f"Too many nodes: this view has {amount}, the limit is {self.cap}."


@dataclass
class NetworkView:
    center: NodeView | None
    nodes: list[NodeView]
    edges: list[EdgeView]
    filters: NetworkFilters
    cap: int
    too_many: TooMany | None = None
    starting_points: list[NodeView] = field(default_factory=list)
    class_choices: list[tuple[str, str]] = field(default_factory=list)  # (name, label)
    legend: list[tuple[ClassStyle, str]] = field(default_factory=list)  # styles present

    @property
    def edge_legend(self) -> list[EdgeStyle]:
        return [EDGE_PLAIN, EDGE_CONFLICT, EDGE_WEAK]

    def node(self, slug: str) -> NodeView | None:
        return next((n for n in self.nodes if n.slug == slug), None)
