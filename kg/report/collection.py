"""The collection log: how the corpus was gathered, as a systematic review reports it.

`data/collection/*.yaml` records every search run to find documents, every document it
returned and the decision taken on it (issue 12). This module reads the log, checks it
against the curated data (an included document must be a source with claims; an exclusion
must say why), and computes the figures `prkg stats` prints: the flow from documents
identified to documents included, exclusions by reason, and coverage by theme × decade and
by language, naming the cells that are still thin.

The log is not facts, so the build does not read it (see `kg.data.loader.NOT_FACTS`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kg.store import Store

DECISIONS = {
    "included",
    "duplicate",
    "syndicated",
    "off-topic",
    "out-of-scope",
    "no-checkable-fact",
}
# Decisions that point at a curated source: the document itself, or the one it repeats.
NEEDS_SOURCE = {"included", "duplicate", "syndicated"}
THEMES = (
    "steel",
    "oil-gas",
    "power",
    "pipeline",
    "trade",
    "commission",
    "transport",
    "agriculture",
    "finance",
    "lng-lpg",
    "mining-geology",
    "training",
    "defence-industry",
    "diplomacy",
)
SEARCH_KEYS = {"id", "query", "corpus", "language", "theme", "run", "results", "note"}
RESULT_KEYS = {"url", "decision", "source", "reason", "language", "theme"}
# A theme × decade cell with fewer documents than this is reported as thin.
THIN = 3


class CollectionError(ValueError):
    """The collection log is malformed; the message names the file and line."""


@dataclass(frozen=True)
class Screening:
    """One document a search returned, and what was decided about it."""

    search: str
    url: str
    decision: str
    source: str | None
    reason: str | None
    theme: str
    file: str
    line: int


@dataclass
class CollectionLog:
    searches: dict[str, dict[str, object]] = field(default_factory=dict)
    screenings: list[Screening] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def themes_of_sources(self) -> dict[str, set[str]]:
        """The themes under which each included source was found."""
        themes: dict[str, set[str]] = defaultdict(set)
        for s in self.screenings:
            if s.decision == "included" and s.source:
                themes[s.source].add(s.theme)
        return dict(themes)


class _LineLoader(yaml.SafeLoader):
    """A safe loader whose mappings carry the line they start on, as '__line__'."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


def read_collection(data_dir: Path) -> CollectionLog:
    """Read every file of `data_dir/collection/`; problems go to `log.errors`, located."""
    log = CollectionLog()
    folder = data_dir / "collection"
    for path in sorted(folder.glob("*.y*ml")) if folder.is_dir() else []:
        name = f"{data_dir.name}/collection/{path.name}"
        try:
            doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            log.errors.append(f"{name}: not readable as YAML ({exc})")
            continue
        if not isinstance(doc, dict) or not isinstance(doc.get("searches"), list):
            log.errors.append(f"{name}:1: the file must hold a list 'searches'")
            continue
        for search in doc["searches"]:
            _read_search(log, name, search)
    return log


def _read_search(log: CollectionLog, name: str, search: object) -> None:
    if not isinstance(search, dict):
        log.errors.append(f"{name}: each search must be a mapping")
        return
    line = int(search.get("__line__", 0))  # type: ignore[arg-type]
    where = f"{name}:{line}"
    unknown = set(search) - SEARCH_KEYS - {"__line__"}
    if unknown:
        log.errors.append(f"{where}: unknown key(s) {', '.join(sorted(unknown))} in a search")
    sid = str(search.get("id") or "")
    for key in ("id", "query", "theme", "run"):
        if not search.get(key):
            log.errors.append(f"{where}: the search needs '{key}'")
    if sid in log.searches:
        log.errors.append(f"{where}: search id {sid!r} is used twice")
    theme = str(search.get("theme") or "")
    if theme and theme not in THEMES:
        log.errors.append(f"{where}: unknown theme {theme!r} (one of {', '.join(THEMES)})")
    log.searches[sid] = search
    results = search.get("results") or []
    if not isinstance(results, list):
        log.errors.append(f"{where}: 'results' must be a list")
        return
    for result in results:
        if not isinstance(result, dict):
            log.errors.append(f"{where}: each result must be a mapping")
            continue
        rline = int(result.get("__line__", line))  # type: ignore[arg-type]
        rwhere = f"{name}:{rline}"
        unknown = set(result) - RESULT_KEYS - {"__line__"}
        if unknown:
            log.errors.append(f"{rwhere}: unknown key(s) {', '.join(sorted(unknown))}")
        decision = str(result.get("decision") or "")
        if decision not in DECISIONS:
            log.errors.append(
                f"{rwhere}: decision {decision!r} is not one of {', '.join(sorted(DECISIONS))}"
            )
            continue
        source = result.get("source")
        reason = result.get("reason")
        if decision in NEEDS_SOURCE and not source:
            log.errors.append(f"{rwhere}: a {decision} document must name its source id")
        if decision != "included" and not reason:
            log.errors.append(f"{rwhere}: an excluded document needs a reason")
        log.screenings.append(
            Screening(
                search=sid,
                url=str(result.get("url") or ""),
                decision=decision,
                source=str(source) if source else None,
                reason=str(reason) if reason else None,
                theme=str(result.get("theme") or theme),
                file=name,
                line=rline,
            )
        )


def check_against_data(log: CollectionLog, claimed_sources: dict[str, int]) -> list[str]:
    """Problems between the log and the data: each names the log's file and line.

    `claimed_sources` maps each source id of the data to its number of claims.
    """
    problems = list(log.errors)
    for s in log.screenings:
        if s.decision in NEEDS_SOURCE and s.source and s.source not in claimed_sources:
            problems.append(f"{s.file}:{s.line}: source {s.source!r} is not in the data")
        elif s.decision == "included" and s.source and claimed_sources.get(s.source, 0) == 0:
            problems.append(f"{s.file}:{s.line}: included source {s.source!r} has no claims")
    return problems


@dataclass(frozen=True)
class Flow:
    """The screening flow, in the manner of a PRISMA diagram."""

    identified: int  # distinct documents (URLs) the searches returned
    repeats: int  # distinct URLs that were duplicates of documents already in the graph
    screened: int  # distinct documents screened after removing repeats
    included: int  # distinct sources included
    excluded: Counter[str]


def flow(log: CollectionLog) -> Flow:
    """Count distinct documents, so a URL returned by three searches counts once.

    A URL's final decision is the first non-duplicate one the log gives it (a later search
    returning it again logs `duplicate`).
    """
    final: dict[str, Screening] = {}
    for s in log.screenings:
        key = s.url or f"{s.file}:{s.line}"
        if key not in final or final[key].decision == "duplicate":
            final[key] = s
    repeats = sum(1 for s in final.values() if s.decision == "duplicate")
    included = {s.source for s in final.values() if s.decision == "included"}
    excluded: Counter[str] = Counter(
        s.decision for s in final.values() if s.decision not in {"included", "duplicate"}
    )
    return Flow(
        identified=len(final),
        repeats=repeats,
        screened=len(final) - repeats,
        included=len(included),
        excluded=excluded,
    )


def theme_decade_table(
    themes: dict[str, set[str]], decades: dict[str, set[str]]
) -> dict[tuple[str, str], int]:
    """Documents per (theme, decade): a document counts in every cell it reports on."""
    cells: Counter[tuple[str, str]] = Counter()
    for source, source_themes in themes.items():
        for theme in source_themes:
            for decade in decades.get(source, set()):
                cells[(theme, decade)] += 1
    return dict(cells)


def thin_cells(cells: dict[tuple[str, str], int], decades: list[str]) -> list[str]:
    """Theme × decade cells with fewer than THIN documents, for the themes the log uses."""
    used = sorted({t for t, _ in cells}, key=THEMES.index)
    return [
        f"{t} {d} ({cells.get((t, d), 0)})"
        for t in used
        for d in decades
        if cells.get((t, d), 0) < THIN
    ]


DECADES = [f"{y}s" for y in range(1940, 2030, 10)]
SOURCE_DATES = """PREFIX prkg: <https://w3id.org/prkg/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?id ?d WHERE {
  ?c a prkg:Claim ; rdf:predicate ?p ; rdf:object ?d ; prov:wasDerivedFrom ?doc .
  FILTER(?p IN (prkg:date, prkg:startDate))
  ?doc dct:identifier ?id }"""
SOURCE_ISSUED = """PREFIX prkg: <https://w3id.org/prkg/ontology#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?id ?d WHERE { ?doc a prkg:SourceDocument ; dct:identifier ?id ; dct:issued ?d }"""
SOURCE_LANGUAGES = """PREFIX prkg: <https://w3id.org/prkg/ontology#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?id ?lang WHERE { ?doc a prkg:SourceDocument ; dct:identifier ?id .
  OPTIONAL { ?doc dct:language ?lang } }"""


def collection_markdown(store: Store, data_dir: Path) -> str:
    """The flow, theme × decade and language figures, as Markdown for `prkg stats`.

    A document counts for the decades of the events it dates (an archive reprint for the
    period it reports), and for its own date when it dates no event.
    """
    log = read_collection(data_dir)
    event_decades: dict[str, set[str]] = defaultdict(set)
    own_decade: dict[str, str] = {}
    for row in store.select(SOURCE_DATES):
        sid, date = str(row["id"]), str(row["d"])
        decade = f"{date[:3]}0s"
        if decade not in DECADES:
            continue
        event_decades[sid].add(decade)
    for row in store.select(SOURCE_ISSUED):
        own_decade[str(row["id"])] = f"{str(row['d'])[:3]}0s"
    decades: dict[str, set[str]] = {}
    for sid in set(event_decades) | set(own_decade):
        if event_decades.get(sid):
            decades[sid] = event_decades[sid]
        elif own_decade.get(sid) in DECADES:
            decades[sid] = {own_decade[sid]}
    languages: Counter[str] = Counter()
    for row in store.select(SOURCE_LANGUAGES):
        if str(row["id"]) in log.themes_of_sources():
            languages[str(row["lang"]) if row.get("lang") else "not recorded"] += 1
    f = flow(log)
    cells = theme_decade_table(log.themes_of_sources(), decades)
    used = sorted({t for t, _ in cells}, key=THEMES.index)
    lines = [
        "**Collection flow** (from `data/collection/`; distinct documents)",
        "",
        "| step | documents |",
        "|---|---:|",
        f"| identified by the searches | {f.identified} |",
        f"| already in the graph (repeats) | {f.repeats} |",
        f"| screened | {f.screened} |",
        f"| included | {f.included} |",
    ]
    lines += [f"| excluded: {reason} | {n} |" for reason, n in sorted(f.excluded.items())]
    lines += [
        "",
        "**Documents by theme and decade reported**",
        "",
        "| theme | " + " | ".join(DECADES) + " |",
        "|---|" + "---:|" * len(DECADES),
    ]
    for theme in used:
        row = [str(cells.get((theme, d), 0)) for d in DECADES]
        lines.append(f"| {theme} | " + " | ".join(row) + " |")
    lines += [
        "",
        "**Included documents by language**",
        "",
        "| language | documents |",
        "|---|---:|",
    ]
    lines += [f"| {lang} | {n} |" for lang, n in sorted(languages.items(), key=lambda x: -x[1])]
    thin = thin_cells(cells, [d for d in DECADES if d >= "1960s"])
    lines += [
        "",
        f"Thin cells (theme × decade from the 1960s with fewer than {THIN} documents): "
        + (", ".join(thin) if thin else "none"),
    ]
    return "\n".join(lines) + "\n"
