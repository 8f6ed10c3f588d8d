"""Rule-derived triples: the CONSTRUCT queries of ontology/rules/, run over the asserted data.

Some properties are shortcuts for the date of an event (a facility's construction start date
is the date of its ConstructionStart): curating both would record one fact twice, and let
the two drift apart unseen. So the events are curated and the shortcuts derived, by SPARQL
CONSTRUCT files kept beside the ontology (a researcher can read and run them at /sparql),
into the inferred graph. The build runs them here, in an in-memory pyoxigraph store that
holds the asserted graphs and the ontology, before the shapes and the reasoner see the data,
so both check the derived values too.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from kg.data.namespaces import PRKG
from kg.data.nquads import term_text
from kg.data.records import DataSet
from kg.data.triples import Triple

RULES_DIR = "rules"


class RuleError(Exception):
    """A rule file cannot be run (a syntax error, or not a CONSTRUCT); names the file."""


@dataclass
class Derivation:
    """What the rules derived: the triples, and how many each rule gave."""

    graph: Graph = field(default_factory=Graph)
    per_rule: dict[str, int] = field(default_factory=dict)


def curated_shortcuts(data: DataSet, ontology: Graph) -> list[str]:
    """`file:line` of each claim that curates a shortcut the rules derive (a property with
    prkg:shortcutForEvent): not an error, since a curator's value beside the events' is
    compared with them, but the same fact recorded twice; ontology/migrations/v5.py moves it.
    """
    names = {str(p).removeprefix(str(PRKG)) for p in ontology.subjects(PRKG.shortcutForEvent, None)}
    return [f"{c.file}:{c.line}" for c in data.claims if c.predicate.removeprefix("prkg:") in names]


def rule_files(ontology_dir: Path) -> list[Path]:
    """The rule files, in name order (the order they run in)."""
    return sorted((ontology_dir / RULES_DIR).glob("*.rq"))


def derive(triples: Iterable[Triple], ontology: Graph, ontology_dir: Path) -> Derivation:
    """Run every rule of `ontology_dir`/rules over `triples` plus the ontology.

    The rules see one graph (the union), as a researcher's query at /sparql does; they only
    read it, and what they construct is returned, not added to the input.
    """
    store = ox.Store()
    # Through a file, as the build's own load does: at a million triples the text is large,
    # and pyoxigraph's bulk loader reads a file without a second copy in memory.
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".nt") as text:
        for s, p, o in triples:
            text.write(f"{term_text(s)} {term_text(p)} {term_text(o)} .\n")
        for s, p, o in ontology:
            text.write(f"{term_text(s)} {term_text(p)} {term_text(o)} .\n")
        text.flush()
        store.bulk_load(path=text.name, format=ox.RdfFormat.N_TRIPLES)
    result = Derivation()
    for path in rule_files(ontology_dir):
        query = path.read_text(encoding="utf-8")
        try:
            rows = store.query(query)
        except SyntaxError as exc:
            raise RuleError(f"{path}: the rule is not valid SPARQL: {exc}") from exc
        if not isinstance(rows, ox.QueryTriples):
            raise RuleError(f"{path}: a rule must be a CONSTRUCT query")
        made = list(rows)
        result.per_rule[path.name] = len(made)
        if made:
            data = ox.serialize(made, format=ox.RdfFormat.N_TRIPLES)
            result.graph.parse(data=data.decode("utf-8"), format="nt")
    return result
