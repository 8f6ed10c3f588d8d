"""What the views need to know of the ontology: class tree, class and property labels.

Read from the store (the ontology graph is loaded there), not from the .ttl file, so the views
show what the service actually serves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.data.namespaces import PRKG
from kg.report.disputes import single_valued_properties
from kg.store import Store

PRKG_NS = str(PRKG)

PREFIXES = f"""PREFIX prkg: <{PRKG_NS}>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
"""


def local_name(iri: str) -> str:
    """The part after '#' or the last '/', as used for class and property names."""
    for sep in ("#", "/"):
        if sep in iri:
            iri = iri.rsplit(sep, 1)[1]
    return iri


def level_name(iri: str) -> str:
    """'High', 'Medium' or 'Low' for a member of the reliability or the confidence scheme.

    The two schemes have distinct members (prkg:HighReliability, prkg:HighConfidence) but a
    reader sees the same three words for both, next to the word 'reliability' or 'confidence'.
    """
    name = local_name(iri)
    for suffix in ("Reliability", "Confidence"):
        if name.endswith(suffix) and name != suffix:
            return name[: -len(suffix)]
    return name


def pick_label(labels: list[tuple[str, str | None]]) -> str | None:
    """English first, then untagged, then whatever there is (sorted, so stable)."""
    for wanted in ("en", None):
        found = sorted(text for text, lang in labels if (lang or None) == wanted)
        if found:
            return found[0]
    return sorted(text for text, _ in labels)[0] if labels else None


@dataclass
class Vocabulary:
    """prkg classes (local name → ancestors incl. itself) and labels of classes and properties."""

    ancestors: dict[str, set[str]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # local name → English label
    # Properties marked prkg:singleValued in the ontology: different values disagree.
    single_valued: frozenset[str] = frozenset()

    def label(self, name: str) -> str:
        return self.labels.get(name, name)

    def is_a(self, cls: str, wanted: str) -> bool:
        return wanted in self.ancestors.get(cls, {cls})

    def most_specific(self, classes: set[str]) -> str | None:
        """Of an entity's prkg classes, the one no other class is a subclass of."""
        known = {c for c in classes if c in self.ancestors} or set(classes)
        if not known:
            return None
        leaves = [c for c in known if not any(c != o and self.is_a(o, c) for o in known)]
        # Deepest first; name breaks ties so the answer never depends on set order.
        return sorted(leaves, key=lambda c: (-len(self.ancestors.get(c, ())), c))[0]

    def subclasses_of(self, root: str) -> list[str]:
        return sorted(c for c, anc in self.ancestors.items() if root in anc)

    @classmethod
    def load(cls, store: Store) -> Vocabulary:
        vocab = cls()
        parents: dict[str, set[str]] = {}
        rows = store.select(
            PREFIXES
            + """SELECT ?c ?super WHERE {
  ?c a owl:Class .
  OPTIONAL { ?c rdfs:subClassOf ?super . FILTER(isIRI(?super)) }
  FILTER(isIRI(?c))
}"""
        )
        for row in rows:
            c = row["c"].value
            if not c.startswith(PRKG_NS):
                continue
            entry = parents.setdefault(local_name(c), set())
            sup = row.get("super")
            if sup is not None and sup.value.startswith(PRKG_NS):
                entry.add(local_name(sup.value))
        for name in parents:
            seen: set[str] = set()
            todo = [name]
            while todo:
                cur = todo.pop()
                if cur in seen:
                    continue
                seen.add(cur)
                todo.extend(parents.get(cur, ()))
            vocab.ancestors[name] = seen
        found: dict[str, list[tuple[str, str | None]]] = {}
        for row in store.select(
            PREFIXES
            + f"""SELECT ?t ?l WHERE {{
  ?t rdfs:label ?l . FILTER(STRSTARTS(STR(?t), "{PRKG_NS}"))
}}"""
        ):
            found.setdefault(local_name(row["t"].value), []).append((row["l"].value, row["l"].lang))
        for name, labels in found.items():
            text = pick_label(labels)
            if text:
                vocab.labels[name] = text
        vocab.single_valued = single_valued_properties(store)
        return vocab
