"""The home page's view model: what the graph holds (small charts) and where to start.

A newcomer should see at a glance how many sources cover which decade and language, and
have a few doors to walk through (the main facilities, the intergovernmental commission's
sessions, the latest agreements). Computed once per build; the template only draws it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from kg.data.namespaces import PRKG
from kg.link.search_index import SearchIndex
from kg.store import Store

FACILITY_CLASSES = ("SteelMill", "PowerPlant", "OilGasField", "Facility")
AGREEMENT_CLASSES = (
    "Agreement", "IntergovernmentalAgreement", "MemorandumOfUnderstanding", "Protocol",
)  # fmt: skip


@dataclass
class Bar:
    label: str
    count: int
    percent: int  # of the chart's largest bar, for the bar's width
    href: str


@dataclass
class Door:
    label: str
    href: str
    date: str | None = None


@dataclass
class HomeView:
    entities: int
    sources: int
    passages: int
    charts: dict[str, list[Bar]] = field(default_factory=dict)
    doors: dict[str, list[Door]] = field(default_factory=dict)


def _bars(counts: Counter[str], facet: str, ordered: bool = False) -> list[Bar]:
    items = sorted(counts.items()) if ordered else counts.most_common(10)
    top = max(counts.values(), default=1)
    return [Bar(k, n, round(100 * n / top), f"/search?kind=source&{facet}={k}") for k, n in items]


def home_view(store: Store, index: SearchIndex) -> HomeView:
    """Counts and starting points from the search index and one SELECT for sessions."""
    decades = Counter(s.issued[:3] + "0s" for s in index.sources if s.issued)
    languages = Counter(s.language or "unknown" for s in index.sources)
    kinds = Counter(
        r["k"].value.rsplit("#", 1)[-1]
        for r in store.select(
            f"SELECT ?d ?k WHERE {{ ?d a <{PRKG.SourceDocument}> ; <{PRKG.sourceKind}> ?k }}"
        )
    )
    view = HomeView(len(index.labels.entities), len(index.sources), len(index.passages))
    view.charts = {
        "Sources per decade": _bars(decades, "decade", ordered=True),
        "Sources per language": _bars(languages, "language"),
        "Sources per kind": [
            Bar(b.label, b.count, b.percent, "/search?kind=source&q=" + b.label)
            for b in _bars(kinds, "kind")
        ],
    }

    def of(classes: tuple[str, ...], newest: bool = False, limit: int = 8) -> list[Door]:
        wanted = {str(PRKG[c]) for c in classes}
        doors = [
            Door(e.name, f"/id/{e.slug}", min(index.dates.get(e.iri, []), default=None))
            for e in index.labels.entities.values()
            if e.types & wanted
        ]
        if newest:
            doors.sort(key=lambda d: d.date or "", reverse=True)
        else:
            doors.sort(key=lambda d: (d.date or "9999", d.label))
        return doors[:limit]

    view.doors = {
        "Main facilities": of(FACILITY_CLASSES),
        "The commission's sessions": of(("CommissionSession",), limit=10),
        "Latest agreements": of(AGREEMENT_CLASSES, newest=True),
    }
    return view
