"""Curation of the source register (issue 6): coverage, themes and disputed facts.

The register of 78 documents is curated into data/ by hand. These tests check what a
reader of the graph relies on: every register document is in the graph and has claims,
weak documents never carry confident claims, one entity stands for one real thing, each
theme's gallery query answers with the facts we know are there, and every known
disagreement between sources is listed by the disputed-facts query, each side with its
sources. Graph-level tests run over the session build of the real data (`fixture_store`).
The source sets named here are lower bounds: a new document that corroborates a fact adds
to its sources and keeps these tests green; only a new disagreement must be added by hand.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from kg.data.loader import read_data
from kg.data.records import DataSet
from kg.store import EmbeddedStore

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("PRKG_TEST_DATA_DIR", ROOT / "data"))  # as in conftest
QUERIES = DATA_DIR / "queries"
ID = "https://w3id.org/prkg/id/"

# The register (../shared/sources/register.yaml) lists S01..S78. Product code and tests do
# not read ../shared; the count is fixed here.
REGISTER_IDS = {f"S{n:02d}" for n in range(1, 79)}
EVENT_CLASSES = {
    "Event", "Signing", "Meeting", "CommissionSession", "Visit", "Commissioning",
    "ConstructionStart", "Closure", "Announcement", "Shipment", "Discovery", "Founding",
    "Forum", "SupplyCut",
}  # fmt: skip


@pytest.fixture(scope="module")
def data() -> DataSet:
    dataset, errors = read_data(DATA_DIR)
    assert not errors, "\n".join(map(str, errors))
    return dataset


def run_gallery(store: EmbeddedStore, name: str) -> list[dict[str, str]]:
    rows = store.select((QUERIES / name).read_text(encoding="utf-8"))
    return [{k: v.value for k, v in row.items() if v is not None} for row in rows]


def source_set(row: dict[str, str]) -> set[str]:
    return {s.strip() for s in row.get("sources", "").split(",") if s.strip()}


# --- the data files ------------------------------------------------------------------------


def test_every_register_source_is_in_the_data(data: DataSet) -> None:
    register = {sid for sid in data.sources if re.fullmatch(r"S\d\d", sid)}
    assert register == REGISTER_IDS
    assert len(register) == 78


def test_every_register_source_has_claims_of_its_own(data: DataSet) -> None:
    claimed = {c.source for c in data.claims}
    assert sorted(REGISTER_IDS - claimed) == []


def test_titles_and_dates_are_honest(data: DataSet) -> None:
    for sid in REGISTER_IDS:
        src = data.sources[sid]
        assert "from URL slug" not in src.title, f"{sid}: slug note belongs in title_note"
        assert src.date or src.date_stated, sid
        if src.date is None:
            assert "not stated" in (src.date_stated or ""), f"{sid}: say the date is not stated"


def test_weak_sources_never_carry_confident_claims(data: DataSet) -> None:
    low = {sid for sid, s in data.sources.items() if s.reliability == "low"}
    assert {"S06", "S12", "S18", "S25", "S26", "S27", "S40", "S41", "S45"} <= low
    raised = [
        f"{c.file}:{c.line}"
        for c in data.claims
        if c.source in low and c.confidence not in (None, "low")
    ]
    assert raised == []


def test_every_event_is_dated(data: DataSet) -> None:
    dated = {c.subject for c in data.claims if c.predicate in ("date", "startDate")}
    undated = [s for s, e in data.entities.items() if e.cls in EVENT_CLASSES and s not in dated]
    assert undated == []


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\s\-–—.'’]+", " ", text).strip()


def test_one_entity_per_name(data: DataSet) -> None:
    owners: dict[tuple[str, str], set[str]] = defaultdict(set)
    for slug, entity in data.entities.items():
        names = [(lang, text) for lang, text in entity.labels.items()]
        names += [(lang, t) for lang, texts in entity.alt_labels.items() for t in texts]
        for lang, text in names:
            owners[(lang, _norm(text))].add(slug)
    # acronyms shared by a facility and its company (PSM) are the one allowed overlap
    shared = {
        k: v for k, v in owners.items() if len(v) > 1 and k[1] not in {"psm", "pakistan steel"}
    }
    assert shared == {}


def test_flow_mapping_labels_are_not_cut_at_commas() -> None:
    """`label: {en: A, B}` silently drops ', B' in YAML flow style: labels must be quoted."""
    for path in sorted((DATA_DIR / "entities").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for entity in doc.get("entities") or []:
            label = entity.get("label") or {}
            empty = [k for k, v in label.items() if v is None]
            assert empty == [], f"{path.name}: {entity['slug']} label split at a comma"


def test_spellings_are_kept_on_claims(data: DataSet) -> None:
    spelled = {(c.subject, c.object if isinstance(c.object, str) else None, c.as_spelled)
               for c in data.claims if c.as_spelled}  # fmt: skip
    assert ("industries-engineering-llc", "russia", "Industrial Engineering LLC") in spelled
    assert any(
        s == "ns-iga-amending-protocol-2021" and a == "Nikolai Shulginov" for s, _, a in spelled
    )
    alts = data.entities["nikolay-shulginov"].alt_labels["en"]
    assert "Nikolai Shulginov" in alts


# --- the built graph ----------------------------------------------------------------------


def test_every_source_document_in_the_graph_has_claims(fixture_store: EmbeddedStore) -> None:
    rows = fixture_store.select(
        """PREFIX prkg: <https://w3id.org/prkg/ontology#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX dct: <http://purl.org/dc/terms/>
        SELECT ?id (COUNT(?c) AS ?n) WHERE {
          ?doc a prkg:SourceDocument ; dct:identifier ?id .
          OPTIONAL { ?c a prkg:Claim ; prov:wasDerivedFrom ?doc }
        } GROUP BY ?id"""
    )
    counts = {r["id"].value: int(r["n"].value) for r in rows}
    assert set(counts) >= REGISTER_IDS
    assert [sid for sid, n in counts.items() if n == 0] == []


def test_s12_error_is_recorded_as_low_confidence_only(fixture_store: EmbeddedStore) -> None:
    rows = fixture_store.select(
        """PREFIX prkg: <https://w3id.org/prkg/ontology#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT DISTINCT ?level WHERE {
          ?c prov:wasDerivedFrom <https://w3id.org/prkg/source/S12> ; prkg:confidence ?level .
          FILTER NOT EXISTS { ?c prkg:locator "whole document" }
        }"""
    )
    assert {r["level"].value for r in rows} == {"https://w3id.org/prkg/ontology#LowConfidence"}
    assert not fixture_store.ask(
        """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        ASK { ?person rdfs:label ?name . FILTER(CONTAINS(STR(?name), "Imran")) }"""
    )


def test_theme_steel_timeline(fixture_store: EmbeddedStore) -> None:
    rows = run_gallery(fixture_store, "theme-steel.rq")
    got = {(r["date"], r["event"].removeprefix(ID)): source_set(r) for r in rows}
    assert {"S20"} <= got[("1969-01", "psm-feasibility-signing-1969")]
    assert {"S20"} <= got[("1971-01", "psm-assistance-signing-1971")]
    assert {"S21"} <= got[("1973-12", "psm-foundation-stone-1973")]
    assert {"S23", "S27"} <= got[("1985-01-15", "psm-inauguration-1985")]
    assert {"S33"} <= got[("2024-07-04", "psm-gas-disconnection-2024")]
    assert {"S01"} <= got[("2025-07-11", "psm-revival-signing-2025")]
    dates = [r["date"] for r in rows]
    assert dates == sorted(dates)


def _statements(rows: list[dict[str, str]]) -> dict[tuple[str, str, str], set[str]]:
    return {(r["subject"].removeprefix(ID), r["property"], r["value"]): source_set(r) for r in rows}


def test_theme_oil_and_gas(fixture_store: EmbeddedStore) -> None:
    got = _statements(run_gallery(fixture_store, "theme-oil-gas.rq"))
    assert {"S40"} <= got[("ogdcl", "prkg:foundingDate", "1961-09-20")]
    assert {"S40", "S41"} <= got[("ogdcl", "prkg:foundingDate", "1961-04-04")]
    assert {"S37"} <= got[("ogdcl", "prkg:discovered", "Toot oil field")]
    assert {"S38"} <= got[("soviet-oil-exploration-loan-1961", "prkg:loanAmount", "27000000 SUR")]
    assert {"S39"} <= got[("oil-exploration-agreement-signing-1961", "prkg:date", "1961-03-04")]
    assert {"S59", "S60"} <= got[("first-russian-crude-cargo-2023", "prkg:paymentCurrency", "CNY")]
    assert {"S60"} <= got[("first-russian-crude-cargo-2023", "prkg:volume", "45000 t")]
    assert ("lng-iga-signing-2017", "prkg:date", "2017-10-13") in got


def test_theme_power(fixture_store: EmbeddedStore) -> None:
    got = _statements(run_gallery(fixture_store, "theme-power.rq"))
    assert {"S43"} <= got[("guddu-thermal-power-station", "prkg:installedCapacity", "1762 MW")]
    assert {"S44"} <= got[("guddu-tpe-units", "prkg:installedCapacity", "220 MW")]
    assert {"S44"} <= got[("muzaffargarh-units-1-3", "prkg:builtBy", "Technopromexport")]
    assert {"S44"} <= got[("muzaffargarh-units-installation", "prkg:startDate", "1993")]
    key = ("guddu-thermal-power-station", "prkg:builtWithAssistanceOf", "Soviet Union")
    assert {"S06", "S43"} <= got[key]


def test_theme_pipeline(fixture_store: EmbeddedStore) -> None:
    got = _statements(run_gallery(fixture_store, "theme-pipeline.rq"))
    pipe = "pakistan-stream-gas-pipeline"
    assert {"S45", "S51"} <= got[(pipe, "prkg:length", "1100 km")]
    assert {"S54"} <= got[(pipe, "prkg:length", "1122 km")]
    assert {"S45", "S51"} <= got[(pipe, "prkg:capacity", "12.4 bcm/a")]
    assert {"S49"} <= got[(pipe, "prkg:formerName", "North-South Gas Pipeline")]
    assert {"S52"} <= got[("psgp-shareholding-pakistan", "prkg:share", "74 percent")]
    assert {"S46", "S503"} <= got[("ns-iga-signing-2015", "prkg:date", "2015-10-16")]
    assert {"S49"} <= got[("ns-iga-amending-protocol-2021", "prkg:signatory", "Nikolay Shulginov")]


def test_theme_trade(fixture_store: EmbeddedStore) -> None:
    got = _statements(run_gallery(fixture_store, "theme-trade.rq"))
    assert {"S76"} <= got[("trade-pk-ru-fy2022-23-total", "prkg:tradeValue", "920000000 USD")]
    key = ("trade-pk-ru-2023-total", "prkg:tradeValue", "more than 1000000000 USD")
    assert {"S77", "S78"} <= got[key]
    assert {"S78"} <= got[("trade-pk-ru-2023-total", "prkg:changeRate", "more than 50 percent")]
    key = ("b2b-barter-trade-mechanism-2023", "prkg:instrumentNumber", "SRO 642(I)/2023")
    assert {"S67"} <= got[key]
    assert {"S66", "S67"} <= got[("b2b-barter-mechanism-issue-2023", "prkg:date", "2023-06-01")]


def test_theme_commission(fixture_store: EmbeddedStore) -> None:
    rows = run_gallery(fixture_store, "theme-commission.rq")
    by_number = {r["number"]: r for r in rows if "number" in r}
    assert set(by_number) >= {"5", "7", "8", "9", "10"}
    assert by_number["10"]["place"] == "Islamabad"
    assert set(by_number["10"]["coChairs"].split(", ")) == {
        "Awais Ahmad Khan Leghari",
        "Sergei Tsivilev",
    }
    assert set(by_number["8"]["coChairs"].split(", ")) == {"Ayaz Sadiq", "Nikolay Shulginov"}
    assert set(by_number["5"]["coChairs"].split(", ")) == {"Khurram Dastgir Khan", "Denis Manturov"}
    assert by_number["7"]["place"] == "Yekaterinburg"
    assert {"S55", "S69"} <= source_set(by_number["7"])
    assert any("2014-11-26" in r["dates"] for r in rows)  # the unnumbered 2014 session


# Each known disagreement: (subject, property) -> {value: sources giving it}.
PSM, PIPE = "pakistan-steel-mills", "pakistan-stream-gas-pipeline"
KNOWN_DISAGREEMENTS: dict[tuple[str, str], dict[str, set[str]]] = {
    # curthin (2026-12-02): two real disagreements of the new documents, kept as they are
    ("sharif-moscow-visit-1999", "prkg:date"): {"1999-03": {"S1057"}, "1999-04": {"S956"}},
    ("zardari-moscow-visit-2011", "prkg:startDate"): {
        "2011-05-11": {"S1074"}, "2011-05-12": {"S965"}},
    # the infoboxes' "Founded" is the company's: against the corporation's own 1968 (audit)
    ("pakistan-steel-mills-corporation-founding", "prkg:date"): {
        "1968-07-02": {"S20"}, "1973-12-30": {"S25"}, "1973-07-02": {"S26"}},
    (PSM, "prkg:builtIn"): {"1973": {"S01", "S03", "S13"}, "1971": {"S04", "S17"}},
    (PSM, "prkg:builtInPeriod"): {"the 1970s": {"S02", "S25"}, "early 1980s": {"S08"}},
    # derived from two events (the start of production, the inauguration): they disagree
    (PSM, "prkg:operationalSince"): {
        "1978": {"S30"}, "1971": {"S18"}, "1985-01-15": {"S23", "S27"}},
    ("pakistan-steel-mills-production-start", "prkg:date"): {
        "1985": {"S21"}, "1978": {"S30"}, "1971": {"S18"}},
    # a curated or event-derived construction start against the foundation stone's date
    (PSM, "prkg:constructionStartDate"): {
        "1973-12": {"S21"}, "1973-12-30": {"S29"}, "1976": {"S22"}},
    # S28's installed capacity of 2011 (1.1 Mt/a) and the design capacity of S27 and S29
    # (2.2 Mt/a) are other properties since ontology 0.4.0: no dispute with these.
    (PSM, "prkg:capacity"): {"1 Mt/a": {"S08"}, "1.1–5 Mt/a": {"S01", "S25"}},
    (PSM, "prkg:area"): {"18660 acre": {"S19"}, "19000 acre": {"S31"}},
    ("new-karachi-steel-mills", "prkg:allocatedLand"): {
        "700 acre": {"S02", "S509"}, "710 acre": {"S19"}},
    ("overchuk-meeting-2025-07", "prkg:date"): {
        "2025-07-09": {"S01"}, "2025-07-10": {"S09", "S10"}},
    (PIPE, "prkg:length"): {"1100 km": {"S45", "S51"}, "1122 km": {"S54"}, "1040 km": {"S53"}},
    (PIPE, "prkg:destination"): {"Lahore": {"S46", "S52"}, "Kasur": {"S53", "S54"}},
    ("ogdcl-founding", "prkg:date"): {"1961-04-04": {"S40", "S41"}, "1961-09-20": {"S40"}},
    # one document, two figures: the headline's $1 billion, the text's "up to $500 million"
    ("russia-psm-assistance-offer-2013", "prkg:grantAmount"): {
        "1000000000 USD": {"S44"}, "up to 500000000 USD": {"S44"}},
    ("ogdcl-gazprom-mou-signing-2017", "prkg:date"): {"2017-07-03": {"S63"}, "2017-07-04": {"S62"}},
}  # fmt: skip


@pytest.fixture(scope="module")
def disputed(fixture_store: EmbeddedStore) -> dict[tuple[str, str], dict[str, set[str]]]:
    listed: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(dict)
    for row in run_gallery(fixture_store, "disputed-facts.rq"):
        listed[(row["subject"].removeprefix(ID), row["property"])][row["value"]] = source_set(row)
    return dict(listed)


@pytest.mark.parametrize("pair", sorted(KNOWN_DISAGREEMENTS), ids=lambda p: f"{p[0]}-{p[1]}")
def test_disputed_facts_lists_each_known_disagreement(
    disputed: dict[tuple[str, str], dict[str, set[str]]], pair: tuple[str, str]
) -> None:
    assert pair in disputed, f"{pair} is not listed as disputed"
    for value, sources in KNOWN_DISAGREEMENTS[pair].items():
        assert sources <= disputed[pair].get(value, set()), (pair, value, disputed[pair])


def test_disputed_capacity_range_keeps_both_sources(
    disputed: dict[tuple[str, str], dict[str, set[str]]],
) -> None:
    ranges = {v: s for v, s in disputed[(PSM, "prkg:capacity")].items() if v.startswith("1.1–5")}
    assert list(ranges.values()) == [{"S01", "S25"}]  # "1.1 to 5.0 million tonnes"


def test_disputed_facts_lists_nothing_else(
    disputed: dict[tuple[str, str], dict[str, set[str]]],
) -> None:
    """A new disagreement must be seen and added above; precision-only differences never count."""
    assert set(disputed) == set(KNOWN_DISAGREEMENTS)
    assert ("pakistan-steel-mills", "prkg:ceasedOperations") not in disputed  # 2015 vs 2015-06
    # values derived from one event are listed once, on the event's date
    assert ("ogdcl", "prkg:foundingDate") not in disputed
    assert ("pakistan-steel-mills-corporation", "prkg:foundingDate") not in disputed
    assert ("psm-inauguration-1985", "prkg:date") not in disputed  # 1985-01 vs 1985-01-15
    # one sum in two currencies (27 million roubles, $30 million), linked by prkg:sameSumAs,
    # is not a disagreement
    assert ("soviet-oil-exploration-loan-1961", "prkg:loanAmount") not in disputed
    # a design capacity and an installed capacity of 2011 are two properties, each agreed
    assert (PSM, "prkg:designCapacity") not in disputed
    assert (PSM, "prkg:installedCapacity") not in disputed


def test_contributing_example_matches_the_data(data: DataSet) -> None:
    """The worked example in CONTRIBUTING.md is the real S31 entry, so it cannot go stale."""
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", guide, flags=re.S)
    docs = [yaml.safe_load(b) for b in blocks]
    source_doc = next(d for d in docs if isinstance(d, list) and d and "url" in d[0])
    claims_doc = next(d for d in docs if isinstance(d, dict) and "claims" in d)
    example = source_doc[0]
    real = data.sources[example["id"]]
    assert (example["url"], example["title"], example["publisher"]) == (
        real.url,
        real.title,
        real.publisher,
    )
    actual = {
        (c.subject, c.predicate, str(c.object)) for c in data.claims if c.source == example["id"]
    }
    for claim in claims_doc["claims"]:
        assert (claim["subject"], claim["predicate"], str(claim["object"])) in actual
