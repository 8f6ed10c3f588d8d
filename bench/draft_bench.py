"""How well `prkg draft` finds what curators found: recall and precision per language.

The hand curation in data/ is the answer key. Each claim with a quote is a small document (the
quote, dated by its source); the draft's mentions, dates and amounts in it are compared with
what the curators recorded:

- **entity mentions**: the answer is the claim's entities (subject, object, on_behalf_of) of
  the kinds a text names — actors, places, facilities, posts, projects — that the quote spells
  out (a label, an alternative label or the claim's `as_spelled`, found in the quote as whole
  words; a Russian word may differ in its last two letters, its case ending). Events and
  agreements are left out: a quote describes them ("signed an agreement") rather than naming
  them. A mention found is correct when its entity is curated for the same source and locator
  (any claim) or the quote spells one of its names out by the same rule; so "Russian" found as
  Russia counts as wrong, and so does "Pakistan" found inside "Pakistan Steel".
- **dates**: the answer is the object of each dated claim (date, startDate, …) with a quote; a
  date found is correct when it equals it or is a more precise date inside it.
- **amounts**: the answer is each quantity or money claim's object; an amount found is correct
  when a number (amount, min or max, after the unit's scale: Mt = 10⁶ t) and its unit or
  currency agree.

    .venv/bin/python bench/draft_bench.py [--data data] [--json FILE]

Prints a Markdown table; asserts nothing (tests/test_draft_bench.py runs it on a sample).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

from kg.data.loader import read_data
from kg.data.ontology import OntologyInfo
from kg.data.records import ClaimRecord, DataSet
from kg.draft.amounts import find_amounts
from kg.draft.dates import find_dates
from kg.draft.mentions import MentionFinder

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("en", "ur", "ru")
NAMED_KINDS = ("Actor", "Place", "Facility", "Post", "Project")
# A quote "states a date" when it has a year, a month's or a weekday's name, or a word such as
# "yesterday" (the bench's own list, apart from the draft's patterns): the dated claims whose
# date comes from elsewhere in the document cannot be found in their quote.
STATES_A_DATE = re.compile(
    r"(?<!\d)(1[6-9]\d\d|20\d\d)(?!\d)|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b"
    r"|\b(mon|tues|wednes|thurs|fri|satur|sun)day\b|\b(yesterday|today|tomorrow|ago)\b"
    r"|январ|феврал|март|апрел|\bма[йяе]\b|июн|июл|август|сентябр|октябр|ноябр|декабр"
    r"|понедельник|вторник|сред[уа]|четверг|пятниц|суббот|воскресень|вчера|сегодня|завтра|назад"
    r"|جنوری|فروری|مارچ|اپریل|مئی|جون|جولائی|اگست|ستمبر|اکتوبر|نومبر|دسمبر|پیر|منگل|بدھ|جمعرات"
    r"|جمعہ|ہفتہ|اتوار|آج|گزشتہ روز",
    re.IGNORECASE,
)
SCALE = {"Mt": ("t", 1e6), "Mt/a": ("t/a", 1e6), "bcm/a": ("bcm/a", 1.0)}


def _named_classes(onto: OntologyInfo) -> set[str]:
    kinds = [onto.classes[k] for k in NAMED_KINDS if k in onto.classes]
    return {
        local for local, iri in onto.classes.items()
        if any(onto.is_subclass(iri, k) for k in kinds)
    }  # fmt: skip


def spelled_out(quote: str, texts: list[str], lang: str) -> bool:
    """Does the quote spell one of the names (Russian: up to a two-letter case ending)?"""
    q = quote.casefold().replace("ё", "е")
    for text in texts:
        t = text.casefold().replace("ё", "е")
        if t and re.search(rf"(?<!\w){re.escape(t)}(?!\w)", q):
            return True
        if lang == "ru":
            words = re.findall(r"\w+", t)
            if words and all(
                re.search(rf"(?<!\w){re.escape(w[:-2] if len(w) > 5 else w)}", q) for w in words
            ):
                return True
    return False


def _names(data: DataSet, slug: str) -> list[str]:
    entity = data.entities[slug]
    return [*entity.labels.values(), *(t for ts in entity.alt_labels.values() for t in ts)]


def _slugs(claim: ClaimRecord, data: DataSet) -> list[str]:
    values = [claim.subject, claim.object, claim.on_behalf_of]
    return [v for v in values if isinstance(v, str) and v in data.entities]


def _amount_key(value: object) -> tuple[str, set[float]] | None:
    if not isinstance(value, dict):
        return None
    unit = str(value.get("currency") or value.get("unit") or "")
    unit, factor = SCALE.get(unit, (unit, 1.0))
    numbers = {float(value[k]) * factor for k in ("amount", "min", "max") if k in value}
    return (unit.split("/")[0], numbers) if numbers else None


def _amount_ok(found: dict, gold: list[dict]) -> bool:
    mine = _amount_key(found)
    for g in gold:
        theirs = _amount_key(g)
        if (
            mine
            and theirs
            and mine[0] == theirs[0]
            and any(abs(a - b) <= 0.005 * max(abs(b), 1) for a in mine[1] for b in theirs[1])
        ):
            return True
    return False


def _date_ok(found: str | None, gold: str) -> bool:
    return bool(found) and (found == gold or str(found).startswith(gold + "-"))


def evaluate(data_dir: Path, ontology_dir: Path, limit: int | None = None) -> dict[str, dict]:
    data, errors = read_data(data_dir)
    if errors:
        raise SystemExit(f"the data has errors: {errors[0]}")
    onto = OntologyInfo.load(ontology_dir)
    named = _named_classes(onto)
    temporal = {
        p for p, iri in onto.datatype_properties.items() if onto.literal_kind(iri) == "temporal"
    }
    finder = MentionFinder(data)
    by_place: dict[tuple[str, str | None], set[str]] = defaultdict(set)
    dates_at: dict[tuple[str, str | None], set[str]] = defaultdict(set)
    amounts_at: dict[tuple[str, str | None], list[dict]] = defaultdict(list)
    for c in data.claims:
        key = (c.source, c.locator)
        by_place[key].update(_slugs(c, data))
        if c.predicate in temporal:
            dates_at[key].add(str(c.object))
        if isinstance(c.object, dict):
            amounts_at[key].append(c.object)
    counts = {lang: defaultdict(int) for lang in LANGUAGES}
    quoted: dict[str, list[ClaimRecord]] = defaultdict(list)
    for c in data.claims:
        source = data.sources.get(c.source)
        if c.quote and source and source.language in LANGUAGES:
            quoted[source.language].append(c)
    chosen = []
    for claims in quoted.values():
        step = max(1, len(claims) // limit) if limit else 1  # a sample spread over the data
        chosen += claims[::step][:limit] if limit else claims
    for c in chosen:
        source = data.sources[c.source]
        lang = str(source.language)
        n = counts[lang]
        n["quotes"] += 1
        key = (c.source, c.locator)
        # entity mentions
        gold = set()
        for slug in _slugs(c, data):
            entity = data.entities[slug]
            if entity.cls not in named:
                continue
            texts = [*entity.labels.values(), *(t for ts in entity.alt_labels.values() for t in ts)]
            if c.as_spelled and slug == c.object:
                texts.append(c.as_spelled)
            if spelled_out(c.quote, texts, lang):
                gold.add(slug)
        found = {m.slug for m in finder.find(c.quote) if m.slug}
        n["mention_gold"] += len(gold)
        n["mention_hit"] += len(gold & found)
        n["mention_found"] += len(found)
        n["mention_right"] += sum(
            slug in by_place[key] or slug in gold or spelled_out(c.quote, _names(data, slug), lang)
            for slug in found
        )
        base = None
        if source and source.date and len(source.date) == 10:
            base = dt.date.fromisoformat(source.date)
        # dates
        if c.predicate in temporal:
            values = [d.value for d in find_dates(c.quote, lang, base)]
            n["date_gold"] += 1
            hit = any(_date_ok(v, str(c.object)) for v in values)
            n["date_hit"] += hit
            if STATES_A_DATE.search(c.quote):
                n["stated_gold"] += 1
                n["stated_hit"] += hit
            n["date_found"] += len(values)
            n["date_right"] += sum(any(_date_ok(v, g) for g in dates_at[key]) for v in values)
        # amounts
        if isinstance(c.object, dict) and _amount_key(c.object):
            values = [a.value for a in find_amounts(c.quote)]
            n["amount_gold"] += 1
            n["amount_hit"] += _amount_ok_any(values, c.object)
            n["amount_found"] += len(values)
            n["amount_right"] += sum(_amount_ok(v, amounts_at[key]) for v in values)
    return {lang: dict(n) for lang, n in counts.items()}


def _amount_ok_any(values: list[dict], gold: dict) -> bool:
    return any(_amount_ok(v, [gold]) for v in values)


def _pct(a: int, b: int) -> str:
    return f"{100.0 * a / b:.1f} %" if b else "–"


COLUMNS = [
    ("mention recall", "mention_hit", "mention_gold"),
    ("mention precision", "mention_right", "mention_found"),
    ("date recall", "date_hit", "date_gold"),
    ("date recall, quote states a date", "stated_hit", "stated_gold"),
    ("date precision", "date_right", "date_found"),
    ("amount recall", "amount_hit", "amount_gold"),
    ("amount precision", "amount_right", "amount_found"),
]


def table(results: dict[str, dict]) -> str:
    rows = [
        "| language | quotes | " + " | ".join(name for name, _a, _b in COLUMNS) + " |",
        "|---|---|" + "---|" * len(COLUMNS),
    ]
    for lang in LANGUAGES:
        n = defaultdict(int, results.get(lang, {}))
        cells = [f"{_pct(n[a], n[b])} ({n[a]}/{n[b]})" for _name, a, b in COLUMNS]
        rows.append(f"| {lang} | {n['quotes']} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument("--ontology", type=Path, default=ROOT / "ontology")
    parser.add_argument(
        "--limit", type=int, help="a sample of this many quotes per language, spread evenly"
    )
    parser.add_argument("--json", type=Path, help="also write the counts as JSON")
    args = parser.parse_args(argv)
    results = evaluate(args.data, args.ontology, args.limit)
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, sort_keys=True), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
