"""Proposing Wikidata identifiers for our entities from an extract, for a person to review.

A link to Wikidata is a claim like any other: it must have evidence and someone must have
looked at it. So nothing here writes a link directly. `suggest_links` compares our entities
with the items of a Wikidata extract the user downloaded (N-Triples or the JSON dump
format) by label in every language, by class (P31) and by country (P17), and
`write_review` puts the candidates in a YAML file with `accept: false` on each. Only
`accept_review`, run after a person has flipped some to `accept: true` and said where the
extract came from, adds claims to `data/claims/links-accepted.yaml`, with the extract as
their source.
"""

from __future__ import annotations

import bz2
import datetime
import gzip
import hashlib
import io
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox
import yaml

from kg.data.namespaces import PRKG, Namespaces
from kg.link.textmatch import normalise, similarity
from kg.store import Store

WD_ENTITY = "http://www.wikidata.org/entity/"
WDT = "http://www.wikidata.org/prop/direct/"
LABEL_PREDICATES = {
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "https://schema.org/name",
    "http://schema.org/name",
}
ALT_PREDICATE = "http://www.w3.org/2004/02/skos/core#altLabel"
DESCRIPTION_PREDICATES = {"https://schema.org/description", "http://schema.org/description"}
# Wikidata properties read from an extract: instance of, country, located in, citizenship.
CLASS_PROPERTY = "P31"
COUNTRY_PROPERTIES = ("P17", "P131", "P27")
QID_RE = re.compile(r"^Q[1-9]\d*$")

# P31 values mapped to our classes. Only class items whose QID we have seen in a cited
# source are listed (Q6256 'country' and Q3624078 'sovereign state' in the SpocWiki copy of
# Pakistan's Wikidata statements); other classes are recognised by the English label the
# extract gives the class item (CLASS_LABELS), or by a map the user passes.
DEFAULT_CLASS_MAP: dict[str, str] = {"Q6256": "State", "Q3624078": "State"}
CLASS_LABELS: dict[str, str] = {
    "human": "Person",
    "country": "State",
    "sovereign state": "State",
    "city": "City",
    "big city": "City",
    "capital city": "City",
    "megacity": "City",
    "million city": "City",
    "metropolis": "City",
    "business": "Company",
    "enterprise": "Company",
    "company": "Company",
    "public company": "Company",
    "joint-stock company": "Company",
    "state-owned enterprise": "StateOwnedEnterprise",
    "international organization": "InternationalOrganization",
    "intergovernmental organization": "InternationalOrganization",
    "government": "GovernmentBody",
    "government agency": "GovernmentBody",
    "ministry": "GovernmentBody",
    "province of pakistan": "Region",
    "province": "Region",
    "federal subject of russia": "Region",
    "steel mill": "SteelMill",
    "power station": "PowerPlant",
    "pipeline": "Pipeline",
    "port": "Port",
}


class LinkingError(Exception):
    """The extract or the review file cannot be used; the message says what to fix."""


@dataclass
class WikidataItem:
    """What the suggester needs of one Wikidata item."""

    qid: str
    labels: dict[str, list[str]] = field(default_factory=dict)  # language -> labels+aliases
    description: str | None = None
    claims: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def all_labels(self) -> Iterator[tuple[str, str]]:
        for lang, values in self.labels.items():
            for value in values:
                yield value, lang

    def label(self, lang: str = "en") -> str:
        values = self.labels.get(lang) or next(iter(self.labels.values()), [self.qid])
        return values[0]

    def add_label(self, lang: str, text: str) -> None:
        bucket = self.labels.setdefault(lang, [])
        if text not in bucket:
            bucket.append(text)


@dataclass
class LinkCandidate:
    """One proposed link: our entity, a Wikidata item, and why."""

    entity: str
    entity_label: str
    entity_class: str | None
    qid: str
    wikidata_label: str
    description: str | None
    score: float
    label_score: float
    matched_label: str
    class_check: str
    country_check: str
    predicate: str
    confidence: str


@dataclass
class AcceptResult:
    added: int
    already_present: int
    source_id: str
    path: Path


# --- reading extracts ----------------------------------------------------------------------


def _open(path: Path) -> IO[bytes]:
    if path.suffix == ".gz":
        return gzip.open(path, "rb")
    if path.suffix == ".bz2":
        return bz2.open(path, "rb")
    return path.open("rb")


def extract_format(path: Path) -> str:
    """'ntriples' or 'json', from the file name or, failing that, its first character."""
    names = path.name.lower().split(".")
    if any(n in ("nt", "ntriples") for n in names):
        return "ntriples"
    if any(n in ("json", "jsonl", "ndjson") for n in names):
        return "json"
    with _open(path) as handle:
        head = handle.read(64).lstrip()
    if head[:1] in (b"[", b"{"):
        return "json"
    if head[:1] == b"<":
        return "ntriples"
    raise LinkingError(f"{path}: cannot tell the format; name it .nt or .json(l)")


def read_extract(path: Path) -> dict[str, WikidataItem]:
    """The items of a Wikidata extract (N-Triples or JSON dump lines, optionally .gz/.bz2)."""
    if not path.is_file():
        raise LinkingError(f"{path}: no such file")
    fmt = extract_format(path)
    items: dict[str, WikidataItem] = {}
    with _open(path) as handle:
        if fmt == "ntriples":
            _read_ntriples(handle, items, path)
        else:
            _read_json_lines(io.TextIOWrapper(handle, encoding="utf-8"), items, path)
    if not items:
        raise LinkingError(f"{path}: no Wikidata items found (expected {WD_ENTITY}Q… subjects)")
    return items


def _qid(iri: str) -> str | None:
    if iri.startswith(WD_ENTITY):
        local = iri[len(WD_ENTITY) :]
        if QID_RE.match(local):
            return local
    return None


def _read_ntriples(handle: IO[bytes], items: dict[str, WikidataItem], path: Path) -> None:
    try:
        for quad in ox.parse(handle, format=ox.RdfFormat.N_TRIPLES, lenient=True):
            s, p, o = quad.subject, quad.predicate.value, quad.object
            if not isinstance(s, ox.NamedNode):
                continue
            qid = _qid(s.value)
            if qid is None:
                continue
            item = items.setdefault(qid, WikidataItem(qid))
            if isinstance(o, ox.Literal):
                if p in LABEL_PREDICATES or p == ALT_PREDICATE:
                    item.add_label(o.language or "", o.value)
                elif p in DESCRIPTION_PREDICATES and (o.language in (None, "en")):
                    item.description = item.description or o.value
            elif isinstance(o, ox.NamedNode) and p.startswith(WDT):
                value = _qid(o.value)
                if value:
                    item.claims[p[len(WDT) :]].add(value)
    except SyntaxError as exc:
        raise LinkingError(f"{path}: not valid N-Triples: {exc}") from exc


def _read_json_lines(handle: Iterable[str], items: dict[str, WikidataItem], path: Path) -> None:
    for number, raw in enumerate(handle, 1):
        line = raw.strip().rstrip(",")
        if line in ("", "[", "]"):
            continue
        try:
            entity = json.loads(line)
        except json.JSONDecodeError as exc:
            raise LinkingError(f"{path}:{number}: not a JSON entity: {exc.msg}") from exc
        qid = entity.get("id", "")
        if not QID_RE.match(str(qid)):
            continue
        item = items.setdefault(qid, WikidataItem(qid))
        for lang, value in (entity.get("labels") or {}).items():
            item.add_label(lang, value["value"])
        for lang, values in (entity.get("aliases") or {}).items():
            for value in values:
                item.add_label(lang, value["value"])
        description = (entity.get("descriptions") or {}).get("en")
        if description:
            item.description = description["value"]
        for prop, statements in (entity.get("claims") or {}).items():
            for statement in statements:
                value = ((statement.get("mainsnak") or {}).get("datavalue") or {}).get("value")
                if isinstance(value, dict) and QID_RE.match(str(value.get("id", ""))):
                    item.claims[prop].add(value["id"])


# --- suggesting ----------------------------------------------------------------------------


@dataclass
class _OurEntity:
    slug: str
    label: str
    cls: str | None
    labels: list[str]
    linked: set[str]
    countries: set[str]


def _our_entities(store: Store, namespaces: Namespaces) -> list[_OurEntity]:
    prefix = namespaces.entity("")
    prkg = str(PRKG)
    rows = store.select(f"""
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?e ?l ?lang WHERE {{
  ?e rdfs:label|skos:altLabel ?l . FILTER(STRSTARTS(STR(?e), "{prefix}")) BIND(LANG(?l) AS ?lang)
}} ORDER BY ?e ?l""")
    entities: dict[str, _OurEntity] = {}
    for row in rows:
        slug = row["e"].value[len(prefix) :]
        entity = entities.setdefault(slug, _OurEntity(slug, row["l"].value, None, [], set(), set()))
        if row["l"].value not in entity.labels:
            entity.labels.append(row["l"].value)
        if row["lang"].value == "en" and entity.label == entity.labels[0]:
            entity.label = row["l"].value
    for row in store.select(f"""
SELECT ?e ?c WHERE {{
  ?e a ?c FILTER(STRSTARTS(STR(?e), "{prefix}") && STRSTARTS(STR(?c), "{prkg}"))
}} ORDER BY ?e ?c"""):
        entity = entities.get(row["e"].value[len(prefix) :])
        if entity is not None and entity.cls is None:
            entity.cls = row["c"].value[len(prkg) :]
    for row in (
        store.select(f"""
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?e ?x WHERE {{ ?e owl:sameAs|skos:exactMatch ?x FILTER(STRSTARTS(STR(?e), "{prefix}")) }}""")
    ):
        entity = entities.get(row["e"].value[len(prefix) :])
        qid = _qid(row["x"].value)
        if entity is not None and qid:
            entity.linked.add(qid)
    # The Wikidata items of the states (or places) our entity belongs to, via our own links.
    for row in store.select(f"""
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prkg: <{prkg}>
SELECT DISTINCT ?e ?x WHERE {{
  ?e prkg:country|prkg:location|(prkg:location/prkg:country)|(prkg:location/prkg:location) ?c .
  ?c owl:sameAs|skos:exactMatch ?x .
  FILTER(STRSTARTS(STR(?e), "{prefix}"))
}}"""):
        entity = entities.get(row["e"].value[len(prefix) :])
        qid = _qid(row["x"].value)
        if entity is not None and qid:
            entity.countries.add(qid)
    return list(entities.values())


def _class_of_item(
    item: WikidataItem, items: dict[str, WikidataItem], class_map: dict[str, str]
) -> tuple[set[str], str]:
    """Our classes the item's P31 values map to, and a readable account of them."""
    classes, notes = set(), []
    for value in sorted(item.claims.get(CLASS_PROPERTY, ())):
        mapped = class_map.get(value)
        label = items[value].label("en") if value in items else None
        if mapped is None and label:
            mapped = CLASS_LABELS.get(normalise(label))
        notes.append(f"{value}{' ' + label if label else ''}{' -> ' + mapped if mapped else ''}")
        if mapped:
            classes.add(mapped)
    return classes, ", ".join(notes)


def _class_agrees(ours: str | None, theirs: set[str], superclasses: dict[str, set[str]]) -> bool:
    if ours is None:
        return False
    ours_up = superclasses.get(ours, {ours})
    return any(t in ours_up or ours in superclasses.get(t, {t}) for t in theirs)


def _superclasses(store: Store) -> dict[str, set[str]]:
    prkg = str(PRKG)
    out: dict[str, set[str]] = defaultdict(set)
    for row in store.select(f"""
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?c ?s WHERE {{
  ?c rdfs:subClassOf* ?s FILTER(STRSTARTS(STR(?c), "{prkg}") && STRSTARTS(STR(?s), "{prkg}"))
}}"""):
        out[row["c"].value[len(prkg) :]].add(row["s"].value[len(prkg) :])
    return out


def suggest_links(
    store: Store,
    items: dict[str, WikidataItem],
    namespaces: Namespaces | None = None,
    *,
    class_map: dict[str, str] | None = None,
    min_label_score: float = 0.85,
    max_per_entity: int = 3,
) -> list[LinkCandidate]:
    """Candidate Wikidata items for our entities, best first per entity.

    Score (0..1) = 0.7 x label similarity + 0.15 x class + 0.15 x country, where class and
    country count 1 when they agree, 0.5 when unknown, 0 when they disagree. Items already
    linked to the entity are left out; so are items linked to another of our entities.
    """
    namespaces = namespaces or Namespaces()
    mapping = {**DEFAULT_CLASS_MAP, **(class_map or {})}
    superclasses = _superclasses(store)
    ours = _our_entities(store, namespaces)
    taken = {qid for e in ours for qid in e.linked}
    # Block on words: only items sharing a normalised word (3+ letters) are compared.
    by_word: dict[str, set[str]] = defaultdict(set)
    for item in items.values():
        for text, _ in item.all_labels():
            for word in normalise(text).split():
                if len(word) >= 3:
                    by_word[word].add(item.qid)
    out: list[LinkCandidate] = []
    for entity in ours:
        pool = {
            qid
            for text in entity.labels
            for word in normalise(text).split()
            if len(word) >= 3
            for qid in by_word.get(word, ())
        }
        found = []
        for qid in pool - entity.linked - taken:
            item = items[qid]
            label_score, matched = 0.0, ""
            for ours_text in entity.labels:
                for theirs, lang in item.all_labels():
                    value = similarity(ours_text, theirs)
                    if value > label_score:
                        label_score, matched = value, f"{ours_text} ~ {theirs}@{lang or '-'}"
            if label_score < min_label_score:
                continue
            classes, class_note = _class_of_item(item, items, mapping)
            if not classes:
                class_check, class_part = f"unknown ({class_note or 'no P31 in extract'})", 0.5
            elif _class_agrees(entity.cls, classes, superclasses):
                class_check, class_part = f"agrees: {class_note}", 1.0
            else:
                class_check, class_part = f"differs: {class_note} vs our {entity.cls}", 0.0
            country_values = set().union(*(item.claims.get(p, set()) for p in COUNTRY_PROPERTIES))
            if entity.cls == "State" or not entity.countries or not country_values:
                country_check, country_part = "unknown", 0.5
            elif country_values & entity.countries:
                shared = ", ".join(sorted(country_values & entity.countries))
                country_check, country_part = f"agrees: {shared}", 1.0
            else:
                country_check, country_part = (
                    f"differs: theirs {', '.join(sorted(country_values))}, ours "
                    f"{', '.join(sorted(entity.countries))}",
                    0.0,
                )
            score = 0.7 * label_score + 0.15 * class_part + 0.15 * country_part
            found.append(
                LinkCandidate(
                    entity=entity.slug,
                    entity_label=entity.label,
                    entity_class=entity.cls,
                    qid=qid,
                    wikidata_label=item.label("en"),
                    description=item.description,
                    score=round(score, 3),
                    label_score=round(label_score, 3),
                    matched_label=matched,
                    class_check=class_check,
                    country_check=country_check,
                    predicate="skos:exactMatch" if entity.cls == "State" else "owl:sameAs",
                    confidence="medium" if score >= 0.9 else "low",
                )
            )
        found.sort(key=lambda c: (-c.score, c.qid))
        out.extend(found[:max_per_entity])
    out.sort(key=lambda c: (c.entity, -c.score))
    return out


# --- review files --------------------------------------------------------------------------

REVIEW_HEADER = """\
# Candidate Wikidata links for prkg entities, for review. Nothing here is in the graph yet.
# For each candidate you have checked (open https://www.wikidata.org/wiki/<qid>), set
# `accept: true`; you may change `predicate` (owl:sameAs or skos:exactMatch) and
# `confidence` (high|medium|low). Fill in `extract.url` (where the extract was downloaded
# from) and `extract.retrieved` (the date), then run `prkg link accept <this file>`.
"""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_review(candidates: list[LinkCandidate], out: Path, *, extract_path: Path) -> Path:
    """Write the review YAML: the extract's identity and one entry per candidate."""
    doc = {
        "extract": {
            "file": str(extract_path),
            "sha256": _sha256(extract_path),
            "format": extract_format(extract_path),
            "url": None,
            "retrieved": None,
        },
        "generated": datetime.date.today().isoformat(),
        "candidates": [
            {
                "entity": c.entity,
                "entity_label": c.entity_label,
                "entity_class": c.entity_class,
                "qid": c.qid,
                "iri": WD_ENTITY + c.qid,
                "wikidata_label": c.wikidata_label,
                "description": c.description,
                "score": c.score,
                "label_score": c.label_score,
                "matched_label": c.matched_label,
                "class": c.class_check,
                "country": c.country_check,
                "predicate": c.predicate,
                "confidence": c.confidence,
                "accept": False,
            }
            for c in candidates
        ],
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    body = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)
    out.write_text(REVIEW_HEADER + body, encoding="utf-8")
    return out


def suggest_to_review(
    store: Store,
    extract_path: Path,
    out: Path,
    namespaces: Namespaces | None = None,
    *,
    class_map: dict[str, str] | None = None,
    min_label_score: float = 0.85,
) -> list[LinkCandidate]:
    """`prkg link suggest`: read the extract, propose candidates, write the review file."""
    items = read_extract(extract_path)
    candidates = suggest_links(
        store, items, namespaces, class_map=class_map, min_label_score=min_label_score
    )
    write_review(candidates, out, extract_path=extract_path)
    return candidates


ACCEPTED_HEADER = """\
# External identifiers accepted by review (`prkg link suggest` then `prkg link accept`).
# Each claim's source is the Wikidata extract the candidates came from.
"""


def accept_review(
    review: Path,
    data_dir: Path,
    *,
    today: datetime.date | None = None,
    target: str = "claims/links-accepted.yaml",
) -> AcceptResult:
    """`prkg link accept`: add the accepted candidates to data/ as claims, with the extract
    as their source. Raises LinkingError, saying what to fill in, if the review is incomplete.
    """
    try:
        doc = yaml.safe_load(review.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise LinkingError(f"{review}: cannot read the review file: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("candidates"), list):
        raise LinkingError(f"{review}: not a review file (no 'candidates' list)")
    extract = doc.get("extract") or {}
    url = str(extract.get("url") or "")
    if not re.match(r"^https?://\S+$", url):
        raise LinkingError(
            f"{review}: fill in extract.url with the http(s) address the extract was "
            "downloaded from; it becomes the source of the accepted links"
        )
    retrieved = extract.get("retrieved")
    retrieved = str(retrieved) if retrieved else None
    if retrieved and not re.match(r"^\d{4}(-\d{2}(-\d{2})?)?$", retrieved):
        raise LinkingError(f"{review}: extract.retrieved must be YYYY-MM-DD, not {retrieved!r}")
    sha = str(extract.get("sha256") or "")
    if not re.match(r"^[0-9a-f]{64}$", sha):
        raise LinkingError(f"{review}: extract.sha256 is missing or malformed")
    accepted = []
    for number, cand in enumerate(doc["candidates"], 1):
        if not isinstance(cand, dict) or cand.get("accept") is not True:
            continue
        qid, slug = str(cand.get("qid", "")), str(cand.get("entity", ""))
        predicate = cand.get("predicate", "owl:sameAs")
        confidence = cand.get("confidence", "medium")
        if not QID_RE.match(qid) or not re.match(r"^[a-z0-9][a-z0-9-]*$", slug):
            raise LinkingError(f"{review}: candidate {number} has a bad entity or qid")
        if predicate not in ("owl:sameAs", "skos:exactMatch", "skos:closeMatch"):
            raise LinkingError(f"{review}: candidate {number}: unknown predicate {predicate!r}")
        if confidence not in ("high", "medium", "low"):
            raise LinkingError(f"{review}: candidate {number}: confidence must be high|medium|low")
        accepted.append((number, cand, qid, slug, predicate, confidence))

    source_id = f"WD-extract-{sha[:12]}"
    path = data_dir / target
    existing: dict[str, Any] = {}
    if path.exists():
        existing = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    sources = list(existing.get("sources") or [])
    claims = list(existing.get("claims") or [])
    if accepted and not any(s.get("id") == source_id for s in sources):
        sources.append(
            {
                "id": source_id,
                "url": url,
                "title": f"Wikidata extract {Path(str(extract.get('file', ''))).name}",
                "publisher": "Wikidata (extract downloaded by a prkg editor)",
                "date": retrieved,
                "date_stated": f"retrieved {retrieved}"
                if retrieved
                else f"not stated; extract file sha256 {sha}",
                "kind": "dataset",
                "reliability": "medium",
                "note": f"The extract file had sha256 {sha}. Links from it were reviewed "
                "by a person before they were added.",
            }
        )
    present = {(c.get("subject"), c.get("predicate"), c.get("object")) for c in claims}
    added = skipped = 0
    recorded = (today or datetime.date.today()).isoformat()
    for _number, cand, qid, slug, predicate, confidence in accepted:
        key = (slug, predicate, WD_ENTITY + qid)
        if key in present:
            skipped += 1
            continue
        present.add(key)
        claims.append(
            {
                "subject": slug,
                "predicate": predicate,
                "object": WD_ENTITY + qid,
                "source": source_id,
                "locator": f"item {qid}",
                "confidence": confidence,
                "recorded": recorded,
                "note": (
                    f"Reviewed candidate (score {cand.get('score')}): label "
                    f"{cand.get('matched_label')}; class {cand.get('class')}; "
                    f"country {cand.get('country')}."
                ),
            }
        )
        added += 1
    if added:
        path.parent.mkdir(parents=True, exist_ok=True)
        body = yaml.safe_dump(
            {"sources": sources, "claims": claims}, allow_unicode=True, sort_keys=False, width=100
        )
        path.write_text(ACCEPTED_HEADER + body, encoding="utf-8")
    return AcceptResult(added=added, already_present=skipped, source_id=source_id, path=path)
