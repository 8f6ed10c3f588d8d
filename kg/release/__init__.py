"""Releases: dated, citable, checksummed packages of the graph, with tables and changelogs.

`tables` makes the analysis-ready CSVs (one SPARQL query each, in `queries/`), `codebook`
describes them, `changes` compares two builds or releases, `package` writes
`DIST/releases/VERSION/` and `metadata` the VoID, CITATION.cff and RO-Crate files in it.
"""
