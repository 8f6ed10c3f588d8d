"""Migrate a data directory from the patterns of ontology 0.3.0 to those of 0.4.0.

Usage: python ontology/migrations/v4.py DATA_DIR   (prints each file and line it changed)

Idempotent: a second run changes nothing. Like v3.py it edits the YAML text line by line
(never re-dumps it), so comments, layout and quoting stay as the curator wrote them, and its
rules are generic: they apply to any file under DATA_DIR, whoever wrote it. Rules:

- trade flow: `predicate: flow` becomes `predicate: tradeFlow` (the codes exports, imports,
  total stay).
- trade parties: on a subject of class TradeFigure, the `observationOf` claims naming a State
  become `reporter` (the first in the file, the state from whose side 0.3.0's flow was
  read: its definition said "from the first state's side") and `partner` (the second). A
  third is left as it is and reported.
- period: `predicate: period, object: X` becomes `predicate: refPeriod, object: {from: A,
  to: B, label: "X"}` (an OWL-Time interval) for a calendar year `YYYY` (1 January to
  31 December), a month `YYYY-MM`, or Pakistan's fiscal year `FYYYYY-YY` (1 July to 30 June,
  the convention of the Pakistani sources that use it). Any other wording is left as it
  is and reported: write its interval by hand.
- capacity: a `capacity` claim whose note or quote says "design" becomes `designCapacity`;
  one that says "installed" or "nameplate", or gives an `as_of` (the capacity at that
  time), becomes `installedCapacity`. Other capacities (no kind, no time) stay `capacity`.

- one sum, two currencies: where one file gives a subject two amounts of money for one
  property and one `as_of` (or none) in two currencies (the source's "Rs255.8 billion ($902
  million)"), a `sameSumAs` claim linking them is added after the second, with its locator:
  the source itself gives them as one sum.

Post holding needs no rewrite: the build reads every `holdsPost` claim as a tenure (its
`as_of` an instant inside the term, not its start); `held_from` and `held_until` are added
by curators where a source gives the term's start or end.

The loader (kg/data/assemble.py) rejects flow, period and a trade figure's observationOf
with the file, the line and the advice to run this script, so nothing in the old pattern is
read silently.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

_VALUE = r"(\"(?:[^\"\\]|\\.)*\"|'(?:[^']|'')*'|[^,}\n]+?)"
_SUBJECT = re.compile(r"subject:\s*([\w-]+)")
_PREDICATE = re.compile(r"(predicate:\s*)(?:prkg:)?(\w+)(?=\s*,)")
_OBJECT = re.compile(r"(object:\s*)" + _VALUE + r"(?=\s*[,}]|\s*$)")
_SLUG = re.compile(r"^\s*-\s*slug:\s*([\w-]+)\s*$")
_CLASS = re.compile(r"^\s*class:\s*([A-Za-z]+)")
_FLOW_ENTITY = re.compile(r"^\s*-\s*\{\s*slug:\s*([\w-]+)\s*,.*?\bclass:\s*([A-Za-z]+)")
_ITEM_START = re.compile(r"^\s*-\s")


def _unquote(token: str) -> str:
    token = token.strip()
    if len(token) >= 2 and token[0] == token[-1] == '"':
        return token[1:-1].replace('\\"', '"')
    if len(token) >= 2 and token[0] == token[-1] == "'":
        return token[1:-1].replace("''", "'")
    return token


def entity_classes(data_dir: Path) -> dict[str, str]:
    """slug → class of every entity defined under `data_dir`."""
    found: dict[str, str] = {}
    for path in sorted(data_dir.rglob("*.y*ml")):
        slug: str | None = None
        for line in path.read_text(encoding="utf-8").splitlines():
            flow = _FLOW_ENTITY.match(line)  # - {slug: x, class: TradeFigure, …}
            if flow:
                found[flow.group(1)] = flow.group(2)
                continue
            m = _SLUG.match(line)
            if m:
                slug = m.group(1)
                continue
            c = _CLASS.match(line)
            if c and slug:
                found[slug] = c.group(1)
                slug = None
    return found


def period_interval(text: str) -> tuple[str, str] | None:
    """(first day, last day) of a period named `YYYY`, `YYYY-MM` or `FYYYYY-YY`, else None."""
    text = text.strip()
    if re.fullmatch(r"\d{4}", text):
        return f"{text}-01-01", f"{text}-12-31"
    m = re.fullmatch(r"(\d{4})-(\d{2})", text)
    if m and 1 <= int(m.group(2)) <= 12:
        return text, text
    m = re.fullmatch(r"FY\s?(\d{4})[-–/](\d{2}|\d{4})", text)
    if m:
        start = int(m.group(1))
        end = int(m.group(2)) if len(m.group(2)) == 4 else start // 100 * 100 + int(m.group(2))
        if end == start + 1:
            return f"{start}-07-01", f"{end}-06-30"
    return None


def capacity_kind(block: str) -> str | None:
    """designCapacity / installedCapacity for a capacity claim's text, or None."""
    words = " ".join(
        _unquote(m.group(1))
        for m in re.finditer(r"(?:note|quote):\s*(\"(?:[^\"\\]|\\.)*\"|'(?:[^']|'')*')", block)
    ).lower()
    if "design" in words:
        return "designCapacity"
    if re.search(r"installed|nameplate", words) or re.search(r"\bas_of:", block):
        return "installedCapacity"
    return None


def _blocks(lines: list[str]) -> list[tuple[int, int]]:
    """(first, last+1) line indexes of each list item (a claim may span several lines)."""
    starts = [i for i, line in enumerate(lines) if _ITEM_START.match(line)]
    result = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        while end > start + 1 and not lines[end - 1].startswith((" ", "\t", "-")):
            end -= 1  # a top-level key or comment after the list is not part of the item
        result.append((start, end))
    return result


def migrate_text(text: str, classes: dict[str, str]) -> tuple[str, list[tuple[int, str]]]:
    """The migrated text and the (1-based line, what changed) of each change."""
    lines = text.splitlines(keepends=True)
    changed: list[tuple[int, str]] = []
    parties: dict[str, int] = {}  # trade figure → observationOf claims already turned
    for start, end in _blocks(lines):
        head = lines[start]
        subject = _SUBJECT.search(head)
        predicate = _PREDICATE.search(head)
        if not subject or not predicate:
            continue
        name = predicate.group(2)
        slug = subject.group(1)
        block = "".join(lines[start:end])
        new: str | None = None
        what = ""
        if name == "flow":
            new, what = _set_predicate(head, "tradeFlow"), "flow → tradeFlow"
        elif name == "observationOf" and classes.get(slug) == "TradeFigure":
            obj = _OBJECT.search(head)
            if obj and classes.get(_unquote(obj.group(2))) == "State":
                n = parties.get(slug, 0)
                parties[slug] = n + 1
                if n < 2:
                    role = ("reporter", "partner")[n]
                    new, what = _set_predicate(head, role), f"{slug}: observationOf → {role}"
                else:
                    changed.append((start + 1, f"{slug}: a third state, left as observationOf"))
        elif name == "period":
            obj = _OBJECT.search(head)
            if obj:
                words = _unquote(obj.group(2))
                span = period_interval(words)
                if span is None:
                    changed.append((start + 1, f"period {words!r} not understood: left as is"))
                else:
                    label = words.replace('"', '\\"')
                    value = f'{{from: {span[0]}, to: {span[1]}, label: "{label}"}}'
                    head2 = head[: obj.start(2)] + value + head[obj.end(2) :]
                    new = _set_predicate(head2, "refPeriod")
                    what = f"period {words!r} → refPeriod {span[0]}..{span[1]}"
        elif name == "capacity":
            kind = capacity_kind(block)
            if kind:
                new, what = _set_predicate(head, kind), f"capacity → {kind}"
        if new is not None and new != head:
            lines[start] = new
            changed.append((start + 1, what))
    inserts = _same_sums(lines)
    for index, text_to_add in sorted(inserts, reverse=True):
        lines.insert(index, text_to_add)
    for n, (index, _) in enumerate(sorted(inserts)):
        changed.append((index + n + 1, "sameSumAs added: one sum given in two currencies"))
    return "".join(lines), changed


_MONEY = re.compile(r"object:\s*(\{[^{}]*currency:[^{}]*\})")
_AS_OF = re.compile(r"as_of:\s*([\d-]+)")
_LOCATOR = re.compile(r"locator:\s*" + _VALUE + r"(?=\s*[,}]|\s*$)")


def _same_sums(lines: list[str]) -> list[tuple[int, str]]:
    """(line index, text) of the sameSumAs claims to add: two amounts in two currencies for
    one subject, property and as_of in one file, not linked yet."""
    text = "".join(lines)
    seen: dict[tuple[str, str, str], tuple[str, str]] = {}
    found: list[tuple[int, str]] = []
    for start, end in _blocks(lines):
        head = lines[start]
        block = "".join(lines[start:end])
        subject, predicate, money = (
            _SUBJECT.search(head),
            _PREDICATE.search(head),
            _MONEY.search(head),
        )
        if not (subject and predicate and money) or re.search(r"\bsource:", block):
            continue
        currency = re.search(r"currency:\s*([A-Z]{3})", money.group(1))
        if not currency:
            continue
        as_of = _AS_OF.search(block)
        key = (subject.group(1), predicate.group(2), as_of.group(1) if as_of else "")
        if key not in seen:
            seen[key] = (currency.group(1), money.group(1))
            continue
        first_currency, first_value = seen[key]
        if first_currency == currency.group(1):
            continue
        already = re.search(
            r"subject:\s*" + re.escape(key[0]) + r",\s*predicate:\s*sameSumAs", text
        )
        if already:
            continue
        locator = _LOCATOR.search(block)
        where = locator.group(1).strip() if locator else "excerpt"
        found.append(
            (
                end,
                f"- {{subject: {key[0]}, predicate: sameSumAs, object: [{first_value}, "
                f"{money.group(1)}], locator: {where},\n"
                '   note: "The source gives the same sum in both currencies (linked by '
                'ontology/migrations/v4.py)."}\n',
            )
        )
    return found


def _set_predicate(line: str, name: str) -> str:
    return _PREDICATE.sub(lambda m: f"{m.group(1)}{name}", line, count=1)


def migrate_dir(data_dir: Path) -> list[str]:
    """Migrate every YAML file under `data_dir`; return 'file:line: change' of each change."""
    classes = entity_classes(data_dir)
    report: list[str] = []
    for path in sorted(data_dir.rglob("*.y*ml")):
        if "queries" in path.relative_to(data_dir).parts[:-1]:
            continue
        text = path.read_text(encoding="utf-8")
        new, changes = migrate_text(text, classes)
        if new != text:
            path.write_text(new, encoding="utf-8")
        report += [f"{path}:{n}: {what}" for n, what in changes]
    return report


def main(argv: list[str]) -> int:
    if len(argv) != 2 or not Path(argv[1]).is_dir():
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    for line in migrate_dir(Path(argv[1])):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
