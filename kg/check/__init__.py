"""The check stage: rule derivation (`derive.py`, the CONSTRUCTs of `ontology/rules/`), SHACL
validation, OWL reasoning and the quality rules (`rules/*.rq`).

A new quality rule is a SPARQL file in `kg/check/rules/` that must return no rows; a new
derivation is a CONSTRUCT in `ontology/rules/`, whose triples go to the inferred graph.
"""
