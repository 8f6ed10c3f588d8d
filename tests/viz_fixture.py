"""A small graph for the view tests, laid out as DESIGN.md prescribes (graphs, Claims, sources).

Part of it mirrors claims of data/claims/S01 (the Pakistan Steel Mills agreement); the rest is
made up for the tests and uses made-up sources ("Fixture Gazette", T9x ids) so that it can
never be mistaken for data: a weakly sourced edge, two sources that disagree, events in
several themes, and an entity whose label, note and quote carry HTML and script.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from kg.data.namespaces import PRKG, SCHEMA, Namespaces
from kg.store import EmbeddedStore

ONTOLOGY = Path(__file__).resolve().parents[1] / "ontology" / "prkg.ttl"

# Markup a hostile editor could slip into a label, note or quote. If any of it ran, the
# page would set window.__xss; if it were parsed, an <img> or <script> would appear.
XSS_LABEL = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">Mallory'
XSS_NOTE = "<b>bold</b><script>window.__xss=3</script>"
XSS_QUOTE = "<img src=x onerror=window.__xss=4>"
XSS_EVENT_LABEL = (
    '<img src=x onerror="window.__xss=5">Meeting </script><script>window.__xss=6</script>'
)


@dataclass(frozen=True)
class Lit:
    value: str
    datatype: str = "string"  # xsd local name


@dataclass(frozen=True)
class Claim:
    subject: str
    predicate: str
    object: str | Lit
    source: str
    extra: dict = field(default_factory=dict)


SOURCES: dict[str, dict] = {
    "S01": {
        "publisher": "Dawn",
        "title": "Deal with Russia to revive Pakistan Steel Mills",
        "issued": "2025-07-12",
        "reliability": "High",
        "url": "https://www.dawn.com/news/1923660/deal-with-russia-to-revive-pakistan-steel-mills",
    },
    "S10": {
        "publisher": "The News International",
        "title": "Pakistan, Russia discuss steel mill, regional issues in Moscow",
        "issued": "2025-07-11",
        "reliability": "High",
    },
    "S11": {
        "publisher": "UrduPoint / Pakistan Point News (APP copy)",
        "title": "Pakistan, Russia Agree To Establish New Steel Mills In Karachi",
        "issued": "2025-05-13",
        "reliability": "Medium",
    },
    "T90": {
        "publisher": "Fixture Wire",
        "title": "A made-up low-reliability source",
        "date_statement": "not stated on the page",
        "reliability": "Low",
    },
    "T91": {
        "publisher": "Fixture Gazette",
        "title": "A made-up reliable source",
        "issued": "1981-01-15",
        "reliability": "High",
    },
    "T92": {
        "publisher": "<i>Evil</i> Press",
        "title": "<script>window.__xss=7</script>",
        "issued": "2024-03-02",
        "reliability": "Medium",
    },
}

ENTITIES: dict[str, tuple[str, str]] = {
    "pakistan": ("State", "Pakistan"),
    "russia": ("State", "Russia"),
    "soviet-union": ("State", "Soviet Union"),
    "karachi": ("City", "Karachi"),
    "moscow": ("City", "Moscow"),
    "pakistan-embassy-moscow": ("Venue", "Embassy of Pakistan in Moscow"),
    "pakistan-steel-mills": ("SteelMill", "Pakistan Steel Mills"),
    "new-karachi-steel-mills": ("SteelMill", "New steel mills in Karachi (planned)"),
    "psm-revival-project": ("Project", "Revival of Pakistan Steel Mills"),
    "psm-revival-agreement-2025": (
        "Protocol",
        "Pakistan–Russia agreement on the revival of Pakistan Steel Mills (2025)",
    ),
    "psm-revival-signing-2025": (
        "Signing",
        "Signing of the Pakistan Steel Mills revival agreement, Moscow, 11 July 2025",
    ),
    "industries-engineering-llc": ("Company", "Industries Engineering LLC"),
    "saif-anjum": ("Person", "Saif Anjum"),
    "vadim-velichko": ("Person", "Vadim Velichko"),
    "haroon-akhtar-khan": ("Person", "Haroon Akhtar Khan"),
    "alexei-overchuk": ("Person", "Alexei Overchuk"),
    "denis-nazaroof": ("Person", "Denis Nazaroof"),
    "post-secretary-industries-production": (
        "Post",
        "Secretary of Industries and Production (Pakistan)",
    ),
    "post-general-director-industries-engineering": (
        "Post",
        "General Director of Industries Engineering LLC",
    ),
    "overchuk-meeting-2025-07": (
        "Meeting",
        "Meeting of the Pakistani delegation with Alexei Overchuk, Moscow, July 2025",
    ),
    "nazaroof-akhtar-meeting-2025-05": (
        "Meeting",
        "Meeting of Denis Nazaroof and Haroon Akhtar Khan on new steel mills, May 2025",
    ),
    # made up for the tests
    "fixture-pipeline": ("Pipeline", "Fixture pipeline"),
    "fixture-company": ("Company", "Fixture Company"),
    "fixture-commissioning-1981": ("Commissioning", "Fixture commissioning, 1981"),
    "fixture-shipment-2023": ("Shipment", "Fixture crude oil shipment, 2023"),
    "xss-person": ("Person", XSS_LABEL),
    "xss-event": ("Meeting", XSS_EVENT_LABEL),
}

C = Claim
CLAIMS: list[Claim] = [
    C("psm-revival-agreement-2025", "party", "pakistan", "S01", {"locator": "para 1"}),
    C("psm-revival-agreement-2025", "party", "russia", "S01", {"locator": "para 1"}),
    C("psm-revival-agreement-2025", "concerns", "pakistan-steel-mills", "S01"),
    C("psm-revival-agreement-2025", "partOfProject", "psm-revival-project", "S01"),
    C("psm-revival-signing-2025", "signs", "psm-revival-agreement-2025", "S01"),
    C("psm-revival-signing-2025", "date", Lit("2025-07-11", "date"), "S01"),
    C("psm-revival-signing-2025", "place", "pakistan-embassy-moscow", "S01"),
    C("pakistan-embassy-moscow", "location", "moscow", "S01"),
    C(
        "psm-revival-agreement-2025",
        "signatory",
        "saif-anjum",
        "S01",
        {"locator": "para 3", "roleLabel": "signatory for Pakistan"},
    ),
    C(
        "psm-revival-agreement-2025",
        "signatory",
        "vadim-velichko",
        "S01",
        {
            "locator": "para 3",
            "roleLabel": "signatory for the Russian side",
            "quote": "general director of Industries Engineering LLC of Russia, Vadim Velichko",
        },
    ),
    C(
        "saif-anjum",
        "holdsPost",
        "post-secretary-industries-production",
        "S01",
        {"asOf": Lit("2025-07-11", "date")},
    ),
    C(
        "vadim-velichko",
        "holdsPost",
        "post-general-director-industries-engineering",
        "S01",
        {"asOf": Lit("2025-07-11", "date")},
    ),
    C(
        "post-general-director-industries-engineering",
        "postIn",
        "industries-engineering-llc",
        "S01",
    ),
    C("industries-engineering-llc", "country", "russia", "S01"),
    C("psm-revival-signing-2025", "participant", "saif-anjum", "S01"),
    C("psm-revival-signing-2025", "participant", "vadim-velichko", "S01"),
    C("psm-revival-agreement-2025", "witness", "haroon-akhtar-khan", "S01"),
    C("pakistan-steel-mills", "location", "karachi", "S01"),
    C("pakistan-steel-mills", "builtWithAssistanceOf", "soviet-union", "S01"),
    C("pakistan-steel-mills", "builtIn", Lit("1973", "gYear"), "S01", {"confidence": "Medium"}),
    C("pakistan-steel-mills", "ceasedOperations", Lit("2015", "gYear"), "S01"),
    C("psm-revival-project", "concerns", "pakistan-steel-mills", "S01"),
    C("new-karachi-steel-mills", "location", "karachi", "S01"),
    C("new-karachi-steel-mills", "location", "karachi", "S11"),
    C("overchuk-meeting-2025-07", "participant", "alexei-overchuk", "S01"),
    C("overchuk-meeting-2025-07", "participant", "alexei-overchuk", "S10"),
    C("overchuk-meeting-2025-07", "participant", "haroon-akhtar-khan", "S01"),
    C("overchuk-meeting-2025-07", "participant", "haroon-akhtar-khan", "S10"),
    C("overchuk-meeting-2025-07", "place", "moscow", "S01"),
    C("overchuk-meeting-2025-07", "concerns", "new-karachi-steel-mills", "S01"),
    C(
        "overchuk-meeting-2025-07",
        "date",
        Lit("2025-07-09", "date"),
        "S01",
        {"confidence": "Medium"},
    ),
    C("overchuk-meeting-2025-07", "date", Lit("2025-07-10", "date"), "S10"),
    C("nazaroof-akhtar-meeting-2025-05", "date", Lit("2025-05-13", "date"), "S11"),
    C("nazaroof-akhtar-meeting-2025-05", "participant", "denis-nazaroof", "S01"),
    C("nazaroof-akhtar-meeting-2025-05", "participant", "denis-nazaroof", "S11"),
    C("nazaroof-akhtar-meeting-2025-05", "participant", "haroon-akhtar-khan", "S11"),
    C("nazaroof-akhtar-meeting-2025-05", "concerns", "new-karachi-steel-mills", "S01"),
    # made up: a weak edge, a conflict, old and other-theme events
    C("fixture-pipeline", "operator", "fixture-company", "T90"),
    C("fixture-company", "location", "karachi", "T91"),
    C("fixture-company", "location", "moscow", "T90"),
    C("fixture-commissioning-1981", "date", Lit("1981-01-10", "date"), "T91"),
    C("fixture-commissioning-1981", "concerns", "fixture-pipeline", "T91"),
    C("fixture-commissioning-1981", "participant", "fixture-company", "T91"),
    C("fixture-shipment-2023", "date", Lit("2023-06", "gYearMonth"), "T91"),
    C("fixture-shipment-2023", "commodity", Lit("crude oil"), "T91"),
    C("fixture-shipment-2023", "participant", "russia", "T91", {"confidence": "Low"}),
    # hostile text
    C(
        "psm-revival-agreement-2025",
        "witness",
        "xss-person",
        "T92",
        {"note": XSS_NOTE, "quote": XSS_QUOTE, "locator": "<u>para 9</u>"},
    ),
    C("xss-event", "date", Lit("2024-03-01", "date"), "T92"),
    C("xss-event", "participant", "xss-person", "T92", {"roleLabel": XSS_NOTE}),
    C("xss-event", "concerns", "pakistan-steel-mills", "T92"),
]


def _literal(lit: Lit) -> Literal:
    return Literal(lit.value, datatype=XSD[lit.datatype])


def dataset(ns: Namespaces) -> Dataset:
    """The fixture as an rdflib Dataset (named graphs as DESIGN.md lays them out)."""
    ds = Dataset()
    entities_g = ds.graph(URIRef(f"{ns.base}graph/entities"))
    counter = 0

    def claim(graph, s: URIRef, p: URIRef, o, source: str, extra: dict | None = None) -> None:
        nonlocal counter
        counter += 1
        c = URIRef(ns.claim(f"fx{counter:04d}"))
        graph.add((c, RDF.type, PRKG.Claim))
        graph.add((c, RDF.subject, s))
        graph.add((c, RDF.predicate, p))
        graph.add((c, RDF.object, o))
        graph.add((c, PROV.wasDerivedFrom, URIRef(ns.source(source))))
        graph.add((c, PRKG.recordedOn, Literal("2026-11-27", datatype=XSD.date)))
        for key, value in (extra or {}).items():
            if key == "confidence":
                graph.add((c, PRKG.confidence, PRKG[value + "Confidence"]))
            elif isinstance(value, Lit):
                graph.add((c, PRKG[key], _literal(value)))
            else:
                graph.add((c, PRKG[key], Literal(value)))

    for sid, meta in SOURCES.items():
        g = ds.graph(URIRef(ns.source_graph(sid)))
        doc = URIRef(ns.source(sid))
        g.add((doc, RDF.type, PRKG.SourceDocument))
        g.add((doc, RDF.type, PROV.Entity))
        g.add((doc, DCTERMS.title, Literal(meta["title"])))
        g.add((doc, DCTERMS.publisher, Literal(meta["publisher"])))
        if "issued" in meta:
            g.add((doc, DCTERMS.issued, Literal(meta["issued"], datatype=XSD.date)))
        if "date_statement" in meta:
            g.add((doc, PRKG.dateStatement, Literal(meta["date_statement"])))
        g.add((doc, PRKG.reliability, PRKG[meta["reliability"] + "Reliability"]))
        if "url" in meta:
            g.add((doc, SCHEMA.url, URIRef(meta["url"])))
    for slug, (cls, label) in ENTITIES.items():
        e = URIRef(ns.entity(slug))
        entities_g.add((e, RDF.type, PRKG[cls]))
        entities_g.add((e, RDFS.label, Literal(label, lang="en")))
        source = (
            "T92" if slug.startswith("xss") else ("T91" if slug.startswith("fixture") else "S01")
        )
        claim(entities_g, e, RDF.type, PRKG[cls], source)
    for item in CLAIMS:
        g = ds.graph(URIRef(ns.source_graph(item.source)))
        s = URIRef(ns.entity(item.subject))
        p = PRKG[item.predicate]
        o = (
            _literal(item.object)
            if isinstance(item.object, Lit)
            else URIRef(ns.entity(item.object))
        )
        g.add((s, p, o))
        claim(g, s, p, o, item.source, item.extra)
    return ds


def make_store(ns: Namespaces | None = None) -> EmbeddedStore:
    """An in-memory store holding the ontology and the fixture graph."""
    ns = ns or Namespaces()
    store = EmbeddedStore(None)
    store.load(ONTOLOGY.read_bytes(), "text/turtle", graph=ns.ontology_graph)
    data = dataset(ns).serialize(format="nquads")
    store.load(data.encode("utf-8") if isinstance(data, str) else data, "application/n-quads")
    return store
