"""The hooks a part of the assembler (participation, tenures, source graphs) calls on it.

The assembler is built from mixins, one per pattern, so that each stays small; they share
these declarations so that a type checker sees what the assembler provides, and a part used
outside it fails loudly rather than silently.
"""

from __future__ import annotations

from typing import Any

from rdflib import URIRef


class AssemblyPart:
    """What every mixin of `kg.data.assemble.Assembler` may call on the assembler."""

    data: Any
    ns: Any

    def err(self, file: str, line: int, message: str) -> None:  # provided by the assembler
        raise NotImplementedError

    def entity_iri(self, slug: str) -> URIRef:  # provided by the assembler
        raise NotImplementedError

    def add_fact(self, *args: Any, **kwargs: Any) -> Any:  # provided by the assembler
        raise NotImplementedError
