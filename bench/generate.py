"""Synthetic data in prkg's `data/` format, shaped like the real graph, at any size.

The benchmark must measure the real pipeline (`prkg build` reads YAML, validates, reasons)
on data like ours, so this writes `sources.yaml`, `entities/*.yaml` and `claims/*.yaml`
with the same classes and the same (subject class, predicate, object) patterns as the
hand-curated data: agreements (Protocol) between states, their signing events, meetings and
delegations, the people and posts involved, companies, government bodies and the
facilities (SteelMill) they concern. Every cluster of facts is reported by two or three
sources; one cluster in five has a disputed fact (a second source gives another signing
date or capacity), as real reporting does.

Everything is marked synthetic: ids start with `bench-`, labels say "Synthetic", and source
URLs are under example.org (reserved for examples), so nothing here can pass for a fact.

    python bench/generate.py --triples 100k --out bench/work/data-100k
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

# Triples one cluster yields after `prkg build` (plain facts, claim nodes, entity records,
# inferred triples); measured on a 100k build and used to size the output.
TRIPLES_PER_CLUSTER = 760
CLAIMS_PER_FILE = 2_000
FIRST_YEAR = 1972
YEARS = 54
KINDS = ("newspaper", "news-agency", "official", "trade-press")
PUBLISHERS = tuple(f"Synthetic Press {i}" for i in range(40))


def parse_size(text: str) -> int:
    """'100k', '1M', '5m', '250000' → number of triples."""
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    number = text[:-1] if factor != 1 else text
    return int(float(number) * factor)


@dataclass
class Writer:
    out: Path
    sources: list[dict] = field(default_factory=list)
    entities: list[dict] = field(default_factory=list)
    claims: list[dict] = field(default_factory=list)
    claim_files: int = 0

    def entity(self, slug: str, cls: str, label: str, sources: list[str], **extra: object) -> str:
        self.entities.append(
            {"slug": slug, "class": cls, "label": {"en": label}, "sources": sources, **extra}
        )
        return slug

    def claim(
        self, source: str, subject: str, predicate: str, obj: object, **extra: object
    ) -> None:
        self.claims.append(
            {
                "subject": subject,
                "predicate": predicate,
                "object": obj,
                "source": source,
                "locator": extra.pop("locator", "para 1"),
                "note": extra.pop("note", "Synthetic benchmark fact."),
                **extra,
            }
        )
        if len(self.claims) >= CLAIMS_PER_FILE:
            self.flush_claims()

    def flush_claims(self) -> None:
        if not self.claims:
            return
        path = self.out / "claims" / f"bench-{self.claim_files:05d}.yaml"
        write_list(path, "claims", self.claims, header="# Synthetic claims for the benchmark.")
        self.claims = []
        self.claim_files += 1


def write_list(path: Path, key: str, items: list[dict], header: str) -> None:
    """YAML with one flow mapping per item (JSON is YAML): fast to write, diff-friendly."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        fh.write(f"{header}\n{key}:\n")
        for item in items:
            fh.write(f"- {json.dumps(item, ensure_ascii=False)}\n")


def day(rng: random.Random, year: int) -> str:
    return f"{year:04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def generate(out: Path, triples: int, seed: int = 7) -> dict[str, int]:
    """Write a data directory of about `triples` triples; return counts of what was written."""
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    (out / "entities").mkdir(parents=True)
    (out / "claims").mkdir(parents=True)
    w = Writer(out)
    clusters = max(4, triples // TRIPLES_PER_CLUSTER)
    n_states = 30
    n_cities = max(8, clusters // 15)
    n_bodies = max(6, clusters // 8)

    # Shared reference sources for the long-lived entities (states, cities, bodies).
    ref_sources = []
    for i in range(max(3, clusters // 50)):
        sid = f"bench-ref-{i}"
        ref_sources.append(sid)
        w.sources.append(
            {
                "id": sid,
                "url": f"https://example.org/bench/reference/{i}",
                "title": f"Synthetic reference work {i}",
                "publisher": "Synthetic Encyclopedia",
                "date": f"{2000 + i % 25}",
                "date_stated": f"{2000 + i % 25}",
                "kind": "encyclopedia",
                "reliability": "medium",
                "language": "en",
            }
        )
    states = [
        w.entity(f"bench-state-{i}", "State", f"Synthetic State {i}", [rng.choice(ref_sources)])
        for i in range(n_states)
    ]
    cities = [
        w.entity(f"bench-city-{i}", "City", f"Synthetic City {i}", [rng.choice(ref_sources)])
        for i in range(n_cities)
    ]
    bodies = [
        w.entity(
            f"bench-body-{i}",
            "GovernmentBody",
            f"Synthetic Ministry {i}",
            [rng.choice(ref_sources)],
        )
        for i in range(n_bodies)
    ]
    for i, body in enumerate(bodies[1:], start=1):
        if i % 4:
            w.claim(rng.choice(ref_sources), body, "subOrganizationOf", bodies[i // 4])

    disputed = 0
    for c in range(clusters):
        year = FIRST_YEAR + c % YEARS
        date = day(rng, year)
        src_a, src_b = f"bench-s{c}a", f"bench-s{c}b"
        for sid, kind, rel in ((src_a, rng.choice(KINDS), "high"), (src_b, "newspaper", "medium")):
            w.sources.append(
                {
                    "id": sid,
                    "url": f"https://example.org/bench/article/{sid}",
                    "title": f"Synthetic article {sid} on cooperation cluster {c}",
                    "publisher": rng.choice(PUBLISHERS),
                    "date": date,
                    "date_stated": date,
                    "kind": kind,
                    "reliability": rel,
                    "language": "en",
                }
            )
        both = [src_a, src_b]
        x, y = rng.sample(states, 2)
        city = rng.choice(cities)
        body = rng.choice(bodies)
        p = f"bench-c{c}"
        mill = w.entity(
            f"{p}-mill",
            "SteelMill",
            f"Synthetic Steel Works {c}",
            both,
            description=f"Synthetic facility of cluster {c}.",
        )
        project = w.entity(f"{p}-project", "Project", f"Synthetic revival project {c}", [src_a])
        protocol = w.entity(f"{p}-protocol", "Protocol", f"Synthetic agreement {c}", both)
        signing = w.entity(
            f"{p}-signing", "Signing", f"Signing of synthetic agreement {c}", [src_a]
        )
        meeting = w.entity(f"{p}-meeting", "Meeting", f"Synthetic talks {c}", [src_a])
        delegation = w.entity(f"{p}-delegation", "Delegation", f"Synthetic delegation {c}", [src_a])
        venue = w.entity(f"{p}-venue", "Venue", f"Synthetic embassy {c}", [src_a])
        company = w.entity(f"{p}-company", "Company", f"Synthetic Engineering {c} LLC", [src_a])
        enterprise = w.entity(
            f"{p}-soe", "StateOwnedEnterprise", f"Synthetic Steel Corp {c}", [src_a]
        )
        person_a = w.entity(f"{p}-official", "Person", f"Synthetic Official {c}", [src_a])
        person_b = w.entity(f"{p}-director", "Person", f"Synthetic Director {c}", both)
        witness = w.entity(f"{p}-envoy", "Person", f"Synthetic Envoy {c}", [src_a])
        post_a = w.entity(
            f"{p}-post-secretary", "Post", f"Secretary, synthetic ministry {c}", [src_a]
        )
        post_b = w.entity(f"{p}-post-director", "Post", f"General director, company {c}", [src_a])

        a = src_a
        w.claim(a, protocol, "party", x, quote=f"Synthetic quote {c}: the two states signed.")
        w.claim(a, protocol, "party", y)
        w.claim(a, protocol, "concerns", mill)
        w.claim(a, protocol, "partOfProject", project)
        w.claim(a, protocol, "signatory", person_a, role=post_a)
        w.claim(a, protocol, "signatory", person_b, role=post_b)
        w.claim(a, protocol, "witness", witness, locator="para 4")
        w.claim(a, signing, "signs", protocol)
        w.claim(a, signing, "date", date, locator="para 1")
        w.claim(a, signing, "place", venue, locator="para 3")
        w.claim(a, venue, "location", city, locator="para 3")
        for person in (person_a, person_b, witness):
            w.claim(a, signing, "participant", person, locator="para 3")
        w.claim(a, person_a, "holdsPost", post_a, as_of=date)
        w.claim(a, post_a, "postIn", body)
        w.claim(a, person_b, "holdsPost", post_b, as_of=date)
        w.claim(a, post_b, "postIn", company)
        w.claim(a, company, "country", y)
        w.claim(a, delegation, "ledBy", person_b, locator="para 2")
        w.claim(a, delegation, "represents", y, locator="para 2")
        w.claim(a, meeting, "participant", delegation, locator="para 2")
        w.claim(a, meeting, "participant", person_a, locator="para 2")
        w.claim(a, meeting, "date", day(rng, year), locator="para 2")
        w.claim(a, meeting, "place", city, locator="para 2")
        w.claim(a, meeting, "concerns", mill, locator="para 2")
        w.claim(a, mill, "location", city, locator="para 5")
        w.claim(a, mill, "builtWithAssistanceOf", y, locator="para 5")
        w.claim(a, mill, "builtIn", str(year - rng.randint(5, 40)), locator="para 5")
        w.claim(a, mill, "operator", enterprise, locator="para 6")
        w.claim(a, enterprise, "owner", body, locator="para 6")
        w.claim(a, mill, "partOfProject", project, locator="para 6")
        w.claim(a, project, "concerns", mill, locator="para 6")
        low = round(rng.uniform(0.5, 3.0), 1)
        w.claim(
            a,
            mill,
            "capacity",
            {"min": low, "max": round(low * 2, 1), "unit": "Mt"},
            locator="para 7",
            confidence="medium",
        )
        # The second source repeats part of the story, and in one cluster in five disputes it.
        b = src_b
        w.claim(b, protocol, "party", x, confidence="medium")
        w.claim(b, protocol, "party", y, confidence="medium")
        w.claim(b, protocol, "concerns", mill, confidence="medium")
        w.claim(b, protocol, "signatory", person_b, confidence="medium")
        if c % 5 == 0:
            disputed += 1
            other = f"{year:04d}-{int(date[5:7]):02d}-{min(int(date[8:]) + 1, 28):02d}"
            if other == date:
                other = f"{year:04d}-{int(date[5:7]):02d}-{int(date[8:]) - 1:02d}"
            w.claim(
                b,
                signing,
                "date",
                other,
                confidence="low",
                note="Synthetic dispute: this source gives another signing date.",
            )
            w.claim(
                b,
                mill,
                "capacity",
                {"amount": round(low * 3, 1), "unit": "Mt"},
                confidence="low",
                note="Synthetic dispute: another capacity.",
            )
        else:
            w.claim(b, signing, "date", date, confidence="medium")

    w.flush_claims()
    # The editors' curation source (labels are its claims), copied from the real data.
    curation = Path(__file__).resolve().parent.parent / "data" / "sources-curation.yaml"
    if curation.exists():
        shutil.copy2(curation, out / "sources-curation.yaml")
    write_list(out / "sources.yaml", "sources", w.sources, "# Synthetic sources (example.org).")
    write_list(
        out / "entities" / "bench.yaml",
        "entities",
        w.entities,
        "# Synthetic entities for the benchmark.",
    )
    return {
        "clusters": clusters,
        "sources": len(w.sources),
        "entities": len(w.entities),
        "claim_files": w.claim_files,
        "disputed_clusters": disputed,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--triples", default="100k", help="target size: 100k, 1M, 5M, …")
    parser.add_argument("--out", type=Path, required=True, help="data directory to write")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    counts = generate(args.out, parse_size(args.triples), args.seed)
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
