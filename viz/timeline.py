"""The timeline view model: every dated prkg:Event, its actors, themes and sources.

Events are things of any subclass of prkg:Event (signings, meetings, visits, commissionings,
closures, shipments, …). An event's dates come from its claims, so a date two sources give
differently shows as the span between them, marked as disputed.

Themes are not stored in the graph; they follow from what an event is about. An event's theme
comes from its own class and from the classes of what it concerns (directly, through the
agreement it signs or produces, or through the project it belongs to). THEME_BY_CLASS is that
small mapping; COMMODITY_THEMES reads the free-text commodity of shipments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kg.data.namespaces import PRKG, Namespaces
from kg.store import Store
from viz import entities
from viz.dates import Span, covering, parse_partial
from viz.entities import EntityInfo
from viz.links import Links
from viz.provenance import (
    ClaimView,
    SourceView,
    conflicting,
    edge_claims,
    iri,
    literal_claims,
)
from viz.provenance import sources as fetch_sources
from viz.vocabulary import PREFIXES, Vocabulary, local_name

THEMES: dict[str, str] = {
    "steel": "Steel",
    "oil-gas": "Oil & gas",
    "power": "Power",
    "pipeline": "Pipeline",
    "trade": "Trade",
    "commission": "Intergovernmental commission",
}
# A class (or any subclass of it) → theme.
THEME_BY_CLASS: dict[str, str] = {
    "SteelMill": "steel",
    "OilGasField": "oil-gas",
    "Refinery": "oil-gas",
    "PowerPlant": "power",
    "Pipeline": "pipeline",
    "Port": "trade",
    "Shipment": "trade",
    "TradeFigure": "trade",
    "CommissionSession": "commission",
    "BilateralBody": "commission",
}
COMMODITY_THEMES: dict[str, str] = {
    "oil": "oil-gas",
    "gas": "oil-gas",
    "lng": "oil-gas",
    "crude": "oil-gas",
    "petrol": "oil-gas",
    "steel": "steel",
    "iron": "steel",
    "electric": "power",
}
# Predicates from an event to what it is about (first hop), and from there on (second hop).
ABOUT_FIRST = ("concerns", "partOfProject", "signs", "produced", "sessionOf", "partOfEvent")
ABOUT_SECOND = ("concerns", "partOfProject", "sessionOf")
# Predicates from an event to its actors, and from a signed agreement to its actors.
ACTOR_OF_EVENT = ("participant", "ledBy", "coChair")
ACTOR_OF_AGREEMENT = ("party", "signatory", "witness")
DATE_PROPERTIES = ("date", "startDate", "endDate")
EARLIEST = date(1960, 1, 1)


class TimelineFilterError(ValueError):
    """A theme or actor parameter the timeline cannot use."""


@dataclass(frozen=True, slots=True)
class DatedValue:
    property: str
    value: str
    citations: tuple[str, ...]
    conflicting: bool


@dataclass
class TimelineItem:
    slug: str
    label: str
    cls: str | None
    class_label: str
    span: Span | None
    dates: list[DatedValue]
    disputed: bool
    themes: list[str]
    actors: list[EntityInfo]
    sources: list[SourceView]

    @property
    def theme_labels(self) -> list[str]:
        return [THEMES[t] for t in self.themes]

    @property
    def point(self) -> bool:
        return self.span is not None and self.span.start == self.span.end

    @property
    def drawn_as_range(self) -> bool:
        """Spans of a month or more draw as bars; shorter ones (disputed days) as boxes."""
        return self.span is not None and (self.span.end - self.span.start).days >= 28

    def to_json(self, links: Links) -> dict:
        """What the page's script needs; strings only travel as JSON (escaped by tojson)."""
        assert self.span is not None
        data: dict = {
            "id": self.slug,
            "label": self.label,
            "short": self.label if len(self.label) <= 60 else self.label[:59].rstrip() + "…",
            "start": self.span.start.isoformat(),
            "type": "range" if self.drawn_as_range else "box",
            "className": "prkg-disputed" if self.disputed else f"prkg-{(self.cls or 'event')}",
            "classLabel": self.class_label,
            "when": "; ".join(
                f"{d.value} ({', '.join(d.citations)})" + (" — disputed" if d.conflicting else "")
                for d in self.dates
            ),
            "themes": self.theme_labels,
            "actors": [{"label": a.label, "url": links.entity(a.slug)} for a in self.actors],
            "pageUrl": links.entity(self.slug),
            "sources": [
                {
                    "citation": s.citation,
                    "title": s.title,
                    "page": links.source(s.id),
                    "url": s.url,
                }
                for s in self.sources
            ],
        }
        if self.drawn_as_range:
            # vis-timeline ranges end exclusive: the day after the last day.
            data["end"] = date.fromordinal(self.span.end.toordinal() + 1).isoformat()
        return data


@dataclass
class TimelineView:
    items: list[TimelineItem]
    undated: list[TimelineItem]
    theme: str | None
    actor: EntityInfo | None
    actor_choices: list[EntityInfo] = field(default_factory=list)
    start: date = EARLIEST
    end: date = field(default_factory=date.today)


def _event_classes(vocab: Vocabulary) -> list[str]:
    return vocab.subclasses_of("Event")


def _themes(
    event: str,
    info: dict[str, EntityInfo],
    vocab: Vocabulary,
    about: dict[str, set[str]],
    commodities: dict[str, list[str]],
) -> list[str]:
    found: set[str] = set()
    related = {event}
    for first in about.get(event, ()):
        related.add(first)
        related.update(about.get(first, ()))
    for node in related:
        cls = info[node].cls if node in info else None
        if cls is None:
            continue
        for key, theme in THEME_BY_CLASS.items():
            if vocab.is_a(cls, key):
                found.add(theme)
    for text in commodities.get(event, ()):
        for word, theme in COMMODITY_THEMES.items():
            if word in text.casefold():
                found.add(theme)
    return [t for t in THEMES if t in found]


def build_timeline(
    store: Store,
    ns: Namespaces,
    *,
    theme: str | None = None,
    actor: str | None = None,
    vocab: Vocabulary | None = None,
) -> TimelineView:
    """All events with their dates, themes and actors; filtered by theme and actor slug."""
    if theme is not None and theme not in THEMES:
        raise TimelineFilterError(f"'theme' must be one of {', '.join(THEMES)}, not {theme!r}")
    if actor is not None:
        try:
            entities.check_slug(actor)
        except ValueError as exc:
            raise TimelineFilterError(f"'actor': {exc}") from exc
    vocab = vocab or Vocabulary.load(store)
    classes = _event_classes(vocab)
    events: list[str] = []
    if classes:
        values = " ".join(iri(str(PRKG[c])) for c in classes)
        rows = store.select(
            PREFIXES + f"SELECT DISTINCT ?e WHERE {{ VALUES ?t {{ {values} }} ?e a ?t . "
            f'FILTER(STRSTARTS(STR(?e), "{ns.entity("")}")) }}'
        )
        events = sorted(r["e"].value for r in rows)
    links_claims = edge_claims(store, ns, events) if events else []
    about: dict[str, set[str]] = {}
    actors: dict[str, set[str]] = {}
    first_hop: set[str] = set()
    by_event_claims: dict[str, list[ClaimView]] = {}
    for claim in links_claims:
        pred = local_name(claim.predicate)
        if claim.subject in events:
            by_event_claims.setdefault(claim.subject, []).append(claim)
            if pred in ABOUT_FIRST:
                about.setdefault(claim.subject, set()).add(claim.object.value)
                first_hop.add(claim.object.value)
            if pred in ACTOR_OF_EVENT:
                actors.setdefault(claim.subject, set()).add(claim.object.value)
    second = edge_claims(store, ns, sorted(first_hop)) if first_hop else []
    agreement_actors: dict[str, set[str]] = {}
    for claim in second:
        pred = local_name(claim.predicate)
        if claim.subject in first_hop and pred in ABOUT_SECOND:
            about.setdefault(claim.subject, set()).add(claim.object.value)
        if claim.subject in first_hop and pred in ACTOR_OF_AGREEMENT:
            agreement_actors.setdefault(claim.subject, set()).add(claim.object.value)
    for claim in links_claims:
        if claim.subject in events and local_name(claim.predicate) in ("signs", "produced"):
            actors.setdefault(claim.subject, set()).update(
                agreement_actors.get(claim.object.value, ())
            )
    date_claims = literal_claims(store, events, [str(PRKG[p]) for p in DATE_PROPERTIES])
    commodity_claims = literal_claims(store, events, [str(PRKG["commodity"])])
    commodities: dict[str, list[str]] = {}
    for claim in commodity_claims:
        commodities.setdefault(claim.subject, []).append(claim.object.value)
    related = set(events) | first_hop | {o for objs in about.values() for o in objs}
    related |= {a for objs in actors.values() for a in objs}
    info = entities.describe(store, ns, vocab, sorted(related))
    docs = {c.doc for c in (*links_claims, *date_claims)}
    source_views = fetch_sources(store, ns, docs)
    clash = conflicting(date_claims, vocab.single_valued)
    dates_by_event: dict[str, list[ClaimView]] = {}
    for claim in date_claims:
        dates_by_event.setdefault(claim.subject, []).append(claim)

    items: list[TimelineItem] = []
    undated: list[TimelineItem] = []
    all_actor_slugs: set[str] = set()
    for event in events:
        claims = dates_by_event.get(event, [])
        grouped: dict[tuple[str, str], list[ClaimView]] = {}
        for claim in claims:
            grouped.setdefault((claim.predicate, claim.object.value), []).append(claim)
        values = [
            DatedValue(
                property=local_name(pred),
                value=value,
                citations=tuple(
                    source_views[c.doc].citation if c.doc in source_views else c.doc for c in group
                ),
                conflicting=(event, pred, value) in clash,
            )
            for (pred, value), group in sorted(grouped.items(), key=lambda kv: kv[0][1])
        ]
        spans = [s for c in claims if (s := parse_partial(c.object.value)) is not None]
        event_docs = {c.doc for c in (*claims, *by_event_claims.get(event, []))}
        actor_infos = sorted(
            (info[a] for a in actors.get(event, ()) if a in info), key=lambda a: a.label
        )
        all_actor_slugs.update(a.slug for a in actor_infos)
        item = TimelineItem(
            slug=info[event].slug,
            label=info[event].label,
            cls=info[event].cls,
            class_label=vocab.label(info[event].cls) if info[event].cls else "Event",
            span=covering(spans),
            dates=values,
            disputed=any(v.conflicting for v in values),
            themes=_themes(event, info, vocab, about, commodities),
            actors=actor_infos,
            sources=sorted(
                (source_views[d] for d in event_docs if d in source_views),
                key=lambda s: (s.publisher, s.date_text),
            ),
        )
        (items if item.span is not None else undated).append(item)

    actor_info = None
    if actor is not None:
        actor_iri = ns.entity(actor)
        actor_info = (
            info.get(actor_iri) or entities.describe(store, ns, vocab, [actor_iri])[actor_iri]
        )
    choices = sorted((i for i in info.values() if i.slug in all_actor_slugs), key=lambda a: a.label)

    def keep(item: TimelineItem) -> bool:
        if theme is not None and theme not in item.themes:
            return False
        return not (actor is not None and actor not in {a.slug for a in item.actors})

    items = sorted(filter(keep, items), key=lambda i: (i.span.start, i.label))  # type: ignore[union-attr]
    undated = sorted(filter(keep, undated), key=lambda i: i.label)
    return TimelineView(items, undated, theme, actor_info, choices)
