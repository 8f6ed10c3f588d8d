"""What the loader reads `data/` into: sources, entities and claims as records, and the
located errors it reports (`DataError`, `DataValidationError`).

Shared by the loader (which fills them) and the assembler (which turns them into triples);
the rules of the fields that both need (slugs, source ids, dates, kinds, levels) live here.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
SOURCE_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
SOURCE_KINDS = {
    "official",
    "news-agency",
    "newspaper",
    "opinion",
    "encyclopedia",
    "encyclopedia-mirror",
    "aggregator",
    "blog",
    "trade-press",
    "curation",
    "dataset",
}
LEVELS = {"high", "medium", "low"}


@dataclass(frozen=True, order=True)
class DataError:
    """One problem in the data, where it is."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class DataValidationError(Exception):
    """The data has errors; `errors` lists all of them, sorted by file and line."""

    def __init__(self, errors: list[DataError]) -> None:
        self.errors = sorted(set(errors))
        lines = "\n".join(f"  {e}" for e in self.errors)
        super().__init__(f"{len(self.errors)} error(s) in the data:\n{lines}")


@dataclass
class SourceRecord:
    id: str
    url: str
    title: str
    publisher: str
    date: str | None
    date_stated: str | None
    kind: str
    reliability: str
    title_note: str | None = None
    author: str | None = None
    language: str | None = None
    note: str | None = None
    same_text_as: list[str] = field(default_factory=list)
    text_minhash: str | None = None  # signature of the curated text (kg/data/textsig.py)
    file: str = ""
    line: int = 0


@dataclass
class EntityRecord:
    slug: str
    cls: str
    labels: dict[str, str]
    alt_labels: dict[str, list[str]]
    sources: list[str]
    description: str | None = None
    recorded: str | None = None  # when the entity's type and labels were recorded
    file: str = ""
    line: int = 0


@dataclass
class ClaimRecord:
    subject: str
    predicate: str
    object: Any
    source: str
    locator: str | None
    note: str | None
    quote: str | None = None
    confidence: str | None = None
    as_spelled: str | None = None
    role: str | None = None
    role_label: str | None = None
    status_text: str | None = None
    acting_as: str | None = None
    on_behalf_of: str | None = None
    as_of: str | None = None
    held_from: str | None = None  # tenure (0.4.0): the start of the term, per the source
    held_until: str | None = None  # tenure: the end of the term, per the source
    term: str | None = None  # tenure: tells apart two terms of one person in one post
    recorded: str | None = None
    id: str | None = None
    file: str = ""
    line: int = 0
    object_line: int = 0
    quote_line: int = 0


@dataclass
class DistinctRecord:
    """A curator's word that two entities (or two sources) that look alike are not one.

    `prkg check` stops warning about the pair; `kind` is "entities" or "sources".
    """

    kind: str
    first: str
    second: str
    reason: str
    file: str = ""
    line: int = 0


@dataclass
class DataSet:
    sources: dict[str, SourceRecord] = field(default_factory=dict)
    entities: dict[str, EntityRecord] = field(default_factory=dict)
    claims: list[ClaimRecord] = field(default_factory=list)
    distinct: list[DistinctRecord] = field(default_factory=list)


def valid_date(text: str) -> bool:
    match = DATE_RE.match(text)
    if not match:
        return False
    month, day = match.group(2), match.group(3)
    if month and not 1 <= int(month) <= 12:
        return False
    if day:
        try:
            datetime.date(int(match.group(1)), int(month), int(day))
        except ValueError:
            return False
    return True


# The fields each kind of entry may have in the YAML.
SOURCE_KEYS = {
    "id",
    "url",
    "title",
    "title_note",
    "publisher",
    "author",
    "date",
    "date_stated",
    "kind",
    "reliability",
    "language",
    "note",
    "same_text_as",
    "text_minhash",
}
ENTITY_KEYS = {"slug", "class", "label", "alt_labels", "sources", "description"}
CLAIM_KEYS = {
    "subject",
    "predicate",
    "object",
    "source",
    "locator",
    "note",
    "quote",
    "confidence",
    "as_spelled",
    "role",
    "role_label",
    "status_text",
    "acting_as",
    "on_behalf_of",
    "as_of",
    "held_from",
    "held_until",
    "term",
    "recorded",
    "id",
}
FILE_KEYS = {"sources", "entities", "claims", "labels", "distinct", "source", "recorded"}
# A `labels:` entry adds spellings to an entity defined elsewhere (a document in Urdu or
# Russian naming an existing entity), so that curators need not edit each other's files.
LABELS_KEYS = {"slug", "label", "alt_labels", "sources"}
# A `distinct:` entry (usually in data/distinct.yaml) names two look-alikes that are not one.
DISTINCT_KEYS = {"entities", "sources", "reason"}
