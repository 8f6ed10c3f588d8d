"""What the curation checks (`prkg check`) report: a finding, located in the data.

A finding is not an error: two entities with one label may be two people, a long quote may be
accepted by the curator. So the build prints findings as warnings and goes on, and `prkg
check` exits 1 to let a script or CI notice them. Each names the YAML file and line to look
at, and the other record of a pair where there is one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True, order=True)
class Finding:
    """One thing for a curator to look at."""

    file: str
    line: int
    check: str  # "duplicate-entity" | "duplicate-source" | "long-quote"
    message: str
    ids: tuple[str, ...] = ()  # the slugs or source ids concerned
    other: str = ""  # "file:line" of the other record of a pair
    reasons: tuple[str, ...] = field(default=(), compare=False)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"

    def as_json(self) -> dict[str, object]:
        record = asdict(self)
        record["ids"] = list(self.ids)
        record["reasons"] = list(self.reasons)
        return record
