"""`prkg draft` on real text: what the review file holds, and `accept` refusing what it must.

Real components throughout: the data of data/, the ontology, the reconciliation index's
matching, dateparser, trafilatura.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from kg.draft.accept import DraftAcceptError, accept_draft
from kg.draft.amounts import find_amounts
from kg.draft.claims import MAX_QUOTE_WORDS
from kg.draft.dates import find_dates
from kg.draft.draft import Drafter
from kg.draft.review import write_review

ROOT = Path(__file__).resolve().parents[1]
URL = "https://www.dawn.com/news/1923660/deal-with-russia-to-revive-pakistan-steel-mills"


@pytest.fixture(scope="module")
def drafter() -> Drafter:
    return Drafter(ROOT / "data", ROOT / "ontology")


def test_mentions_in_three_scripts(drafter: Drafter) -> None:
    base = dt.date(2025, 7, 12)
    ru = drafter.analyse("Президент России Владимир Путин прибыл в Москву.", "ru", base, "para 1")
    assert {m.slug: m.as_spelled for m in ru["mentions"]}["vladimir-putin"] == "Владимир Путин"
    ur = drafter.analyse("پاکستان اور روس نے کراچی میں معاہدہ کیا", "ur", base, "para 1")
    assert {m.slug for m in ur["mentions"]} >= {"pakistan", "russia", "karachi"}
    en = drafter.analyse("Vadim Velichko met officials in Moscow.", "en", base, "para 1")
    assert [m.slug for m in en["mentions"]] == ["vadim-velichko", "moscow"]


def test_candidate_new_entities_have_a_class(drafter: Drafter) -> None:
    found = drafter.analyse(
        "The Ministry of Maritime Affairs met Zorbex Holding LLC in Karachi.", "en", None, "para 2"
    )
    classes = {n.name: n.suggested_class for n in found["new_names"]}
    assert classes["Ministry of Maritime Affairs"] == "GovernmentBody"
    assert classes["Zorbex Holding LLC"] == "Company"
    assert "Karachi" not in classes  # known: a mention, not a new name


def test_dates_relative_and_absolute() -> None:
    base = dt.date(2025, 7, 12)
    found = {
        d.text: d for d in find_dates("On Friday they met; yesterday (July 6) too.", "en", base)
    }
    assert found["On Friday"].value == "2025-07-11" and found["On Friday"].kind == "relative"
    assert "2025-07-12" in found["On Friday"].note
    assert found["July 6"].value == "2025-07-06"
    week = find_dates("in the last week of November", "en", base)[0]
    assert week.value == "2024-11" and "2024-11-24 to 2024-11-30" in week.note
    ru = find_dates("В феврале 2003 года и 16 октября 2015 года", "ru", None)
    assert [d.value for d in ru] == ["2003-02", "2015-10-16"]
    ur = find_dates("پاکستان اور روس نے 16 اکتوبر 2015ء کو معاہدہ کیا", "ur", None)
    assert [d.value for d in ur] == ["2015-10-16"]
    assert find_dates("on Friday", "en", None)[0].value is None  # no document date: no guess


def test_amounts_with_magnitudes() -> None:
    values = [a.value for a in find_amounts(
        "Rs 50 lakh, 5 crore rupees, $1.5bn, more than $1 billion, 1,5 млрд долларов, "
        "۳ ارب ڈالر, 1.1 to 5.0 million tonnes"
    )]  # fmt: skip
    assert values == [
        {"amount": 5_000_000, "currency": "PKR"},
        {"amount": 50_000_000, "currency": "PKR"},
        {"amount": 1_500_000_000, "currency": "USD"},
        {"min": 1_000_000_000, "currency": "USD"},
        {"amount": 1_500_000_000, "currency": "USD"},
        {"amount": 3_000_000_000, "currency": "USD"},
        {"min": 1_100_000, "max": 5_000_000, "unit": "t"},
    ]


def test_html_and_dateline(drafter: Drafter, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    filler = "The two sides discussed cooperation in trade, energy and industry at length. " * 3
    page.write_text(
        "<html><head><title>Talks in Moscow</title></head><body><nav>Home | World</nav>"
        f"<article><h1>Talks in Moscow</h1><p>ISLAMABAD, July 11 (APP): Pakistan and Russia "
        f"signed a protocol in Moscow on Friday. {filler}</p><p>{filler}</p></article>"
        "<footer>Copyright</footer></body></html>",
        encoding="utf-8",
    )
    draft = drafter.draft(page, "https://profit.pakistantoday.com.pk/2025/07/11/talks/", None)
    assert draft.source["date"] == "2025-07-11" and draft.date.rule == "dateline"
    assert draft.source["publisher"] == "Profit (Pakistan Today)"
    assert not any("Copyright" in p["text"] or "Home |" in p["text"] for p in draft.paragraphs)
    out = write_review(draft, tmp_path / "page.review.yaml")
    doc = yaml.safe_load(out.read_text(encoding="utf-8"))
    for claim in doc["claims"]:
        assert claim["review"] is True
        assert len(claim["quote"].split()) <= MAX_QUOTE_WORDS
        assert claim["quote"] in " ".join(p["text"] for p in doc["paragraphs"])


def test_quote_is_cut_to_thirty_words(drafter: Drafter) -> None:
    long = ("Officials said that " + "the talks went on for many hours and " * 6
            + "Pakistan and Russia signed an agreement in Moscow.")  # fmt: skip
    claims = drafter.analyse(long, "en", None, "para 3")["claims"]
    assert claims
    for c in claims:
        assert len(c.quote.split()) <= MAX_QUOTE_WORDS and c.quote in long


def _review(tmp_path: Path, claims: list[dict]) -> Path:
    path = tmp_path / "r.yaml"
    source = {
        "id": "S9999", "url": URL, "title": "T", "publisher": "Dawn", "date": "2025-07-12",
        "date_stated": "Published in Dawn, July 12th, 2025", "kind": "newspaper",
        "reliability": "high", "language": "en",
    }  # fmt: skip
    path.write_text(yaml.safe_dump({"source": "S9999", "sources": [source], "claims": claims}))
    return path


@pytest.mark.parametrize(
    ("claim", "problem"),
    [
        ({"subject": "psm-revival-agreement-2025", "predicate": "party", "object": "russia",
          "locator": "para 1", "note": "n", "review": True}, "still marked `review: true`"),
        ({"subject": "psm-revival-agreement-2025", "predicate": "party", "object": "russia",
          "locator": "para 1"}, "claim without a note"),
        ({"subject": "psm-revival-agreement-2025", "predicate": "party", "object": "rusia",
          "locator": "para 1", "note": "n"}, "unknown entity 'rusia'"),
    ],
)  # fmt: skip
def test_accept_refuses_and_writes_nothing(tmp_path: Path, claim: dict, problem: str) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    before = sorted(p.name for p in (data / "claims").iterdir())
    with pytest.raises(DraftAcceptError, match=problem.replace("`", ".")):
        accept_draft(_review(tmp_path, [claim]), data, ROOT / "ontology")
    assert sorted(p.name for p in (data / "claims").iterdir()) == before


def test_accept_writes_the_reviewed_entries(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    claim = {"subject": "psm-revival-agreement-2025", "predicate": "party", "object": "russia",
             "locator": "para 1", "note": "Russia is a party.", "why": "drafted"}  # fmt: skip
    target = accept_draft(_review(tmp_path, [claim]), data, ROOT / "ontology")
    assert target == data / "claims" / "S9999-dawn.yaml"
    written = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert written["claims"] == [{k: v for k, v in claim.items() if k != "why"}]
    with pytest.raises(DraftAcceptError, match="exists already"):
        accept_draft(_review(tmp_path, [claim]), data, ROOT / "ontology")
