"""Migrate a data directory from the patterns of ontology 0.2.0 to those of 0.3.0.

Usage: python ontology/migrations/v3.py DATA_DIR   (prints each file and line it changed)

Idempotent: a second run changes nothing. Like v2.py it edits the YAML text line by line
(never re-dumps it), so comments, layout and quoting stay as the curator wrote them, and its
rules are generic: they apply to any file under DATA_DIR, whoever wrote it. Rules:

- status: a free-text `predicate: status, object: "..."` becomes a member of the status
  scheme (`object: signed`) chosen by the words, which are kept on the claim as
  `status_text: "..."`; text that names no stage of a life (e.g. "not on the privatisation
  programme") becomes `predicate: statusNote` with the same words.
- planned things: an entity of an event class (Visit, Meeting, …) or an agreement class
  whose status claim (anywhere under DATA_DIR) says proposed, announced or not known to
  have happened becomes `class: PlannedEvent` or `class: PlannedAgreement`, with the old
  class kept in a comment: what did not happen is not typed as what happened.
- roles: a `role_label` naming a role in an event (signatory, witness, head of the …
  delegation, speaker, present at the ceremony) becomes `acting_as: CODE` and, when the
  words name the side, `on_behalf_of: pakistan|russia|soviet-union`; words that say more
  than the code (e.g. "signatory (Pakistan's ambassador)") stay as the role_label. Labels
  that are post titles, not roles, are left as they are.

The loader (kg/data/assemble.py) rejects free-text status with the file, the line and the
advice to run this script, so nothing in the old pattern is read silently.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

STATUS_CODES = (
    "proposed",
    "announced",
    "agreed",
    "signed",
    "under-construction",
    "operational",
    "suspended",
    "closed",
    "cancelled",
    "not-known-to-have-happened",
)
# First match wins, so the more specific words come first ("signed ... not implemented" is
# signed; "expected to be signed" is announced, not signed).
_WORDS: tuple[tuple[str, str], ...] = (
    (r"not known to have|did not take place|never took place", "not-known-to-have-happened"),
    (r"cancel|called off|abandon|scrapped", "cancelled"),
    (r"expected|scheduled|planned|to be signed|will be|postpone|reschedul|delay", "announced"),
    (r"propos|offer", "proposed"),
    (r"suspend|halt|stalled|frozen", "suspended"),
    (r"closed|shut|ceased|defunct|expired", "closed"),
    (
        r"under construction|being built|being set up|construction (?:began|started)",
        "under-construction",
    ),
    (r"operational|in operation|operating|in force|running|commissioned", "operational"),
    (r"signed", "signed"),
    (r"agreed|formed|established", "agreed"),
)
PLANNED = {"proposed", "announced", "not-known-to-have-happened"}

# role_label words naming a role in an event → acting_as code (first match wins).
_ROLES: tuple[tuple[str, str], ...] = (
    (r"^signatory\b", "signatory"),
    (r"^witness\b|^present at the ceremony", "witness"),
    (r"^head of the \w+ delegation", "head-of-delegation"),
    (r"^speaker\b", "speaker"),
)
# Words naming the side an actor acted for → the state's slug in data/entities.
_SIDES: tuple[tuple[str, str], ...] = (
    (r"pakistan", "pakistan"),
    (r"soviet|ussr", "soviet-union"),
    (r"russia", "russia"),
)

_VALUE = r"(\"(?:[^\"\\]|\\.)*\"|'(?:[^']|'')*'|[^,}\n]+?)"
_ROLE_LABEL = re.compile(r"role_label:\s*" + _VALUE + r"(?=\s*[,}]|\s*$)")
_STATUS = re.compile(
    r"(predicate:\s*)(?:prkg:)?status(\s*,\s*object:\s*)" + _VALUE + r"(\s*[,}]|\s*$)"
)
_SUBJECT = re.compile(r"subject:\s*([\w-]+)")
_SLUG = re.compile(r"^\s*-\s*slug:\s*([\w-]+)\s*$")
_CLASS = re.compile(r"^(\s*class:\s*)([A-Za-z]+)(\s*)(#.*)?$")


def _unquote(token: str) -> str:
    token = token.strip()
    if len(token) >= 2 and token[0] == token[-1] == '"':
        return token[1:-1].replace('\\"', '"')
    if len(token) >= 2 and token[0] == token[-1] == "'":
        return token[1:-1].replace("''", "'")
    return token


def status_code(text: str) -> str | None:
    """The status scheme's code for a source's words, or None when they name no stage."""
    low = text.lower()
    if low in STATUS_CODES:
        return low
    for pattern, code in _WORDS:
        if re.search(pattern, low):
            return code
    return None


def _quoted(token: str) -> str:
    token = token.strip()
    return token if token[:1] in "\"'" else '"' + token.replace('"', '\\"') + '"'


def migrate_status_line(line: str) -> str:
    def fix(m: re.Match[str]) -> str:
        token = m.group(3)
        if token.strip() in STATUS_CODES:
            return m.group(0)
        code = status_code(_unquote(token))
        if code is None:
            return f"{m.group(1)}statusNote{m.group(2)}{token}{m.group(4)}"
        return f"{m.group(1)}status{m.group(2)}{code}, status_text: {_quoted(token)}{m.group(4)}"

    return _STATUS.sub(fix, line)


def role_fields(words: str) -> str | None:
    """`acting_as: X[, on_behalf_of: Y]` for role words that name a role, else None."""
    low = words.lower().strip()
    code = next((c for pattern, c in _ROLES if re.search(pattern, low)), None)
    if code is None:
        return None
    fields = f"acting_as: {code}"
    side = next((s for pattern, s in _SIDES if re.search(pattern, low)), None)
    if side:
        fields += f", on_behalf_of: {side}"
    return fields


def migrate_role_line(line: str) -> str:
    if "acting_as:" in line:
        return line

    def fix(m: re.Match[str]) -> str:
        words = _unquote(m.group(1))
        fields = role_fields(words)
        if fields is None:
            return m.group(0)
        if words.lower().strip() in {"signatory", "witness", "speaker"}:
            return fields  # the words said nothing more than the code
        return f"{fields}, {m.group(0)}"

    return _ROLE_LABEL.sub(fix, line)


def planned_slugs(data_dir: Path) -> set[str]:
    """Slugs whose status (migrated or not) says the thing has not happened."""
    found: set[str] = set()
    for path in sorted(data_dir.rglob("*.y*ml")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = migrate_status_line(line)
            m = re.search(r"predicate:\s*status\s*,\s*object:\s*([\w-]+)", line)
            subject = _SUBJECT.search(line)
            if m and subject and m.group(1) in PLANNED:
                found.add(subject.group(1))
    return found


def _class_family(ontology: Path) -> tuple[set[str], set[str]]:
    """Local names of the event classes and of the agreement classes of the ontology."""
    from rdflib import Graph
    from rdflib.namespace import RDFS

    ns = "https://w3id.org/prkg/ontology#"
    g = Graph().parse(ontology)

    def below(top: str) -> set[str]:
        from rdflib import URIRef

        return {
            str(c).removeprefix(ns)
            for c in g.transitive_subjects(RDFS.subClassOf, URIRef(ns + top))
            if str(c).startswith(ns)
        }

    return below("Event"), below("Agreement")


def migrate_text(
    text: str, planned: set[str], events: set[str], agreements: set[str]
) -> tuple[str, list[tuple[int, str]]]:
    """The migrated text and the (1-based line, what changed) of each change."""
    changed: list[tuple[int, str]] = []
    out: list[str] = []
    slug: str | None = None
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        body = line.rstrip("\n")
        end = line[len(body) :]
        new = migrate_status_line(body)
        if new != body:
            what = (
                "free-text status made a statusNote"
                if "statusNote" in new
                else "status made a scheme member (words kept in status_text)"
            )
            changed.append((number, what))
        roles = migrate_role_line(new)
        if roles != new:
            changed.append(
                (number, "role_label made a qualified participation (acting_as, on_behalf_of)")
            )
            new = roles
        m = _SLUG.match(new)
        if m:
            slug = m.group(1)
        c = _CLASS.match(new)
        if c and slug in planned:
            old = c.group(2)
            target = (
                "PlannedEvent"
                if old in events
                else "PlannedAgreement"
                if old in agreements
                else None
            )
            if target:
                new = f"{c.group(1)}{target}  # was: {old} (not known to have happened; v3.py)"
                changed.append((number, f"{slug}: class {old} → {target}"))
        out.append(new + end)
    return "".join(out), changed


def migrate_dir(data_dir: Path, ontology: Path | None = None) -> list[str]:
    """Migrate every YAML file under `data_dir`; return 'file:line: change' of each change."""
    ontology = ontology or Path(__file__).resolve().parent.parent / "prkg.ttl"
    events, agreements = _class_family(ontology)
    events.discard("Event")  # the root itself: a plain Event too
    events.add("Event")
    planned = planned_slugs(data_dir)
    report: list[str] = []
    for path in sorted(data_dir.rglob("*.y*ml")):
        if "queries" in path.relative_to(data_dir).parts[:-1]:
            continue
        text = path.read_text(encoding="utf-8")
        new, changes = migrate_text(text, planned, events, agreements)
        if changes:
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
