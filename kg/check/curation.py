"""`prkg check`: the curation checks over data/, also run by `prkg build` as warnings.

They look for what a person must judge, not what a rule can reject: possible duplicate
entities (kg/check/entity_dups.py), possible duplicate or syndicated documents
(kg/check/source_dups.py) and over-long quotes (kg/check/quotes.py). Their findings never
stop a build. What does is bad input: data the loader cannot read, and `distinct:` entries
that name slugs or source ids the data does not have (a stale entry would silence nothing,
or the wrong pair).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from kg.check.entity_dups import duplicate_entities
from kg.check.findings import Finding
from kg.check.quotes import long_quotes
from kg.check.source_dups import duplicate_sources
from kg.data.loader import read_data
from kg.data.records import DataError, DataSet

CHECKS = ("duplicate-entity", "duplicate-source", "long-quote")


@dataclass
class CheckReport:
    findings: list[Finding] = field(default_factory=list)
    errors: list[DataError] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 nothing to look at, 1 findings, 2 bad input (as `prkg check` exits)."""
        if self.errors:
            return 2
        return 1 if self.findings else 0

    def text(self) -> str:
        """One `file:line: message` line per error, then per finding."""
        return "\n".join([*(f"error: {e}" for e in self.errors), *map(str, self.findings)])

    def json(self) -> str:
        counts = {name: 0 for name in CHECKS}
        for finding in self.findings:
            counts[finding.check] += 1
        return json.dumps(
            {
                "findings": [f.as_json() for f in self.findings],
                "errors": [
                    {"file": e.file, "line": e.line, "message": e.message} for e in self.errors
                ],
                "counts": counts,
            },
            indent=2,
            ensure_ascii=False,
        )

    def summary(self) -> str:
        if self.errors:
            return f"prkg check: {len(self.errors)} error(s) in the input; nothing was checked"
        if not self.findings:
            return "prkg check: no findings"
        parts = [
            f"{n} {name}"
            for name in CHECKS
            if (n := sum(1 for f in self.findings if f.check == name))
        ]
        return f"prkg check: {len(self.findings)} finding(s) to review ({', '.join(parts)})"


def _distinct_pairs(data: DataSet) -> tuple[dict[str, set[frozenset[str]]], list[DataError]]:
    """The pairs marked distinct, by kind; an error for each name the data does not have."""
    pairs: dict[str, set[frozenset[str]]] = {"entities": set(), "sources": set()}
    errors = []
    for record in data.distinct:
        known = data.entities if record.kind == "entities" else data.sources
        what = "entity slug" if record.kind == "entities" else "source id"
        missing = [name for name in (record.first, record.second) if name not in known]
        for name in missing:
            errors.append(
                DataError(record.file, record.line, f"distinct entry names unknown {what} {name!r}")
            )
        if not missing:
            pairs[record.kind].add(frozenset((record.first, record.second)))
    return pairs, errors


def check_data(data: DataSet) -> CheckReport:
    """Run every curation check on data already read (the build's own records)."""
    distinct, errors = _distinct_pairs(data)
    if errors:
        return CheckReport(errors=sorted(errors))
    findings = [
        *duplicate_entities(data, distinct["entities"]),
        *duplicate_sources(data, distinct["sources"]),
        *long_quotes(data),
    ]
    return CheckReport(findings=sorted(findings))


def run_check(data_dir: Path) -> CheckReport:
    """Read `data_dir` and check it; the loader's errors make the report's errors."""
    data, errors = read_data(data_dir)
    if errors:
        return CheckReport(errors=sorted(set(errors)))
    return check_data(data)
