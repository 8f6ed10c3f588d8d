"""What a public endpoint must refuse before a query or update reaches the engine.

pyoxigraph performs SERVICE calls and LOAD fetches over HTTP, so these are checked here
against `Settings.service_allowlist` (exact IRIs; private and loopback hosts are refused
unless listed). FROM / FROM NAMED / USING IRIs are only graph names to pyoxigraph (never
fetched; a test proves it), so they need no check. Updates are confined to the updates
graph: they may read any graph but may not name one to write to (see `check_update`).

The rdflib SPARQL parser is used to find SERVICE and graph terms; when it cannot parse text
the engine accepts, a conservative keyword scan refuses anything that mentions SERVICE or
LOAD outside the allowlist. Telling a query from an update (`operation_word`) lives in
`kg.store.sparqltext`, shared with the stores and the CLI.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from rdflib.plugins.sparql.algebra import translatePrologue
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import URIRef, Variable

from kg.store.sparqltext import strip_comments


class Refused(Exception):
    """The request is understood but not allowed here (answered with 400)."""


def _walk(node: object) -> Iterator[CompValue]:
    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list | tuple) or type(node).__name__ == "ParseResults":
        for value in node:  # type: ignore[union-attr]
            yield from _walk(value)


def _allowed(iri: str, allowlist: Sequence[str]) -> bool:
    return iri in allowlist or iri.rstrip("/") in {a.rstrip("/") for a in allowlist}


def _check_remote(kind: str, iri: object, allowlist: Sequence[str]) -> None:
    if isinstance(iri, Variable):
        raise Refused(f"{kind} with a variable endpoint (?{iri}) is not allowed.")
    if not _allowed(str(iri), allowlist):
        allowed = ", ".join(allowlist) or "none"
        raise Refused(f"{kind} <{iri}> is not allowed; this service only calls: {allowed}.")


def _keyword_scan(text: str, words: Sequence[str], allowlist: Sequence[str]) -> None:
    """Fallback when rdflib cannot parse: every SERVICE/LOAD must be followed by a listed IRI."""
    body = strip_comments(text)
    for word in words:
        for match in re.finditer(rf"(?i)\b{word}\b(\s+SILENT)?\s*(\S+)", body):
            target = match.group(2)
            iri = target[1:-1] if target.startswith("<") and target.endswith(">") else None
            if iri is None:
                raise Refused(
                    f"{word.upper()} {target} cannot be checked against the allowlist; "
                    "write the endpoint as a full <IRI>."
                )
            _check_remote(word.upper(), URIRef(iri), allowlist)


MAX_NESTING = 150
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|^`\\]*$")
_SKIP = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
    r"|<[^<>\s]*>|#[^\n]*"
)


def check_nesting(text: str, limit: int = MAX_NESTING) -> None:
    """Refuse operations nested deeper than `limit` brackets.

    Parsers recurse on nesting; a query of ten thousand braces would exhaust the query
    worker's stack. No researcher's query comes near the limit.
    """
    # Stripping strings, IRIs and comments only removes characters, so a text without more
    # than `limit` opening brackets (or `limit` unary operators) cannot be refused: skip the
    # scan, which costs more than the rest of a small query's checks.
    if sum(map(text.count, "{([")) <= limit and sum(map(text.count, "!+-")) < limit:
        return
    stripped = _SKIP.sub(" ", text)
    if re.search(rf"(?:[!+-]\s*){{{limit},}}", stripped):
        raise Refused(
            f"The operation chains more than {limit} unary operators; "
            "simplify it (this limit protects the server)."
        )
    depth = deepest = 0
    for char in stripped:
        if char in "{([":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > limit:
                raise Refused(
                    f"The operation is nested more than {limit} brackets deep; "
                    "simplify it (this limit protects the server)."
                )
        elif char in "})]":
            depth -= 1


def check_graph_iris(kind: str, iris: Sequence[str]) -> None:
    """`default-graph-uri` / `named-graph-uri` values must be absolute IRIs."""
    for iri in iris:
        if not _IRI.match(iri):
            raise Refused(f"{kind} {iri!r} is not an absolute IRI.")


def check_query(text: str, allowlist: Sequence[str]) -> None:
    """Refuse SERVICE calls to endpoints not on the allowlist (and SERVICE ?var)."""
    if not re.search(r"(?i)\bSERVICE\b", strip_comments(text)):
        return
    try:
        parsed = parseQuery(text)
    except Exception:  # rdflib is stricter/older than the engine: fall back to a scan
        _keyword_scan(text, ["SERVICE"], allowlist)
        return
    prologue = translatePrologue(parsed[0], None)
    for node in _walk(parsed):
        if node.name == "ServiceGraphPattern":
            term = node.get("term")
            if not isinstance(term, Variable):
                term = prologue.absolutize(term)
            _check_remote("SERVICE", term, allowlist)


def _graph_name(prologue: object, term: object) -> str:
    if isinstance(term, str) and not isinstance(term, URIRef) and term.upper() == "DEFAULT":
        return "DEFAULT"
    if isinstance(term, Variable):
        return f"?{term}"
    try:
        return str(prologue.absolutize(term))  # type: ignore[attr-defined]
    except Exception:  # unknown prefix: the engine will report it; name it as written
        return str(term)


def check_update(text: str, allowlist: Sequence[str]) -> None:
    """Refuse updates that would write to a named graph, or fetch from outside the allowlist.

    Updates run with the updates graph as their default graph, so the allowed ones simply
    name no graph to write to: GRAPH in INSERT/DELETE templates, WITH, graph-management
    operations other than on DEFAULT, and LOAD … INTO GRAPH are refused.
    """
    check_query(text, allowlist)  # SERVICE inside WHERE
    try:
        parsed = parseUpdate(text)
    except Exception:
        if re.search(r"(?i)\b(GRAPH|WITH|LOAD|CLEAR|DROP|CREATE|COPY|MOVE|ADD)\b", text):
            raise Refused(
                "This update could not be checked (the checker does not understand its "
                "syntax) and names a graph or graph operation; it is refused."
            ) from None
        return
    prologue = None
    for part in parsed.prologue or []:  # prefixes accumulate across operations
        prologue = translatePrologue(part, None, prologue=prologue)
    if prologue is None:
        prologue = translatePrologue([], None)
    for node in _walk(parsed):
        name = node.name
        if name == "Modify" and node.get("withClause") is not None:
            raise Refused("WITH is not allowed: updates always write to the updates graph.")
        if name == "QuadsNotTriples":
            graph = _graph_name(prologue, node.get("term"))
            raise Refused(
                f"GRAPH {graph} in an update template is not allowed: updates write to the "
                "updates graph only; leave the triples outside GRAPH."
            )
        if name == "Load":
            _check_remote("LOAD", _graph_name(prologue, node.get("iri")), allowlist)
            if node.get("graphiri") is not None:
                raise Refused("LOAD … INTO GRAPH is not allowed; LOAD into the default graph.")
        if name in {"Clear", "Drop", "Create"}:
            graph = _graph_name(prologue, node.get("graphiri"))
            if graph != "DEFAULT":
                raise Refused(f"{name.upper()} {graph} is not allowed; only DEFAULT may be used.")
        if name in {"Add", "Copy", "Move"}:
            source, target = (_graph_name(prologue, g) for g in node.get("graph"))
            if target != "DEFAULT" or (name == "Move" and source != "DEFAULT"):
                raise Refused(f"{name.upper()} may only write to DEFAULT (the updates graph).")
