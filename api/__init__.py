"""The prkg web service: SPARQL endpoint, linked-data pages, query UI, dataset description."""
