"""The benchmark's report: the results as JSON, a Markdown table with the targets, and a
chart of latency and throughput per scale (matplotlib, written as PNG).

`python bench/run.py --rewrite RESULTS.json` renders the .md and .png again from a JSON.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path


def write_report(results: dict, out: Path, stem: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{stem}.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    (out / f"{stem}.md").write_text(markdown(results, stem), encoding="utf-8")
    chart(results, out / f"{stem}.png")


def markdown(results: dict, stem: str) -> str:
    lines = [f"# prkg benchmark {stem}", "", f"Machine: {results['machine']}", ""]
    lines.append(
        "Query mix: " + ", ".join(f"`{q['name']}` ({q['kind']})" for q in results["queries"])
    )
    for entry in results["scales"]:
        b = entry["build"]
        lines += [
            "",
            f"## {entry['scale']}: {entry['quads']:,} quads, {entry['claims']:,} claims",
            "",
            f"`prkg build`: {b['seconds']} s ({b['triples_per_s']:,} triples/s overall); "
            f"bulk load into pyoxigraph {b['bulk_load_triples_per_s']:,} triples/s.",
            "",
            "Build stages (s): " + ", ".join(f"{k} {v}" for k, v in b["stages"].items()),
            "",
        ]
        servers = [s for s in entry["servers"] if "skipped" not in entry["servers"][s]]
        lines.append("| | " + " | ".join(servers) + " |")
        lines.append("|---|" + "---|" * len(servers))

        def row(
            label: str,
            cell: Callable[[dict], str],
            entry: dict = entry,
            servers: list[str] = servers,
            lines: list[str] = lines,
        ) -> None:
            lines.append(
                f"| {label} | " + " | ".join(cell(entry["servers"][s]) for s in servers) + " |"
            )

        row("load / start (s)", lambda r: f"{r['load_seconds']}")
        row("peak RSS (MiB)", lambda r: f"{r['peak_rss_mib']}")
        for c in results["clients"]:
            row(
                f"throughput, {c} client(s) (q/s)",
                lambda r, c=c: f"{r['throughput'].get(str(c), 0)}",
            )
        lines += ["", "Latency p50 / p95 (ms):", ""]
        lines.append("| query | kind | " + " | ".join(servers) + " |")
        lines.append("|---|---|" + "---|" * len(servers))
        for q in results["queries"]:
            cells = []
            for s in servers:
                lat = entry["servers"][s]["latency"].get(q["name"])
                err = entry["servers"][s]["errors"].get(q["name"])
                cells.append(f"{lat['p50_ms']} / {lat['p95_ms']}" if lat else f"error: {err}")
            lines.append(f"| {q['name']} | {q['kind']} | " + " | ".join(cells) + " |")
        lines += ["", *target_lines(entry.get("targets", {}))]
        skipped = {s: r["skipped"] for s, r in entry["servers"].items() if "skipped" in r}
        if skipped:
            lines += ["", "Not run: " + "; ".join(f"{s}: {why}" for s, why in skipped.items())]
        if entry["size_mismatches"]:
            lines += [
                "",
                "Result sizes that differ between servers: " + json.dumps(entry["size_mismatches"]),
                "",
                "(prkg and rdflib-endpoint see each triple of the default graph once; the Oxigraph "
                "server's `--union-default-graph` and Virtuoso repeat a triple once per named "
                "graph that holds it, so queries without DISTINCT return more rows there.)",
            ]
        else:
            lines += ["", "Every server returned the same number of results for every query."]
    return "\n".join(lines) + "\n"


def target_lines(t: dict) -> list[str]:
    """The issue's targets, with this run's figures."""
    if not t:
        return []
    lines = ["Against the targets of issue 7 (they are set at 1M; RSS at 5M):", ""]
    tp = t.get("throughput_vs_rdflib")
    if tp:
        lines.append(
            "- throughput, prkg / rdflib-endpoint (target ≥ 20×): "
            + ", ".join(f"{c} client(s) {r}×" for c, r in tp.items())
        )
    for kind, goal in (("lookup", "1.5"), ("analytic", "1.1")):
        lat = t.get(f"{kind}_latency_vs_oxigraph")
        if lat:
            lines.append(
                f"- {kind} latency p50, prkg / Oxigraph server (target ≤ {goal}×): "
                f"median {lat['median']}×, worst {lat['worst']}×"
            )
    lines.append(
        f"- `prkg build` {t['build_seconds']} s (target ≤ 120 s at 1M); bulk load "
        f"{t['bulk_load_triples_per_s']:,} triples/s (target > 100,000); "
        f"server peak RSS {t['prkg_peak_rss_mib']} MiB (target ≤ 1,024 at 5M)"
    )
    lines += [
        "",
        "Why the missed targets are missed, what was profiled and what would reach them: "
        "README.md, section *Benchmark*.",
    ]
    return lines


def chart(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    entries = results["scales"]
    fig, axes = plt.subplots(len(entries), 2, figsize=(14, 4.5 * len(entries)), squeeze=False)
    for row, entry in enumerate(entries):
        servers = [s for s in entry["servers"] if "skipped" not in entry["servers"][s]]
        names = [q["name"][:2] for q in results["queries"]]
        ax = axes[row][0]
        width = 0.8 / max(1, len(servers))
        for i, s in enumerate(servers):
            lat = entry["servers"][s]["latency"]
            values = [lat.get(q["name"], {}).get("p50_ms", 0) for q in results["queries"]]
            ax.bar([x + i * width for x in range(len(names))], values, width, label=s)
        ax.set_yscale("log")
        ax.set_xticks([x + 0.4 - width / 2 for x in range(len(names))], names)
        ax.set_ylabel("p50 latency (ms, log)")
        ax.set_title(f"{entry['scale']} ({entry['quads']:,} quads): latency per query")
        ax.legend()
        ax = axes[row][1]
        for s in servers:
            tp = entry["servers"][s]["throughput"]
            ax.plot(
                results["clients"],
                [tp.get(str(c), 0) for c in results["clients"]],
                marker="o",
                label=s,
            )
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xticks(results["clients"], [str(c) for c in results["clients"]])
        ax.set_xlabel("concurrent clients")
        ax.set_ylabel("queries/s (mix, log)")
        ax.set_title(f"{entry['scale']}: throughput")
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=90)
