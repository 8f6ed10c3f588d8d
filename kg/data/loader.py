"""Reading the hand-edited YAML in `data/` into records, with every error located.

Researchers edit these files by hand, so a mistake must be reported with its file and
line and in words they understand, and all mistakes of a run at once: fixing one error
per build would be a slow way to learn about ten. The records themselves and the error type
are in kg/data/records.py; YAML read with line numbers in kg/data/yamllines.py.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from kg.data.distinct import read_distinct
from kg.data.records import (
    CLAIM_KEYS,
    ENTITY_KEYS,
    FILE_KEYS,
    LABELS_KEYS,
    LEVELS,
    SLUG_RE,
    SOURCE_ID_RE,
    SOURCE_KEYS,
    SOURCE_KINDS,
    ClaimRecord,
    DataError,
    DataSet,
    EntityRecord,
    SourceRecord,
    valid_date,
)
from kg.data.textsig import SignatureError, parse
from kg.data.yamllines import LineLoader, Located

# Folders of data/ that hold no facts (and so are not read as sources, entities or claims).
NOT_FACTS = {"queries", "collection", "publishers"}


class _Reader:
    """Collects records and errors from the files of one data directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = DataSet()
        self.label_additions: list[tuple[Located, str]] = []
        self.errors: list[DataError] = []

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)

    def error(self, file: str, line: int, message: str) -> None:
        self.errors.append(DataError(file, line, message))

    def read_all(self) -> None:
        # data/collection/ is the collection log (searches and screening decisions), read by
        # the coverage report, not facts; data/queries/ holds the gallery; data/publishers/
        # the publisher table of `prkg draft`.
        files = sorted(
            p
            for p in self.root.rglob("*.y*ml")
            if not NOT_FACTS.intersection(p.relative_to(self.root).parts[:-1])
        )
        if not files:
            self.error(str(self.root), 0, "no YAML files found in the data directory")
        for path in files:
            self.read_file(path)

    def read_file(self, path: Path) -> None:
        name = self.rel(path)
        try:
            doc = yaml.load(path.read_text(encoding="utf-8"), Loader=LineLoader)
        except UnicodeDecodeError as exc:
            self.error(name, 1, f"the file is not UTF-8 text ({exc.reason})")
            return
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else 1
            self.error(name, line, f"YAML syntax error: {exc.problem or exc.context}")
            return
        except yaml.YAMLError as exc:
            self.error(name, 1, f"YAML error: {exc}")
            return
        if doc is None:
            return
        if not isinstance(doc, Located):
            self.error(name, 1, "the file must be a mapping with 'sources', 'entities' or 'claims'")
            return
        for key in doc:
            if key not in FILE_KEYS:
                self.error(name, doc.key_lines[key], f"unknown top-level key {key!r}")
        default_source = doc.get("source")
        default_recorded = doc.get("recorded")
        for key, handler in (
            ("sources", self.read_source),
            ("entities", self.read_entity),
            ("claims", self.read_claim),
            ("labels", self.defer_labels),
            ("distinct", self.read_distinct),
        ):
            items = doc.get(key)
            if items is None:
                continue
            if not isinstance(items, list):
                self.error(name, doc.key_lines[key], f"'{key}' must be a list")
                continue
            for item in items:
                if not isinstance(item, Located):
                    self.error(name, doc.key_lines[key], f"each entry of '{key}' must be a mapping")
                    continue
                if key == "claims":
                    self.read_claim(item, name, default_source, default_recorded)
                else:
                    handler(item, name)  # type: ignore[operator]
                    if key == "entities" and default_recorded:
                        record = self.data.entities.get(str(item.get("slug")))
                        if record is not None and record.file == name and not record.recorded:
                            record.recorded = str(default_recorded)

    def _check_keys(self, item: Located, allowed: set[str], what: str, name: str) -> None:
        for key in item:
            if key not in allowed:
                self.error(name, item.key_lines[key], f"unknown field {key!r} in {what}")

    def _text(self, item: Located, key: str, name: str, *, required: bool) -> str | None:
        value = item.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error(name, item.line, f"missing required field {key!r}")
            return None
        if not isinstance(value, str | int | float):
            self.error(name, item.key_lines.get(key, item.line), f"{key!r} must be text")
            return None
        return str(value).strip()

    def read_source(self, item: Located, name: str) -> None:
        self._check_keys(item, SOURCE_KEYS, "a source", name)
        sid = self._text(item, "id", name, required=True)
        url = self._text(item, "url", name, required=True)
        title = self._text(item, "title", name, required=True)
        publisher = self._text(item, "publisher", name, required=True)
        kind = self._text(item, "kind", name, required=True)
        reliability = self._text(item, "reliability", name, required=True)
        date = self._text(item, "date", name, required=False)
        date_stated = self._text(item, "date_stated", name, required=False)
        line = item.line
        if sid and not SOURCE_ID_RE.match(sid):
            self.error(name, line, f"source id {sid!r} may only hold letters, digits, '-' and '_'")
        if url and not re.match(r"^https?://\S+$", url):
            self.error(name, item.key_lines.get("url", line), f"url {url!r} is not an http(s) URL")
        if kind and kind not in SOURCE_KINDS:
            self.error(
                name,
                item.key_lines.get("kind", line),
                f"unknown source kind {kind!r}; use one of: {', '.join(sorted(SOURCE_KINDS))}",
            )
        if reliability and reliability not in LEVELS:
            self.error(
                name, item.key_lines.get("reliability", line), "reliability must be high|medium|low"
            )
        if date is not None and not valid_date(date):
            self.error(
                name,
                item.key_lines.get("date", line),
                f"malformed date {date!r}: write YYYY, YYYY-MM or YYYY-MM-DD (or null and say "
                "what the page states in date_stated)",
            )
        if date is None and not date_stated:
            self.error(
                name,
                line,
                f"source {sid}: give a date, or date_stated saying the page states none",
            )
        same = item.get("same_text_as") or []
        if not isinstance(same, list):
            self.error(name, line, "same_text_as must be a list of source ids")
            same = []
        minhash = self._text(item, "text_minhash", name, required=False)
        if minhash is not None:
            try:
                parse(minhash)
            except SignatureError as exc:
                self.error(name, item.key_lines.get("text_minhash", line), str(exc))
                minhash = None
        if not all((sid, url, title, publisher, kind, reliability)):
            return
        assert sid and url and title and publisher and kind and reliability
        if sid in self.data.sources:
            first = self.data.sources[sid]
            self.error(
                name,
                line,
                f"duplicate source id {sid!r} (first defined at {first.file}:{first.line})",
            )
            return
        self.data.sources[sid] = SourceRecord(
            id=sid,
            url=url,
            title=title,
            publisher=publisher,
            date=date,
            date_stated=date_stated,
            kind=kind,
            reliability=reliability,
            title_note=self._text(item, "title_note", name, required=False),
            author=self._text(item, "author", name, required=False),
            language=self._text(item, "language", name, required=False),
            note=self._text(item, "note", name, required=False),
            same_text_as=[str(s) for s in same],
            text_minhash=minhash,
            file=name,
            line=line,
        )

    def read_entity(self, item: Located, name: str) -> None:
        self._check_keys(item, ENTITY_KEYS, "an entity", name)
        slug = self._text(item, "slug", name, required=True)
        cls = self._text(item, "class", name, required=True)
        line = item.line
        labels_raw = item.get("label")
        labels: dict[str, str] = {}
        if isinstance(labels_raw, str):
            labels = {"en": labels_raw}
        elif isinstance(labels_raw, dict):
            for lang, text in labels_raw.items():
                if text is None or not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]+)*", str(lang)):
                    self.error(
                        name,
                        item.key_lines.get("label", line),
                        f"label of {slug!r} has a part {lang!r} that is not 'language: text'; "
                        "quote labels that contain a comma or a colon",
                    )
                    continue
                labels[str(lang)] = str(text).strip()
        if "en" not in labels:
            self.error(name, line, f"entity {slug!r} needs an English label (label: {{en: ...}})")
        alt_raw = item.get("alt_labels") or {}
        alt: dict[str, list[str]] = {}
        if isinstance(alt_raw, dict):
            for lang, values in alt_raw.items():
                values = values if isinstance(values, list) else [values]
                alt[str(lang)] = [str(v).strip() for v in values if v]
        else:
            self.error(name, line, "alt_labels must map a language to a list of labels")
        sources = item.get("sources") or []
        if not isinstance(sources, list) or not sources:
            self.error(name, line, f"entity {slug!r} needs a non-empty list of sources")
            sources = []
        if slug and not SLUG_RE.match(slug):
            self.error(
                name, line, f"slug {slug!r} may only hold lower-case letters, digits and '-'"
            )
            return
        if not slug or not cls:
            return
        if slug in self.data.entities:
            first = self.data.entities[slug]
            self.error(
                name,
                line,
                f"duplicate entity slug {slug!r} (first defined at {first.file}:{first.line})",
            )
            return
        self.data.entities[slug] = EntityRecord(
            slug=slug,
            cls=cls,
            labels=labels,
            alt_labels=alt,
            sources=[str(s) for s in sources],
            description=self._text(item, "description", name, required=False),
            file=name,
            line=line,
        )

    def read_distinct(self, item: Located, name: str) -> None:
        record = read_distinct(item, name, self.error)
        if record is not None:
            self.data.distinct.append(record)

    def defer_labels(self, item: Located, name: str) -> None:
        """Keep a `labels:` entry until every entity is read (its entity may come later)."""
        self.label_additions.append((item, name))

    def apply_labels(self) -> None:
        """Merge the `labels:` entries into their entities.

        A label in a language the entity has no label in becomes its label there; any other
        spelling becomes an alternative label. The entry's sources join the entity's.
        """
        for item, name in self.label_additions:
            self._check_keys(item, LABELS_KEYS, "a labels entry", name)
            slug = self._text(item, "slug", name, required=True)
            if not slug:
                continue
            entity = self.data.entities.get(slug)
            if entity is None:
                self.error(name, item.line, f"labels for unknown entity {slug!r}")
                continue
            label_raw = item.get("label") or {}
            alt_raw = item.get("alt_labels") or {}
            if not isinstance(label_raw, dict) or not isinstance(alt_raw, dict):
                self.error(name, item.line, "label and alt_labels must map a language to text")
                continue
            spellings: list[tuple[str, str]] = []
            for lang, text in label_raw.items():
                spellings.append((str(lang), str(text).strip()))
            for lang, values in alt_raw.items():
                values = values if isinstance(values, list) else [values]
                spellings.extend((str(lang), str(v).strip()) for v in values if v)
            for lang, text in spellings:
                if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]+)*", lang) or not text:
                    self.error(name, item.line, f"label part {lang!r} is not 'language: text'")
                    continue
                known = entity.alt_labels.setdefault(lang, [])
                if lang not in entity.labels:
                    entity.labels[lang] = text
                elif text != entity.labels[lang] and text not in known:
                    known.append(text)
                if not known:
                    del entity.alt_labels[lang]
            sources = item.get("sources") or []
            if not isinstance(sources, list):
                self.error(name, item.line, "sources must be a list of source ids")
                continue
            for sid in sources:
                if str(sid) not in entity.sources:
                    entity.sources.append(str(sid))

    def read_claim(
        self, item: Located, name: str, default_source: Any, default_recorded: Any
    ) -> None:
        self._check_keys(item, CLAIM_KEYS, "a claim", name)
        subject = self._text(item, "subject", name, required=True)
        predicate = self._text(item, "predicate", name, required=True)
        source = item.get("source", default_source)
        line = item.line
        if "object" not in item or item["object"] is None or item["object"] == "":
            self.error(name, line, "missing required field 'object'")
            return
        if source is None:
            self.error(
                name,
                line,
                "claim has no source: give 'source:' on the claim or at the top of the file",
            )
            return
        if not subject or not predicate:
            return
        self.data.claims.append(
            ClaimRecord(
                subject=subject,
                predicate=predicate,
                object=item["object"],
                source=str(source),
                locator=self._text(item, "locator", name, required=False),
                note=self._text(item, "note", name, required=False),
                quote=self._text(item, "quote", name, required=False),
                confidence=self._text(item, "confidence", name, required=False),
                as_spelled=self._text(item, "as_spelled", name, required=False),
                role=self._text(item, "role", name, required=False),
                role_label=self._text(item, "role_label", name, required=False),
                status_text=self._text(item, "status_text", name, required=False),
                acting_as=self._text(item, "acting_as", name, required=False),
                on_behalf_of=self._text(item, "on_behalf_of", name, required=False),
                as_of=self._text(item, "as_of", name, required=False),
                held_from=self._text(item, "held_from", name, required=False),
                held_until=self._text(item, "held_until", name, required=False),
                term=self._text(item, "term", name, required=False),
                recorded=self._text(item, "recorded", name, required=False)
                or (str(default_recorded) if default_recorded else None),
                id=self._text(item, "id", name, required=False),
                file=name,
                line=line,
                object_line=item.key_lines.get("object", line),
                quote_line=item.key_lines.get("quote", line),
            )
        )


def read_data(data_dir: Path) -> tuple[DataSet, list[DataError]]:
    """Read every YAML file under `data_dir` (except queries/); return records and errors."""
    if not data_dir.is_dir():
        return DataSet(), [DataError(str(data_dir), 0, "data directory not found")]
    reader = _Reader(data_dir)
    reader.read_all()
    reader.apply_labels()
    return reader.data, reader.errors
