"""prkg's graph layer, one sub-package per stage of the build.

`kg.data` reads `data/` and the ontology into named graphs; `kg.check` validates (SHACL),
reasons (HermiT) and runs the quality rules; `kg.store` is the `Store` interface and its
backends; `kg.link` matches names and external identifiers; `kg.report` reads figures and
exports back out of a store; `kg.build` orchestrates them. Imports flow one way:
build → check / link / report → store → data (tests/test_layout.py keeps it so).
"""

__version__ = "0.1.0"
