"""`kg.store.sparqltext`: the one way prkg tells a query's form (stores, service, CLI, bench)."""

from __future__ import annotations

import pytest

from kg.store.sparqltext import is_query, is_update, operation_word, query_form


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "select"),
        ("  select*{}", "select"),
        ("PREFIX a: <http://x/#y> ASK { ?s a:p ?o }", "ask"),
        ("BASE <http://x/> # a comment with SELECT in it\nCONSTRUCT WHERE { ?s ?p ?o }", "graph"),
        ("# DESCRIBE only in a comment\nDESCRIBE <http://x/a>", "graph"),
        ("INSERT DATA { <urn:a> <urn:b> 'SELECT # not a comment' }", "unknown"),
        ("", "unknown"),
        ("garbage", "unknown"),
    ],
)
def test_query_form(text: str, form: str) -> None:
    assert query_form(text) == form


def test_updates_are_told_from_queries() -> None:
    update = "PREFIX p: <http://x/#> # ASK\nDELETE WHERE { ?s p:q ?o }"
    assert is_update(update) and not is_query(update)
    assert operation_word(update) == "DELETE"
    assert is_query("ASK {}") and not is_update("ASK {}")
    assert query_form("LOAD <http://x/>", default="select") == "select"
