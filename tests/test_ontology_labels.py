"""Issue 20, item 9: every class of the ontology, and its main properties, carry a Russian and
an Urdu label, each in its script, and no two classes share one."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

ROOT = Path(__file__).resolve().parent.parent
PRKG = "https://w3id.org/prkg/ontology#"
SCRIPTS = {
    "ru": re.compile(r"^[А-Яа-яЁё][А-Яа-яЁё ,\-–()]*$"),
    "ur": re.compile(r"^[\u0600-\u06FF][\u0600-\u06FF\u200c ]*$"),
}
# The properties a reader of the graph meets first: parties, people, places, the dates of a
# life, sizes and money, and the provenance of a claim.
MAIN_PROPERTIES = [
    "party",
    "signatory",
    "witness",
    "concerns",
    "location",
    "place",
    "country",
    "owner",
    "operator",
    "participant",
    "coChair",
    "holdsPost",
    "memberOf",
    "supplier",
    "recipient",
    "capacity",
    "length",
    "area",
    "cost",
    "loanAmount",
    "volume",
    "date",
    "startDate",
    "endDate",
    "foundingDate",
    "constructionStartDate",
    "closureDate",
    "description",
    "quote",
    "note",
    "confidence",
    "reliability",
    "currency",
    "unit",
    "status",
    "onBehalfOf",
]


@pytest.fixture(scope="module")
def graph() -> Graph:
    return Graph().parse(ROOT / "ontology" / "prkg.ttl", format="turtle")


def _labels(graph: Graph, term: URIRef, lang: str) -> list[str]:
    return [
        str(lab)
        for lab in graph.objects(term, RDFS.label)
        if getattr(lab, "language", None) == lang
    ]


def _classes(graph: Graph) -> list[URIRef]:
    return sorted(
        c
        for c in graph.subjects(RDF.type, OWL.Class)
        if isinstance(c, URIRef) and str(c).startswith(PRKG)
    )


@pytest.mark.parametrize("lang", ["ru", "ur"])
def test_every_class_has_a_label_in_the_script(graph: Graph, lang: str) -> None:
    classes = _classes(graph)
    assert len(classes) > 60
    missing = [str(c).removeprefix(PRKG) for c in classes if not _labels(graph, c, lang)]
    assert missing == [], f"classes without an @{lang} label"
    wrong = [
        (str(c).removeprefix(PRKG), lab)
        for c in classes
        for lab in _labels(graph, c, lang)
        if not SCRIPTS[lang].match(lab)
    ]
    assert wrong == []


@pytest.mark.parametrize("lang", ["ru", "ur"])
def test_main_properties_have_a_label(graph: Graph, lang: str) -> None:
    missing = [p for p in MAIN_PROPERTIES if not _labels(graph, URIRef(PRKG + p), lang)]
    assert missing == []


@pytest.mark.parametrize("lang", ["ru", "ur"])
def test_one_label_per_language_and_no_two_classes_share_one(graph: Graph, lang: str) -> None:
    seen: dict[str, list[str]] = defaultdict(list)
    for c in _classes(graph):
        labels = _labels(graph, c, lang)
        assert len(labels) <= 1, (c, labels)
        for lab in labels:
            seen[lab.lower()].append(str(c).removeprefix(PRKG))
    assert {lab: cs for lab, cs in seen.items() if len(cs) > 1} == {}
