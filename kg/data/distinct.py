"""`distinct:` entries: a curator's word that two look-alike entities or sources are not one.

`prkg check` warns about entities whose labels match and about documents that look like
copies of each other; when a curator has looked and found two different things (two people
of one name, two reports under one wire headline), an entry in `data/distinct.yaml` (or any
data file) says so and the warning stops:

    distinct:
      - entities: [slug-one, slug-two]
        reason: "Two different people: ... (S12, S40)"
      - sources: [S12, S40]
        reason: "..."

Here the entry's shape is read; whether its slugs and ids exist is checked by `prkg check`
(kg/check/curation.py), which has the whole data set.
"""

from __future__ import annotations

from collections.abc import Callable

from kg.data.records import DISTINCT_KEYS, DistinctRecord
from kg.data.yamllines import Located

ErrorSink = Callable[[str, int, str], None]


def read_distinct(item: Located, name: str, error: ErrorSink) -> DistinctRecord | None:
    """The record of one `distinct:` entry, or None after reporting what is wrong with it."""
    for key in item:
        if key not in DISTINCT_KEYS:
            error(name, item.key_lines[key], f"unknown field {key!r} in a distinct entry")
    kinds = [k for k in ("entities", "sources") if k in item]
    if len(kinds) != 1:
        error(name, item.line, "a distinct entry names either 'entities' or 'sources', not both")
        return None
    kind = kinds[0]
    pair = item[kind]
    line = item.key_lines.get(kind, item.line)
    if (
        not isinstance(pair, list)
        or len(pair) != 2
        or not all(isinstance(p, str) and p.strip() for p in pair)
        or pair[0].strip() == pair[1].strip()
    ):
        error(name, line, f"'{kind}' of a distinct entry must list two different names")
        return None
    reason = item.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        error(name, item.line, "a distinct entry needs a 'reason' saying how they differ")
        return None
    return DistinctRecord(kind, pair[0].strip(), pair[1].strip(), reason.strip(), name, line)
