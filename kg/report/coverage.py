"""Coverage figures of the built graph, as Markdown for README (`prkg stats`).

The figures are computed from the store, never typed by hand, so README can be refreshed by
rerunning the command after curation.
"""

from __future__ import annotations

from pathlib import Path

from kg.data.namespaces import Namespaces
from kg.report.collection import collection_markdown
from kg.report.disputes import disputed_facts
from kg.report.links import coverage_markdown as link_coverage_markdown
from kg.report.links import link_coverage
from kg.store import Store

PREFIXES = """PREFIX prkg: <https://w3id.org/prkg/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""


def _table(title: str, header: tuple[str, str], rows: list[tuple[str, str]]) -> str:
    lines = [f"**{title}**", "", f"| {header[0]} | {header[1]} |", "|---|---:|"]
    lines += [f"| {a} | {b} |" for a, b in rows]
    return "\n".join(lines)


def _label(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def coverage_markdown(store: Store, namespace: str, data_dir: Path | None = None) -> str:
    """The figures of the built graph; with `data_dir`, also the collection log's flow and
    coverage by theme × decade and language (see kg.report.collection)."""
    ns = Namespaces(namespace)
    entity = ns.entity("")
    kinds = store.select(
        PREFIXES
        + """
        SELECT ?kind (COUNT(DISTINCT ?doc) AS ?n) WHERE {
          ?doc a prkg:SourceDocument ; prkg:sourceKind ?kind }
        GROUP BY ?kind ORDER BY DESC(?n) ?kind"""
    )
    classes = store.select(
        PREFIXES
        + f"""
        SELECT ?class (COUNT(DISTINCT ?e) AS ?n) WHERE {{
          GRAPH ?g {{ ?e a ?class }} FILTER(STRSTARTS(STR(?e), "{entity}"))
          FILTER(STRSTARTS(STR(?class), "https://w3id.org/prkg/ontology#"))
          FILTER(?g != <{ns.inferred_graph}>) }}
        GROUP BY ?class ORDER BY DESC(?n) ?class"""
    )
    claims = store.select(
        PREFIXES
        + """
        SELECT ?level (COUNT(?c) AS ?n) WHERE { ?c a prkg:Claim ; prkg:confidence ?level }
        GROUP BY ?level ORDER BY ?level"""
    )
    decades = store.select(
        PREFIXES
        + f"""
        SELECT ?decade (COUNT(DISTINCT ?e) AS ?n) WHERE {{
          ?e rdf:type/rdfs:subClassOf* prkg:Event . FILTER(STRSTARTS(STR(?e), "{entity}"))
          {{ ?e prkg:date ?d }} UNION {{ ?e prkg:startDate ?d }}
          BIND(CONCAT(SUBSTR(STR(?d), 1, 3), "0s") AS ?decade) }}
        GROUP BY ?decade ORDER BY ?decade"""
    )
    disputed = disputed_facts(store, ns)
    total_claims = sum(int(str(r["n"])) for r in claims)
    parts = [
        _table(
            "Sources by kind",
            ("kind", "sources"),
            [(_label(str(r["kind"])), str(r["n"])) for r in kinds],
        ),
        _table(
            "Entities by class (asserted)",
            ("class", "entities"),
            [(_label(str(r["class"])), str(r["n"])) for r in classes],
        ),
        _table(
            f"Claims by confidence (total {total_claims})",
            ("confidence", "claims"),
            [(_label(str(r["level"])), str(r["n"])) for r in claims],
        ),
        _table(
            "Events per decade",
            ("decade", "events"),
            [(str(r["decade"]), str(r["n"])) for r in decades],
        ),
        f"Disputed facts (a single-valued property with different values in different "
        f"sources; listed at /disputes): {len(disputed)}",
        link_coverage_markdown(link_coverage(store, ns)),
    ]
    if data_dir is not None:
        parts.append(collection_markdown(store, data_dir).strip())
    return "\n\n".join(parts) + "\n"


START = "<!-- coverage:start (written by `prkg stats --update-readme README.md`) -->"
END = "<!-- coverage:end -->"


def replace_block(text: str, figures: str) -> str:
    """Put `figures` between the coverage markers of a Markdown text."""
    if START not in text or END not in text:
        raise ValueError(f"the file has no coverage markers ({START} … {END})")
    head, rest = text.split(START, 1)
    _old, tail = rest.split(END, 1)
    return f"{head}{START}\n{figures.strip()}\n{END}{tail}"


def readme_block(text: str) -> str:
    """The figures currently between the coverage markers."""
    return text.split(START, 1)[1].split(END, 1)[0].strip()
