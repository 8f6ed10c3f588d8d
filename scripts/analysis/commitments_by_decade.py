"""Soviet and Russian commitments to Pakistan by decade and sector, as a figure.

A first analysis of a release's `projects.csv`, the way a researcher would do it: a row is a
commitment when the Soviet Union or Russia financed it or was party to it, and it has a
year. The left panel counts commitments per decade and sector (the row's `sector`, else its
class); the right one sums the amounts stated in US dollars. Amounts in other currencies are
not converted, and a disputed amount is not summed (the sources disagree on it) — both are
listed on standard output instead, so nothing is silently dropped or resolved.

    python scripts/analysis/commitments_by_decade.py dist/releases/1.0.0/projects.csv \\
        -o commitments.png
"""

from __future__ import annotations

import argparse
import csv
from collections import defaultdict
from pathlib import Path

SEP = " | "
PARTNERS = {"https://w3id.org/prkg/id/soviet-union", "https://w3id.org/prkg/id/russia"}


def commitments(path: Path) -> list[dict[str, str]]:
    """The rows of projects.csv the Soviet Union or Russia financed or took part in."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    out = []
    for row in rows:
        who = set(row["financier_iri"].split(SEP)) | set(row["partners_iri"].split(SEP))
        if who & PARTNERS and row["year"]:
            out.append(row)
    return out


def decade(row: dict[str, str]) -> str:
    """The decade of the row's year; a disputed year gives every decade it could be in."""
    years = sorted({int(y) // 10 * 10 for y in row["year"].split(SEP)})
    return " or ".join(f"{y}s" for y in years)


def sector(row: dict[str, str]) -> str:
    return (row["sector"] or row["type"]).split(SEP)[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("projects", type=Path, help="projects.csv of a release or /export/")
    parser.add_argument("-o", "--output", type=Path, default=Path("commitments-by-decade.png"))
    args = parser.parse_args(argv)

    import matplotlib

    matplotlib.use("Agg")  # files only: no display needed
    import matplotlib.pyplot as plt

    rows = commitments(args.projects)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    usd: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for row in rows:
        d, s = decade(row), sector(row)
        counts[d][s] += 1
        amounts, currencies = row["amount"].split(SEP), row["currency"].split(SEP)
        if not row["amount"]:
            continue
        if "amount" in row["disputed"].split(SEP) or "year" in row["disputed"].split(SEP):
            print(f"not summed (sources disagree): {row['label']}: {row['disputed_values']}")
        elif len(set(currencies)) == 1 and currencies[0] == "USD" and len(amounts) == 1:
            usd[d][s] += float(amounts[0]) / 1e6
        else:
            print(f"not summed (not a single USD amount): {row['label']}: "
                  f"{row['amount']} {row['currency']}")  # fmt: skip
    decades = sorted(counts)
    sectors = sorted({s for d in counts.values() for s in d})
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 5))
    for axis, data, title in ((left, counts, "Commitments (number)"),
                              (right, usd, "Stated amounts, million USD")):  # fmt: skip
        bottom = [0.0] * len(decades)
        for s in sectors:
            heights = [float(data[d].get(s, 0)) for d in decades]
            axis.bar(decades, heights, bottom=bottom, label=s)
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        axis.set_title(title)
        axis.set_xlabel("decade")
        axis.tick_params(axis="x", labelrotation=45)
    left.yaxis.get_major_locator().set_params(integer=True)
    left.legend(fontsize="small", title="sector")
    fig.suptitle(f"Soviet and Russian commitments to Pakistan ({args.projects})")
    fig.tight_layout()
    fig.savefig(args.output, dpi=120, metadata={"Software": None})
    for d in decades:
        print(f"{d}: " + ", ".join(f"{s} {n}" for s, n in sorted(counts[d].items())))
    print(f"Wrote {args.output} ({len(rows)} commitments)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
