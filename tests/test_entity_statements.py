"""Entity pages read like a reference work (issue 14, part 2): grouped, readable, flagged."""

from __future__ import annotations

import re
from decimal import Decimal

from fastapi.testclient import TestClient

from viz.statements import format_date, format_number, format_structured


def test_values_are_written_for_people() -> None:
    assert format_number(Decimal("18660")) == "18,660"
    assert format_structured({"amount": "18660", "unit": "acre"}) == "18,660 acres"
    assert format_structured({"amount": "500000000", "currency": "USD"}) == "US$ 500 million"
    assert format_structured({"minAmount": "1.1", "maxAmount": "5.0", "unit": "Mt/a"}) == (
        "1.1–5 million tonnes a year"
    )
    assert format_date("2025-07-11", "http://www.w3.org/2001/XMLSchema#date") == "11 July 2025"


def test_entity_page_groups_statements_and_flags_disputes(client: TestClient) -> None:
    html = client.get("/id/pakistan-steel-mills").text
    titles = re.findall(r"<h2>(.*?)</h2>", html)
    assert titles[0] == "What it is" and "What refers to it" in titles
    body = re.sub(r"<code>.*?</code>", "", html)
    assert "/value/" not in body  # no value IRI shown as text
    assert 'class="disputed" href="/disputes#pakistan-steel-mills-' in html
    assert re.search(r"\d source", html)


def test_references_show_reliability_in_words_and_short_lists_open(client: TestClient) -> None:
    html = client.get("/id/pakistan-steel-mills").text
    levels = set(re.findall(r"reliability: (\w+)</span>", html))
    assert levels and levels <= {"high", "medium", "low"}, levels
    assert "Reliability</span>" not in html  # no scheme member's local name as text
    # a value with a few sources shows them without a click, a long list folds
    folded = re.findall(r'<details class="references"( open)?><summary>(\d+) source', html)
    assert any(is_open and int(n) <= 3 for is_open, n in folded)
    assert all(not is_open for is_open, n in folded if int(n) > 3)
