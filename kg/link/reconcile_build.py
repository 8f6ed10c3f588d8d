"""Reading the reconciliation index (`kg.link.reconcile_index.LabelIndex`) out of a store.

One pass of a few SELECTs over the whole graph: classes and properties of the ontology, then
every entity's labels (all languages), types, external identifiers, facts and descriptions.
Apart from the index itself so that answering (matching, scoring) and loading stay two jobs.
"""

from __future__ import annotations

from collections import defaultdict

from kg.data.namespaces import PRKG, Namespaces
from kg.link.reconcile_index import (
    PROVENANCE_PROPERTIES,
    SKOS_ALT,
    ClassInfo,
    IndexedEntity,
    LabelIndex,
    PropertyInfo,
)
from kg.store import Row, Store


def build_index(store: Store, namespaces: Namespaces) -> LabelIndex:
    """Read entities (labels in every language, types, facts, external ids) and the ontology."""
    index = LabelIndex(namespaces)
    entity_prefix = namespaces.entity("")
    prkg = str(PRKG)

    for row in store.select(_CLASSES.replace("PRKG_NS", prkg)):
        iri = row["c"].value
        info = index.classes.get(iri)
        if info is None:
            info = index.classes[iri] = ClassInfo(
                iri,
                iri[len(prkg) :],
                _text(row, "label") or iri[len(prkg) :],
                _text(row, "def"),
                {iri},
            )
        if "sup" in row:
            info.ancestors.add(row["sup"].value)

    for row in store.select(_PROPERTIES.replace("PRKG_NS", prkg)):
        iri = row["p"].value
        if iri in PROVENANCE_PROPERTIES or iri in index.properties:
            continue
        kind = "object" if row["kind"].value.endswith("ObjectProperty") else "datatype"
        index.properties[iri] = PropertyInfo(
            iri,
            iri[len(prkg) :],
            _text(row, "label") or iri[len(prkg) :],
            _text(row, "def"),
            kind,
            _text(row, "range"),
        )

    names: dict[str, dict[str | None, str]] = defaultdict(dict)
    for row in store.select(_LABELS.replace("ENTITY_NS", entity_prefix)):
        iri, label = row["e"].value, row["l"]
        slug = iri[len(entity_prefix) :]
        entity = index.entities.setdefault(slug, IndexedEntity(iri, slug, label.value))
        pair = (label.value, label.lang)
        if pair not in entity.labels:
            entity.labels.append(pair)
        if row["p"].value != SKOS_ALT:
            names[slug].setdefault(label.lang, label.value)
    for slug, by_lang in names.items():
        entity = index.entities[slug]
        entity.name = by_lang.get("en") or by_lang.get(None) or next(iter(by_lang.values()))
        # Preferred labels first, so a tie between labels reports the preferred one.
        preferred = set(by_lang.items())
        entity.labels.sort(key=lambda pair: (pair[1], pair[0]) not in preferred)

    for row in store.select(_TYPES.replace("ENTITY_NS", entity_prefix).replace("PRKG_NS", prkg)):
        entity = index.entity_for(row["e"].value)
        if entity is not None:
            entity.types.add(row["c"].value)

    for row in store.select(_EXTERNAL.replace("ENTITY_NS", entity_prefix)):
        entity = index.entity_for(row["e"].value)
        if entity is not None and row["x"].value not in entity.external:
            entity.external.append(row["x"].value)

    for row in store.select(_FACTS.replace("ENTITY_NS", entity_prefix).replace("PRKG_NS", prkg)):
        entity = index.entity_for(row["e"].value)
        pid = row["p"].value
        if entity is None or pid in PROVENANCE_PROPERTIES:
            continue
        bucket = index.facts.setdefault(entity.slug, {}).setdefault(pid, [])
        if row["o"] not in bucket:
            bucket.append(row["o"])
        if pid == str(PRKG.description) and entity.description is None:
            entity.description = row["o"].value

    for row in store.select(_DESCRIPTIONS.replace("ENTITY_NS", entity_prefix)):
        entity = index.entity_for(row["e"].value)
        if entity is not None:  # the editors' description wins over a fact's
            entity.description = row["d"].value

    for row in store.select(_VALUES.replace("PRKG_NS", prkg)):
        index.value_text[row["v"].value] = _value_text(row)
    return index


def _text(row: Row, name: str) -> str | None:
    term = row.get(name)
    return term.value if term is not None else None


def _value_text(row: Row) -> str:
    unit = _text(row, "unit") or _text(row, "currency") or ""
    if "amount" in row:
        number = row["amount"].value
    else:
        number = "–".join(x for x in (_text(row, "min"), _text(row, "max")) if x)
    return f"{number} {unit}".strip()


_CLASSES = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?c ?label ?def ?sup WHERE {
  ?c a owl:Class . FILTER(isIRI(?c) && STRSTARTS(STR(?c), "PRKG_NS"))
  OPTIONAL { ?c rdfs:label ?label FILTER(LANGMATCHES(LANG(?label), "en")) }
  OPTIONAL { ?c skos:definition ?def FILTER(LANGMATCHES(LANG(?def), "en")) }
  OPTIONAL { ?c rdfs:subClassOf+ ?sup FILTER(isIRI(?sup)) }
}"""

_PROPERTIES = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?p ?kind ?label ?def ?range WHERE {
  VALUES ?kind { owl:ObjectProperty owl:DatatypeProperty }
  ?p a ?kind . FILTER(STRSTARTS(STR(?p), "PRKG_NS"))
  OPTIONAL { ?p rdfs:label ?label FILTER(LANGMATCHES(LANG(?label), "en")) }
  OPTIONAL { ?p skos:definition ?def FILTER(LANGMATCHES(LANG(?def), "en")) }
  OPTIONAL { ?p rdfs:range ?range FILTER(isIRI(?range)) }
}"""

_LABELS = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?e ?p ?l WHERE {
  VALUES ?p { rdfs:label skos:prefLabel skos:altLabel }
  ?e ?p ?l . FILTER(isIRI(?e) && STRSTARTS(STR(?e), "ENTITY_NS") && isLiteral(?l))
}"""

_TYPES = """
SELECT DISTINCT ?e ?c WHERE {
  ?e a ?c . FILTER(STRSTARTS(STR(?e), "ENTITY_NS") && STRSTARTS(STR(?c), "PRKG_NS"))
}"""

_EXTERNAL = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?e ?x WHERE {
  ?e owl:sameAs|skos:exactMatch ?x .
  FILTER(STRSTARTS(STR(?e), "ENTITY_NS") && isIRI(?x) && !STRSTARTS(STR(?x), "ENTITY_NS"))
} ORDER BY ?e ?x"""

_DESCRIPTIONS = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?e (SAMPLE(?text) AS ?d) WHERE {
  ?e rdfs:comment ?text . FILTER(STRSTARTS(STR(?e), "ENTITY_NS"))
  FILTER(LANG(?text) = "" || LANGMATCHES(LANG(?text), "en"))
} GROUP BY ?e"""

_FACTS = """
SELECT DISTINCT ?e ?p ?o WHERE {
  ?e ?p ?o . FILTER(STRSTARTS(STR(?e), "ENTITY_NS") && STRSTARTS(STR(?p), "PRKG_NS"))
} ORDER BY ?e ?p ?o"""

_VALUES = """
SELECT ?v ?amount ?min ?max ?unit ?currency WHERE {
  { SELECT DISTINCT ?v WHERE { ?v <PRKG_NSamount>|<PRKG_NSminAmount>|<PRKG_NSmaxAmount> ?x } }
  OPTIONAL { ?v <PRKG_NSamount> ?amount }
  OPTIONAL { ?v <PRKG_NSminAmount> ?min }
  OPTIONAL { ?v <PRKG_NSmaxAmount> ?max }
  OPTIONAL { ?v <PRKG_NSunit> ?unit }
  OPTIONAL { ?v <PRKG_NScurrency> ?currency }
}"""
