"""`prkg draft` and `prkg draft accept`: the command-line side of kg/draft.

Kept apart from api/cli.py so that the curation tools' options and messages stay together.
Every refusal is one line on stderr naming the file and the problem, with exit code 2; the
review file and data/ are written only when everything succeeded.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

DEFAULT_ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
USAGE = (
    "prkg draft TEXTFILE --url URL [--lang xx] [-o FILE] [--data DIR]\n"
    "       prkg draft accept REVIEWFILE [--data DIR]"
)


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "draft",
        help="draft a review file from a document; `draft accept FILE` adds the reviewed entries",
        usage=USAGE,
    )
    p.add_argument("file", type=Path, help="the document (text or HTML), or the word accept")
    p.add_argument("review", type=Path, nargs="?", help="with accept: the reviewed file")
    p.add_argument("--url", help="the document's address (its host gives the publisher)")
    p.add_argument("--lang", help="the document's language (en, ur, ru); detected if not given")
    p.add_argument("-o", "--output", type=Path, help="the review file (default: FILE.review.yaml)")
    p.add_argument("--data", type=Path, default=Path("data"))
    p.add_argument("--ontology", type=Path, default=DEFAULT_ONTOLOGY_DIR, help=argparse.SUPPRESS)


def _fail(message: str) -> int:
    print(f"prkg draft: {message}", file=sys.stderr)
    return 2


def cmd_draft(args: argparse.Namespace) -> int:
    from kg.draft.accept import DraftAcceptError, accept_draft
    from kg.draft.document import DraftInputError

    if str(args.file) == "accept":
        if args.review is None:
            return _fail("accept needs the review file: prkg draft accept REVIEWFILE")
        try:
            target = accept_draft(args.review, args.data, args.ontology)
        except DraftAcceptError as exc:
            print(f"prkg draft: {exc}", file=sys.stderr)
            return 2
        print(f"Added the reviewed entries of {args.review} to {target}; now run `prkg build`.",
              file=sys.stderr)  # fmt: skip
        return 0
    if args.review is not None:
        return _fail(f"unexpected argument {args.review} (usage: {USAGE.splitlines()[0]})")
    if not args.url:
        return _fail(f"{args.file}: give the document's address with --url")
    out: Path = args.output or Path(f"{args.file.name}.review.yaml")
    if _inside(out, args.data):
        return _fail(f"{out}: the review file must be outside {args.data}/ until accepted")
    if not args.file.is_file():
        return _fail(f"{args.file}: no such file")
    from kg.draft.draft import Drafter
    from kg.draft.review import write_review

    try:
        draft = Drafter(args.data, args.ontology).draft(args.file, args.url, args.lang)
    except DraftInputError as exc:
        return _fail(str(exc))
    write_review(draft, out)
    found = sum(len(p["mentions"]) for p in draft.paragraphs)
    print(
        f"Wrote {out}: {len(draft.paragraphs)} paragraphs, {found} mentions of known entities, "
        f"{len(draft.new_entities)} new names, {len(draft.claims)} candidate claims; "
        f"review it, then run `prkg draft accept {out}`.",
        file=sys.stderr,
    )
    return 0


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True
