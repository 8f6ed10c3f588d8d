"""The review file of `prkg draft`: the data format of data/, every entry `review: true`.

The curator reads it top to bottom: the source record, candidate new entities, candidate
claims, then the paragraphs with what was found in each (mentions with the spelling used,
dates with how they were resolved, amounts). Keys that only explain a suggestion (`why`,
`date`, `subject_class`, `name`, `locator` of an entity) are dropped by `prkg draft accept`.
The file is written whole to a temporary name and renamed, so no half-file is left behind.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml

from kg.data.textmatch import romanise
from kg.draft.draft import Draft

HEADER = """\
# Draft of a document for prkg, made by `prkg draft`. NOTHING HERE IS IN THE GRAPH.
# Review each entry: keep it (correct it, complete it, write its note in your own words and
# delete its `review: true`) or delete it. Candidate claims with `subject: null` need an
# event entity: create it under `entities:` and put its slug. `paragraphs:` is for reading
# only. Then run `prkg draft accept {name}`; it refuses the file while any entry still has
# `review: true`, and it adds nothing until every reference checks.
"""


def suggest_slug(name: str) -> str:
    """A kebab-case slug from a name, spelled in Latin letters."""
    return re.sub(r"[^a-z0-9]+", "-", romanise(name)).strip("-") or "new-entity"


def _mention(m: Any) -> dict[str, Any]:
    if not m.slug:
        return {"entity": None, "candidates": m.candidates, "as_spelled": m.as_spelled}
    entry = {"entity": m.slug, "class": m.cls, "as_spelled": m.as_spelled}
    if m.how != "matched":
        entry["how"] = m.how
    return entry


def _date(d: Any) -> dict[str, Any]:
    return {"text": d.text, "value": d.value, "kind": d.kind, "note": d.note}


def review_document(draft: Draft, review_name: str) -> str:
    """The review file's text."""
    sid = draft.source["id"]
    entities = []
    for new in draft.new_entities:
        label_lang = "en" if draft.doc.language == "en" else draft.doc.language
        entities.append(
            {
                "slug": suggest_slug(new["name"]),
                "class": new["class"],
                "label": {label_lang: new["name"]},
                "sources": [sid],
                "review": True,
                "why": f"a name no entity carries ({new['locator']}); class: {new['why']}",
            }
        )
    claims = []
    for c in draft.claims:
        entry: dict[str, Any] = {
            "subject": c.subject,
            "predicate": c.predicate,
            "object": c.object,
            "locator": c.locator,
            "quote": c.quote,
            "note": None,
        }
        if c.subject_class:
            entry["subject_class"] = c.subject_class
        if c.date is not None:
            entry["date"] = {"value": c.date.value, "note": c.date.note}
        entry["review"] = True
        entry["why"] = c.why
        claims.append(entry)
    paragraphs = [
        {
            "locator": p["locator"],
            "text": p["text"],
            "mentions": [_mention(m) for m in p["mentions"]],
            "dates": [_date(d) for d in p["dates"]],
            "amounts": [{"text": a.text, "value": a.value, "note": a.note} for a in p["amounts"]],
        }
        for p in draft.paragraphs
    ]
    doc = {
        "draft": {
            "file": str(draft.doc.path),
            "url": draft.doc.url,
            "language": draft.doc.language,
            "date_rule": draft.date.rule,
            "generated": dt.date.today().isoformat(),
            "notes": draft.doc.notes,
        },
        "source": sid,
        "sources": [draft.source],
        "entities": entities,
        "claims": claims,
        "paragraphs": paragraphs,
    }
    body = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)
    return HEADER.format(name=review_name) + body


def write_atomically(path: Path, text: str) -> None:
    """Write a file whole or not at all (temporary file in the same folder, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_review(draft: Draft, out: Path) -> Path:
    write_atomically(out, review_document(draft, out.name))
    return out
