"""Migrate a data directory's curated shortcut dates to life-cycle events (issue 20, item 3).

Usage: python ontology/migrations/v5.py DATA_DIR   (prints each file and line it changed)

From ontology 0.4.0 the events of a facility's or organisation's life are primary, and the
shortcut dates are derived from them by ontology/rules/life-cycle-shortcuts.rq. A claim that
curates a shortcut directly,

    - {subject: X, predicate: constructionStartDate, object: "1976", locator: …, quote: …}

becomes the date of X's life-cycle event, with the same source, locator, quote, note and
confidence (the claim's text is edited in place; nothing else of it changes):

    - {subject: X-construction-start, predicate: date, object: "1976", locator: …, quote: …}
    - {subject: X-construction-start, predicate: concerns, object: X, locator: …, note: …,
       recorded: DATE}

and the event is added to DATA_DIR/entities/life-cycle-DATE.yaml, DATE the day of the run,
which is the file's `recorded:` (class, English label made from X's, and the claim's source
among its sources); an event that exists already, in any file, gets the source added. One
event per (thing, kind): two sources dating X's start of construction differently date one
event differently, a disagreement the disputes list on the event. The kinds:

    foundingDate          -> X-founding           (Founding)
    constructionStartDate -> X-construction-start (ConstructionStart)
    operationalSince      -> X-production-start   (ProductionStart, a Commissioning)
    ceasedOperations      -> X-suspension         (Suspension)
    closureDate           -> X-closure            (Closure)

An `as_spelled` on the old claim spelled X, so it moves to the `concerns` claim, whose object
X now is. `builtIn` and `builtInPeriod` are left alone: "built in 1973" names no stage of a
life (the assistance agreement, the foundation stone and the inauguration have all been
called that), so there is no event to move it to; a curator who can tell which stage a
source means records that event instead.

Idempotent: a second run finds no shortcut claims and changes nothing; on another curator's
new data it migrates only what is new, adding their sources to events already there. Like
v2.py and v3.py it edits the YAML text (never re-dumps it), so comments, layout and quoting
stay as the curator wrote them.
"""

from __future__ import annotations

import datetime
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

# predicate -> (slug suffix, class, label template)
KINDS: dict[str, tuple[str, str, str]] = {
    "foundingDate": ("founding", "Founding", "Founding of {}"),
    "constructionStartDate": (
        "construction-start",
        "ConstructionStart",
        "Start of construction of {}",
    ),
    "operationalSince": ("production-start", "ProductionStart", "Start of production of {}"),
    "ceasedOperations": ("suspension", "Suspension", "Halt of operation of {}"),
    "closureDate": ("closure", "Closure", "Closure of {}"),
}
EVENTS_DIR = Path("entities")
NOT_FACTS = {"queries", "collection"}
_HEADER = """\
# Life-cycle events (founding, start of construction, start of production, suspension,
# closure) made by ontology/migrations/v5.py from claims that curated a shortcut date
# directly. Their dates are the migrated claims; the shortcut dates are derived from them
# (ontology/rules/life-cycle-shortcuts.rq). Edit them like any entity: a better label, a
# more precise class (FoundationStoneLaying), more sources.
recorded: {day}   # the day the migration made them (their entities get prkg:recordedOn)
entities:
"""


@dataclass
class Edit:
    start: int
    end: int
    text: str


@dataclass
class Event:
    slug: str
    cls: str
    label: str
    sources: list[str] = field(default_factory=list)


def _scalar(node: yaml.Node | None) -> str | None:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else None


def _pairs(node: yaml.MappingNode) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    return {str(k.value): (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _line_end(text: str, index: int) -> int:
    """The end of the line holding the last non-blank character before `index`."""
    while index > 0 and text[index - 1] in " \t\r\n":
        index -= 1
    end = text.find("\n", index)
    return len(text) if end < 0 else end


def _files(data_dir: Path) -> list[Path]:
    return sorted(
        p
        for p in data_dir.rglob("*.y*ml")
        if not NOT_FACTS.intersection(p.relative_to(data_dir).parts[:-1])
    )


class Migration:
    def __init__(self, data_dir: Path, day: datetime.date | None = None) -> None:
        self.data_dir = data_dir
        self.day = (day or datetime.datetime.now(datetime.UTC).date()).isoformat()
        self.events_file = EVENTS_DIR / f"life-cycle-{self.day}.yaml"
        self.texts: dict[Path, str] = {}
        self.roots: dict[Path, yaml.Node] = {}
        self.edits: dict[Path, list[Edit]] = {}
        self.labels: dict[str, str] = {}
        self.entity_nodes: dict[str, tuple[Path, yaml.MappingNode]] = {}
        self.links: set[tuple[str, str, str]] = set()  # (event, thing, source) concerns claims
        self.events: dict[str, Event] = {}
        self.log: list[str] = []

    def read(self) -> None:
        for path in _files(self.data_dir):
            text = path.read_text(encoding="utf-8")
            root = yaml.compose(text, Loader=yaml.SafeLoader)
            if not isinstance(root, yaml.MappingNode):
                continue
            self.texts[path], self.roots[path] = text, root
            top = _pairs(root)
            for entity in self._items(top, "entities"):
                fields = _pairs(entity)
                slug = _scalar(fields.get("slug", (None, None))[1])
                if not slug:
                    continue
                self.entity_nodes[slug] = (path, entity)
                label = fields.get("label", (None, None))[1]
                if isinstance(label, yaml.ScalarNode):
                    self.labels[slug] = str(label.value)
                elif isinstance(label, yaml.MappingNode):
                    en = _scalar(_pairs(label).get("en", (None, None))[1])
                    if en:
                        self.labels[slug] = en
            default_source = _scalar(top.get("source", (None, None))[1])
            for claim in self._items(top, "claims"):
                values = {key: _scalar(node) for key, (_k, node) in _pairs(claim).items()}
                if (values.get("predicate") or "").removeprefix("prkg:") == "concerns":
                    source = values.get("source") or default_source or ""
                    self.links.add(
                        (values.get("subject") or "", values.get("object") or "", source)
                    )

    @staticmethod
    def _items(top: dict[str, tuple[yaml.Node, yaml.Node]], key: str) -> list[yaml.MappingNode]:
        node = top.get(key, (None, None))[1]
        if not isinstance(node, yaml.SequenceNode):
            return []
        return [item for item in node.value if isinstance(item, yaml.MappingNode)]

    def migrate(self) -> None:
        for path, root in self.roots.items():
            top = _pairs(root)
            default_source = _scalar(top.get("source", (None, None))[1])
            for claim in self._items(top, "claims"):
                self._claim(path, claim, default_source)
        self._write_events()

    def _claim(self, path: Path, claim: yaml.MappingNode, default_source: str | None) -> None:
        fields = _pairs(claim)
        predicate_node = fields.get("predicate", (None, None))[1]
        subject_node = fields.get("subject", (None, None))[1]
        predicate = (_scalar(predicate_node) or "").removeprefix("prkg:")
        thing = _scalar(subject_node)
        if predicate not in KINDS or not thing or subject_node is None:
            return
        rel = path.relative_to(self.data_dir)
        line = claim.start_mark.line + 1
        if thing not in self.labels:
            self.log.append(f"{rel}:{line}: left alone: {thing!r} is not an entity with a label")
            return
        suffix, cls, template = KINDS[predicate]
        slug = f"{thing}-{suffix}"
        source = _scalar(fields.get("source", (None, None))[1]) or default_source or ""
        edits = self.edits.setdefault(path, [])
        edits.append(Edit(subject_node.start_mark.index, subject_node.end_mark.index, slug))
        assert predicate_node is not None
        edits.append(Edit(predicate_node.start_mark.index, predicate_node.end_mark.index, "date"))
        spelled = ""
        if "as_spelled" in fields:
            key, value = fields["as_spelled"]
            spelled = f", as_spelled: {_quoted(str(value.value))}"
            edits.append(self._removal(path, claim, key, value))
        if (slug, thing, source) not in self.links:
            locator = _scalar(fields.get("locator", (None, None))[1]) or "whole document"
            note = f"The event of the life of {self.labels[thing]} that this source dates."
            entry = (
                f"- {{subject: {slug}, predicate: concerns, object: {thing}, "
                f"locator: {_quoted(locator)}{spelled}, note: {_quoted(note)}, "
                f"recorded: {self.day}}}"
            )
            if "source" in fields:
                entry = entry[:-1] + f", source: {source}}}"
            text = self.texts[path]
            dash = max(claim.start_mark.column - 2, 0)
            at = _line_end(text, claim.end_mark.index)
            edits.append(Edit(at, at, "\n" + " " * dash + entry))
            self.links.add((slug, thing, source))
        event = self.events.setdefault(slug, Event(slug, cls, template.format(self.labels[thing])))
        if source and source not in event.sources:
            event.sources.append(source)
        self.log.append(f"{rel}:{line}: {thing} {predicate} -> {slug} date")

    def _removal(
        self, path: Path, claim: yaml.MappingNode, key: yaml.Node, value: yaml.Node
    ) -> Edit:
        """The edit that removes `key: value` from a claim (with its comma in flow style)."""
        text = self.texts[path]
        start, end = key.start_mark.index, value.end_mark.index
        if claim.flow_style:
            back = start
            while back > 0 and text[back - 1] in " \t\r\n":
                back -= 1
            if back > 0 and text[back - 1] == ",":
                return Edit(back - 1, end, "")
            while end < len(text) and text[end] in " \t":
                end += 1
            if end < len(text) and text[end] == ",":
                end += 1
            return Edit(start, end, "")
        line_start = text.rfind("\n", 0, start) + 1
        return Edit(line_start, _line_end(text, end) + 1, "")

    def _write_events(self) -> None:
        new: list[Event] = []
        for slug, event in self.events.items():
            found = self.entity_nodes.get(slug)
            if found is None:
                new.append(event)
                continue
            path, node = found
            sources_node = _pairs(node).get("sources", (None, None))[1]
            if not isinstance(sources_node, yaml.SequenceNode):
                continue
            have = [str(n.value) for n in sources_node.value]
            missing = [s for s in event.sources if s not in have]
            if not missing:
                continue
            edits = self.edits.setdefault(path, [])
            if sources_node.flow_style:
                edits.append(
                    Edit(
                        sources_node.start_mark.index,
                        sources_node.end_mark.index,
                        "[" + ", ".join(have + missing) + "]",
                    )
                )
            else:
                text = self.texts[path]
                last = sources_node.value[-1]
                at = _line_end(text, last.end_mark.index)
                indent = " " * max(last.start_mark.column - 2, 0)
                edits.append(Edit(at, at, "".join(f"\n{indent}- {s}" for s in missing)))
            self.log.append(f"{path.relative_to(self.data_dir)}: {slug}: sources + {missing}")
        if not new:
            return
        target = self.data_dir / self.events_file
        lines = "".join(
            f"- slug: {e.slug}\n  class: {e.cls}\n  label: {{en: {_quoted(e.label)}}}\n"
            f"  sources: [{', '.join(e.sources)}]\n"
            for e in new
        )
        if target in self.texts:
            text = self.texts[target]
            edits = self.edits.setdefault(target, [])
            edits.append(Edit(len(text), len(text), ("" if text.endswith("\n") else "\n") + lines))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.texts[target] = ""
            self.edits[target] = [Edit(0, 0, _HEADER.format(day=self.day) + lines)]
        for e in new:
            self.log.append(f"{self.events_file}: new {e.cls} {e.slug} ({', '.join(e.sources)})")

    def write(self) -> None:
        for path, edits in self.edits.items():
            text = self.texts[path]
            for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
                text = text[: edit.start] + edit.text + text[edit.end :]
            path.write_text(text, encoding="utf-8")


def migrate(data_dir: Path, day: datetime.date | None = None) -> list[str]:
    """Migrate `data_dir` in place; return one line per change (empty when nothing was due)."""
    run = Migration(data_dir, day)
    run.read()
    run.migrate()
    run.write()
    return run.log


def main(argv: list[str]) -> int:
    if len(argv) != 2 or not Path(argv[1]).is_dir():
        print("usage: python ontology/migrations/v5.py DATA_DIR", file=sys.stderr)
        return 2
    changes = migrate(Path(argv[1]))
    for change in changes:
        print(change)
    print(f"{len(changes)} change(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
