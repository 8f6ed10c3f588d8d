"""`prkg draft accept`: the reviewed entries of a draft into data/, checked first.

Only what a curator kept and completed may enter: an entry still marked `review: true`
refuses the whole file, as does any error the build's loader and reference checks find with
the new entries among the old. The checks run on a scratch copy of data/, and the new file
is written to data/ only when they pass, so an error leaves data/ as it was.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml

from kg.data.assemble import assemble
from kg.data.loader import read_data
from kg.data.namespaces import Namespaces
from kg.data.ontology import OntologyInfo
from kg.draft.review import write_atomically

# Keys of the review file that explain a suggestion and are not part of the data format.
DRAFT_ONLY = {"review", "why", "date", "subject_class"}
ACCEPTED_HEADER = """\
# Accepted with `prkg draft accept` from {review} on {today}: reviewed entries only.
"""


class DraftAcceptError(Exception):
    """The review file cannot be accepted; the message lists every problem, with lines."""


def _lines(text: str) -> dict[tuple[str, int], int]:
    """The 1-based line of each entry of `sources`, `entities`, `claims` and `labels`."""
    found: dict[tuple[str, int], int] = {}
    node = yaml.compose(text)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(value, yaml.SequenceNode):
                for number, item in enumerate(value.value):
                    found[(key.value, number)] = item.start_mark.line + 1
    return found


def read_review(review: Path) -> tuple[dict[str, Any], dict[tuple[str, int], int]]:
    try:
        text = review.read_text(encoding="utf-8")
        doc = yaml.safe_load(text)
        lines = _lines(text)
    except OSError as exc:
        raise DraftAcceptError(f"{review}: cannot read the review file ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise DraftAcceptError(f"{review}: not UTF-8 text ({exc.reason})") from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise DraftAcceptError(f"{review}:{line}: not valid YAML: {exc.problem}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("sources"), list):
        raise DraftAcceptError(f"{review}:1: not a draft review file (no 'sources' list)")
    return doc, lines


def _target_name(source: dict[str, Any]) -> str:
    publisher = re.sub(r"[^a-z0-9]+", "-", str(source.get("publisher") or "").casefold())
    return f"{source.get('id')}-{publisher.strip('-')[:30] or 'draft'}.yaml".replace("--", "-")


def accepted_entries(review: Path) -> tuple[dict[str, Any], str]:
    """The entries to add (draft-only keys removed) and the source id; refuses unreviewed."""
    doc, lines = read_review(review)
    problems = []
    kept: dict[str, list[dict[str, Any]]] = {}
    for section in ("sources", "entities", "claims", "labels"):
        entries = doc.get(section) or []
        if not isinstance(entries, list):
            problems.append(f"{review}:1: '{section}' must be a list")
            continue
        for number, entry in enumerate(entries):
            line = lines.get((section, number), 1)
            if not isinstance(entry, dict):
                problems.append(f"{review}:{line}: each entry of '{section}' must be a mapping")
                continue
            if entry.get("review") is not False and "review" in entry:
                problems.append(
                    f"{review}:{line}: {section[:-1]} still marked `review: true`: "
                    "complete it and delete the mark, or delete the entry"
                )
                continue
            if section == "claims" and not str(entry.get("note") or "").strip():
                problems.append(f"{review}:{line}: claim without a note: write one in your words")
            if section == "claims" and entry.get("subject") in (None, ""):
                problems.append(f"{review}:{line}: claim without a subject")
            kept.setdefault(section, []).append(
                {k: v for k, v in entry.items() if k not in DRAFT_ONLY}
            )
    sources = kept.get("sources", [])
    if len(sources) != 1:
        problems.append(f"{review}:1: keep exactly one source record (found {len(sources)})")
    if problems:
        raise DraftAcceptError(
            f"{review}: {len(problems)} problem(s); nothing was added:\n  " + "\n  ".join(problems)
        )
    return kept, str(sources[0].get("id"))


def accept_draft(
    review: Path, data_dir: Path, ontology_dir: Path, *, today: dt.date | None = None
) -> Path:
    """Check the reviewed entries with data/ and, if all is well, write them into data/claims/.

    Returns the file written. Raises DraftAcceptError (nothing written) on any problem.
    """
    kept, sid = accepted_entries(review)
    day = (today or dt.date.today()).isoformat()
    body: dict[str, Any] = {"recorded": day, "source": sid, **kept}
    target = data_dir / "claims" / _target_name(kept["sources"][0])
    if target.exists():
        raise DraftAcceptError(f"{review}: {target} exists already; nothing was added")
    text = ACCEPTED_HEADER.format(review=review.name, today=day) + yaml.safe_dump(
        body, allow_unicode=True, sort_keys=False, width=100
    )
    with tempfile.TemporaryDirectory(prefix="prkg-accept-") as scratch:
        copy = Path(scratch) / data_dir.resolve().name
        shutil.copytree(data_dir, copy)
        (copy / "claims").mkdir(exist_ok=True)
        (copy / "claims" / target.name).write_text(text, encoding="utf-8")
        data, errors = read_data(copy)
        if not errors:
            errors = assemble(data, OntologyInfo.load(ontology_dir), Namespaces()).errors
        if errors:
            listing = "\n  ".join(str(e) for e in sorted(set(errors)))
            raise DraftAcceptError(
                f"{review}: the reference checks failed; nothing was added:\n  {listing}"
            )
    write_atomically(target, text)
    return target
