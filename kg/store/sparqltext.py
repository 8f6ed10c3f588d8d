"""Facts read off a SPARQL text without parsing it: its form, its dataset clause.

Cheap checks the stores, the service and the CLI need on every operation, where a full parse
would cost more than the query itself. This is the one place that tells a query's form
(`operation_word`, `query_form`, `is_update`): comments outside IRIs and strings are cut first,
so a keyword inside them never counts. For the dataset clause, strings, IRIs and comments are
blanked out (`NOISE`).
"""

from __future__ import annotations

import re
from functools import lru_cache

# The first keyword of each SPARQL 1.1 update operation (WITH starts a DELETE/INSERT).
UPDATE_WORDS = {
    "INSERT",
    "DELETE",
    "LOAD",
    "CLEAR",
    "CREATE",
    "DROP",
    "COPY",
    "MOVE",
    "ADD",
    "WITH",
}
# The query forms, and what each answers with: rows, a boolean, or a graph.
QUERY_FORMS = {"SELECT": "select", "ASK": "ask", "CONSTRUCT": "graph", "DESCRIBE": "graph"}
QUERY_WORDS = set(QUERY_FORMS)
_PROLOGUE = re.compile(r"(?is)^\s*((BASE\s*<[^>]*>|PREFIX\s+[^\s:]*:\s*<[^>]*>)\s*)*")
NOISE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*'
)


@lru_cache(maxsize=32)
def strip_comments(text: str) -> str:
    """Remove # comments that are not inside IRIs or strings (good enough for a keyword).

    Cached: one request asks for it three times (operation word, update check, SERVICE
    check in api.safety), and the scan is the costliest Python step of a small query.
    """
    out = []
    for line in text.splitlines():
        if "#" not in line:  # nothing to cut: skip the character scan
            out.append(line)
            continue
        quote: str | None = None
        in_iri = False
        cut = len(line)
        for i, ch in enumerate(line):
            if quote:
                if ch == quote:
                    quote = None
            elif in_iri:
                in_iri = ch != ">"
            elif ch in "\"'":
                quote = ch
            elif ch == "<":
                in_iri = True
            elif ch == "#":
                cut = i
                break
        out.append(line[:cut])
    return "\n".join(out)


@lru_cache(maxsize=32)
def operation_word(text: str) -> str:
    """The first keyword after the prologue, upper-cased ('' when there is none).

    Cached like `strip_comments`: a query asks for it twice (is it an update? which form?)."""
    body = _PROLOGUE.sub("", strip_comments(text), count=1).strip()
    match = re.match(r"[A-Za-z]+", body)
    return match.group(0).upper() if match else ""


def is_update(text: str) -> bool:
    """Whether the text is an update (sent to the update endpoint, not the query one)."""
    return operation_word(text) in UPDATE_WORDS


def is_query(text: str) -> bool:
    """Whether the text is one of the four query forms."""
    return operation_word(text) in QUERY_WORDS


def query_form(text: str, default: str = "unknown") -> str:
    """The form of a query as the stores and formats need it: 'select', 'ask' or 'graph'
    (CONSTRUCT, DESCRIBE); `default` for anything else (an update, garbage, nothing)."""
    return QUERY_FORMS.get(operation_word(text), default)


def has_dataset_clause(query: str) -> bool:
    """Whether the query names its dataset with FROM / FROM NAMED (outside strings and IRIs).

    pyoxigraph's `use_default_graph_as_union` would silently override FROM, so it is only
    set for queries without a dataset clause.
    """
    return re.search(r"(?i)\bFROM\b", NOISE.sub(" ", query)) is not None
