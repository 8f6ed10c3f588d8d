"""The graph-view and timeline view models on a small fixture store (tests/viz_fixture.py).

Expected neighbourhoods are recomputed here from the fixture's claim list, independently of
the SPARQL the views run, so a wrong query or a wrong walk shows up as a difference.
"""

from __future__ import annotations

import re
from collections import deque
from pathlib import Path

import pytest
import viz_fixture as fx
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from kg.data.namespaces import PRKG, Namespaces
from viz.entities import EntityNotFound
from viz.network import FilterError, NetworkFilters, build_network
from viz.render import Links, render_network, render_timeline
from viz.timeline import THEMES, TimelineFilterError, build_timeline

NS = Namespaces()
CAP = 300


@pytest.fixture(scope="module")
def store():
    return fx.make_store(NS)


def entity_edges(source: str | None = None) -> set[tuple[str, str, str]]:
    """(subject, predicate, object) of fixture claims linking two entities."""
    return {
        (c.subject, c.predicate, c.object)
        for c in fx.CLAIMS
        if isinstance(c.object, str) and (source is None or c.source == source)
    }


def bfs(center: str, depth: int, edges: set[tuple[str, str, str]]) -> dict[str, int]:
    seen = {center: 0}
    queue = deque([center])
    while queue:
        node = queue.popleft()
        if seen[node] == depth:
            continue
        for s, _, o in edges:
            for a, b in ((s, o), (o, s)):
                if a == node and b not in seen:
                    seen[b] = seen[node] + 1
                    queue.append(b)
    return seen


def view(store, slug, **params):
    return build_network(store, NS, slug, NetworkFilters.parse(**params), CAP)


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_neighbourhood_is_the_claim_graph_walked_to_depth(store, depth):
    v = view(store, "pakistan-steel-mills", depth=depth)
    expected = bfs("pakistan-steel-mills", depth, entity_edges())
    assert {n.slug: n.distance for n in v.nodes} == expected
    assert v.center is not None and v.center.slug == "pakistan-steel-mills"
    expected_edges = {(s, p, o) for s, p, o in entity_edges() if s in expected and o in expected}
    assert {(e.source, e.predicate, e.target) for e in v.edges} == expected_edges


def test_type_claims_never_become_edges(store):
    v = view(store, "saif-anjum", depth=1)
    assert all(e.predicate != "type" for e in v.edges)
    assert {n.slug for n in v.nodes} == set(bfs("saif-anjum", 1, entity_edges()))


def test_edges_carry_property_labels_and_sources(store):
    ontology = Graph().parse(fx.ONTOLOGY)
    v = view(store, "psm-revival-agreement-2025", depth=1)
    signatories = {e.target: e for e in v.edges if e.predicate == "signatory"}
    assert set(signatories) == {"saif-anjum", "vadim-velichko"}
    # the English label (the property has Russian and Urdu ones too)
    (label,) = [
        str(lab)
        for lab in ontology.objects(URIRef(str(PRKG.signatory)), RDFS.label)
        if lab.language == "en"
    ]
    for edge in signatories.values():
        assert edge.label == label
        assert [r.source.citation for r in edge.refs] == ["Dawn, 2025-07-12"]
        assert edge.refs[0].locator == "para 3"
    assert signatories["vadim-velichko"].refs[0].quote.startswith("general director")


def test_source_without_date_cites_its_date_statement(store):
    v = view(store, "fixture-pipeline", depth=1)
    (edge,) = [e for e in v.edges if e.predicate == "operator"]
    assert edge.refs[0].source.citation == "Fixture Wire, not stated on the page"


def test_conflicting_and_weak_edges(store):
    v = view(store, "fixture-company", depth=1)
    by_target = {(e.predicate, e.target): e for e in v.edges}
    karachi = by_target[("location", "karachi")]
    moscow = by_target[("location", "moscow")]
    operator = next(e for e in v.edges if e.predicate == "operator")
    assert karachi.conflicting and moscow.conflicting
    assert not karachi.weak and moscow.weak  # moscow rests on the low-reliability source
    assert operator.weak and not operator.conflicting
    assert karachi.style.key == "conflict" and operator.style.key == "weak"
    assert {s.key for s in v.edge_legend} == {"plain", "conflict", "weak"}


def test_several_values_of_a_many_valued_property_are_not_a_conflict(store):
    v = view(store, "psm-revival-agreement-2025", depth=1)
    witnesses = [e for e in v.edges if e.predicate == "witness"]
    assert len(witnesses) == 2 and len({r.source.id for e in witnesses for r in e.refs}) == 2
    assert not any(e.conflicting for e in witnesses)


def test_low_confidence_claim_makes_a_weak_edge(store):
    v = view(store, "fixture-shipment-2023", depth=1)
    (edge,) = [e for e in v.edges if e.predicate == "participant"]
    assert edge.refs[0].confidence == "Low" and edge.weak


def test_dates_in_tooltips_flag_disagreeing_sources(store):
    v = view(store, "overchuk-meeting-2025-07", depth=1)
    dates = {d.value: d for d in v.center.dates}
    assert set(dates) == {"2025-07-09", "2025-07-10"}
    assert all(d.conflicting for d in dates.values())
    assert [r.source.publisher for r in dates["2025-07-10"].refs] == ["The News International"]


def test_class_filter_keeps_subclasses_and_the_centre(store):
    v = view(store, "pakistan-steel-mills", depth=3, classes=["Place", "Agreement"])
    assert v.nodes
    others = [n for n in v.nodes if not n.is_center]
    assert others and all(n.cls in {"City", "Venue", "Region", "Protocol"} for n in others)
    unfiltered = view(store, "pakistan-steel-mills", depth=3)
    assert len(v.nodes) < len(unfiltered.nodes)


def test_period_filter_drops_events_outside_it(store):
    since = view(store, "pakistan-steel-mills", depth=1, date_from="2025")
    until = view(store, "pakistan-steel-mills", depth=2, date_to="2024-12")
    slugs_since = {n.slug for n in since.nodes}
    slugs_until = {n.slug for n in until.nodes}
    assert "xss-event" not in slugs_since  # dated 2024-03-01
    assert "karachi" in slugs_since  # undated nodes stay
    assert "xss-event" in slugs_until
    assert "psm-revival-signing-2025" not in slugs_until  # dated 2025-07-11
    full = {n.slug for n in view(store, "pakistan-steel-mills", depth=2).nodes}
    assert "psm-revival-signing-2025" in full


def test_claim_as_of_outside_the_period_hides_the_edge(store):
    inside = view(store, "saif-anjum", depth=1, date_from="2025-07")
    outside = view(store, "saif-anjum", depth=1, date_to="2020")
    assert any(e.predicate == "holdsPost" for e in inside.edges)
    assert not any(e.predicate == "holdsPost" for e in outside.edges)


def test_source_and_publisher_filters(store):
    s11 = view(store, "haroon-akhtar-khan", depth=1, source="S11")
    assert s11.edges and all(any(r.source.id == "S11" for r in e.refs) for e in s11.edges)
    expected = bfs("haroon-akhtar-khan", 1, entity_edges("S11"))
    assert {n.slug for n in s11.nodes} == set(expected)
    gazette = view(store, None, publisher="gazette")
    assert gazette.edges
    assert all(any("Gazette" in r.source.publisher for r in e.refs) for e in gazette.edges)


def test_overview_holds_every_entity_with_a_sourced_link(store):
    v = view(store, None)
    edges = entity_edges()
    assert {n.slug for n in v.nodes} == {s for s, _, _ in edges} | {o for _, _, o in edges}
    assert len(v.edges) == len(edges)
    assert v.starting_points[0].degree == max(n.degree for n in v.nodes)


def test_degree_counts_edges_in_view_and_sizes_follow(store):
    v = view(store, "psm-revival-agreement-2025", depth=2)
    for node in v.nodes:
        assert node.degree == sum(node.slug in (e.source, e.target) for e in v.edges)
    ordered = sorted(v.nodes, key=lambda n: n.degree)
    assert ordered[0].size < ordered[-1].size


def test_node_cap_gives_a_message_and_hints(store):
    neighbourhood = bfs("pakistan-steel-mills", 3, entity_edges())
    cap = len(neighbourhood) - 1
    v = build_network(store, NS, "pakistan-steel-mills", NetworkFilters.parse(depth=3), cap)
    assert v.too_many is not None and not v.nodes and not v.edges
    assert f"limit is {cap}" in v.too_many.message
    assert any("depth" in h for h in v.too_many.hints)
    fits = build_network(
        store, NS, "pakistan-steel-mills", NetworkFilters.parse(depth=3), len(neighbourhood)
    )
    assert fits.too_many is None and len(fits.nodes) == len(neighbourhood)
    overview = build_network(store, NS, None, NetworkFilters.parse(), 5)
    assert overview.too_many.exact and overview.too_many.count == len(view(store, None).nodes)


@pytest.mark.parametrize(
    ("params", "word"),
    [
        ({"depth": 4}, "depth"),
        ({"depth": 0}, "depth"),
        ({"date_from": "2025-13"}, "from"),
        ({"date_to": "soon"}, "to"),
        ({"date_from": "2025", "date_to": "2024"}, "after"),
        ({"source": "S01'}"}, "source"),
        ({"classes": ["Nope"]}, "Nope"),
        ({"classes": ["a b"]}, "class"),
    ],
)
def test_bad_filters_say_which_parameter(store, params, word):
    with pytest.raises(FilterError, match=word):
        build_network(store, NS, "pakistan", NetworkFilters.parse(**params), CAP)


def test_unknown_and_malformed_slugs(store):
    with pytest.raises(EntityNotFound, match="no-such-thing"):
        view(store, "no-such-thing")
    with pytest.raises(ValueError, match="slug"):
        view(store, "x> } DROP ALL {")


def test_filters_round_trip_as_query_parameters():
    f = NetworkFilters.parse(
        depth=3, classes=["Person,State"], date_from="1970", source="S01", publisher="Dawn"
    )
    again = NetworkFilters.parse(
        depth=3, classes=["Person", "State"], date_from="1970", source="S01", publisher="Dawn"
    )
    assert f == again
    assert (
        f.query_string() == "?depth=3&class=Person&class=State&from=1970&source=S01&publisher=Dawn"
    )


# -- timeline --------------------------------------------------------------------------


def fixture_events() -> dict[str, list[str]]:
    """Event entities of the fixture and their dates, from the fixture definition."""
    events = {
        slug
        for slug, (cls, _) in fx.ENTITIES.items()
        if cls in {"Signing", "Meeting", "Commissioning", "Shipment", "Visit", "Closure"}
    }
    dates: dict[str, list[str]] = {e: [] for e in events}
    for c in fx.CLAIMS:
        if c.subject in events and c.predicate == "date":
            dates[c.subject].append(c.object.value)
    return dates


def test_timeline_holds_every_dated_event_in_order(store):
    tl = build_timeline(store, NS)
    expected = {e for e, d in fixture_events().items() if d}
    assert {i.slug for i in tl.items} == expected
    starts = [i.span.start for i in tl.items]
    assert starts == sorted(starts)
    assert tl.start.year == 1960
    overchuk = next(i for i in tl.items if i.slug == "overchuk-meeting-2025-07")
    assert overchuk.disputed and not overchuk.point
    assert (overchuk.span.start.isoformat(), overchuk.span.end.isoformat()) == (
        "2025-07-09",
        "2025-07-10",
    )
    shipment = next(i for i in tl.items if i.slug == "fixture-shipment-2023")
    assert shipment.span.text == "2023-06" and shipment.span.end.day == 30


def test_timeline_themes_follow_what_events_concern(store):
    tl = build_timeline(store, NS)
    themes = {i.slug: set(i.themes) for i in tl.items}
    assert themes["psm-revival-signing-2025"] == {"steel"}  # signs → agreement → concerns PSM
    assert themes["fixture-commissioning-1981"] == {"pipeline"}
    assert themes["fixture-shipment-2023"] == {"oil-gas", "trade"}
    steel = build_timeline(store, NS, theme="steel")
    assert {i.slug for i in steel.items} == {s for s, t in themes.items() if "steel" in t}


def test_timeline_actor_filter(store):
    tl = build_timeline(store, NS, actor="haroon-akhtar-khan")
    slugs = {i.slug for i in tl.items}
    assert "overchuk-meeting-2025-07" in slugs and "nazaroof-akhtar-meeting-2025-05" in slugs
    assert "psm-revival-signing-2025" in slugs  # witness of the agreement signed there
    assert "fixture-commissioning-1981" not in slugs
    assert tl.actor.label == "Haroon Akhtar Khan"
    everyone = build_timeline(store, NS)
    assert "haroon-akhtar-khan" in {a.slug for a in everyone.actor_choices}


def test_timeline_items_cite_sources(store):
    tl = build_timeline(store, NS)
    signing = next(i for i in tl.items if i.slug == "psm-revival-signing-2025")
    assert [s.id for s in signing.sources] == ["S01"]
    data = signing.to_json(Links())
    assert data["pageUrl"] == "/id/psm-revival-signing-2025"
    assert data["sources"][0]["page"] == "/source/S01"
    assert data["type"] == "box"


@pytest.mark.parametrize(
    ("kwargs", "word"), [({"theme": "gold"}, "theme"), ({"actor": "A B"}, "actor")]
)
def test_timeline_bad_filters(store, kwargs, word):
    with pytest.raises(TimelineFilterError, match=word):
        build_timeline(store, NS, **kwargs)


def test_themes_cover_the_issue_list():
    assert set(THEMES) == {"steel", "oil-gas", "power", "pipeline", "trade", "commission"}


# -- rendering -------------------------------------------------------------------------

EXTERNAL_LOAD = re.compile(r"<(script|link|img|iframe)[^>]+(src|href)=\"(https?:)?//", re.I)


def test_rendered_pages_escape_hostile_text(store):
    html = render_network(view(store, "xss-person", depth=1))
    timeline = render_timeline(build_timeline(store, NS))
    for page in (html, timeline):
        for raw in (fx.XSS_LABEL, fx.XSS_NOTE, fx.XSS_QUOTE, fx.XSS_EVENT_LABEL, "<i>Evil</i>"):
            assert raw not in page
        assert "window.__xss" in page  # the text is there, escaped
        assert page.lower().count("<script") == page.lower().count("</script>")
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html
    assert "\\u003cscript\\u003e" in html  # inside the JSON for the page's script


def test_pages_load_nothing_from_elsewhere(store):
    for page in (
        render_network(view(store, "pakistan-steel-mills")),
        render_network(view(store, None)),
        render_timeline(build_timeline(store, NS)),
    ):
        assert not EXTERNAL_LOAD.search(page)
        for url in re.findall(r"<script[^>]+src=\"([^\"]+)\"", page):
            assert url.startswith("/viz/static/")


def test_rendering_writes_no_files(store, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    render_network(view(store, "pakistan-steel-mills"))
    render_timeline(build_timeline(store, NS))
    assert list(tmp_path.iterdir()) == []


def test_export_writes_one_standalone_file(store, tmp_path, monkeypatch):
    from viz.export import ExportError, write_view

    monkeypatch.chdir(tmp_path)
    out = write_view(store, NS, "pakistan-steel-mills", 2, tmp_path / "out" / "psm.html")
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["out", "psm.html"]
    html = out.read_text(encoding="utf-8")
    assert "<script src=" not in html and "new vis.Network" in html
    assert len(html) > 300_000  # vis-network is in-line
    assert 'href="https://w3id.org/prkg/id/pakistan-steel-mills"' in html
    assert not EXTERNAL_LOAD.search(html)
    with pytest.raises(ExportError, match="no-such"):
        write_view(store, NS, "no-such", 1, tmp_path / "x.html")
    with pytest.raises(ExportError, match="depth"):
        write_view(store, NS, "pakistan", 9, tmp_path / "x.html")
    assert not Path(tmp_path / "x.html").exists()


# -- HTTP ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(store):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.settings import Settings

    return TestClient(create_app(Settings(max_graph_nodes=CAP), store=store))


@pytest.mark.parametrize(
    ("url", "status", "text"),
    [
        ("/graph", 200, "Graph overview"),
        ("/graph/pakistan-steel-mills?depth=1", 200, "Network around Pakistan Steel Mills"),
        ("/graph/pakistan-steel-mills?class=Person&class=Agreement", 200, "prkgNetwork"),
        ("/graph/no-such-entity", 404, "no-such-entity"),
        ("/graph/pakistan?from=2025-99", 400, "from"),
        ("/graph?class=Gold", 400, "Gold"),
        ("/graph/pakistan?depth=9", 422, "depth"),
        ("/graph/Bad%20Slug", 422, "slug"),
        ("/timeline", 200, "Timeline of events"),
        ("/timeline?theme=steel&actor=haroon-akhtar-khan", 200, "Haroon Akhtar Khan"),
        ("/timeline?theme=gold", 400, "theme"),
        ("/viz/static/vis-timeline/vis-timeline-graph2d.min.js", 200, "vis-timeline"),
        ("/viz/static/..%2F..%2Fpyproject.toml", 404, "Not found"),
        ("/viz/static/%2Fetc%2Fpasswd", 404, "Not found"),
        ("/viz/static/vis-network/LICENSE-MIT", 404, "Not found"),
    ],
)
def test_routes(client, url, status, text):
    response = client.get(url)
    assert response.status_code == status, response.text[:300]
    assert text in response.text


def test_http_cap_comes_from_settings(store):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.settings import Settings

    small = TestClient(create_app(Settings(max_graph_nodes=3), store=store))
    page = small.get("/graph/pakistan-steel-mills?depth=2").text
    assert "Too many nodes" in page and "limit is 3" in page
