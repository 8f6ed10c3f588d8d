"""The codebook of the tables: `codebook.md` for people, `datapackage.json` for tools.

Both come from the same column descriptions (the table specs of `kg.release.tables` and the
ones below for the two older exports), so they cannot drift apart. The Frictionless
descriptor gives field types, units and foreign keys from each table's `iri` (and a post's
`post_iri`) to `entities.csv`.
"""

from __future__ import annotations

from kg.release.tables import SEP, TABLES, Table, table_columns
from kg.report.export import CLAIM_COLUMNS, ENTITY_COLUMNS

_SHARED = {
    "id": "Entity slug: the last part of its IRI.",
    "iri": "Entity IRI (https://w3id.org/prkg/id/…); key into entities.csv.",
    "label": "English label of the entity.",
    "n_sources": "Number of distinct sources behind the row's values.",
    "n_independent_sources": "Number of distinct publishers among those sources.",
    "disputed": "Columns of this row on which sources disagree (prkg:singleValued "
    "properties, as on /disputes); each value is kept once. Never silently resolved.",
    "disputed_values": "For each disputed column, every value with the ids of the sources "
    "giving it: 'column: value [S1, S2]; value [S3]'.",
    "source_ids": "Ids of the sources behind the row (S01, …); see source_id in claims.csv.",
}
_INTEGER = {"n_sources", "n_independent_sources"}
_ENTITIES = {
    "class": "prkg classes of the entity (local names).",
    "label_en": "English label.",
    "label_ur": "Urdu label.",
    "label_ru": "Russian label.",
    "alt_labels": "Alternative labels, as label@language.",
    "description": "Short description (rdfs:comment).",
    "wikidata": "Wikidata ids (Q…).",
    "same_as": "External IRIs (owl:sameAs, skos:exactMatch).",
}
_CLAIMS = {
    "claim": "Claim IRI (content-derived: the same fact from the same source keeps its id).",
    "subject": "Subject entity slug (the last part of its IRI in entities.csv).",
    "subject_label": "Its English label.",
    "predicate": "Property, as a CURIE (prkg:party, …).",
    "object": "Object: entity slug or literal value.",
    "object_label": "Label of the object entity or value.",
    "object_datatype": "XSD datatype, @language or 'iri'.",
    "source_id": "Id of the source document.",
    "source_title": "Title of the source.",
    "publisher": "Its publisher.",
    "date": "Its date of issue.",
    "date_stated": "Its date as stated, when not exact.",
    "url": "Its URL.",
    "locator": "Where in the source (page, paragraph).",
    "confidence": "high, medium or low.",
    "quote": "Quote from the source.",
    "note": "Curator's note.",
    "as_spelled": "The name as the source spells it.",
    "as_of": "The date the fact holds at, per the source.",
    "recorded_on": "When the claim was recorded.",
    "subject_iri": "Subject IRI (an entity of entities.csv, or a value or source node).",
    "object_iri": "Object IRI, when the object is not a literal.",
}
_DESCRIPTIONS = {
    "entities": "Every entity with labels and external ids: one row each.",
    "claims": "Every claim (sourced fact) with its source and how the source supports it.",
}
Spec = list[tuple[str, str, str, str]]  # (column, type, unit, description)


def _table_spec(table: Table) -> Spec:
    own = {c.name: c for c in table.columns}
    out = []
    for name in table_columns(table):
        column = own.get(name)
        kind = "integer" if name in _INTEGER else "string"
        if column is None:
            out.append((name, kind, "", _SHARED[name]))
        else:
            out.append((name, kind, column.unit, column.description))
    if table.keyed:
        out[0:3] = [
            ("id", "string", "", "Person slug: the last part of the person's IRI."),
            ("iri", "string", "", "Person IRI; key into entities.csv."),
            ("label", "string", "", "English label of the person."),
        ]
    return out


def tables_spec() -> list[tuple[str, str, Spec]]:
    """(table, description, columns) for every table, in name order."""
    out = [
        ("entities", _DESCRIPTIONS["entities"],
         [(c, "string", "", _SHARED.get(c) or _ENTITIES[c]) for c in ENTITY_COLUMNS]),
        ("claims", _DESCRIPTIONS["claims"],
         [(c, "string", "", _CLAIMS[c]) for c in CLAIM_COLUMNS]),
    ]  # fmt: skip
    out += [(t.name, t.description, _table_spec(t)) for t in TABLES]
    return sorted(out)


def codebook_markdown(version: str) -> str:
    lines = [
        f"# prkg {version}: codebook of the tables",
        "",
        "UTF-8 CSV with a header row, one row per thing. Several values in one cell are "
        f"joined with `{SEP}` (space, bar, space) and sorted. Dates are ISO 8601 (YYYY, YYYY-MM "
        "or YYYY-MM-DD) as precise as the source gives them. Amounts are plain numbers; the "
        "currency or unit is in its own column. Every value comes from a claim naming its "
        "source: `source_ids` lists them, `claims.csv` gives each claim's source, locator and "
        "quote. Where sources disagree, each value appears once, the column is named in "
        "`disputed` and `disputed_values` says which source gives which value. Column names "
        "are stable across releases; `datapackage.json` says the same for tools (Frictionless).",
    ]
    for name, description, columns in tables_spec():
        lines += ["", f"## {name}.csv", "", description, "",
                  "| column | type | unit | meaning |", "|---|---|---|---|"]  # fmt: skip
        lines += [f"| `{c}` | {t} | {u} | {d} |" for c, t, u, d in columns]
    return "\n".join(lines) + "\n"


def datapackage(version: str, date: str) -> dict:
    """Frictionless Data Package descriptor of the tables, with foreign keys to entities."""
    resources = []
    for name, description, columns in tables_spec():
        fields = []
        for c, t, u, d in columns:
            field: dict = {"name": c, "type": t, "description": d}
            if u:
                field["unit"] = u
            fields.append(field)
        schema: dict = {"fields": fields}
        if name == "entities":
            schema["primaryKey"] = ["iri"]
        elif name == "claims":
            schema["primaryKey"] = ["claim"]
        elif name == "posts":
            schema["primaryKey"] = ["iri", "post_iri"]
        else:
            schema["primaryKey"] = ["iri"]
        if name not in ("entities", "claims"):
            keys = ["iri", "post_iri"] if name == "posts" else ["iri"]
            schema["foreignKeys"] = [
                {"fields": k, "reference": {"resource": "entities", "fields": "iri"}} for k in keys
            ]
        resources.append(
            {
                "name": name,
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": description,
                "schema": schema,
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": "prkg",
        "title": "Pakistan–Russia Knowledge Graph (prkg): tables",
        "version": version,
        "created": f"{date}T00:00:00Z",
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "path": "https://creativecommons.org/licenses/by/4.0/",
                "title": "Creative Commons Attribution 4.0",
            }
        ],
        "resources": resources,
    }
