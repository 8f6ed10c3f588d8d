"""Facts read off a SPARQL text without parsing it: its form, its dataset clause.

Cheap checks the stores need on every query, where a full parse would cost more than the
query itself. Strings, IRIs and comments are blanked out first (`NOISE`), so a keyword
inside them never counts.
"""

from __future__ import annotations

import re

NOISE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*'
)


def query_kind(query: str) -> str:
    """Tell SELECT/ASK from CONSTRUCT/DESCRIBE without a full parse.

    IRIs go first (they may hold '#'), then comments; the first query-form keyword after the
    prologue decides. Anything else (an update, garbage) is 'unknown'.
    """
    text = re.sub(r"<[^<>\s]*>", " <> ", query)
    text = re.sub(r"#[^\n]*", " ", text)
    text = re.sub(r"(?is)^\s*((BASE\s*<>|PREFIX\s+[\w.-]*:\s*<>)\s*)*", "", text)
    word = text.strip().split(None, 1)[0].upper() if text.strip() else ""
    word = re.split(r"[^A-Z]", word, maxsplit=1)[0]
    return {"SELECT": "select", "ASK": "ask", "CONSTRUCT": "graph", "DESCRIBE": "graph"}.get(
        word, "unknown"
    )


def has_dataset_clause(query: str) -> bool:
    """Whether the query names its dataset with FROM / FROM NAMED (outside strings and IRIs).

    pyoxigraph's `use_default_graph_as_union` would silently override FROM, so it is only
    set for queries without a dataset clause.
    """
    return re.search(r"(?i)\bFROM\b", NOISE.sub(" ", query)) is not None
