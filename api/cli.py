"""The `prkg` command: build, check, query, serve, stats, viz, link, export, release, diff,
draft.

It lives in the outermost package because `serve` starts the web app; everything it does
is a thin call into kg/, viz/ or api/.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from api.draft_cli import add_parser as add_draft_parser
from api.draft_cli import cmd_draft
from kg.build import BuildError, build
from kg.check.reason import ReasoningError
from kg.data.namespaces import DEFAULT_NAMESPACE
from kg.data.ontology import OntologyError
from kg.data.records import DataValidationError
from kg.store import EmbeddedStore, QuerySyntaxError, Store, StoreError
from kg.store.layout import StoreLayout
from kg.store.remote import RemoteStore
from kg.store.sparqltext import query_form

FORMATS = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
    "trig": "application/trig",
    "nquads": "application/n-quads",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="prkg", description="Pakistan–Russia Knowledge Graph: build, query and serve."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def store_args(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--store",
            type=Path,
            default=Path(os.environ.get("PRKG_STORE", "store")),
            help="store directory (default: ./store or $PRKG_STORE)",
        )
        p.add_argument(
            "--store-url",
            default=os.environ.get("PRKG_STORE_URL"),
            help="a SPARQL 1.1 server's query endpoint, instead of the embedded store",
        )
        p.add_argument("--namespace", default=os.environ.get("PRKG_NAMESPACE", DEFAULT_NAMESPACE))

    p = sub.add_parser("build", help="validate data/, reason, and write the store and dumps")
    store_args(p)
    p.add_argument("--data", type=Path, default=Path("data"))
    p.add_argument("--dist", type=Path, default=Path("dist"), help="where to copy the dumps")
    p.add_argument("--no-reason", action="store_true", help="skip the OWL reasoner")

    p = sub.add_parser(
        "check",
        help="curation checks: possible duplicate entities and documents, long quotes",
        description="Exit code 0: no findings; 1: findings to review; 2: bad input.",
    )
    p.add_argument("--data", type=Path, default=Path("data"))
    p.add_argument("--format", choices=["text", "json"], default="text")

    p = sub.add_parser("query", help="run a SPARQL query against the store")
    store_args(p)
    p.add_argument("sparql", help="the query text, or @FILE to read it from a file")
    p.add_argument("--format", choices=["table", *FORMATS], default="table")

    p = sub.add_parser("serve", help="serve the SPARQL endpoint and pages (builds first if needed)")
    store_args(p)
    p.add_argument("--data", type=Path, default=Path("data"))
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--dist", type=Path, help="where the releases are (default: dist or $PRKG_DIST)")

    p = sub.add_parser("stats", help="coverage figures of the built graph (Markdown)")
    store_args(p)
    p.add_argument("--data", type=Path, default=Path("data"), help="for the collection log")
    p.add_argument(
        "--update-readme",
        type=Path,
        metavar="FILE",
        help="rewrite the coverage block of FILE (between its coverage markers)",
    )

    p = sub.add_parser("viz", help="write a standalone HTML graph view of one entity")
    store_args(p)
    p.add_argument("slug")
    p.add_argument("--depth", type=int, default=2, choices=[1, 2, 3])
    p.add_argument("-o", "--output", type=Path, required=True)

    p = sub.add_parser("link", help="propose and accept links to Wikidata")
    link = p.add_subparsers(dest="link_command", required=True)
    s = link.add_parser("suggest", help="propose Wikidata candidates from a downloaded extract")
    store_args(s)
    s.add_argument("--wikidata", type=Path, required=True, help="N-Triples or JSON-lines extract")
    s.add_argument("-o", "--output", type=Path, default=Path("link-review.yaml"))
    a = link.add_parser("accept", help="add the accepted candidates of a review file to data/")
    a.add_argument("review", type=Path)
    a.add_argument("--data", type=Path, default=Path("data"))

    p = sub.add_parser("export", help="CSV tables: entities, claims, projects, agreements, …")
    store_args(p)
    p.add_argument("-o", "--output", type=Path, default=Path("dist"))

    p = sub.add_parser("release", help="write a citable release to DIST/releases/VERSION/")
    p.add_argument("version", help="the release's version, e.g. 1.0.0")
    p.add_argument("--store", type=Path, default=Path(os.environ.get("PRKG_STORE", "store")))
    p.add_argument("--dist", type=Path, default=Path(os.environ.get("PRKG_DIST", "dist")))
    p.add_argument("--date", help="release date YYYY-MM-DD (default: the data's latest)")
    p.add_argument("--namespace", default=os.environ.get("PRKG_NAMESPACE", DEFAULT_NAMESPACE))

    p = sub.add_parser("diff", help="what changed between two builds or releases (Markdown)")
    p.add_argument("old", type=Path, help="a release, store or build directory, or dataset.nq")
    p.add_argument("new", type=Path, help="the same, for the newer side")
    p.add_argument("--format", choices=["markdown", "turtle"], default="markdown")
    p.add_argument("--namespace", default=os.environ.get("PRKG_NAMESPACE", DEFAULT_NAMESPACE))

    add_draft_parser(sub)
    return parser


def open_store(args: argparse.Namespace) -> Store:
    if args.store_url:
        return _remote(args)
    layout = StoreLayout(args.store)
    if layout.current_build() is None:
        raise StoreError(f"No built store in {args.store}: run `prkg build --store {args.store}`.")
    return EmbeddedStore(layout.oxigraph_dir(), read_only=True)


def cmd_build(args: argparse.Namespace) -> int:
    build(
        args.data,
        args.store,
        namespace=args.namespace,
        dist_dir=args.dist,
        reason_owl=not args.no_reason,
    )
    if args.store_url:
        layout = StoreLayout(args.store)
        _remote(args).replace_dataset(layout.dumps_dir() / "dataset.nq")
        print(f"Loaded the dataset into {args.store_url}", file=sys.stderr)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from kg.check.curation import run_check

    report = run_check(args.data)
    output = report.json() if args.format == "json" else report.text()
    if output:
        print(output)
    print(report.summary(), file=sys.stderr)
    return report.exit_code


def _remote(args: argparse.Namespace) -> RemoteStore:
    """The remote store as the settings (PRKG_STORE_* variables) describe it."""
    from api.backend import open_configured_store
    from api.settings import Settings

    store = open_configured_store(
        Settings.from_env(store_url=args.store_url, namespace=args.namespace)
    )
    assert isinstance(store, RemoteStore)
    return store


def cmd_query(args: argparse.Namespace) -> int:
    text = args.sparql
    if text.startswith("@"):
        text = Path(text[1:]).read_text(encoding="utf-8")
    store = open_store(args)
    kind = query_form(text)
    if args.format == "table":
        if kind == "select":
            print_table(store.select(text))
            return 0
        fmt = "turtle" if kind == "graph" else "json"
    else:
        fmt = args.format
    media = FORMATS[fmt]
    result = store.query(text, media)
    sys.stdout.buffer.write(result.body)
    if not result.body.endswith(b"\n"):
        sys.stdout.buffer.write(b"\n")
    return 0


def print_table(rows: list[dict]) -> None:
    if not rows:
        print("(no rows)")
        return
    names = list(dict.fromkeys(k for row in rows for k in row))
    cells = [[str(row.get(n, "")) for n in names] for row in rows]
    widths = [min(60, max(len(n), *(len(c[i]) for c in cells))) for i, n in enumerate(names)]
    print(" | ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for c in cells:
        print(" | ".join(v[:w].ljust(w) for v, w in zip(c, widths, strict=True)))
    print(f"({len(rows)} rows)")


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app
    from api.backend import open_configured_store
    from api.settings import Settings

    if not args.store_url and StoreLayout(args.store).current_build() is None:
        print(f"No store in {args.store} yet: building it from {args.data} first.", file=sys.stderr)
        build(args.data, args.store, namespace=args.namespace)
    settings = Settings.from_env(
        store_dir=args.store,
        store_url=args.store_url,
        namespace=args.namespace,
        data_dir=args.data,
        dist_dir=args.dist,
    )
    # Opened here, not in the app's start-up, so a missing or damaged store is a one-line
    # error from `prkg serve` rather than a server that fails on its first request.
    store = open_configured_store(settings)
    app = create_app(settings, store=store)
    print(f"Serving prkg at http://{args.host}:{args.port}/", file=sys.stderr)
    try:
        uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    finally:
        store.close()
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from kg.report.coverage import coverage_markdown, replace_block

    figures = coverage_markdown(open_store(args), args.namespace, args.data)
    if args.update_readme:
        path: Path = args.update_readme
        path.write_text(replace_block(path.read_text(encoding="utf-8"), figures), encoding="utf-8")
        print(f"Updated the coverage figures in {path}", file=sys.stderr)
    else:
        print(figures)
    return 0


def cmd_viz(args: argparse.Namespace) -> int:
    from api.settings import Settings
    from kg.data.namespaces import Namespaces
    from viz.export import ExportError, write_view

    try:
        write_view(
            open_store(args),
            Namespaces(args.namespace),
            args.slug,
            args.depth,
            args.output,
            max_nodes=Settings.from_env().max_graph_nodes,
        )
    except ExportError as exc:
        print(f"prkg: {exc}", file=sys.stderr)
        return 2
    print(f"Wrote {args.output}", file=sys.stderr)
    return 0


def cmd_link(args: argparse.Namespace) -> int:
    from kg.data.namespaces import Namespaces
    from kg.link.extract import LinkingError
    from kg.link.review import accept_review, suggest_to_review

    try:
        if args.link_command == "suggest":
            candidates = suggest_to_review(
                open_store(args), args.wikidata, args.output, Namespaces(args.namespace)
            )
            print(
                f"Wrote {len(candidates)} candidate(s) to {args.output}; "
                "set accept: true on the ones to keep, then run `prkg link accept`.",
                file=sys.stderr,
            )
        else:
            result = accept_review(args.review, args.data)
            print(
                f"Added {result.added} accepted link(s) to {result.path} "
                f"({result.already_present} already present).",
                file=sys.stderr,
            )
    except LinkingError as exc:
        print(f"prkg: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from kg.data.namespaces import Namespaces
    from kg.release.tables import TABLES, one_table
    from kg.report.export import write_exports

    store, ns = open_store(args), Namespaces(args.namespace)
    paths = write_exports(store, args.output, ns)
    for table in TABLES:  # the analysis tables of a release (kg/release/tables.py)
        path = args.output / f"{table.name}.csv"
        path.write_text(one_table(store, ns, table.name) or "", encoding="utf-8")
        paths.append(path)
    for path in paths:
        print(f"Wrote {path}", file=sys.stderr)
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    from kg.data.namespaces import Namespaces
    from kg.release.package import ReleaseError, make_release

    try:
        release = make_release(
            args.store,
            args.dist,
            args.version,
            date=args.date,
            namespaces=Namespaces(args.namespace),
        )
    except ReleaseError as exc:
        print(f"prkg: no release written: {exc}", file=sys.stderr)
        return 2
    after = f" (after {release.previous})" if release.previous else " (the first)"
    print(f"Wrote release {release.version} of {release.date}{after} to {release.path}",
          file=sys.stderr)  # fmt: skip
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from kg.data.namespaces import Namespaces
    from kg.release.changelog import markdown, turtle
    from kg.release.changes import DiffError, diff_paths

    try:
        changes, new = diff_paths(args.old, args.new, Namespaces(args.namespace))
    except DiffError as exc:
        print(f"prkg: {exc}", file=sys.stderr)
        return 2
    if args.format == "turtle":
        print(turtle(changes, "urn:prkg:diff", None, "urn:prkg:new", "1970-01-01"), end="")
    else:
        print(markdown(changes, str(args.old), str(args.new), new), end="")
    return 0


COMMANDS = {
    "build": cmd_build,
    "check": cmd_check,
    "query": cmd_query,
    "serve": cmd_serve,
    "stats": cmd_stats,
    "viz": cmd_viz,
    "link": cmd_link,
    "export": cmd_export,
    "release": cmd_release,
    "diff": cmd_diff,
    "draft": cmd_draft,
}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except DataValidationError as exc:
        print(f"prkg: the data has errors; nothing was changed.\n{exc}", file=sys.stderr)
        return 1
    except (BuildError, ReasoningError, OntologyError) as exc:
        print(f"prkg: build stopped; nothing was changed.\n{exc}", file=sys.stderr)
        return 1
    except QuerySyntaxError as exc:
        print(f"prkg: the query does not parse: {exc}", file=sys.stderr)
        return 2
    except StoreError as exc:
        print(f"prkg: {exc}", file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"prkg: file not found: {exc.filename}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
