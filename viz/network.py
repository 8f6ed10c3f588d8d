"""The network view model: which nodes and edges a graph view shows, and why.

Queries the store (claims only: every edge shown is a sourced statement), applies the filters
(class, period, source, publisher, depth) and the node cap, and returns plain dataclasses.
Nothing here knows about HTML; `viz.render` draws what this module decides. The filters and
the view's dataclasses are in `viz.network_model`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from kg.data.namespaces import PRKG, Namespaces
from kg.store import Store
from viz import entities
from viz.dates import Span, covering, parse_partial
from viz.entities import EntityInfo, EntityNotFound
from viz.network_model import (
    DateFact,
    EdgeView,
    FilterError,
    NetworkFilters,
    NetworkView,
    NodeView,
    SourceRef,
    TooMany,
)
from viz.provenance import ClaimView, SourceView, conflicting, edge_claims, literal_claims
from viz.provenance import sources as fetch_sources
from viz.styles import ClassStyle, style_for
from viz.vocabulary import Vocabulary, local_name

# Dates that place a node in time (the period filter uses these).
SPAN_PROPERTIES = ("date", "startDate", "endDate")
# Further dates worth showing in a tooltip.
SHOWN_DATE_PROPERTIES = (
    *SPAN_PROPERTIES,
    "foundingDate",
    "constructionStartDate",
    "operationalSince",
    "builtIn",
    "ceasedOperations",
    "closureDate",
)


class _Walk:
    """State shared by the overview and the neighbourhood walk."""

    def __init__(self, store: Store, ns: Namespaces, vocab: Vocabulary, filters: NetworkFilters):
        self.store = store
        self.ns = ns
        self.vocab = vocab
        self.filters = filters
        self.claims: dict[str, ClaimView] = {}
        self.sources: dict[str, SourceView] = {}
        self.info: dict[str, EntityInfo] = {}
        self.spans: dict[str, Span | None] = {}
        self.date_claims: dict[str, list[ClaimView]] = {}

    # -- fetching -------------------------------------------------------------------------
    def add_claims(self, claims: Sequence[ClaimView]) -> None:
        for claim in claims:
            self.claims.setdefault(claim.iri, claim)
        missing = {c.doc for c in claims} - self.sources.keys()
        if missing:
            self.sources.update(fetch_sources(self.store, self.ns, missing))

    def learn(self, iris: Iterable[str]) -> None:
        """Fetch label, class and dates of entities not yet known."""
        new = sorted(set(iris) - self.info.keys())
        if not new:
            return
        self.info.update(entities.describe(self.store, self.ns, self.vocab, new))
        preds = [str(PRKG[p]) for p in SHOWN_DATE_PROPERTIES]
        dated = literal_claims(self.store, new, preds)
        self.add_claims(dated)
        for claim in dated:
            self.date_claims.setdefault(claim.subject, []).append(claim)
        span_preds = {str(PRKG[p]) for p in SPAN_PROPERTIES}
        for n in new:
            spans = [
                s
                for c in self.date_claims.get(n, [])
                if c.predicate in span_preds and (s := parse_partial(c.object.value)) is not None
            ]
            self.spans[n] = covering(spans)

    # -- filters --------------------------------------------------------------------------
    def claim_passes(self, claim: ClaimView) -> bool:
        f = self.filters
        source = self.sources.get(claim.doc)
        if f.source and (source is None or source.id != f.source):
            return False
        if f.publisher and (
            source is None or f.publisher.casefold() not in source.publisher.casefold()
        ):
            return False
        if claim.as_of and (f.low or f.high):
            span = parse_partial(claim.as_of)
            if span is not None and not span.overlaps(f.low, f.high):
                return False
        return True

    def node_passes(self, n: str) -> bool:
        f = self.filters
        info = self.info.get(n)
        if f.classes:
            cls = info.cls if info else None
            if cls is None or not any(self.vocab.is_a(cls, wanted) for wanted in f.classes):
                return False
        span = self.spans.get(n)
        return not (span is not None and (f.low or f.high) and not span.overlaps(f.low, f.high))

    def shown_triples(self) -> dict[tuple[str, str, str], list[ClaimView]]:
        """Edges (s, p, o) with at least one claim passing the source/publisher/period filters."""
        grouped: dict[tuple[str, str, str], list[ClaimView]] = {}
        for claim in self.claims.values():
            if not claim.object.is_uri or claim.object.value == claim.subject:
                continue
            grouped.setdefault((claim.subject, claim.predicate, claim.object.value), []).append(
                claim
            )
        return {k: v for k, v in grouped.items() if any(self.claim_passes(c) for c in v)}

    # -- assembling -----------------------------------------------------------------------
    def ref(self, claim: ClaimView) -> SourceRef:
        source = self.sources.get(claim.doc) or SourceView(
            claim.doc, local_name(claim.doc), "unknown publisher", claim.doc, None, None, None, None
        )
        return SourceRef(
            source=source,
            locator=claim.locator,
            confidence=claim.confidence,
            as_of=claim.as_of,
            role_label=claim.role_label,
            note=claim.note,
            quote=claim.quote,
            weak=claim.weak(self.sources),
        )

    def node_view(self, n: str) -> NodeView:
        info = self.info[n]
        style = style_for(info.cls, self.vocab)
        dated = self.date_claims.get(n, [])
        clash = conflicting(dated, self.vocab.single_valued)
        by_value: dict[tuple[str, str], list[ClaimView]] = {}
        for claim in dated:
            by_value.setdefault((claim.predicate, claim.object.value), []).append(claim)
        order = {str(PRKG[p]): i for i, p in enumerate(SHOWN_DATE_PROPERTIES)}
        facts = [
            DateFact(
                property=local_name(pred),
                label=self.vocab.label(local_name(pred)),
                value=value,
                refs=tuple(self.ref(c) for c in claims),
                conflicting=(n, pred, value) in clash,
            )
            for (pred, value), claims in sorted(
                by_value.items(), key=lambda kv: (order.get(kv[0][0], 99), kv[0][1])
            )
        ]
        return NodeView(
            slug=info.slug,
            iri=n,
            label=info.label,
            cls=info.cls,
            class_label=self.vocab.label(info.cls) if info.cls else "entity",
            style=style,
            dates=facts,
            external=info.external,
        )

    def assemble(
        self, kept: set[str], triples: dict[tuple[str, str, str], list[ClaimView]]
    ) -> tuple[list[NodeView], list[EdgeView]]:
        clash = conflicting(list(self.claims.values()), self.vocab.single_valued)
        nodes = {n: self.node_view(n) for n in sorted(kept)}
        edges: list[EdgeView] = []
        for s, p, o in sorted(triples):
            if s not in kept or o not in kept:
                continue
            claims = triples[(s, p, o)]
            refs = [self.ref(c) for c in claims]
            edges.append(
                EdgeView(
                    id=f"e{len(edges)}",
                    source=nodes[s].slug,
                    target=nodes[o].slug,
                    predicate=local_name(p),
                    label=self.vocab.label(local_name(p)),
                    refs=refs,
                    conflicting=(s, p, o) in clash,
                    weak=all(r.weak for r in refs),
                )
            )
            nodes[s].degree += 1
            nodes[o].degree += 1
        return list(nodes.values()), edges


def _hints(filters: NetworkFilters, centered: bool) -> tuple[str, ...]:
    hints = []
    if centered and filters.depth > 1:
        hints.append(f"lower the depth (now {filters.depth})")
    if not filters.classes:
        hints.append("show only some classes (class=Person, class=Agreement, …)")
    if not (filters.date_from or filters.date_to):
        hints.append("narrow the period (from=YYYY, to=YYYY)")
    if not (filters.source or filters.publisher):
        hints.append("keep one source or publisher (source=S01, publisher=Dawn)")
    if not centered:
        hints.append("open the network around one entity (/graph/{slug})")
    return tuple(hints)


def _legend(nodes: Sequence[NodeView], vocab: Vocabulary) -> list[tuple[ClassStyle, str]]:
    """One entry per style present, labelled with the class the style stands for."""
    seen = {node.style.key: node.style for node in nodes}
    return sorted(((style, vocab.label(key)) for key, style in seen.items()), key=lambda e: e[1])


def _class_choices(vocab: Vocabulary) -> list[tuple[str, str]]:
    from viz.styles import filterable_classes

    return [(c, vocab.label(c)) for c in filterable_classes() if c in vocab.ancestors]


def _check_classes(vocab: Vocabulary, filters: NetworkFilters) -> None:
    unknown = [c for c in filters.classes if c not in vocab.ancestors]
    if unknown:
        known = ", ".join(sorted(vocab.ancestors)[:60])
        raise FilterError(f"'class': unknown prkg class {unknown[0]!r}; known classes: {known}")


def build_network(
    store: Store,
    ns: Namespaces,
    slug: str | None,
    filters: NetworkFilters,
    max_nodes: int,
    vocab: Vocabulary | None = None,
) -> NetworkView:
    """The view around `slug` (or the whole graph when None), filtered and capped."""
    vocab = vocab or Vocabulary.load(store)
    _check_classes(vocab, filters)
    walk = _Walk(store, ns, vocab, filters)
    choices = _class_choices(vocab)
    if slug is None:
        return _overview(walk, max_nodes, choices)
    entities.check_slug(slug)
    if not entities.exists(store, ns, slug):
        raise EntityNotFound(f"No entity with slug {slug!r} in the graph")
    return _neighbourhood(walk, ns.entity(slug), max_nodes, choices)


def _overview(walk: _Walk, max_nodes: int, choices: list[tuple[str, str]]) -> NetworkView:
    walk.add_claims(edge_claims(walk.store, walk.ns, None))
    triples = walk.shown_triples()
    candidates = {s for s, _, _ in triples} | {o for _, _, o in triples}
    walk.learn(candidates)
    passing = {n for n in candidates if walk.node_passes(n)}
    kept: set[str] = set()
    for s, _, o in triples:
        if s in passing and o in passing:
            kept.update((s, o))
    nodes, edges = walk.assemble(kept, triples)
    hubs = sorted(nodes, key=lambda n: (-n.degree, n.label))[:15]
    view = NetworkView(
        None,
        nodes,
        edges,
        walk.filters,
        max_nodes,
        starting_points=hubs,
        class_choices=choices,
        legend=_legend(nodes, walk.vocab),
    )
    if len(nodes) > max_nodes:
        view.too_many = TooMany(len(nodes), max_nodes, True, _hints(walk.filters, False))
        view.nodes, view.edges = [], []
    return view


def _neighbourhood(
    walk: _Walk, center: str, max_nodes: int, choices: list[tuple[str, str]]
) -> NetworkView:
    walk.learn([center])
    distance: dict[str, int] = {center: 0}
    frontier = [center]
    for level in range(1, walk.filters.depth + 1):
        walk.add_claims(edge_claims(walk.store, walk.ns, frontier))
        triples = walk.shown_triples()
        edge_set = set(frontier)
        reached = {o for s, _, o in triples if s in edge_set} | {
            s for s, _, o in triples if o in edge_set
        }
        new = sorted(reached - distance.keys())
        walk.learn(new)
        frontier = [n for n in new if walk.node_passes(n)]
        for n in frontier:
            distance[n] = level
        if len(distance) > max_nodes:
            center_view = walk.node_view(center)
            center_view.is_center = True
            return NetworkView(
                center_view,
                [],
                [],
                walk.filters,
                max_nodes,
                too_many=TooMany(len(distance), max_nodes, False, _hints(walk.filters, True)),
                class_choices=choices,
            )
        if not frontier:
            break
    if frontier:
        # Edges among the outermost ring: fetched, but nothing beyond them is added.
        walk.add_claims(edge_claims(walk.store, walk.ns, frontier))
    nodes, edges = walk.assemble(set(distance), walk.shown_triples())
    center_view = next(n for n in nodes if n.iri == center)
    center_view.is_center = True
    for node in nodes:
        node.distance = distance[node.iri]
    return NetworkView(
        center_view,
        nodes,
        edges,
        walk.filters,
        max_nodes,
        class_choices=choices,
        legend=_legend(nodes, walk.vocab),
    )
