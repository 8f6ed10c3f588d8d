"""Proposing Wikidata identifiers for our entities from an extract, for a person to review.

A link to Wikidata is a claim like any other: it must have evidence and someone must have
looked at it. So nothing here writes a link directly. `suggest_links` compares our entities
with the items of a Wikidata extract the user downloaded (N-Triples or the JSON dump
format, read by `kg.link.extract`) by label in every language, by class (P31) and by country
(P17); `kg.link.review` writes the candidates to a YAML file with `accept: false` on each, and
only `accept_review`, run after a person has flipped some to `accept: true` and said where
the extract came from, adds claims to `data/claims/links-accepted.yaml`, with the extract as
their source.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from kg.data.namespaces import PRKG, Namespaces
from kg.link.extract import CLASS_PROPERTY, COUNTRY_PROPERTIES, WikidataItem, qid_of
from kg.link.textmatch import normalise, similarity
from kg.store import Store

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
        qid = qid_of(row["x"].value)
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
        qid = qid_of(row["x"].value)
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
