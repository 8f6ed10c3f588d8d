"""Search for people who don't write SPARQL: one query over entities, sources and passages.

A historian types "Гудду", "گڈو" or "Gudu" and expects Guddu's power station. Entities are
matched by the reconciliation index's name matching (any script, small typos, see
`kg.link.textmatch`); sources by their titles, and the text of notes and quotes by the
words they contain, so a search also finds where a source says something. Everything is
read out of the store once per build and answered from memory (the graph is small).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from kg.data.namespaces import PRKG, Namespaces
from kg.link.reconcile_index import LabelIndex
from kg.link.textmatch import normalise, romanise, word_score
from kg.store import Store

DATE_PROPERTIES = tuple(
    str(PRKG[n])
    for n in ("date", "startDate", "endDate", "foundingDate", "operationalSince", "builtIn")
)
MIN_SCORE = 0.6  # below this a hit is noise rather than a spelling of the query


@dataclass
class Passage:
    """A note or quote: words a source (or the curator) wrote about an entity."""

    kind: str  # "quote" or "note"
    text: str
    subject: str  # entity IRI
    source: str  # source document IRI
    words: frozenset[str]


@dataclass
class SourceInfo:
    iri: str
    title: str
    language: str | None
    issued: str | None


@dataclass
class Hit:
    """One search result: what it is, when, and a snippet saying why it matched."""

    kind: str  # "entity", "source" or "passage"
    href: str
    label: str
    classes: list[str]
    dates: list[str]
    snippet: str
    score: float
    decade: str | None = None
    language: str | None = None


@dataclass
class SearchResults:
    query: str
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    total: int = 0


@dataclass
class SearchIndex:
    labels: LabelIndex
    namespaces: Namespaces
    sources: list[SourceInfo] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    dates: dict[str, list[str]] = field(default_factory=dict)

    def search(
        self, query: str, *, kind: str | None = None, cls: str | None = None,
        decade: str | None = None, language: str | None = None, limit: int = 50,
    ) -> SearchResults:  # fmt: skip
        """Hits for `query`, best first, with facet counts over all hits (before filters)."""
        query = query.strip()
        if normalise(query):
            hits = self._entity_hits(query) + self._source_hits(query) + self._passage_hits(query)
        elif kind == "source" or decade or language:  # browsing sources by facet
            hits = [self._source_hit(s, 1.0) for s in self.sources]
        else:
            return SearchResults(query, [])
        hits.sort(key=lambda h: (-h.score, h.label))
        facets = {
            "kind": Counter(h.kind for h in hits).most_common(),
            "class": Counter(c for h in hits for c in h.classes).most_common(12),
            "decade": sorted(Counter(h.decade for h in hits if h.decade).items()),
            "language": Counter(h.language for h in hits if h.language).most_common(),
        }
        chosen = [
            h
            for h in hits
            if (kind is None or h.kind == kind)
            and (cls is None or cls in h.classes)
            and (decade is None or h.decade == decade)
            and (language is None or h.language == language)
        ]
        return SearchResults(query, chosen[:limit], facets, len(chosen))

    def _entity_hits(self, query: str) -> list[Hit]:
        hits = []
        for c in self.labels.reconcile(query, limit=30):
            if c.name_score < 100 * MIN_SCORE:
                continue
            entity = c.entity
            classes = sorted(
                self.labels.classes[t].name for t in entity.types if t in self.labels.classes
            )
            dates = sorted(self.dates.get(entity.iri, []))
            why = f"name: {c.matched_label}" if c.matched_label != entity.name else "name"
            hits.append(
                Hit(
                    "entity", f"/id/{entity.slug}", entity.name, classes, dates,
                    why + (f" — {entity.description}" if entity.description else ""),
                    max(c.name_score / 100, word_score(query, c.matched_label)),
                    _decade(dates[0] if dates else None),
                )
            )  # fmt: skip
        return hits

    def _source_hits(self, query: str) -> list[Hit]:
        hits = []
        for s in self.sources:
            score = word_score(query, s.title)
            if score >= 0.75:
                hits.append(self._source_hit(s, 0.85 * score))
        return hits

    def _source_hit(self, s: SourceInfo, score: float) -> Hit:
        href = "/source/" + s.iri.rsplit("/", 1)[-1]
        dates = [s.issued] if s.issued else []
        return Hit("source", href, s.title, ["Source"], dates, s.title, score,
                   _decade(s.issued), s.language)  # fmt: skip

    def _passage_hits(self, query: str) -> list[Hit]:
        wanted = set(romanise(query).split())
        hits = []
        for p in self.passages:
            found = wanted & p.words
            if not found or 3 * len(found) < 2 * len(wanted):  # two words in three at least
                continue
            entity = self.labels.entity_for(p.subject)
            label = entity.name if entity else p.subject.rsplit("/", 1)[-1]
            href = f"/id/{entity.slug}" if entity else p.subject
            source = next((s for s in self.sources if s.iri == p.source), None)
            hits.append(
                Hit(
                    "passage", href, label, [p.kind.capitalize()],
                    [source.issued] if source and source.issued else [],
                    _snippet(p.text, found), 0.7 * len(found) / len(wanted),
                    _decade(source.issued if source else None),
                    source.language if source else None,
                )
            )  # fmt: skip
        return hits

    def suggest(self, prefix: str, limit: int = 8) -> list[Hit]:
        """Type-ahead: entities whose name starts with (or spells like) what was typed."""
        return [h for h in self._entity_hits(prefix) if h.kind == "entity"][:limit]


def _decade(date: str | None) -> str | None:
    if not date or not date[:4].isdigit():
        return None
    return date[:3] + "0s"


def _snippet(text: str, words: set[str], width: int = 160) -> str:
    """The part of `text` around the first matched word."""
    lowered = romanise(text)
    positions = [lowered.find(w) for w in words if lowered.find(w) >= 0]
    start = max(0, min(positions, default=0) - width // 3)
    piece = text[start : start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")


def build_search_index(store: Store, labels: LabelIndex, namespaces: Namespaces) -> SearchIndex:
    """Read sources, notes, quotes and entity dates out of `store` (a few SELECTs)."""
    index = SearchIndex(labels, namespaces)
    for r in store.select(
        "PREFIX dct: <http://purl.org/dc/terms/> SELECT ?d ?t (SAMPLE(?l) AS ?lang) "
        "(SAMPLE(?i) AS ?issued) WHERE { ?d a <" + str(PRKG.SourceDocument) + "> ; dct:title ?t "
        "OPTIONAL { ?d dct:language ?l } OPTIONAL { ?d dct:issued ?i } } GROUP BY ?d ?t"
    ):
        index.sources.append(
            SourceInfo(
                r["d"].value, r["t"].value,
                r["lang"].value if "lang" in r else None,
                r["issued"].value if "issued" in r else None,
            )
        )  # fmt: skip
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    for r in store.select(
        f"SELECT DISTINCT ?k ?text ?s ?doc WHERE {{ ?c <{rdf}subject> ?s ; "
        f"<http://www.w3.org/ns/prov#wasDerivedFrom> ?doc ; ?k ?text . "
        f"VALUES ?k {{ <{PRKG.note}> <{PRKG.quote}> }} }}"
    ):
        text = r["text"].value
        kind = "quote" if r["k"].value == str(PRKG.quote) else "note"
        words = frozenset(w for w in romanise(text).split() if len(w) > 2)
        index.passages.append(Passage(kind, text, r["s"].value, r["doc"].value, words))
    values = " ".join(f"<{p}>" for p in DATE_PROPERTIES)
    for r in store.select(f"SELECT DISTINCT ?e ?d WHERE {{ VALUES ?p {{ {values} }} ?e ?p ?d }}"):
        index.dates.setdefault(r["e"].value, []).append(r["d"].value[:10])
    return index
