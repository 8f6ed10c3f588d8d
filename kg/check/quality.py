"""Quality rules: SPARQL files in kg/check/rules/ that must return no rows.

Each rule is a SELECT whose rows are the offending resources. Keeping the rules as plain
SPARQL lets a researcher run the same check by hand at /sparql, and add a rule without
touching Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg.data.namespaces import DEFAULT_NAMESPACE, Namespaces
from kg.store import Store

RULES_DIR = Path(__file__).resolve().parent / "rules"


@dataclass(frozen=True)
class Rule:
    name: str
    title: str
    query: str


@dataclass(frozen=True)
class RuleViolation:
    rule: str
    title: str
    row: str

    def __str__(self) -> str:
        return f"{self.rule} ({self.title}): {self.row}"


def load_rules(ns: Namespaces) -> list[Rule]:
    """Rules with the default data namespace moved to `ns` (the ontology IRIs stay)."""
    rules = []
    for path in sorted(RULES_DIR.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        if ns.base != DEFAULT_NAMESPACE:
            for part in ("id/", "graph/", "value/", "source/"):
                text = text.replace(DEFAULT_NAMESPACE + part, ns.base + part)
        title = next(
            (
                line.split(":", 1)[1].strip()
                for line in text.splitlines()
                if line.startswith("# rule:")
            ),
            path.stem,
        )
        rules.append(Rule(path.stem, title, text))
    return rules


def run_rules(store: Store, ns: Namespaces) -> list[RuleViolation]:
    violations: list[RuleViolation] = []
    for rule in load_rules(ns):
        for row in store.select(rule.query):
            shown = ", ".join(f"{k}={v}" for k, v in row.items())
            violations.append(RuleViolation(rule.name, rule.title, shown))
    return violations
