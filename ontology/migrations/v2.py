"""Migrate a data directory from the patterns of ontology 0.1.0 to those of 0.2.0.

Usage: python ontology/migrations/v2.py DATA_DIR   (prints each file and line it changed)

Idempotent: a second run changes nothing. It edits the YAML text line by line (not by
re-dumping it), so comments, layout and quoting stay as the curator wrote them. Rules:

- a capacity (capacity, plannedCapacity) in "Mt" or "t" is a rate: sources that say
  "2.2 million tonnes" of a mill mean a year's production, so the unit becomes "Mt/a" or
  "t/a" (0.1.0 let both spellings in, which made 2.2 Mt and 2.2 Mt/a look like a dispute).

The loader (kg/data/loader.py) rejects the old pattern with the file, the line and the
advice to run this script, so nothing in the old pattern is read silently.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

RATE_PREDICATES = ("capacity", "plannedCapacity")
# Within one claim's flow mapping: predicate: capacity ... unit: Mt   → unit: Mt/a
_OLD_RATE = re.compile(
    r"(predicate:\s*(?:prkg:)?(?:" + "|".join(RATE_PREDICATES) + r")\b[^\n]*?unit:\s*)"
    r"(Mt|t)(\s*[},])"
)


def migrate_text(text: str) -> tuple[str, list[int]]:
    """The migrated text and the (1-based) lines changed."""
    changed: list[int] = []
    out: list[str] = []
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        new = _OLD_RATE.sub(lambda m: f"{m.group(1)}{m.group(2)}/a{m.group(3)}", line)
        if new != line:
            changed.append(number)
        out.append(new)
    return "".join(out), changed


def migrate_dir(data_dir: Path) -> list[str]:
    """Migrate every YAML file under `data_dir`; return 'file:line' of each change."""
    report: list[str] = []
    for path in sorted(data_dir.rglob("*.y*ml")):
        text = path.read_text(encoding="utf-8")
        new, lines = migrate_text(text)
        if lines:
            path.write_text(new, encoding="utf-8")
            report += [f"{path}:{n}: capacity unit made a rate (Mt → Mt/a, t → t/a)" for n in lines]
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
