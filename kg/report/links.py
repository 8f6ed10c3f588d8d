"""Link coverage: which entities of the linkable classes carry an external identifier.

A researcher joins our graph with Wikidata, GeoNames or DBpedia through the links, so an
entity of a class those datasets describe (a state, a city, a person, a company …) without
any identifier cannot be joined at all. The build warns about them and `prkg stats` reports
the share per class (issue 15). Events, claims and figures are not linkable: no external
dataset has an item for "the 2024 signing of an MoU".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.data.namespaces import PRKG, Namespaces
from kg.data.targets import LINK_PREDICATES, TARGETS
from kg.store import Store

# Places first (target: all of them), then organisations, facilities and people.
LINKABLE_CLASSES: tuple[str, ...] = (
    "State",
    "City",
    "Region",
    "Place",
    "InternationalOrganization",
    "GovernmentBody",
    "StateOwnedEnterprise",
    "Company",
    "BilateralBody",
    "SteelMill",
    "PowerPlant",
    "OilGasField",
    "Pipeline",
    "Port",
    "Facility",
    "Venue",
    "Person",
)


@dataclass
class ClassCoverage:
    """Entities of one class, and those with at least one identifier."""

    cls: str
    entities: list[str] = field(default_factory=list)
    linked: list[str] = field(default_factory=list)

    @property
    def missing(self) -> list[str]:
        return [e for e in self.entities if e not in self.linked]

    @property
    def percent(self) -> int:
        return round(100 * len(self.linked) / len(self.entities)) if self.entities else 100


def link_coverage(store: Store, namespaces: Namespaces | None = None) -> list[ClassCoverage]:
    """Per linkable class (asserted type, not inferred), its entities and the linked ones."""
    ns = namespaces or Namespaces()
    prefix = ns.entity("")
    classes = " ".join(f"<{PRKG}{c}>" for c in LINKABLE_CLASSES)
    predicates = " ".join(f"<{p}>" for p in LINK_PREDICATES)
    spaces = " || ".join(f'STRSTARTS(STR(?x), "{t.uri_space}")' for t in TARGETS)
    rows = store.select(f"""
SELECT DISTINCT ?e ?c (BOUND(?x) AS ?linked) WHERE {{
  VALUES ?c {{ {classes} }}
  GRAPH ?g {{ ?e a ?c }}
  FILTER(STRSTARTS(STR(?e), "{prefix}") && ?g != <{ns.inferred_graph}>)
  OPTIONAL {{ VALUES ?p {{ {predicates} }} ?e ?p ?x FILTER(isIRI(?x) && ({spaces})) }}
}} ORDER BY ?e""")
    by_class = {c: ClassCoverage(c) for c in LINKABLE_CLASSES}
    seen: dict[str, str] = {}
    for row in rows:
        slug = row["e"].value[len(prefix) :]
        cls = row["c"].value[len(str(PRKG)) :]
        home = seen.setdefault(slug, cls)  # an entity counts once, under its first class
        if home != cls:
            continue
        cov = by_class[cls]
        if slug not in cov.entities:
            cov.entities.append(slug)
        if row["linked"].value == "true" and slug not in cov.linked:
            cov.linked.append(slug)
    return [c for c in by_class.values() if c.entities]


def coverage_warning(coverage: list[ClassCoverage]) -> str | None:
    """The build's one-paragraph warning, or None when every linkable entity is linked."""
    missing = [(c.cls, slug) for c in coverage for slug in c.missing]
    if not missing:
        return None
    shown = ", ".join(f"{slug} ({cls})" for cls, slug in missing)
    return (
        f"warning: {len(missing)} entities of linkable classes have no Wikidata, GeoNames or "
        f"DBpedia identifier yet (add one with evidence, see README 'Linking'): {shown}"
    )


def coverage_markdown(coverage: list[ClassCoverage]) -> str:
    """The table of `prkg stats`: per class, entities with an identifier; then those without."""
    total = sum(len(c.entities) for c in coverage)
    linked = sum(len(c.linked) for c in coverage)
    overall = round(100 * linked / total) if total else 100
    lines = [
        f"**External identifiers by class** (entities with at least one Wikidata, GeoNames or "
        f"DBpedia link; overall {linked} of {total}, {overall} %)",
        "",
        "| class | entities | with identifier | % |",
        "|---|---|---|---|",
    ]
    lines += [f"| {c.cls} | {len(c.entities)} | {len(c.linked)} | {c.percent} |" for c in coverage]
    without = [f"{slug} ({c.cls})" for c in coverage for slug in c.missing]
    lines += ["", f"Without an identifier ({len(without)}): " + (", ".join(without) or "none")]
    return "\n".join(lines)
