"""The link stage: matching names, external identifiers (Wikidata suggestions and review files),
the reconciliation index and the linksets that count them.
"""
