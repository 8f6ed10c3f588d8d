"""Reading a Wikidata extract the user downloaded: N-Triples or the JSON dump format,
optionally .gz or .bz2, into the few facts the link suggester compares (labels in every
language, description, P31 class, P17/P131/P27 country).

Its own module because reading dumps is a job apart from scoring candidates
(`kg.link.linking`) and from the review files (`kg.link.review`).
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pyoxigraph as ox

WD_ENTITY = "http://www.wikidata.org/entity/"
WDT = "http://www.wikidata.org/prop/direct/"
LABEL_PREDICATES = {
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "https://schema.org/name",
    "http://schema.org/name",
}
ALT_PREDICATE = "http://www.w3.org/2004/02/skos/core#altLabel"
DESCRIPTION_PREDICATES = {"https://schema.org/description", "http://schema.org/description"}
# Wikidata properties read from an extract: instance of, country, located in, citizenship.
CLASS_PROPERTY = "P31"
COUNTRY_PROPERTIES = ("P17", "P131", "P27")
QID_RE = re.compile(r"^Q[1-9]\d*$")


class LinkingError(Exception):
    """The extract or the review file cannot be used; the message says what to fix."""


@dataclass
class WikidataItem:
    """What the suggester needs of one Wikidata item."""

    qid: str
    labels: dict[str, list[str]] = field(default_factory=dict)  # language -> labels+aliases
    description: str | None = None
    claims: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def all_labels(self) -> Iterator[tuple[str, str]]:
        for lang, values in self.labels.items():
            for value in values:
                yield value, lang

    def label(self, lang: str = "en") -> str:
        values = self.labels.get(lang) or next(iter(self.labels.values()), [self.qid])
        return values[0]

    def add_label(self, lang: str, text: str) -> None:
        bucket = self.labels.setdefault(lang, [])
        if text not in bucket:
            bucket.append(text)


def _open(path: Path) -> IO[bytes]:
    if path.suffix == ".gz":
        return gzip.open(path, "rb")
    if path.suffix == ".bz2":
        return bz2.open(path, "rb")
    return path.open("rb")


def extract_format(path: Path) -> str:
    """'ntriples' or 'json', from the file name or, failing that, its first character."""
    names = path.name.lower().split(".")
    if any(n in ("nt", "ntriples") for n in names):
        return "ntriples"
    if any(n in ("json", "jsonl", "ndjson") for n in names):
        return "json"
    with _open(path) as handle:
        head = handle.read(64).lstrip()
    if head[:1] in (b"[", b"{"):
        return "json"
    if head[:1] == b"<":
        return "ntriples"
    raise LinkingError(f"{path}: cannot tell the format; name it .nt or .json(l)")


def read_extract(path: Path) -> dict[str, WikidataItem]:
    """The items of a Wikidata extract (N-Triples or JSON dump lines, optionally .gz/.bz2)."""
    if not path.is_file():
        raise LinkingError(f"{path}: no such file")
    fmt = extract_format(path)
    items: dict[str, WikidataItem] = {}
    with _open(path) as handle:
        if fmt == "ntriples":
            _read_ntriples(handle, items, path)
        else:
            _read_json_lines(io.TextIOWrapper(handle, encoding="utf-8"), items, path)
    if not items:
        raise LinkingError(f"{path}: no Wikidata items found (expected {WD_ENTITY}Q… subjects)")
    return items


def qid_of(iri: str) -> str | None:
    """The QID of a Wikidata entity IRI (`…/entity/Q42` → `Q42`), or None."""
    if iri.startswith(WD_ENTITY):
        local = iri[len(WD_ENTITY) :]
        if QID_RE.match(local):
            return local
    return None


def _read_ntriples(handle: IO[bytes], items: dict[str, WikidataItem], path: Path) -> None:
    try:
        for quad in ox.parse(handle, format=ox.RdfFormat.N_TRIPLES, lenient=True):
            s, p, o = quad.subject, quad.predicate.value, quad.object
            if not isinstance(s, ox.NamedNode):
                continue
            qid = qid_of(s.value)
            if qid is None:
                continue
            item = items.setdefault(qid, WikidataItem(qid))
            if isinstance(o, ox.Literal):
                if p in LABEL_PREDICATES or p == ALT_PREDICATE:
                    item.add_label(o.language or "", o.value)
                elif p in DESCRIPTION_PREDICATES and (o.language in (None, "en")):
                    item.description = item.description or o.value
            elif isinstance(o, ox.NamedNode) and p.startswith(WDT):
                value = qid_of(o.value)
                if value:
                    item.claims[p[len(WDT) :]].add(value)
    except SyntaxError as exc:
        raise LinkingError(f"{path}: not valid N-Triples: {exc}") from exc


def _read_json_lines(handle: Iterable[str], items: dict[str, WikidataItem], path: Path) -> None:
    for number, raw in enumerate(handle, 1):
        line = raw.strip().rstrip(",")
        if line in ("", "[", "]"):
            continue
        try:
            entity = json.loads(line)
        except json.JSONDecodeError as exc:
            raise LinkingError(f"{path}:{number}: not a JSON entity: {exc.msg}") from exc
        qid = entity.get("id", "")
        if not QID_RE.match(str(qid)):
            continue
        item = items.setdefault(qid, WikidataItem(qid))
        for lang, value in (entity.get("labels") or {}).items():
            item.add_label(lang, value["value"])
        for lang, values in (entity.get("aliases") or {}).items():
            for value in values:
                item.add_label(lang, value["value"])
        description = (entity.get("descriptions") or {}).get("en")
        if description:
            item.description = description["value"]
        for prop, statements in (entity.get("claims") or {}).items():
            for statement in statements:
                value = ((statement.get("mainsnak") or {}).get("datavalue") or {}).get("value")
                if isinstance(value, dict) and QID_RE.match(str(value.get("id", ""))):
                    item.claims[prop].add(value["id"])
