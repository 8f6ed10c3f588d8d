"""Exports for notebooks and spreadsheets: CSV of entities and of claims, and a JSON-LD context.

Not every researcher wants SPARQL. A pandas user wants two tables - the entities with
their labels and external ids, the claims with their sources - and JSON whose keys are
plain words. These functions read the store (embedded or remote) with SPARQL only, so the
API (/export/*.csv, /context.jsonld) and the CLI (`prkg export`) give the same files.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from kg.data.namespaces import PREFIXES, PRKG, Namespaces
from kg.store import Store, Term

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
WIKIDATA = "http://www.wikidata.org/entity/"

ENTITY_COLUMNS = (
    "id", "iri", "class", "label_en", "label_ur", "label_ru", "alt_labels", "description",
    "wikidata", "same_as",
)  # fmt: skip
CLAIM_COLUMNS = (
    "claim", "subject", "subject_label", "predicate", "object", "object_label",
    "object_datatype", "source_id", "source_title", "publisher", "date", "date_stated", "url",
    "locator", "confidence", "quote", "note", "as_spelled", "as_of", "recorded_on",
    "subject_iri", "object_iri",
)  # fmt: skip

_PREFIX = "\n".join(f"PREFIX {k}: <{v}>" for k, v in PREFIXES.items())


def _curie(iri: str) -> str:
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and iri != ns:
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def _local(iri: str, ns: str) -> str:
    return iri[len(ns) :] if iri.startswith(ns) else iri


def _to_csv(columns: tuple[str, ...], rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def english_labels(store: Store, namespaces: Namespaces) -> dict[str, str]:
    """IRI -> English (or untagged) label, for entities, sources and ontology terms."""
    rows = store.select(
        f"""{_PREFIX}
SELECT ?x ?l WHERE {{ ?x rdfs:label ?l FILTER(LANG(?l) = "" || LANGMATCHES(LANG(?l), "en")) }}
ORDER BY ?x ?l"""
    )
    labels: dict[str, str] = {}
    for row in rows:
        labels.setdefault(row["x"].value, row["l"].value)
    return labels


def value_texts(store: Store) -> dict[str, str]:
    """Quantity and money value nodes as short text ('1.1–5.0 Mt', '920000000 USD')."""
    rows = store.select(
        f"""{_PREFIX}
SELECT ?v ?amount ?min ?max ?unit ?currency WHERE {{
  {{ SELECT DISTINCT ?v WHERE {{ ?v prkg:amount|prkg:minAmount|prkg:maxAmount ?x }} }}
  OPTIONAL {{ ?v prkg:amount ?amount }} OPTIONAL {{ ?v prkg:minAmount ?min }}
  OPTIONAL {{ ?v prkg:maxAmount ?max }} OPTIONAL {{ ?v prkg:unit ?unit }}
  OPTIONAL {{ ?v prkg:currency ?currency }}
}}"""
    )
    out = {}
    for row in rows:
        if "amount" in row:
            number = row["amount"].value
        else:
            number = "–".join(row[k].value for k in ("min", "max") if k in row)
        unit = row.get("unit") or row.get("currency")
        out[row["v"].value] = f"{number} {unit.value}".strip() if unit else number
    return out


# --- entities ----------------------------------------------------------------------------


def entity_rows(store: Store, namespaces: Namespaces) -> list[dict[str, str]]:
    """One row per entity: labels per language, alternative labels, external identifiers."""
    prefix = namespaces.entity("")
    rows = store.select(
        f"""{_PREFIX}
SELECT ?e ?p ?o WHERE {{
  VALUES ?p {{ rdf:type rdfs:label skos:altLabel rdfs:comment owl:sameAs skos:exactMatch }}
  ?e ?p ?o . FILTER(STRSTARTS(STR(?e), "{prefix}"))
}} ORDER BY ?e ?p ?o"""
    )
    data: dict[str, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        bucket = data[row["e"].value][row["p"].value]
        if row["o"] not in bucket:
            bucket.append(row["o"])
    out = []
    for iri in sorted(data):
        props = data[iri]
        labels = {t.lang or "": t.value for t in props.get(RDFS + "label", [])}
        external = [
            t.value
            for t in props.get(OWL + "sameAs", []) + props.get(SKOS + "exactMatch", [])
            if t.is_uri and not t.value.startswith(prefix)
        ]
        classes = [
            _local(t.value, str(PRKG))
            for t in props.get(RDF + "type", [])
            if t.value.startswith(str(PRKG))
        ]
        if not classes and not labels:
            continue  # an IRI only mentioned, not an entity of ours
        out.append(
            {
                "id": _local(iri, prefix),
                "iri": iri,
                "class": " | ".join(sorted(classes)),
                "label_en": labels.get("en", labels.get("", "")),
                "label_ur": labels.get("ur", ""),
                "label_ru": labels.get("ru", ""),
                "alt_labels": " | ".join(
                    f"{t.value}@{t.lang}" if t.lang else t.value
                    for t in props.get(SKOS + "altLabel", [])
                ),
                "description": next((t.value for t in props.get(RDFS + "comment", [])), ""),
                "wikidata": " | ".join(
                    sorted({_local(x, WIKIDATA) for x in external if x.startswith(WIKIDATA)})
                ),
                "same_as": " | ".join(sorted(set(external))),
            }
        )
    return out


def entities_csv(store: Store, namespaces: Namespaces) -> str:
    """The entities table as CSV text (UTF-8, header row, ' | ' between multiple values)."""
    return _to_csv(ENTITY_COLUMNS, entity_rows(store, namespaces))


# --- claims ------------------------------------------------------------------------------


def claim_rows(store: Store, namespaces: Namespaces) -> list[dict[str, str]]:
    """One row per Claim: the triple, the source document and how the source supports it."""
    rows = store.select(
        f"""{_PREFIX}
SELECT ?c ?s ?p ?o ?doc ?sid ?title ?publisher ?date ?dateStated ?url ?locator ?conf ?quote
       ?note ?asSpelled ?asOf ?recorded
WHERE {{
  ?c a prkg:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
     prov:wasDerivedFrom ?doc .
  OPTIONAL {{ ?doc dct:identifier ?sid }}
  OPTIONAL {{ ?doc dct:title ?title }}
  OPTIONAL {{ ?doc dct:publisher ?publisher }}
  OPTIONAL {{ ?doc dct:issued ?date }}
  OPTIONAL {{ ?doc prkg:dateStatement ?dateStated }}
  OPTIONAL {{ ?doc schema:url ?url }}
  OPTIONAL {{ ?c prkg:locator ?locator }}
  OPTIONAL {{ ?c prkg:confidence ?conf }}
  OPTIONAL {{ ?c prkg:quote ?quote }}
  OPTIONAL {{ ?c prkg:note ?note }}
  OPTIONAL {{ ?c prkg:asSpelled ?asSpelled }}
  OPTIONAL {{ ?c prkg:asOf ?asOf }}
  OPTIONAL {{ ?c prkg:recordedOn ?recorded }}
}} ORDER BY ?s ?p ?o ?c"""
    )
    labels = english_labels(store, namespaces)
    values = value_texts(store)
    entity_prefix = namespaces.entity("")
    out = []
    seen = set()
    for row in rows:
        claim = row["c"].value
        if claim in seen:  # a second value of an optional field: keep the first row
            continue
        seen.add(claim)
        obj = row["o"]

        def text(name: str, row: dict = row) -> str:
            term = row.get(name)
            return term.value if term is not None else ""

        out.append(
            {
                "claim": claim,
                "subject": _local(row["s"].value, entity_prefix),
                "subject_label": labels.get(row["s"].value, ""),
                "predicate": _curie(row["p"].value),
                "object": _local(obj.value, entity_prefix) if obj.is_uri else obj.value,
                "object_label": labels.get(obj.value, values.get(obj.value, ""))
                if obj.is_uri
                else "",
                "object_datatype": _curie(obj.datatype)
                if obj.datatype
                else ("@" + obj.lang if obj.lang else ("iri" if obj.is_uri else "")),
                "source_id": text("sid") or _local(row["doc"].value, namespaces.source("")),
                "source_title": text("title"),
                "publisher": text("publisher"),
                "date": text("date"),
                "date_stated": text("dateStated"),
                "url": text("url"),
                "locator": text("locator"),
                "confidence": _local(text("conf"), str(PRKG)).removesuffix("Confidence").lower(),
                "quote": text("quote"),
                "note": text("note"),
                "as_spelled": text("asSpelled"),
                "as_of": text("asOf"),
                "recorded_on": text("recorded"),
                "subject_iri": row["s"].value,
                "object_iri": obj.value if obj.is_uri else "",
            }
        )
    return out


def claims_csv(store: Store, namespaces: Namespaces) -> str:
    """The claims table as CSV text: every fact with its source, locator and confidence."""
    return _to_csv(CLAIM_COLUMNS, claim_rows(store, namespaces))


# --- JSON-LD -----------------------------------------------------------------------------

# Short names for terms outside the prkg ontology that entity and claim JSON use.
_FIXED_TERMS: dict[str, Any] = {
    "id": "@id",
    "type": "@type",
    "label": {"@id": RDFS + "label", "@container": "@language"},
    "altLabel": {"@id": SKOS + "altLabel", "@container": "@language"},
    "comment": {"@id": RDFS + "comment", "@container": "@language"},
    "sameAs": {"@id": OWL + "sameAs", "@type": "@id", "@container": "@set"},
    "exactMatch": {"@id": SKOS + "exactMatch", "@type": "@id", "@container": "@set"},
    "closeMatch": {"@id": SKOS + "closeMatch", "@type": "@id", "@container": "@set"},
    "subject": {"@id": RDF + "subject", "@type": "@id"},
    "predicate": {"@id": RDF + "predicate", "@type": "@vocab"},
    "object": {"@id": RDF + "object"},
    "derivedFrom": {"@id": "http://www.w3.org/ns/prov#wasDerivedFrom", "@type": "@id"},
    "title": "http://purl.org/dc/terms/title",
    "publisher": "http://purl.org/dc/terms/publisher",
    "issued": "http://purl.org/dc/terms/issued",
    "identifier": "http://purl.org/dc/terms/identifier",
    "url": {"@id": "https://schema.org/url", "@type": "@id"},
}
_CONCEPT_PROPERTIES = {"confidence", "reliability", "sourceKind"}  # values are prkg terms


def context_jsonld(store: Store, namespaces: Namespaces) -> dict[str, Any]:
    """A JSON-LD 1.1 context: every prkg property by its local name, entity IRIs by slug.

    `@base` is the entity namespace, so `"id": "karachi"` and `"location": "karachi"`
    name our entities; `@vocab` is the ontology, so `"type": "City"` is prkg:City.
    Datatype properties carry their range as `@type` where it is a single XSD type.
    """
    rows = store.select(
        f"""{_PREFIX}
SELECT ?p ?kind ?range WHERE {{
  VALUES ?kind {{ owl:ObjectProperty owl:DatatypeProperty }}
  ?p a ?kind . FILTER(STRSTARTS(STR(?p), "{PRKG}"))
  OPTIONAL {{ ?p rdfs:range ?range }}
}} ORDER BY ?p"""
    )
    terms: dict[str, Any] = {}
    for row in rows:
        local = _local(row["p"].value, str(PRKG))
        definition: dict[str, Any] = {"@id": row["p"].value}
        if row["kind"].value == OWL + "ObjectProperty":
            definition["@type"] = "@vocab" if local in _CONCEPT_PROPERTIES else "@id"
        elif "range" in row and row["range"].value.startswith(XSD):
            definition["@type"] = row["range"].value
        terms[local] = definition
    context: dict[str, Any] = {
        "@version": 1.1,
        "@base": namespaces.entity(""),
        "@vocab": str(PRKG),
        **{k: v for k, v in namespaces.prefixes().items() if k not in ("id", "graph")},
        **terms,
        **_FIXED_TERMS,
    }
    return {"@context": context}


def entity_document(
    store: Store, namespaces: Namespaces, slug: str, *, context_url: str | None = None
) -> dict[str, Any] | None:
    """One entity as plain JSON (compacted with `context_jsonld`): what a notebook reads.

    Carries the entity's own triples (type, labels, facts, external ids), not the claims
    about them; returns None for an unknown slug. `@context` is `context_url` (the
    service's /context.jsonld) when given, else the context itself, inline.
    """
    iri = namespaces.entity(slug)
    rows = store.select(f"SELECT DISTINCT ?p ?o WHERE {{ <{iri}> ?p ?o }} ORDER BY ?p ?o")
    if not rows:
        return None
    context = context_jsonld(store, namespaces)["@context"]
    reverse = {
        (v["@id"] if isinstance(v, dict) else v): k
        for k, v in context.items()
        if not k.startswith("@") and (isinstance(v, dict) or k in _FIXED_TERMS)
    }
    base = namespaces.entity("")
    doc: dict[str, Any] = {"@context": context_url or context, "id": slug}
    for row in rows:
        p, o = row["p"].value, row["o"]
        if p == RDF + "type":
            if o.value.startswith(str(PRKG)):
                doc.setdefault("type", []).append(_local(o.value, str(PRKG)))
            continue
        term = reverse.get(p)
        if term is None:
            continue
        definition = context[term]
        container = definition.get("@container") if isinstance(definition, dict) else None
        if container == "@language":
            doc.setdefault(term, {}).setdefault(o.lang or "@none", []).append(o.value)
            continue
        if o.is_uri:
            coercion = definition.get("@type") if isinstance(definition, dict) else None
            if coercion == "@vocab" and o.value.startswith(str(PRKG)):
                value: Any = _local(o.value, str(PRKG))
            elif coercion in ("@id", "@vocab"):
                value = _local(o.value, base) if o.value.startswith(base) else o.value
            else:
                value = {"@id": o.value}
        else:
            coercion = definition.get("@type") if isinstance(definition, dict) else None
            if o.lang:
                value = {"@value": o.value, "@language": o.lang}
            elif o.datatype and o.datatype != coercion and o.datatype != XSD + "string":
                value = {"@value": o.value, "@type": o.datatype}
            else:
                value = o.value
        doc.setdefault(term, []).append(value)
    # single values unwrapped, so keys read like plain JSON
    for key, value in list(doc.items()):
        if (
            isinstance(value, list)
            and len(value) == 1
            and key not in ("sameAs", "exactMatch", "closeMatch")
        ):
            doc[key] = value[0]
        elif isinstance(value, dict) and key != "@context":
            doc[key] = {k: v[0] if len(v) == 1 else v for k, v in value.items()}
    return doc


# --- files -------------------------------------------------------------------------------


def write_exports(store: Store, out_dir: Path, namespaces: Namespaces | None = None) -> list[Path]:
    """Write entities.csv, claims.csv and context.jsonld into `out_dir`; return their paths."""
    namespaces = namespaces or Namespaces()
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {
        "entities.csv": entities_csv(store, namespaces),
        "claims.csv": claims_csv(store, namespaces),
        "context.jsonld": json.dumps(
            context_jsonld(store, namespaces), indent=2, ensure_ascii=False
        )
        + "\n",
    }
    paths = []
    for name, text in files.items():
        path = out_dir / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
