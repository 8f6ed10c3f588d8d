"""Entities as the views name them: slug, label and most specific prkg class."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kg.data.namespaces import Namespaces
from kg.store import Store
from viz.provenance import chunks, iri
from viz.vocabulary import PREFIXES, PRKG_NS, Vocabulary, local_name, pick_label

SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]{0,199}$")


class EntityNotFound(LookupError):
    """No entity with that slug in the graph."""


def check_slug(slug: str) -> str:
    """Slugs are lowercase words joined by hyphens; anything else never reaches a query."""
    if not SLUG.match(slug):
        raise ValueError(
            f"Not an entity slug: {slug!r} (expected lowercase letters, digits and hyphens)"
        )
    return slug


@dataclass(frozen=True, slots=True)
class EntityInfo:
    iri: str
    slug: str
    label: str
    cls: str | None  # most specific prkg class, local name
    external: tuple[str, ...] = ()  # owl:sameAs / skos:exactMatch IRIs in other datasets


def slug_of(ns: Namespaces, entity_iri: str) -> str:
    prefix = ns.entity("")
    return entity_iri[len(prefix) :] if entity_iri.startswith(prefix) else local_name(entity_iri)


def describe(
    store: Store, ns: Namespaces, vocab: Vocabulary, iris: Sequence[str]
) -> dict[str, EntityInfo]:
    """Label and class of each entity (entities without either still get an entry)."""
    labels: dict[str, list[tuple[str, str | None]]] = {}
    classes: dict[str, set[str]] = {}
    external: dict[str, set[str]] = {}
    for part in chunks(sorted(set(iris))):
        values = " ".join(iri(n) for n in part)
        rows = store.select(
            PREFIXES
            + f"""SELECT ?n ?t ?l ?x WHERE {{
  VALUES ?n {{ {values} }}
  {{ ?n a ?t . FILTER(STRSTARTS(STR(?t), "{PRKG_NS}")) }}
  UNION {{ ?n rdfs:label ?l }}
  UNION {{ ?n skos:prefLabel ?l }}
  UNION {{ ?n owl:sameAs|skos:exactMatch ?x .
           FILTER(isIRI(?x) && !STRSTARTS(STR(?x), "{ns.entity("")}")) }}
}}"""
        )
        for row in rows:
            n = row["n"].value
            if "t" in row:
                classes.setdefault(n, set()).add(local_name(row["t"].value))
            if "l" in row:
                labels.setdefault(n, []).append((row["l"].value, row["l"].lang))
            if "x" in row:
                external.setdefault(n, set()).add(row["x"].value)
    result: dict[str, EntityInfo] = {}
    for n in iris:
        slug = slug_of(ns, n)
        result[n] = EntityInfo(
            iri=n,
            slug=slug,
            label=pick_label(labels.get(n, [])) or slug,
            cls=vocab.most_specific(classes.get(n, set())),
            external=tuple(sorted(external.get(n, ()))),
        )
    return result


def exists(store: Store, ns: Namespaces, slug: str) -> bool:
    return store.ask(f"ASK {{ {iri(ns.entity(check_slug(slug)))} a ?t }}")
