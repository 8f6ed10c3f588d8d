"""SPARQL JSON results written from solutions the worker has already read.

The worker reads at most `max_rows + 1` solutions to enforce the row cap, so the engine's
own serializer (which consumes the whole iterator) cannot write them. Writing the JSON
here, byte for byte as pyoxigraph would, costs far less than the earlier round trip
(Python JSON, parsed back by pyoxigraph, serialised again); the other result formats are
still produced by pyoxigraph from this JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
RDF_DIR_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#dirLangString"
# Compact and UTF-8 as pyoxigraph writes it (control characters still \u-escaped).
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def term_json(term: object) -> dict:
    """One RDF term in SPARQL 1.1 (and 1.2 triple-term) JSON results form."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
            if term.direction is not None:
                out["its:dir"] = "rtl" if term.direction == ox.BaseDirection.RTL else "ltr"
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": term_json(term.subject),
                "predicate": term_json(term.predicate),
                "object": term_json(term.object),
            },
        }
    raise TypeError(f"Not an RDF term: {term!r}")


def solutions_json(names: Sequence[str], rows: Iterable[ox.QuerySolution]) -> bytes:
    """`application/sparql-results+json` for the variables `names` and the given rows."""
    bindings = [
        {name: term_json(term) for name, term in zip(names, row, strict=True) if term is not None}
        for row in rows
    ]
    return _dumps({"head": {"vars": list(names)}, "results": {"bindings": bindings}}).encode()
