"""The check stage: SHACL validation, OWL reasoning and the quality rules (`rules/*.rq`).

A new quality rule is a SPARQL file in `kg/check/rules/` that must return no rows.
"""
