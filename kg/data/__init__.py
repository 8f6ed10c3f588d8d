"""The data stage: reading `data/` (YAML) and the ontology, and turning them into named graphs.

Nothing here knows about stores, checks or the service; every other stage builds on it.
"""
