"""The assembled graphs as N-Quads text: the build's hand-over from rdflib to pyoxigraph.

Handing pyoxigraph a file for its bulk loader (parsing and indexing in Rust) is several
times faster than building a Python `Quad` object per triple. The same file is the
`dataset.nq` dump, so the text is written once. N-Quads is a line format with a small escape
table (RDF 1.1 N-Quads, section 3.3), which is all that is needed here: IRIs and blank node
labels come from our own assembly and are already valid.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TextIO

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from kg.data.triples import Triple

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def term_text(term: Node) -> str:
    """One term in N-Quads syntax."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        text = f'"{str(term).translate(_ESCAPES)}"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype and str(term.datatype) != XSD_STRING:
            return f"{text}^^<{term.datatype}>"
        return text
    if isinstance(term, BNode):
        return f"_:{term}"
    raise TypeError(f"cannot write {term!r} as N-Quads")


def write_graphs(graphs: Mapping[str, Iterable[Triple]], dataset: TextIO, load: TextIO) -> int:
    """Write every graph's triples to `dataset` as quads, and to `load` both as quads and as
    default-graph triples (the stored union, kg/store/union.py).

    The two copies share one file because the store's loader gives blank nodes new names
    per load: in one load, a blank node is the same node in its graph and in the union.
    Returns the number of quads in `dataset`. Terms repeat a lot (predicates, entity IRIs),
    so the text of each is computed once.
    """
    cache: dict[Node, str] = {}

    def text(term: Node) -> str:
        found = cache.get(term)
        if found is None:
            found = cache[term] = term_text(term)
        return found

    count = 0
    for name in sorted(graphs):
        quad_end = f" <{name}> .\n"
        for s, p, o in graphs[name]:
            triple = f"{text(s)} {text(p)} {text(o)}"
            quad = triple + quad_end
            dataset.write(quad)
            load.write(quad)
            load.write(triple + " .\n")
            count += 1
    return count


def write_files(graphs: Mapping[str, Iterable[Triple]], dataset_path: Path, load_path: Path) -> int:
    """`write_graphs` to two files (UTF-8, as N-Quads requires)."""
    with (
        dataset_path.open("w", encoding="utf-8") as dataset,
        load_path.open("w", encoding="utf-8") as load,
    ):
        return write_graphs(graphs, dataset, load)
